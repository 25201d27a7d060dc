"""Typed errors of the data layer. Every message names the entity and the key concerned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class DataError(Exception):
    """Base of every error raised by the data layer."""


class ValidationError(DataError, ValueError):
    """The request was refused before it was sent (bad value, bad key, limits)."""


class InvalidCursorError(ValidationError):
    """A pagination cursor was malformed, tampered with, or belongs to another query."""


class ServiceError(DataError):
    """DynamoDB refused the request; ``code`` is its error type (e.g. ValidationException)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.service_message = message


class EngineUnavailableError(DataError):
    """The DynamoDB endpoint could not be reached (after bounded retries)."""


class ThrottledError(DataError):
    """DynamoDB kept throttling the request after bounded retries with backoff."""


def describe_key(entity: str, key: Mapping[str, Any]) -> str:
    fields = ", ".join(f"{k}={v!r}" for k, v in key.items())
    return f"{entity}({fields})"


class ConditionFailedError(DataError):
    """A write's condition did not hold; nothing was written.

    ``item`` is the item as it stood when the condition failed (None when there was none).
    """

    def __init__(
        self, entity: str, key: Mapping[str, Any], item: Any | None, reason: str = ""
    ) -> None:
        where = describe_key(entity, key)
        super().__init__(f"condition failed on {where}" + (f": {reason}" if reason else ""))
        self.entity = entity
        self.key = dict(key)
        self.item = item


class ItemNotFoundError(ConditionFailedError):
    """The write required the item to exist, and it did not; nothing was written."""

    def __init__(self, entity: str, key: Mapping[str, Any]) -> None:
        super().__init__(entity, key, None, "no such item")


class AlreadyExistsError(ConditionFailedError):
    """A create found an item at its key already; nothing was written."""

    def __init__(self, entity: str, key: Mapping[str, Any], item: Any | None) -> None:
        super().__init__(entity, key, item, "already exists")


@dataclass(frozen=True)
class CancellationReason:
    """Why one operation of a cancelled transaction failed, mapped to what the caller added."""

    index: int
    label: str
    operation: str  # Put | Update | Delete | ConditionCheck
    entity: str
    key: Mapping[str, Any]
    code: str  # ConditionalCheckFailed | TransactionConflict | ValidationError | …
    message: str
    item: Any | None = None

    def __str__(self) -> str:
        text = f"#{self.index} {self.label}: {self.code}"
        return text + (f" ({self.message})" if self.message else "")


class TransactionCancelledError(DataError):
    """DynamoDB cancelled the transaction; nothing was written.

    ``reasons`` holds one entry per operation that failed (operations that did not fail are
    left out); ``all_reasons`` is aligned with the operations in the order they were added.
    """

    def __init__(
        self,
        reasons: Sequence[CancellationReason],
        all_reasons: Sequence[CancellationReason | None],
    ) -> None:
        self.reasons = list(reasons)
        self.all_reasons = list(all_reasons)
        detail = "; ".join(str(r) for r in self.reasons) or "no reason given"
        super().__init__(f"transaction cancelled: {detail}")

    def failed(self, label: str) -> CancellationReason | None:
        """The reason of the operation added with ``label``, if that operation failed."""
        return next((r for r in self.reasons if r.label == label), None)

    @property
    def conflict(self) -> bool:
        """True when the only failures were conflicts with other transactions (retryable)."""
        return bool(self.reasons) and all(r.code == "TransactionConflict" for r in self.reasons)


class BatchIncompleteError(DataError):
    """Some keys or writes stayed unprocessed after bounded retries.

    Nothing already fetched or written is lost: ``partial`` carries what succeeded and
    ``unprocessed`` what did not.
    """

    def __init__(self, message: str, partial: Any, unprocessed: Sequence[Any]) -> None:
        super().__init__(message)
        self.partial = partial
        self.unprocessed = list(unprocessed)

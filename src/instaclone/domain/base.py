"""What every part of the service shares: the table, its entities, input checks, and the
translation of cancelled transactions into domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from instaclone.data import (
    CancellationReason,
    EntityAccess,
    Table,
    TransactionCancelledError,
    TransactWrite,
    Update,
    attr,
)
from instaclone.domain.errors import ContentionError, DomainError, InvalidInputError
from instaclone.domain.feed.policy import FeedPolicy
from instaclone.domain.models import (
    Account,
    Comment,
    FeedItem,
    Follow,
    Like,
    Photo,
    Session,
    Story,
    StoryView,
    TrayEntry,
    User,
)
from instaclone.domain.text import mentions, plain_text
from instaclone.domain.usernames import normalize_username

MAX_TEXT = 2200  # Instagram's caption and comment limit
MAX_LIMIT = 100

Explain = Callable[[CancellationReason], DomainError]


class ServiceBase:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.users = table.entity(User)
        self.photos = table.entity(Photo)
        self.stories = table.entity(Story)
        self.likes = table.entity(Like)
        self.comments = table.entity(Comment)
        self.follows = table.entity(Follow)
        self.accounts = table.entity(Account)
        self.sessions = table.entity(Session)
        self.feed_items = table.entity(FeedItem)
        self.tray_entries = table.entity(TrayEntry)
        self.story_views = table.entity(StoryView)
        self.policy = FeedPolicy()

    @staticmethod
    def username(value: str) -> str:
        return normalize_username(value)

    @staticmethod
    def text(value: str | None, what: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise InvalidInputError(f"{what} must be a non-empty string")
        if len(value) > MAX_TEXT:
            raise InvalidInputError(f"{what} is longer than {MAX_TEXT} characters")
        plain_text(value, what, newlines=True)  # as names, bios and messages are
        return value.strip() if required else value

    @staticmethod
    def limit(value: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
            raise InvalidInputError(f"limit must be an integer from 1 to {MAX_LIMIT}")
        return value

    @staticmethod
    def identifier(value: str, what: str) -> str:
        if not isinstance(value, str) or not value or "#" in value or len(value) > 64:
            raise InvalidInputError(f"invalid {what} {value!r}")
        return value

    @staticmethod
    def decrement(entity: EntityAccess[Any], counter: str, **key: Any) -> Update[Any]:
        """Take one from a counter, only if it is at least 1: a counter never goes negative."""
        return entity.update(**key).add(counter, -1).condition(attr(counter) >= 1)

    async def existing_mentions(self, text: str | None, *, besides: str | None = None) -> list[str]:
        """The accounts a text mentions that exist (one BatchGetItem; none without an @)."""
        names = [n for n in mentions(text) if n != besides]
        if not names:
            return []
        found = await self.users.batch_get({"username": n} for n in names).execute()
        return [user.username for user in found.results if user is not None]

    async def users_in_order(self, usernames: list[str]) -> list[User]:
        """Profiles for these usernames, in this order (BatchGetItem has none of its own);
        users who no longer exist are left out."""
        if not usernames:
            return []
        found = await self.users.batch_get({"username": u} for u in usernames).execute()
        return [user for user in found.results if user is not None]

    async def run(self, transaction: TransactWrite, **explain: Explain) -> None:
        """Execute; a failed condition becomes the domain error named for its operation."""
        try:
            await transaction.execute()
        except TransactionCancelledError as cancelled:
            self.explain(cancelled, explain)

    @staticmethod
    def explain(cancelled: TransactionCancelledError, explain: dict[str, Explain]) -> NoReturn:
        for reason in cancelled.reasons:
            make = explain.get(reason.label)
            if make is not None and reason.code == "ConditionalCheckFailed":
                raise make(reason) from cancelled
        if cancelled.conflict:
            raise ContentionError("too many concurrent changes to the same items") from cancelled
        raise cancelled

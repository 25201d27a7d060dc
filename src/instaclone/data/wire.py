"""The wire: signed DynamoDB JSON requests over aiohttp, through aiodynamo's ``send_request``.

aiodynamo was measured here at ~230 µs client CPU per GetItem against ~575 µs for boto3. We
use only its request signing and throttling retries, bounded, and map its errors to ours.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
from aiodynamo.client import Client
from aiodynamo.credentials import Credentials, Key, StaticCredentials
from aiodynamo.errors import (
    AIODynamoError,
    InternalDynamoError,
    NoCredentialsFound,
    ProvisionedThroughputExceeded,
    RequestLimitExceeded,
    ServiceUnavailable,
    Throttled,
    TransactionCanceled,
    UnknownError,
)
from aiodynamo.http.aiohttp import AIOHTTP
from aiodynamo.http.types import HttpImplementation
from aiodynamo.models import RetryConfig, RetryTimeout
from yarl import URL

from instaclone.data.errors import (
    EngineUnavailableError,
    ServiceError,
    ThrottledError,
)


@dataclass(frozen=True)
class BoundedRetry(RetryConfig):
    """At most ``max_attempts`` tries, with exponential backoff and full jitter between them."""

    max_attempts: int = 6
    base_delay_secs: float = 0.025
    max_delay_secs: float = 1.0

    def delays(self) -> Iterable[float]:
        for attempt in range(self.max_attempts - 1):
            yield random.uniform(0, min(self.max_delay_secs, self.base_delay_secs * 2**attempt))

    async def attempts(self) -> AsyncIterable[None]:
        for delay in self.delays():
            yield
            await asyncio.sleep(delay)
        yield
        raise RetryTimeout()


@dataclass(frozen=True)
class Request:
    """A DynamoDB request as it would be sent: the action and its JSON payload."""

    action: str
    payload: dict[str, Any]


def _error_body(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, TransactionCanceled):
        return exc.body
    if exc.args and isinstance(exc.args[0], dict):
        return exc.args[0]
    return {}


class Connection:
    """One DynamoDB endpoint with credentials; cheap to share, one per process."""

    def __init__(
        self,
        *,
        endpoint: str | None,
        region: str,
        credentials: Credentials,
        http: HttpImplementation | None = None,
        retry: RetryConfig | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self._credentials = credentials
        self._http = http
        self._retry = retry or BoundedRetry()
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._client: Client | None = None

    @classmethod
    def with_static_key(
        cls, endpoint: str, access_key: str, secret_key: str, region: str = "us-east-1"
    ) -> Connection:
        return cls(
            endpoint=endpoint,
            region=region,
            credentials=StaticCredentials(Key(access_key, secret_key)),
        )

    def _open(self) -> Client:
        http = self._http
        if http is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                connector=aiohttp.TCPConnector(limit=256, keepalive_timeout=30),
            )
            http = AIOHTTP(self._session)
        self._client = Client(
            http,
            self._credentials,
            self.region,
            endpoint=URL(self.endpoint) if self.endpoint else None,
            throttle_config=self._retry,
        )
        return self._client

    @property
    def client(self) -> Client:
        """The underlying aiodynamo client (for raw ``send_request`` benchmarks)."""
        return self._client or self._open()

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        client = self._client or self._open()
        try:
            return await client.send_request(action=action, payload=payload)
        except (Throttled, ProvisionedThroughputExceeded, RequestLimitExceeded) as exc:
            raise ThrottledError(f"{action} was throttled after bounded retries") from exc
        except (ServiceUnavailable, InternalDynamoError) as exc:
            raise EngineUnavailableError(
                f"DynamoDB at {self.endpoint or self.region} kept failing ({type(exc).__name__})"
            ) from exc
        except NoCredentialsFound as exc:
            raise ServiceError("NoCredentials", "no AWS credentials were found") from exc
        except UnknownError as exc:
            raise ServiceError(
                f"HTTP{exc.status}", exc.body[:500].decode(errors="replace")
            ) from exc
        except AIODynamoError as exc:
            body = _error_body(exc)
            code = str(body.get("__type", type(exc).__name__)).rsplit("#", 1)[-1]
            message = str(body.get("message") or body.get("Message") or "")
            error = ServiceError(code, message)
            error.body = body  # type: ignore[attr-defined]
            raise error from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise EngineUnavailableError(
                f"DynamoDB at {self.endpoint or self.region} is unreachable: {exc}"
            ) from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._client = None

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

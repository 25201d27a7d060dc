"""The wire: signed DynamoDB JSON requests over aiohttp.

aiodynamo was measured here at ~230 µs client CPU per GetItem against ~575 µs for boto3; we
use its pieces (credentials, the aiohttp adapter) and own the small send loop, so that bodies
are encoded and decoded with orjson, retries are bounded, and errors map to ours.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
import orjson
from aiodynamo.client import Client
from aiodynamo.credentials import Credentials, Key, StaticCredentials
from aiodynamo.http.aiohttp import AIOHTTP
from aiodynamo.http.types import HttpImplementation, RequestFailed
from aiodynamo.http.types import Request as HttpRequest
from yarl import URL

from instaclone.data.errors import EngineUnavailableError, ServiceError, ThrottledError
from instaclone.data.signing import (
    STREAMS_TARGET_PREFIX,
    TARGET_PREFIX,
    Signer,
    default_endpoint,
)

_THROTTLING = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
}


@dataclass(frozen=True)
class BoundedRetry:
    """At most ``max_attempts`` tries of a request that was throttled or found the service
    unavailable, with exponential backoff and full jitter between them."""

    max_attempts: int = 6
    base_delay_secs: float = 0.025
    max_delay_secs: float = 1.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay_secs, self.base_delay_secs * 2**attempt))


@dataclass(frozen=True)
class Request:
    """A DynamoDB request as it would be sent: the action and its JSON payload."""

    action: str
    payload: dict[str, Any]


def _service_error(status: int, body: bytes) -> ServiceError:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return ServiceError(f"HTTP{status}", body[:500].decode(errors="replace"))
    code = str(data.get("__type", f"HTTP{status}")).rsplit("#", 1)[-1]
    error = ServiceError(code, str(data.get("message") or data.get("Message") or ""))
    error.body = data  # type: ignore[attr-defined]
    return error


Observer = Callable[[str, str], None]
"""(action, outcome): outcome is ok, throttled, error (refused by the service: a failed
condition, a bad request) or unavailable."""


class Connection:
    """One DynamoDB endpoint with credentials; share one per process."""

    def __init__(
        self,
        *,
        endpoint: str | None,
        region: str,
        credentials: Credentials,
        http: HttpImplementation | None = None,
        retry: BoundedRetry | None = None,
        timeout: float = 10.0,
        target_prefix: str = TARGET_PREFIX,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self._url = URL(endpoint) if endpoint else default_endpoint(region)
        self._credentials = credentials
        self._http = http
        self._retry = retry or BoundedRetry()
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._client: Client | None = None
        self._signer = Signer(region, self._url)
        self._target_prefix = target_prefix
        self.observers: list[Observer] = []
        """Told of every request sent (each attempt): metrics, without this layer knowing
        of any metrics library."""

    def _tell(self, action: str, outcome: str) -> None:
        for observe in self.observers:
            observe(action, outcome)

    def streams(self, endpoint: str | None = None) -> Connection:
        """A connection to the DynamoDB Streams API (DescribeStream, GetShardIterator,
        GetRecords) with the same credentials. AWS serves it on its own host; a local engine
        serves both APIs on one endpoint, which is the default when this connection has one."""
        streams = Connection(
            endpoint=endpoint
            or self.endpoint
            or f"https://streams.dynamodb.{self.region}.amazonaws.com",
            region=self.region,
            credentials=self._credentials,
            retry=self._retry,
            timeout=self._timeout,
            target_prefix=STREAMS_TARGET_PREFIX,
        )
        streams.observers = self.observers  # the same list: observers added later hear both
        return streams

    @classmethod
    def with_static_key(
        cls, endpoint: str, access_key: str, secret_key: str, region: str = "us-east-1"
    ) -> Connection:
        return cls(
            endpoint=endpoint,
            region=region,
            credentials=StaticCredentials(Key(access_key, secret_key)),
        )

    def _transport(self) -> HttpImplementation:
        if self._http is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                connector=aiohttp.TCPConnector(limit=256, keepalive_timeout=30),
            )
            self._http = AIOHTTP(self._session)
        return self._http

    @property
    def client(self) -> Client:
        """An aiodynamo client on the same transport (the raw baseline of the benchmark)."""
        if self._client is None:
            self._client = Client(
                self._transport(),
                self._credentials,
                self.region,
                endpoint=URL(self.endpoint) if self.endpoint else None,
            )
        return self._client

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request; throttling and unavailability are retried (bounded)."""
        http = self._http or self._transport()
        body = orjson.dumps(payload)
        target = self._target_prefix + action
        url = str(self._url)
        where = self.endpoint or self.region
        failure: Exception | None = None
        for attempt in range(self._retry.max_attempts):
            if attempt:
                await asyncio.sleep(self._retry.delay(attempt - 1))
            key = await self._credentials.get_key(http)
            if key is None:
                raise ServiceError("NoCredentials", "no AWS credentials were found")
            headers = self._signer.headers(key, target, body)
            try:
                response = await http(HttpRequest("POST", url, headers, body))
            except RequestFailed as exc:
                self._tell(action, "unavailable")
                failure = EngineUnavailableError(f"DynamoDB at {where} is unreachable: {exc.inner}")
                continue
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                self._tell(action, "unavailable")
                failure = EngineUnavailableError(f"DynamoDB at {where} is unreachable: {exc!r}")
                continue
            if response.status == 200:
                self._tell(action, "ok")
                result: dict[str, Any] = orjson.loads(response.body)
                return result
            error = _service_error(response.status, response.body)
            if error.code in _THROTTLING:
                self._tell(action, "throttled")
                failure = ThrottledError(f"{action} was throttled after bounded retries")
            elif response.status >= 500:
                self._tell(action, "unavailable")
                failure = EngineUnavailableError(
                    f"DynamoDB at {where} kept failing ({error.code}: {error.service_message})"
                )
            elif error.code == "ExpiredTokenException" and self._credentials.invalidate():
                self._tell(action, "error")
                failure = error
            else:
                self._tell(action, "error")
                raise error
        assert failure is not None
        raise failure

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._http = None
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

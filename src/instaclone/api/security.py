"""Who is asking: the session token (bearer header for API clients, HttpOnly cookie for the
web), CSRF protection for cookie-authenticated writes, and rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from fastapi import Request

from instaclone.api.errors import ApiError
from instaclone.domain import InstagramService

SESSION_COOKIE = "session"
CSRF_COOKIE = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def service(request: Request) -> InstagramService:
    app_service: InstagramService = request.app.state.service
    return app_service


async def service_dependency(request: Request) -> InstagramService:
    """The service, for ``Depends``: async, because FastAPI runs a plain ``def`` dependency
    in a worker thread, a hop per request that cost up to 28% of a profile read's CPU."""
    return service(request)


def _token(request: Request) -> tuple[str | None, bool]:
    """(token, came from the cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def csrf_token(request: Request, session_token: str) -> str:
    """The CSRF token of one session: an HMAC of its session token under the install's
    secret, so a token planted in a cookie (or taken from another session) never matches."""
    key: bytes = request.app.state.csrf_key
    digest = hmac.new(key, b"csrf|" + session_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _check_csrf(request: Request) -> None:
    # A cookie is sent by the browser on its own; a header can only come from our page,
    # which read the csrf cookie (double submit, signed: the token is bound to the session
    # cookie it came with). Bearer tokens need no such check.
    session = request.cookies.get(SESSION_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not session or not hmac.compare_digest(csrf_token(request, session), header):
        raise ApiError(403, "csrf", "missing or wrong CSRF token (X-CSRF-Token header)")


async def optional_user(request: Request) -> str | None:
    token, from_cookie = _token(request)
    if token is None:
        return None
    username = await service(request).session_user(token)
    if username is None:
        return None
    if from_cookie and request.method not in SAFE_METHODS:
        _check_csrf(request)
    return username


async def current_user(request: Request) -> str:
    username = await optional_user(request)
    if username is None:
        raise ApiError(
            401, "unauthorized", "sign in first", {"WWW-Authenticate": 'Bearer realm="instaclone"'}
        )
    return username


def same_user(acting: str, username: str, what: str) -> None:
    if acting != username.strip().lower():
        raise ApiError(403, "forbidden", f"only {username} may {what}")


@dataclass
class RateLimit:
    """At most ``count`` hits per ``seconds`` for one key (sliding window, in memory, per
    process). At most ``max_keys`` keys are tracked: past that, the keys least recently hit
    are forgotten first, those not at their limit before those that are, so a flood of new
    keys cannot wipe out the counters that are holding someone back."""

    count: int
    seconds: float
    max_keys: int = 100_000

    def __post_init__(self) -> None:
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, key: str) -> None:
        now = time.monotonic()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.count:
            retry = int(hits[0] + self.seconds - now) + 1
            raise ApiError(
                429,
                "rate_limited",
                f"too many attempts; retry in {retry} s",
                {"Retry-After": str(retry)},
            )
        hits.append(now)
        if len(self._hits) > self.max_keys:
            self._evict(now)

    def _evict(self, now: float) -> None:
        excess = len(self._hits) - self.max_keys
        for key in list(self._hits):  # oldest first
            if excess <= 0:
                return
            live = [t for t in self._hits[key] if t > now - self.seconds]
            if len(live) < self.count:
                del self._hits[key]
                excess -= 1
        while excess > 0:  # everyone left is at the limit: forget the oldest
            self._hits.popitem(last=False)
            excess -= 1


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"

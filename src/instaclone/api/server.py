"""The HTTP server's own limits: uvicorn reads headers for as long as a client cares to
send them (1,000 connections trickling a header each were held 45 s and more), so a request's
head must arrive within ``header_timeout`` of the connection or of the previous response, or
the connection is closed; a head is at most 64 KiB (431); and one address holds at most
``per_address`` connections. A
body that stalls is cut off by api/limits.py. TLS and request-rate limits are a reverse
proxy's work (see the README)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD = 64 * 1024
"""A request's line and headers together, in bytes (nginx's default is 8 KiB per line)."""
MAX_CONNECTIONS = 2_000
"""Beyond this many connections at once, new requests get 503 (uvicorn's limit)."""


_TOO_LARGE_BODY = (
    b'{"error":{"code":"too_large","message":"the request head may be at most 64 KiB"}}'
)
_HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n" % len(_TOO_LARGE_BODY)
) + _TOO_LARGE_BODY


class TimedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout: ClassVar[float] = 10.0
    per_address: ClassVar[int] = 100
    trusted: ClassVar[frozenset[str]] = frozenset()
    open_by_address: ClassVar[Counter[str]] = Counter()
    """Per server (server_options makes a subclass): connections open by address."""
    _head_timer: asyncio.TimerHandle | None = None
    _address: str | None = None
    _head_bytes = 0

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else None
        if address is not None and address not in self.trusted:
            # One address may not hold every connection the server has: past its share,
            # its new connections are closed at once, and everyone else is still served.
            if self.open_by_address[address] >= self.per_address:
                transport.close()
                return
            self.open_by_address[address] += 1
            self._address = address
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        # httptools sets no limit of its own: a 48 MB header took 5 s of CPU to parse.
        self._count_head(len(name) + len(value))
        super().on_header(name, value)

    def _count_head(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > MAX_HEAD and not self.transport.is_closing():
            self.transport.write(_HEAD_TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._address is not None:
            self.open_by_address[self._address] -= 1
            if self.open_by_address[self._address] <= 0:
                del self.open_by_address[self._address]
            self._address = None
        super().connection_lost(exc)


def server_options(
    header_timeout: float = 10.0,
    trusted_proxies: str | None = None,
    per_address: int = 100,
) -> dict[str, Any]:
    """uvicorn.Config options for ``instaclone serve``. ``X-Forwarded-For`` is believed only
    from the proxies named (uvicorn believes it from 127.0.0.1 by default, so anyone on the
    machine, or any local process relaying requests, could choose their address)."""
    trusted = frozenset(p.strip() for p in (trusted_proxies or "").split(",") if p.strip())
    protocol = type(
        "HttpProtocol",
        (TimedHttpToolsProtocol,),
        {
            "header_timeout": header_timeout,
            "per_address": per_address,
            "trusted": trusted,
            "open_by_address": Counter(),
        },
    )
    return {
        "http": protocol,
        "timeout_keep_alive": 5,
        # Open event streams never end by themselves: on Ctrl-C, they are closed after this
        # long instead of holding the shutdown forever.
        "timeout_graceful_shutdown": 3,
        "limit_concurrency": MAX_CONNECTIONS,
        "backlog": 1024,
        "proxy_headers": bool(trusted_proxies),
        "forwarded_allow_ips": trusted_proxies or "",
    }

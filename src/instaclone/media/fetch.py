"""A photo posted "from a URL" is fetched once, by the server, and then served from here:
viewers' browsers never call the other site (their address and viewing time would leak to
it), and a URL that a page's CSP would block never makes a broken card.

Fetching for someone is a classic way to reach what only the server can reach (SSRF), so:
http(s) only; the host is resolved first and every address must be public (no private,
loopback, link-local, multicast or reserved one), and the connection goes to exactly the
addresses checked (a second DNS answer cannot swap them); no redirects; a size and a time
limit. ``INSTACLONE_FETCH_HOSTS`` narrows this to named hosts (and then allows them even
on private addresses: a stand-in server in tests) or, set to ``none``, turns it off.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult


class FetchError(ValueError):
    """The URL cannot be fetched as a photo; the message says why."""


@dataclass(frozen=True)
class FetchPolicy:
    hosts: frozenset[str] | None = None
    """None: any public host; empty: no fetching; otherwise only these (host or host:port)."""
    timeout: float = 10.0

    @classmethod
    def from_setting(cls, value: str | None) -> FetchPolicy:
        if value is None:
            return cls()
        if value.strip().lower() in ("", "none", "off"):
            return cls(hosts=frozenset())
        return cls(hosts=frozenset(h.strip().lower() for h in value.split(",") if h.strip()))


class _Pinned(AbstractResolver):
    """Answers only with the addresses already checked."""

    def __init__(self, results: list[ResolveResult]) -> None:
        self.results = results

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return self.results

    async def close(self) -> None:
        return None


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


async def fetch_image(url: str, policy: FetchPolicy, max_bytes: int) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("a photo's URL must be http or https")
    host = parts.hostname.lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("the URL's port is not valid") from None
    listed = policy.hosts is not None
    if policy.hosts is not None and not {host, f"{host}:{port}"} & policy.hosts:
        raise FetchError(
            "photos from other sites are not fetched here; upload the image instead"
            if not policy.hosts
            else f"photos are fetched only from {', '.join(sorted(policy.hosts))}"
        )
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), policy.timeout
        )
    except (OSError, TimeoutError):
        raise FetchError(f"{host} could not be found") from None
    addresses = sorted({str(info[4][0]) for info in found})
    if not listed and not all(_public(a) for a in addresses):
        raise FetchError(f"{host} is not a public address; photos are fetched from the web only")
    results: list[ResolveResult] = [
        {
            "hostname": host,
            "host": str(info[4][0]),
            "port": port,
            "family": info[0],
            "proto": 0,
            "flags": socket.AI_NUMERICHOST,
        }
        for info in found
    ]
    connector = aiohttp.TCPConnector(resolver=_Pinned(results), use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=policy.timeout)
    try:
        async with (
            aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
            session.get(url, allow_redirects=False, headers={"User-Agent": "instaclone"}) as r,
        ):
            if 300 <= r.status < 400:
                raise FetchError("the URL redirects elsewhere; give the image's own address")
            if r.status != 200:
                raise FetchError(f"{host} answered {r.status} for this URL")
            if (r.content_length or 0) > max_bytes:
                raise FetchError(f"the image is larger than {max_bytes >> 20} MB")
            data = bytearray()
            async for chunk in r.content.iter_chunked(1 << 16):
                data += chunk
                if len(data) > max_bytes:
                    raise FetchError(f"the image is larger than {max_bytes >> 20} MB")
            return bytes(data)
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        raise FetchError(
            f"the image could not be fetched from {host} ({type(error).__name__})"
        ) from None

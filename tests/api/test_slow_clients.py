"""The real server cuts off clients that trickle their request head (issue: 1,000 slow
connections were held 45 s and more; uvicorn has no header timeout of its own)."""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from instaclone.engine import LocalEngine
from tests.live import live_server


def closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> bool:
    """Whether the server closes the connection within ``seconds`` (sending ``trickle`` a
    byte a second meanwhile, as a slowloris client does)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(1.0)
    sent = 0
    while time.monotonic() < deadline:
        try:
            if sent < len(trickle):
                sock.sendall(trickle[sent : sent + 1])
                sent += 1
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_silent_and_trickling_clients_are_cut_off(engine: LocalEngine, tmp_path: Path) -> None:
    with live_server(engine.endpoint, tmp_path, INSTACLONE_HEADER_TIMEOUT="2") as url:
        where = urlsplit(url)
        address = (where.hostname or "127.0.0.1", where.port or 80)
        silent = socket.create_connection(address)
        slow = socket.create_connection(address)
        head = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40
        try:
            assert closed_within(silent, 20)
            assert closed_within(slow, 20, head)
        finally:
            silent.close()
            slow.close()
        with socket.create_connection(address) as normal:  # a prompt client is served
            normal.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            normal.settimeout(10)
            assert normal.recv(100).startswith(b"HTTP/1.1 200")


def test_a_stalled_body_gets_408(engine: LocalEngine, tmp_path: Path) -> None:
    with live_server(engine.endpoint, tmp_path, INSTACLONE_BODY_TIMEOUT="2") as url:
        where = urlsplit(url)
        with socket.create_connection((where.hostname or "", where.port or 80)) as sock:
            sock.sendall(
                b"POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{"
            )  # and then nothing: it was open 45 s and more before
            sock.settimeout(20)
            assert sock.recv(200).startswith(b"HTTP/1.1 408")


def test_one_address_cannot_take_every_connection(engine: LocalEngine, tmp_path: Path) -> None:
    env = {"INSTACLONE_MAX_CONNECTIONS_PER_ADDRESS": "20"}
    with live_server(engine.endpoint, tmp_path, **env) as url:
        where = urlsplit(url)
        address = (where.hostname or "", where.port or 80)
        flood = []
        try:
            for _ in range(40):  # from another loopback address than the server's users
                sock = socket.socket()
                sock.bind(("127.0.0.2", 0))
                sock.connect(address)
                flood.append(sock)
            refused = sum(1 for sock in flood[20:] if closed_within(sock, 3))
            assert refused == 20  # past its 20, each new one is closed at once
            with socket.create_connection(address) as other:  # 127.0.0.1 is still served
                other.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                other.settimeout(10)
                assert other.recv(100).startswith(b"HTTP/1.1 200")
        finally:
            for sock in flood:
                sock.close()


def test_a_huge_head_is_refused_early_and_cheaply(engine: LocalEngine, tmp_path: Path) -> None:
    """A 48 MB header took 5 s of the server's CPU to parse: past 64 KiB it is refused."""
    with live_server(engine.endpoint, tmp_path) as url:
        where = urlsplit(url)
        with socket.create_connection((where.hostname or "", where.port or 80)) as sock:
            sock.settimeout(20)
            with contextlib.suppress(OSError):  # closed while still sending: refused too
                sock.sendall(
                    b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: "
                    + b"a" * (8 << 20)
                    + b"\r\n\r\n"
                )
            answer = sock.recv(200)
            assert answer.startswith(b"HTTP/1.1 431") or answer == b""
        with socket.create_connection((where.hostname or "", where.port or 80)) as sock:
            sock.settimeout(20)
            sock.sendall(
                b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Note: " + b"b" * 30000 + b"\r\n\r\n"
            )
            assert sock.recv(200).startswith(b"HTTP/1.1 200")  # a big but sane head is fine

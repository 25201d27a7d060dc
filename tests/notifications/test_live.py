"""Live: a page's event stream hears a new notification within 2 seconds, also when the
change went through another API process (the events come from the table's stream)."""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from instaclone.engine import LocalEngine
from tests.helpers import unique
from tests.live import live_server
from tests.web.test_walk import call


@pytest.fixture(scope="module")
def two_servers(
    engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Two API processes on one table; only the first runs the event pipeline."""
    table = f"twolive{unique('t')}"
    with (
        live_server(engine.endpoint, tmp_path_factory.mktemp("a"), INSTACLONE_TABLE=table) as a,
        live_server(
            engine.endpoint,
            tmp_path_factory.mktemp("b"),
            INSTACLONE_TABLE=table,
            INSTACLONE_PIPELINE="off",
        ) as b,
    ):
        yield a, b


class Listener:
    """An open event stream, read in a thread: (event, data) pairs as they arrive."""

    def __init__(self, server: str, token: str) -> None:
        request = urllib.request.Request(
            server + "/api/me/events", headers={"Authorization": f"Bearer {token}"}
        )
        self.response = urllib.request.urlopen(request, timeout=30)
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    self.events.put((kind, json.loads(line[6:])))
        except Exception:
            pass

    def next(self, within: float) -> tuple[str, Any]:
        return self.events.get(timeout=within)

    def close(self) -> None:
        self.response.close()


def account(server: str, prefix: str) -> tuple[str, str]:
    name = unique(prefix).lower()
    made = call(
        server, "POST", "/api/accounts", {"username": name, "name": name, "password": "pw pw pw pw"}
    )
    return name, made["token"]


def test_a_follow_through_another_process_reaches_an_open_page(
    two_servers: tuple[str, str],
) -> None:
    a, b = two_servers
    alice, alice_token = account(a, "alice")
    bob, bob_token = account(a, "bob")
    listener = Listener(b, alice_token)  # alice's page is served by process b
    try:
        assert listener.next(5) == ("notifications", {"unread": 0})
        started = time.monotonic()
        call(a, "PUT", f"/api/users/{bob}/following/{alice}", token=bob_token)  # through a
        assert listener.next(5) == ("notifications", {"unread": 1})
        assert time.monotonic() - started < 2.0
        call(b, "POST", "/api/me/notifications/read", token=alice_token)
        assert listener.next(5) == ("notifications", {"unread": 0})
    finally:
        listener.close()
    page = call(b, "GET", "/api/me/notifications", token=alice_token)
    assert [
        (n["kind"], [x["username"] for x in n["actors"]], n["unread"]) for n in page["items"]
    ] == [("follow", [bob], False)]
    assert call(b, "GET", "/api/me/notifications/unread", token=alice_token) == {"unread": 0}


def test_the_stream_is_yours_only(two_servers: tuple[str, str]) -> None:
    a, _ = two_servers
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(a + "/api/me/events", timeout=5)
    assert refused.value.code == 401

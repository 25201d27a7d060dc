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
from ulid import ULID

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
    """An open event stream, read in a thread: events as they arrive, each as
    (event, data, id) where id is the last event id the stream has given."""

    def __init__(
        self, server: str, token: str, last_event_id: str | None = None, after: str = ""
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        query = f"?after={after}" if after else ""
        request = urllib.request.Request(server + "/api/me/events" + query, headers=headers)
        self.response = urllib.request.urlopen(request, timeout=30)
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.events: queue.Queue[tuple[str, Any, str]] = queue.Queue()
        self.pending: list[tuple[str, Any, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind, last_id = "", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("id: "):
                    last_id = line[4:]
                elif line.startswith("data: "):
                    self.events.put((kind, json.loads(line[6:]), last_id))
        except Exception:
            pass

    def take(self, within: float, kind: str) -> tuple[Any, str]:
        """(data, id) of the next event of this kind; others wait for their turn."""
        for i, (got, data, last_id) in enumerate(self.pending):
            if got == kind:
                del self.pending[i]
                return data, last_id
        deadline = time.monotonic() + within
        while True:
            got, data, last_id = self.events.get(timeout=max(deadline - time.monotonic(), 0.01))
            if got == kind:
                return data, last_id
            self.pending.append((got, data, last_id))

    def next(self, within: float, kind: str = "notifications") -> tuple[str, Any]:
        return kind, self.take(within, kind)[0]

    def messages(self, within: float, count: int) -> list[tuple[str, str]]:
        """(message id, text) of the next ``count`` distinct messages, as a page shows them
        (one it was sent twice is shown once)."""
        seen: dict[str, str] = {}
        deadline = time.monotonic() + within
        while len(seen) < count:
            data, _ = self.take(max(deadline - time.monotonic(), 0.01), "message")
            seen.setdefault(data["messageId"], data["text"])
        return list(seen.items())

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


def test_messages_arrive_live_and_a_reconnecting_page_misses_none(
    two_servers: tuple[str, str],
) -> None:
    a, b = two_servers
    ann, ann_token = account(a, "ann")
    ben, ben_token = account(a, "ben")
    call(a, "PUT", f"/api/users/{ben}/following/{ann}", token=ben_token)  # ann is no stranger
    bens_page, anns_other_tab = Listener(b, ben_token), Listener(a, ann_token)
    try:
        # an answer's head goes out before the process has its listener; the first
        # counts come after it, so a page is listening once it has them
        assert bens_page.next(5, "direct")[1] == {"unread": 0, "requests": 0}
        assert anns_other_tab.next(5, "direct")[1] == {"unread": 0, "requests": 0}

        def send(text: str, client_id: str) -> dict[str, Any]:
            body = {"text": text, "clientId": client_id}
            sent: dict[str, Any] = call(
                a, "POST", f"/api/users/{ben}/messages", body, token=ann_token
            )
            return sent

        first = send("first", "c-1")
        assert bens_page.messages(5, 1) == [(first["messageId"], "first")]
        assert bens_page.next(5, "direct")[1] == {"unread": 1, "requests": 0}
        assert anns_other_tab.messages(5, 1) == [(first["messageId"], "first")]
        assert send("first", "c-1")["messageId"] == first["messageId"]  # a retry
    finally:
        bens_page.close()
        anns_other_tab.close()

    # ben's connection drops; ann writes twice; his page reconnects with the last id it had
    missed = [send("second", "c-2"), send("third", "c-3")]
    back = Listener(b, ben_token, last_event_id=first["messageId"])
    try:
        shown = back.messages(5, 2)
        assert shown == [(m["messageId"], m["text"]) for m in missed]
        assert back.next(5, "direct")[1] == {"unread": 3, "requests": 0}
        # and after catching up, new ones still come live, once
        fourth = send("fourth", "c-4")
        assert back.messages(5, 1) == [(fourth["messageId"], "fourth")]
        with pytest.raises(queue.Empty):
            while True:
                assert back.events.get(timeout=1.5)[0] != "message"  # nothing twice
    finally:
        back.close()


def test_a_stranger_sees_no_event_of_anyone_elses_conversation(
    two_servers: tuple[str, str],
) -> None:
    a, b = two_servers
    _, ann_token = account(a, "ann")
    ben, _ = account(a, "ben")
    _, eve_token = account(a, "eve")
    eves_page = Listener(b, eve_token)
    try:
        assert eves_page.next(5, "direct")[1] == {"unread": 0, "requests": 0}  # listening
        call(
            a,
            "POST",
            f"/api/users/{ben}/messages",
            {"text": "hi", "clientId": "x"},
            token=ann_token,
        )
        with pytest.raises(queue.Empty):
            while True:
                kind, _, _ = eves_page.events.get(timeout=2.0)
                assert kind in ("notifications", "direct")
    finally:
        eves_page.close()


def test_a_page_that_never_had_a_message_still_catches_up(
    two_servers: tuple[str, str],
) -> None:
    """The page opens its line with ?after= the moment it opened: if that line drops before
    any message came through it, the reconnect still asks for what came after."""
    a, b = two_servers
    _, ann_token = account(a, "ann")
    ben, ben_token = account(a, "ben")
    before = str(ULID())  # what the page says when it opens its line
    opened = Listener(b, ben_token, after=before)
    try:
        assert opened.next(5, "direct")[1] == {"unread": 0, "requests": 0}
    finally:
        opened.close()  # dropped before any message came through
    sent = call(
        a, "POST", f"/api/users/{ben}/messages", {"text": "while away", "clientId": "w"}, ann_token
    )
    back = Listener(b, ben_token, after=before)
    try:
        assert back.messages(5, 1) == [(sent["messageId"], "while away")]
    finally:
        back.close()


def test_a_forged_resume_point_is_refused_or_ignored(two_servers: tuple[str, str]) -> None:
    a, _ = two_servers
    _, token = account(a, "eve")
    for query in ("?after=8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "?after=not-an-id"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(
                    a + "/api/me/events" + query, headers={"Authorization": f"Bearer {token}"}
                ),
                timeout=5,
            )
        assert refused.value.code == 422
    ignored = Listener(a, token, last_event_id="8ZZZZZZZZZZZZZZZZZZZZZZZZZ")  # just not resumed
    try:
        assert ignored.next(5, "direct")[1] == {"unread": 0, "requests": 0}
    finally:
        ignored.close()

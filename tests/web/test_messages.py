"""Direct messages, live, in two browsers side by side: bob (a phone) likes alice's photo
and messages her from her profile; alice (a desktop) sees both badges and the conversation
appear without reloading, opens it, answers, and bob sees the answer arrive. Then what
people do to a chat: a double-click on Send, a photo, a send while offline retried, a
message from a stranger waiting in Requests until accepted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Request, Route, expect

from instaclone.engine import LocalEngine
from tests.live import live_server
from tests.web.test_journey import Watch, check_accessibility, picture, shot
from tests.web.test_walk import DESKTOP, IMAGE, PHONE, account, call, signed_in


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("messages")) as url:
        yield url


def slowly(route: Route) -> None:
    time.sleep(0.8)
    route.continue_()


def test_two_people_talk_live(browser: Browser, server: str, tmp_path: Path) -> None:
    watch = Watch(server)
    alice, alice_token = account(server, "alice")
    bob, _ = account(server, "bob")
    carol, carol_token = account(server, "carol")
    call(server, "PUT", f"/api/users/{alice}/following/{bob}", token=alice_token)
    photo = call(server, "POST", f"/api/users/{alice}/photos", {"url": IMAGE}, alice_token)
    a_context, a_page = signed_in(browser, server, alice, **DESKTOP)
    b_context, b_page = signed_in(browser, server, bob, **PHONE)
    for context in (a_context, b_context):
        watch.attach(context)
    a_page.goto("/direct")
    expect(a_page.get_by_role("heading", name="No messages yet")).to_be_visible()
    letters = a_page.locator(".direct-link")
    expect(letters).to_have_attribute("aria-label", "Messages")

    # bob likes her photo, then writes from her profile
    b_page.goto(f"/p/{alice}/{photo['photoId']}")
    b_page.get_by_role("button", name="Like", exact=True).click()
    expect(a_page.locator(".activity-link .badge")).to_have_text("1")
    b_page.goto(f"/u/{alice}")
    b_page.get_by_role("link", name="Message", exact=True).click()
    box = b_page.get_by_label(f"Message {alice}")
    box.fill("hi alice")
    box.press("Enter")  # on a phone, Enter is a new line: Send sends
    expect(box).to_have_value("hi alice\n")
    b_page.get_by_role("button", name="Send").click()
    expect(b_page.locator(".messages li.mine .bubble")).to_have_text(["hi alice"])

    # alice: the badge and the conversation come without a reload
    expect(letters.locator(".badge")).to_have_text("1")
    expect(letters).to_have_attribute("aria-label", "Messages, 1 new")
    row = a_page.get_by_label("Conversations").locator("li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("hi alice")
    shot(a_page, "m1-inbox-desktop")
    row.get_by_role("link").click()
    expect(a_page.locator(".messages li.theirs .bubble")).to_have_text(["hi alice"])
    expect(letters.locator(".badge")).to_be_hidden()  # read once opened
    answer = a_page.get_by_label(f"Message {bob}")
    answer.fill("hey bob")
    answer.press("Shift+Enter")
    answer.press_sequentially("how are you?")
    answer.press("Enter")  # on a desktop, Enter sends
    expect(b_page.locator(".messages li.theirs .bubble")).to_have_text(["hey bob\nhow are you?"])

    # a double-click sends one message
    box.fill("twice?")
    b_page.get_by_role("button", name="Send").dblclick()
    expect(a_page.locator(".messages li.theirs .bubble")).to_have_text(["hi alice", "twice?"])
    # a photo, with the phone's file picker
    b_page.locator("input[type=file]").set_input_files(
        str(picture(tmp_path / "p.png", ("#e91e63", "#3f51b5")))
    )
    b_page.get_by_role("button", name="Send").click()
    expect(a_page.locator(".messages li.theirs img")).to_have_count(1)
    expect(b_page.locator(".messages li.mine img")).to_have_count(1)

    # offline: it says so, keeps the text, and a retry sends it once
    b_context.set_offline(True)
    box.fill("are you there?")
    b_page.get_by_role("button", name="Send").click()
    failed = b_page.locator(".messages li.failed")
    expect(failed).to_contain_text("Not sent")
    b_context.set_offline(False)
    failed.get_by_role("button", name="Try again").click()
    expect(b_page.locator(".messages li.failed")).to_have_count(0)
    expect(a_page.locator(".messages li.theirs")).to_have_count(4)
    expect(a_page.locator(".messages li.theirs .bubble").last).to_have_text("are you there?")
    expect(letters.locator(".badge")).to_be_hidden()  # all read, in the open conversation
    expect(b_page.locator(".messages li.mine .when").first).to_have_text("just now")
    shot(a_page, "m2-thread-desktop")
    shot(b_page, "m3-thread-phone")
    check_accessibility(a_page)

    # a stranger's message waits in Requests; accepting moves it to the inbox
    call(
        server,
        "POST",
        f"/api/users/{alice}/messages",
        {"text": "remember me?", "clientId": "c1"},
        carol_token,
    )
    expect(letters.locator(".badge")).to_have_text("1")
    a_page.get_by_role("link", name="Back to messages").click()
    expect(a_page.get_by_role("link", name="Requests (1)")).to_be_visible()
    a_page.get_by_role("link", name="Requests (1)").click()
    a_page.get_by_label("Message requests").get_by_role("link").click()
    banner = a_page.get_by_role("region", name="Message request")
    expect(banner).to_contain_text(f"{carol} wants to send you a message")
    expect(a_page.get_by_role("link", name="Back to message requests")).to_be_visible()
    expect(a_page.get_by_label(f"Message {carol}")).not_to_be_focused()  # Accept comes first
    shot(a_page, "m4-request-desktop")
    banner.get_by_role("button", name="Accept").click()
    expect(banner).to_be_hidden()
    a_page.get_by_role("link", name="Back to messages").click()
    expect(a_page.get_by_label("Conversations").locator("li")).to_have_count(2)
    expect(letters.locator(".badge")).to_be_hidden()
    b_page.goto("/direct")
    expect(b_page.get_by_label("Conversations").locator("li")).to_contain_text(
        "You: are you there?"
    )
    shot(b_page, "m5-inbox-phone")
    # opened afresh, the newest is in view once the photo above it has loaded and grown
    # the page
    for i, colours in enumerate((("#009688", "#ffc107"), ("#795548", "#8bc34a"))):
        sent = httpx.post(  # two more photos: the texts alone fit the screen, not with them
            f"{server}/api/users/{bob}/messages/photo",
            files={"file": ("p.png", picture(tmp_path / f"k{i}.png", colours).read_bytes())},
            data={"clientId": f"k{i}", "text": f"ok {i}"},
            headers={"Authorization": f"Bearer {alice_token}"},
        )
        assert sent.status_code == 201, sent.text
    again_context, again = signed_in(browser, server, bob, **PHONE)
    again_context.route("**/media/**", slowly)  # (a phone's network: the photo comes last)
    again.goto(f"/direct/t/{alice}")
    for image in again.locator(".messages img").all():
        expect(image).to_have_js_property("complete", True)
    expect(again.locator(".messages li").last).to_contain_text("ok 1")
    expect(again.locator(".messages li").last).to_be_in_viewport()
    again_context.close()
    assert watch.alerts == [] and watch.foreign == []
    a_context.close()
    b_context.close()


def test_many_tabs_share_one_live_line(browser: Browser, server: str) -> None:
    """A browser allows 6 connections to a site: with a line per tab, the 7th tab would not
    load. One tab holds the line and passes events on; when it closes, another takes over."""
    dan, _ = account(server, "dan")
    _, eve_token = account(server, "eve")
    context, first = signed_in(browser, server, dan, **DESKTOP)
    lines: list[str] = []

    def seen(request: Request) -> None:
        if "/api/me/events" in request.url:
            lines.append(request.url)

    context.on("request", seen)
    first.goto("/direct")
    tabs = [first]
    for _ in range(7):
        tab = context.new_page()
        tab.goto("/direct")
        expect(tab.get_by_role("heading", name="No messages yet")).to_be_visible()
        tabs.append(tab)
    assert len(lines) == 1  # the first tab's line; seven more tabs opened none
    first.close()  # the tab holding the line goes: another opens it
    for _ in range(100):
        if len(lines) == 2:
            break
        tabs[1].wait_for_timeout(100)
    assert len(lines) == 2
    call(
        server, "POST", f"/api/users/{dan}/messages", {"text": "hi dan", "clientId": "t"}, eve_token
    )
    for tab in tabs[1:]:
        expect(tab.locator(".direct-link .badge")).to_have_text("1")
        expect(tab.get_by_role("link", name="Requests (1)")).to_be_visible()
    context.close()


def test_a_declined_request_stays_gone(browser: Browser, server: str, tmp_path: Path) -> None:
    """Decline in one tab: the other tab's list loses it, its messages are gone for good;
    a new message from the same person opens a new request, shown live with its Accept
    and Decline on the open conversation, and only what came after."""
    watch = Watch(server)
    alice, _ = account(server, "alice")
    dave, dave_token = account(server, "dave")
    for i, text in enumerate(("buy followers", "cheap!!")):
        call(
            server,
            "POST",
            f"/api/users/{alice}/messages",
            {"text": text, "clientId": f"d{i}"},
            dave_token,
        )
    context, listing = signed_in(browser, server, alice, **DESKTOP)
    watch.attach(context)
    listing.goto("/direct/requests")
    requests = listing.get_by_label("Message requests").locator("li")
    expect(requests).to_have_count(1)
    thread = context.new_page()
    thread.goto(f"/direct/t/{dave}")
    expect(thread.locator(".messages li.theirs .bubble")).to_have_text(["buy followers", "cheap!!"])
    thread.get_by_role("region", name="Message request").get_by_role(
        "button", name="Decline"
    ).dblclick()
    expect(thread).to_have_url(f"{server}/direct/requests")
    expect(thread.get_by_role("heading", name="No message requests")).to_be_visible()
    expect(listing.get_by_role("heading", name="No message requests")).to_be_visible()  # live

    thread.goto(f"/direct/t/{dave}")
    expect(thread.locator(".messages .hint")).to_be_visible()  # nothing of it left
    call(
        server,
        "POST",
        f"/api/users/{alice}/messages",
        {"text": "please?", "clientId": "d9"},
        dave_token,
    )
    expect(thread.locator(".messages li.theirs .bubble")).to_have_text(["please?"])
    banner = thread.get_by_role("region", name="Message request")
    expect(banner).to_contain_text(f"{dave} wants to send you a message")
    expect(requests).to_have_count(1)
    expect(requests).to_contain_text("please?")

    # a file that is no image: refused for good, said plainly, and it can be removed
    not_a_picture = tmp_path / "notes.jpg"
    not_a_picture.write_bytes(b"not a picture")
    thread.locator("input[type=file]").set_input_files(str(not_a_picture))
    thread.get_by_role("button", name="Send").click()
    failed = thread.locator(".messages li.failed")
    expect(failed).to_contain_text("Not sent:")
    expect(failed.locator(".when")).not_to_contain_text("null")
    expect(failed.get_by_role("button", name="Try again")).to_have_count(0)
    failed.get_by_role("button", name="Remove").click()
    expect(failed).to_have_count(0)
    shot(thread, "m6-new-request-after-decline-desktop")

    # declined from Requests: one Back leaves Requests (it is in history once, not twice)
    listing.goto("/direct")
    listing.get_by_role("link", name="Requests (1)").click()
    requests.first.get_by_role("link").first.click()
    expect(listing).to_have_url(f"{server}/direct/t/{dave}")
    listing.get_by_role("region", name="Message request").get_by_role(
        "button", name="Decline"
    ).click()
    expect(listing).to_have_url(f"{server}/direct/requests")
    expect(listing.get_by_role("heading", name="No message requests")).to_be_visible()
    listing.go_back()
    expect(listing).to_have_url(f"{server}/direct")
    listing.go_forward()
    expect(listing.get_by_role("heading", name="No message requests")).to_be_visible()
    assert watch.alerts == [] and watch.foreign == []
    context.close()

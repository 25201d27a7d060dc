"""Blocking in the browser: a stranger's request blocked from its banner leaves Requests and
unfollows her; his profile and their conversation then say so, with Unblock instead of
Follow, Message and the message box; the Blocked accounts page lists him and unblocks;
a Block dismissed at its question changes nothing."""

from __future__ import annotations

import json
import re
import time
import urllib.error
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Dialog, expect

from instaclone.engine import LocalEngine
from tests.live import live_server
from tests.web.test_journey import check_accessibility, shot
from tests.web.test_walk import DESKTOP, PHONE, account, call, signed_in


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("blocks")) as url:
        yield url


def refused(server: str, method: str, path: str, body: object, token: str) -> tuple[int, str]:
    try:
        call(server, method, path, body, token)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)["error"]["message"]
    raise AssertionError(f"{method} {path} was not refused")


def test_block_a_stranger_from_his_request(browser: Browser, server: str) -> None:
    ann, _ = account(server, "ann")
    eve, eve_token = account(server, "eve")
    call(server, "PUT", f"/api/users/{eve}/following/{ann}", token=eve_token)
    call(
        server, "POST", f"/api/users/{ann}/messages", {"text": "hey u", "clientId": "e1"}, eve_token
    )
    context, page = signed_in(browser, server, ann, **DESKTOP)
    questions: list[str] = []

    def answer(yes: bool) -> Callable[[Dialog], None]:
        def respond(dialog: Dialog) -> None:
            questions.append(dialog.message)
            (dialog.accept if yes else dialog.dismiss)()

        return respond

    his_context, his_page = signed_in(browser, server, eve, **PHONE)
    his_page.goto(f"/u/{ann}")  # he has her profile open, following her
    expect(his_page.get_by_role("button", name="Following")).to_be_visible()

    page.goto(f"/u/{eve}")  # she looks at him first: he follows her, and he wrote
    expect(page.locator(".profile-head")).to_contain_text("Follows you")
    page.get_by_role("link", name="Message", exact=True).click()
    banner = page.get_by_role("region", name="Message request")
    page.once("dialog", answer(False))
    banner.get_by_role("button", name="Block").click()  # asked, and she says no: nothing
    expect(banner.get_by_role("button", name="Accept")).to_be_enabled()
    page.once("dialog", answer(True))
    banner.get_by_role("button", name="Block").click()
    expect(page).to_have_url(f"{server}/direct/requests")
    expect(page.get_by_role("heading", name="No message requests")).to_be_visible()
    assert questions[0] == questions[1] and "won't be told" in questions[0]

    # he no longer follows her (the pipeline ends it), and can neither follow nor write
    for _ in range(150):
        if call(server, "GET", f"/api/users/{ann}")["followerCount"] == 0:
            break
        time.sleep(0.2)
    assert call(server, "GET", f"/api/users/{ann}")["followerCount"] == 0
    assert refused(server, "PUT", f"/api/users/{eve}/following/{ann}", None, eve_token)[0] == 403
    status, message = refused(
        server, "POST", f"/api/users/{ann}/messages", {"text": "?", "clientId": "e2"}, eve_token
    )
    assert status == 403 and message == f"you can't message '{ann}'"

    # his open page still says Following: a click shows the truth, not an error
    his_page.once("dialog", lambda d: d.accept())
    his_page.get_by_role("button", name="Following").click()
    expect(his_page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    expect(his_page.locator("#toast")).not_to_have_class(re.compile("show"))
    his_context.close()

    # Back to his profile, kept from before the block: drawn afresh, it says so
    page.go_back()
    expect(page).to_have_url(f"{server}/u/{eve}")
    expect(page.locator(".profile-head")).to_contain_text(f"You blocked @{eve}")
    expect(page.locator(".profile-head")).not_to_contain_text("Follows you")

    # his profile and their conversation say so, with Unblock only
    page.goto(f"/u/{eve}")
    head = page.locator(".profile-head")
    expect(head).to_contain_text(f"You blocked @{eve}")
    expect(head.get_by_role("button", name="Follow")).to_have_count(0)
    expect(head.get_by_role("link", name="Message")).to_have_count(0)
    shot(page, "b1-blocked-profile-desktop")
    page.goto(f"/direct/t/{eve}")
    expect(page.get_by_text(f"You blocked @{eve}. Unblock them to send a message.")).to_be_visible()
    expect(page.get_by_role("textbox", name=f"Message {eve}")).to_have_count(0)
    expect(page.locator(".messages .hint")).to_have_count(0)  # no "Say hello" to him
    page.get_by_role("button", name="Unblock").click()
    expect(page.get_by_role("textbox", name=f"Message {eve}")).to_be_visible()
    page.get_by_role("textbox", name=f"Message {eve}").fill("who are you?")
    page.get_by_role("button", name="Send").click()  # unblocked, she can write to him
    expect(page.locator(".messages li.mine .bubble")).to_have_text(["who are you?"])
    context.close()


def test_the_blocked_accounts_page(browser: Browser, server: str) -> None:
    zoe, zoe_token = account(server, "zoe")
    spam, _ = account(server, "spam")
    call(server, "PUT", f"/api/me/blocked/{spam}", token=zoe_token)
    context, page = signed_in(browser, server, zoe, **PHONE)
    page.goto("/settings")
    page.get_by_role("link", name="Blocked accounts").click()
    expect(page).to_have_url(f"{server}/settings/blocked")
    rows = page.get_by_label("Blocked accounts").locator("li")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(spam)
    check_accessibility(page)
    shot(page, "b2-blocked-accounts-phone")
    rows.first.get_by_role("button", name="Unblock").click()
    expect(rows.first.get_by_role("button", name="Block")).to_be_focused()  # one click to undo
    assert call(server, "GET", "/api/me/blocked", token=zoe_token)["items"] == []
    page.once("dialog", lambda d: d.accept())
    rows.first.get_by_role("button", name="Block").click()
    expect(rows.first.get_by_role("button", name="Unblock")).to_be_visible()
    assert [
        u["username"] for u in call(server, "GET", "/api/me/blocked", token=zoe_token)["items"]
    ] == [spam]

    # her own followers list: one she does not follow yet gets "Follow back"
    fan, fan_token = account(server, "fan")
    call(server, "PUT", f"/api/users/{fan}/following/{zoe}", token=fan_token)
    page.goto(f"/u/{zoe}/followers")
    expect(page.locator("ul.people li").get_by_role("button")).to_have_text(["Follow back"])

    # other lists say so too (search results), asked once for the whole list: the one who
    # follows her gets Follow back; the one she blocks shows Blocked, with no Follow button
    for name in (spam, fan):
        for _ in range(150):  # the pipeline indexes new accounts for search
            if call(server, "GET", f"/api/search/users?q={name}", token=zoe_token)["items"]:
                break
            time.sleep(0.2)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/" in r.url else None)
    page.goto(f"/search?q={spam}")
    row = page.locator("ul.people li").filter(has_text=spam)
    expect(row.locator(".chip")).to_have_text("Blocked")
    expect(row.get_by_role("button")).to_have_count(0)
    page.goto(f"/search?q={fan}")
    row = page.locator("ul.people li").filter(has_text=fan)
    expect(row.get_by_role("button")).to_have_text("Follow back")
    assert not [u for u in asked if "/following/" in u]  # not one request a row

    # from a profile: Block asks, and blocks; a second tab, open from before, still says
    # Following: its click draws the profile afresh, which says she blocked them
    other, _ = account(server, "other")
    call(server, "PUT", f"/api/users/{zoe}/following/{other}", token=zoe_token)
    stale = context.new_page()
    stale.goto(f"/u/{other}")
    expect(stale.get_by_role("button", name="Following")).to_be_visible()
    page.goto(f"/u/{other}")
    page.once("dialog", lambda d: d.accept())
    page.locator(".profile-head").get_by_role("button", name="Block").click()
    expect(page.locator(".profile-head")).to_contain_text(f"You blocked @{other}")
    for _ in range(150):  # the pipeline ends her follow
        if call(server, "GET", f"/api/users/{zoe}")["followingCount"] == 0:
            break
        time.sleep(0.2)
    stale.once("dialog", lambda d: d.accept())
    stale.get_by_role("button", name="Following").click()
    expect(stale.locator(".profile-head")).to_contain_text(f"You blocked @{other}")
    expect(stale.locator(".profile-head").get_by_role("button", name="Unblock")).to_be_visible()
    page.reload()
    page.goto("/settings/blocked")
    expect(rows).to_have_count(2)
    context.close()

"""Activity, live: with the page open in two browsers, bob likes and comments on alice's
photo and follows her; alice's heart shows the count without a reload, and her activity
page lists it grouped, after which the badge goes; his profile says he follows her, and she
follows back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from instaclone.engine import LocalEngine
from tests.live import live_server
from tests.web.test_journey import Watch, shot
from tests.web.test_walk import DESKTOP, IMAGE, PHONE, account, call, signed_in, wait_for_feed


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("activity")) as url:
        yield url


def test_the_badge_moves_without_a_reload(browser: Browser, server: str) -> None:
    watch = Watch(server)
    alice, alice_token = account(server, "alice")
    bob, bob_token = account(server, "bob")
    photo = call(server, "POST", f"/api/users/{alice}/photos", {"url": IMAGE}, alice_token)
    a_context, a_page = signed_in(browser, server, alice, **DESKTOP)
    b_context, b_page = signed_in(browser, server, bob, **PHONE)
    for context in (a_context, b_context):
        watch.attach(context)
    heart = a_page.locator(".activity-link")
    expect(heart).to_have_attribute("aria-label", "Activity")

    b_page.goto(f"/p/{alice}/{photo['photoId']}")
    started = time.monotonic()
    b_page.get_by_role("button", name="Like", exact=True).click()
    expect(heart.locator(".badge")).to_have_text("1", timeout=5000)
    assert time.monotonic() - started < 3.0  # within 2 s of the like, plus the click itself
    expect(heart).to_have_attribute("aria-label", "Activity, 1 new")
    b_page.get_by_label("Add a comment").fill("so good")
    b_page.get_by_role("button", name="Post", exact=True).click()
    b_page.goto(f"/u/{alice}")
    b_page.get_by_role("button", name="Follow").click()
    call(
        server,
        "POST",
        f"/api/users/{bob}/photos",
        {"url": IMAGE, "caption": f"with @{alice}"},
        bob_token,
    )
    expect(heart.locator(".badge")).to_have_text("4")
    shot(a_page, "a1-badge-desktop")

    heart.click()
    expect(a_page.get_by_role("heading", name="Activity")).to_be_visible()
    rows = a_page.get_by_label("Notifications").locator("li")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="liked your photo.")).to_contain_text(bob)
    expect(rows.filter(has_text="commented:")).to_contain_text("so good")
    expect(rows.filter(has_text="started following you.")).to_contain_text(bob)
    expect(rows.filter(has_text="mentioned you:")).to_contain_text(f"“with @{alice}”")
    expect(heart.locator(".badge")).to_be_hidden()  # read once seen
    shot(a_page, "a2-activity-desktop")
    b_page.goto("/activity")
    expect(b_page.get_by_role("heading", name="No activity yet")).to_be_visible()
    shot(b_page, "a3-activity-empty-phone")

    # from the follow to his profile: he follows her, and she can follow back
    rows.filter(has_text="started following you.").get_by_role("link", name=bob).first.click()
    expect(a_page).to_have_url(f"{server}/u/{bob}")
    expect(a_page.locator(".profile-head")).to_contain_text("Follows you")
    a_page.get_by_role("button", name="Follow back").click()
    expect(a_page.get_by_role("button", name="Following")).to_be_visible()
    b_page.goto(f"/u/{alice}")  # and she follows him: the same words on his side
    expect(b_page.locator(".profile-head")).to_contain_text("Follows you")
    expect(b_page.get_by_role("button", name="Following")).to_be_visible()
    b_page.goto(f"/u/{bob}")
    expect(b_page.get_by_role("heading", name=f"@{bob}")).to_be_visible()
    expect(b_page.locator(".profile-head")).not_to_contain_text("Follows you")  # not of yourself
    assert watch.alerts == [] and watch.foreign == []
    a_context.close()
    b_context.close()


def test_times_stay_true_on_an_open_page(browser: Browser, server: str) -> None:
    """A page left open does not keep saying "just now": the feed card and the comment age
    with the clock, and the feed kept for Back is brought up to date when back on it."""
    carol, carol_token = account(server, "carol")
    dan, dan_token = account(server, "dan")
    call(server, "PUT", f"/api/users/{dan}/following/{carol}", None, dan_token)
    photo = call(server, "POST", f"/api/users/{carol}/photos", {"url": IMAGE}, carol_token)
    call(
        server,
        "POST",
        f"/api/users/{carol}/photos/{photo['photoId']}/comments",
        {"content": "hi"},
        dan_token,
    )
    wait_for_feed(server, dan_token, 1)
    context, page = signed_in(browser, server, dan, **DESKTOP)
    page.clock.install()  # this page's clock, from now on moved by the test
    page.reload()
    card = page.locator("#feed article.card").first
    expect(card.locator("time")).to_have_text("just now")
    page.clock.fast_forward("05:00")
    expect(card.locator("time")).to_have_text("5 min ago")

    card.get_by_role("link", name="View 1 comment").click()  # the feed is kept for Back
    comment = page.locator("main time").last
    expect(comment).to_have_text("5 min ago")
    page.clock.fast_forward("01:00:00")
    expect(comment).to_have_text("1 h ago")
    page.go_back()
    expect(card.locator("time")).to_have_text("1 h ago")
    context.close()

"""Finding people and things in the browser: search a person by part of their name (without
the accent) and follow from the results, open a tag from a caption, save a photo and find it
under Saved, change the profile picture and see it on the feed card, edit a caption;
screenshots at both sizes."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from instaclone.engine import LocalEngine
from tests.live import live_server
from tests.web.test_journey import Watch, check_accessibility, picture, shot
from tests.web.test_walk import DESKTOP, IMAGE, PHONE, account, call, signed_in


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("discovery")) as url:
        yield url


def until(page: Page, ready: Callable[[], bool], what: str, seconds: float = 90) -> None:
    """Reload until the pipeline has done its part (it runs beside the API, and at the end
    of a long suite the shared engine is slow to serve its stream)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
        page.reload()
    shot(page, f"failed-{what.replace(' ', '-')}")
    raise AssertionError(f"the pipeline did not {what} within {seconds:.0f} s")


def test_find_follow_tag_save_and_picture(browser: Browser, server: str, tmp_path: Path) -> None:
    watch = Watch(server)
    errors: list[str] = []
    author, author_token = account(server, "jgarcia")
    call(server, "PATCH", f"/api/users/{author}", {"name": "José García Ruiz"}, author_token)
    reader, reader_token = account(server, "rd")
    posted = call(
        server,
        "POST",
        f"/api/users/{author}/photos",
        {"url": IMAGE, "caption": f"Tapas night #Madrid with @{reader} and @ghost_nobody"},
        author_token,
    )
    desk, page = signed_in(browser, server, reader, **DESKTOP)
    watch.attach(desk)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # -- search by part of the name, no accent; arrows and Enter open the person ---------------
    box = page.get_by_role("combobox", name="Search people")
    box.fill("jose GAR")
    option = page.get_by_role("option", name=author)

    def suggested() -> bool:
        box.fill("jose GAR")
        return _visible(option)

    until(page, suggested, "index the name")
    shot(page, "d1-search-suggestions-desktop")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(f"{server}/u/{author}")
    expect(page.get_by_role("heading", name=f"José García Ruiz @{author}")).to_be_visible()

    # -- Enter without a choice: the search page, where Follow works from the results --------
    box.fill("garcía")
    box.press("Enter")
    expect(page).to_have_url(f"{server}/search?q=garc%C3%ADa")
    row = page.locator("#results li").filter(has_text=author)
    follow = row.get_by_role("button", name="Follow")
    follow.dblclick()  # twice is one follow
    expect(row.get_by_role("button", name="Following")).to_be_visible()
    assert call(server, "GET", f"/api/users/{author}")["followerCount"] == 1
    check_accessibility(page)
    shot(page, "d2-search-page-desktop")

    # -- the photo reaches the feed; its tag is a link, the missing mention is not -------------
    page.goto("/")
    card = page.locator("#feed article.card").filter(has_text="Tapas night")
    # each look waits for the page to draw (a slow engine takes a moment) before reloading
    until(page, lambda: _visible(card.first, 5000), "fill the feed")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name=f"@{reader}", exact=True)).to_be_visible()
    expect(card.get_by_role("link", name="@ghost_nobody", exact=True)).to_have_count(0)
    expect(card.locator(".caption")).to_contain_text("@ghost_nobody")

    # -- save it (a double click is one save), then find it under Saved -------------------------
    save = card.get_by_role("button", name="Add to saved")
    save.dblclick()
    expect(card.get_by_role("button", name="Remove from saved")).to_be_visible()
    assert (
        call(server, "GET", "/api/me/saved", token=reader_token)["items"][0]["photoId"]
        == (posted["photoId"])
    )
    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Saved").click()
    expect(page).to_have_url(f"{server}/u/{reader}/saved")
    expect(page.get_by_label("Saved photos").locator("a")).to_have_count(1)
    shot(page, "d3-saved-desktop")
    page.reload()  # still there
    expect(page.get_by_label("Saved photos").locator("a")).to_have_count(1)

    # -- open the tag from the caption ----------------------------------------------------------
    page.goto("/")
    card.get_by_role("link", name="#Madrid", exact=True).click()
    expect(page).to_have_url(f"{server}/tags/madrid")
    expect(page.get_by_role("heading", name="#madrid")).to_be_visible()
    expect(page.get_by_text("1 post")).to_be_visible()
    expect(page.get_by_label("Photos tagged #madrid").locator("a")).to_have_count(1)
    shot(page, "d4-tag-desktop")

    # -- the author, on a phone: a new profile picture, a bio with a mention, a website --------
    phone, mobile = signed_in(browser, server, author, **PHONE)
    watch.attach(phone)
    mobile.on("pageerror", lambda e: errors.append(str(e)))
    mobile.get_by_role("link", name="Your profile").click()
    mobile.get_by_role("link", name="Edit profile").click()
    expect(mobile.get_by_role("heading", name="Edit profile")).to_be_visible()
    mobile.locator("#avatar-file").set_input_files(
        str(picture(tmp_path / "me.jpg", ("#123", "#fc0")))
    )
    expect(mobile.locator("nav img.avatar")).to_be_visible()  # the header has it at once
    mobile.get_by_label("Bio").fill(f"Cook. Friends with @{reader} #food")
    mobile.get_by_label("Website").fill("example.com/jose")
    mobile.get_by_role("button", name="Save", exact=True).click()
    expect(mobile.locator("#toast")).to_contain_text("Profile saved")
    check_accessibility(mobile)
    shot(mobile, "d5-settings-phone")
    mobile.get_by_role("link", name="View profile").click()
    expect(mobile.locator(".bio").get_by_role("link", name=f"@{reader}")).to_be_visible()
    site = mobile.get_by_role("link", name="example.com/jose")
    expect(site).to_have_attribute("rel", "nofollow noopener noreferrer")
    expect(site).to_have_attribute("href", "https://example.com/jose")
    expect(mobile.locator(".profile-head img.avatar")).to_be_visible()
    shot(mobile, "d6-profile-phone")

    # -- edit the caption: the tag page follows --------------------------------------------------
    mobile.goto(f"/p/{author}/{posted['photoId']}")
    mobile.get_by_role("button", name="Edit caption").click()
    mobile.get_by_label("Caption").fill("Tapas night #Barcelona")
    mobile.get_by_role("button", name="Save", exact=True).click()
    expect(mobile.locator("#caption").get_by_role("link", name="#Barcelona")).to_be_visible()
    mobile.goto("/tags/barcelona")
    grid = mobile.get_by_label("Photos tagged #barcelona").locator("a")
    until(mobile, lambda: _visible(grid.first, 5000), "move the photo to its new tag")
    shot(mobile, "d7-tag-phone")

    # -- the reader sees the new picture on the feed card ----------------------------------------
    mine = call(server, "GET", f"/api/users/{author}")
    page.goto("/")
    head = (
        page.locator("#feed article.card")
        .filter(has_text="Tapas night")
        .locator(".card-head img.avatar")
    )
    expect(head).to_have_attribute("src", mine["avatarThumbUrl"])
    assert page.evaluate("(img) => img.naturalWidth", head.element_handle()) == 150
    shot(page, "d8-feed-card-with-picture-desktop")

    # -- the phone's search page, stale answers never win ---------------------------------------
    mobile.goto("/search")
    field = mobile.get_by_role("searchbox", name="Search people")
    field.press_sequentially("jos", delay=30)
    field.press("Backspace")
    field.press("Backspace")
    field.press_sequentially("zz", delay=30)
    expect(mobile.locator("main [role=status]")).to_contain_text("No one matches “jzz”")
    expect(mobile.locator("#results li")).to_have_count(0)
    shot(mobile, "d9-search-phone")

    assert watch.alerts == [] and watch.foreign == [] and errors == []
    desk.close()
    phone.close()


def _wait_for(page: Page, ready: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "the page did not ask in time"
        page.wait_for_timeout(20)  # (held requests reach the route handler while waiting)


def _let_through(route: Route) -> None:
    with contextlib.suppress(Exception):  # the page had already cancelled it: nothing to do
        route.continue_()


def _visible(locator: Locator, timeout: float = 1500) -> bool:
    try:
        locator.wait_for(state="visible", timeout=timeout)
        return True
    except Exception:
        return False


def test_what_a_first_walk_found(browser: Browser, server: str) -> None:
    """Each a finding of a walk through search, tags and saving, now a test."""
    star, star_token = account(server, "kenji")
    call(server, "PATCH", f"/api/users/{star}", {"name": "Kenji Sato"}, star_token)
    fan, _ = account(server, "fan")
    call(server, "POST", f"/api/users/{star}/photos", {"url": IMAGE, "caption": "#tea"}, star_token)
    desk, page = signed_in(browser, server, fan, **DESKTOP)
    box = page.get_by_role("combobox", name="Search people")

    # an old list is never picked: typing on and pressing Enter at once searches the new text
    def suggested() -> bool:
        box.fill("kenj")
        return _visible(page.get_by_role("option", name=star))

    until(page, suggested, "index the name")

    # an answer for what the box said a moment ago never shows once the text has changed: CI
    # once saw the reader's choice wiped by such a list, and Enter search instead of open
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(re.compile(r"/api/search/users\?"), hold)
    box.fill("ken")
    _wait_for(page, lambda: len(held) == 1)
    box.press("End")
    box.press("j")  # the question is now "kenj"; the answer to "ken" arrives after that
    _let_through(held[0])
    _wait_for(page, lambda: len(held) == 2)  # "kenj" asked (and held): no list for "ken" meanwhile
    expect(page.get_by_role("option")).to_have_count(0)
    page.unroute(re.compile(r"/api/search/users\?"))
    _let_through(held[1])
    expect(page.get_by_role("option", name=star)).to_be_visible()  # the answer to "kenj"
    box.press("ArrowDown")
    expect(page.get_by_role("option", name=star)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(f"{server}/u/{star}")

    box.fill("kenj")
    expect(page.get_by_role("option", name=star)).to_be_visible()
    box.press("End")  # (typing goes on at the end, wherever a reload left the caret)
    box.press_sequentially("zz", delay=0)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(f"{server}/search?q=kenjzz")
    expect(page.get_by_role("searchbox", name="Search people")).to_be_focused()
    expect(box).to_have_value("")  # the header box is cleared once it has taken you there

    # the keyboard stays on a button after liking or saving with it
    page.goto("/")
    page.goto(f"/u/{star}")
    page.get_by_label("Photos").locator("a").first.click()
    like = page.get_by_role("button", name="Like", exact=True)
    like.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Unlike")).to_be_focused()
    save = page.get_by_role("button", name="Add to saved")
    save.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove from saved")).to_be_focused()

    # unsaved from the photo page, then Back: the Saved tab does not show it any more
    page.goto(f"/u/{fan}/saved")
    page.get_by_label("Saved photos").locator("a").first.click()
    page.get_by_role("button", name="Remove from saved").click()
    expect(page.get_by_role("button", name="Add to saved")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Nothing saved yet")).to_be_visible()
    desk.close()

    # long text never pushes a phone's page sideways; a non-tag gets a plain answer
    phone, mobile = signed_in(browser, server, fan, **PHONE)
    mobile.goto("/search?q=" + "w" * 300)
    expect(mobile.locator("main [role=status]")).to_contain_text("No one matches")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mobile.goto("/tags/" + "t" * 100)
    expect(mobile.get_by_role("heading", name="No posts yet")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for bad in ("%F0%9F%8C%85", "%25", "%3Cscript%3E"):
        mobile.goto(f"/tags/{bad}")
        expect(mobile.get_by_role("heading", name="That is not a hashtag")).to_be_visible()
    shot(mobile, "d10-not-a-tag-phone")
    phone.close()

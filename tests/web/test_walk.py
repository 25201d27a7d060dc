"""What people hit on a first walk through the web app, each now a browser test: a story
viewer that kept running after Back, double-clicks that posted twice, a feed that forgot
its place, a "Load more" stuck after a network failure, a docs page that did not render,
and the smaller things (redirects, counters, overflow, titles, confirmations…)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from instaclone.engine import LocalEngine
from tests.helpers import unique
from tests.live import live_server
from tests.web.test_journey import PASSWORD, shot

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
IMAGE = "/static/favicon.svg"  # a picture the app itself serves: nothing leaves the machine


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("walk")) as url:
        yield url


def call(server: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    request = urllib.request.Request(
        server + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def account(server: str, prefix: str) -> tuple[str, str]:
    name = unique(prefix).lower()
    made = call(
        server, "POST", "/api/accounts", {"username": name, "name": name, "password": PASSWORD}
    )
    return name, made["token"]


def signed_in(
    browser: Browser, server: str, name: str, **options: Any
) -> tuple[BrowserContext, Page]:
    before = options.pop("before", None)
    context = browser.new_context(base_url=server, **(options or DESKTOP))
    page = context.new_page()
    if before:
        before(page)
    page.goto("/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    return context, page


def wait_for_feed(server: str, token: str, count: int) -> None:
    import time

    for _ in range(300):
        if len(call(server, "GET", "/api/feed?limit=20", token=token)["items"]) >= min(count, 20):
            return
        time.sleep(0.2)
    raise AssertionError("the pipeline did not fill the feed")


@pytest.fixture(scope="module")
def people(server: str) -> dict[str, Any]:
    """An author with 30 photos and a story; a reader following them."""
    author, author_token = account(server, "au")
    reader, reader_token = account(server, "rd")
    call(server, "PUT", f"/api/users/{reader}/following/{author}", token=reader_token)
    photos = [
        call(
            server,
            "POST",
            f"/api/users/{author}/photos",
            {"url": IMAGE, "caption": f"photo {i}"},
            author_token,
        )
        for i in range(30)
    ]
    call(
        server,
        "POST",
        f"/api/users/{author}/stories",
        {"frames": [{"url": IMAGE, "duration": 3}]},
        author_token,
    )
    wait_for_feed(server, reader_token, 30)
    for _ in range(300):  # and the story, posted last, in the reader's tray
        tray = call(server, "GET", "/api/stories/tray", token=reader_token)["items"]
        if any(entry["username"] == author for entry in tray):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the pipeline did not put the story in the tray")
    return {
        "author": author,
        "author_token": author_token,
        "reader": reader,
        "reader_token": reader_token,
        "photos": photos,
    }


def test_leaving_a_story_stops_it(browser: Browser, server: str, people: dict[str, Any]) -> None:
    context, page = signed_in(browser, server, people["reader"], **PHONE)
    viewed: list[str] = []
    page.on("request", lambda r: viewed.append(r.url) if r.url.endswith("/views") else None)
    page.get_by_role("link", name=f"Stories of {people['author']}").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.wait_for_timeout(1000)
    page.go_back()
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    seen = len(viewed)
    page.wait_for_timeout(4500)  # longer than the story: it used to jump to the profile
    assert page.url == f"{server}/"
    assert len(viewed) == seen  # no view recorded once left
    expect(page.locator(".tray a.seen")).to_have_count(1)  # the ring turned "seen"
    shot(page, "w1-tray-seen-phone")
    context.close()


def test_a_double_click_posts_one_comment(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    context, page = signed_in(browser, server, people["reader"])
    photo = people["photos"][0]
    page.goto(f"/p/{photo['username']}/{photo['photoId']}")
    text = unique("twice")
    page.get_by_label("Add a comment").fill(text)
    page.get_by_role("button", name="Post").dblclick()
    expect(page.locator(".comments")).to_contain_text(text)
    page.wait_for_timeout(1000)
    page.reload()
    expect(page.locator(".comments li", has_text=text)).to_have_count(1)
    context.close()


def test_back_returns_to_the_same_place_in_the_feed(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    context, page = signed_in(browser, server, people["reader"])
    cards = page.locator("#feed article.card")
    while cards.count() < 24:  # scrolling loads more
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(300)
    target = cards.nth(20)
    target.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    count = cards.count()
    target.get_by_role("link", name="Add a comment").click()
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()
    page.go_back()
    expect(cards).to_have_count(count)
    page.wait_for_timeout(300)
    assert abs(page.evaluate("window.scrollY") - before) < 5
    context.close()


def test_load_more_recovers_from_a_failed_request(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    # Every page after the first fails, from the start (the list may ask for the next page
    # as soon as it is drawn, while its images have no height yet).
    cut = "**/api/feed?*cursor=*"
    context, page = signed_in(
        browser, server, people["reader"], before=lambda p: p.route(cut, lambda r: r.abort())
    )
    expect(page.locator("#feed article.card")).to_have_count(10)  # the first page is in
    page.locator(".pager").scroll_into_view_if_needed()  # scrolling asks for the next page
    page.locator(".pager button").click()  # (or the button: the same request either way)
    expect(page.get_by_role("alert")).to_contain_text("Can't reach instaclone")
    retry = page.get_by_role("button", name="Try again")
    expect(retry).to_be_enabled()
    shot(page, "w2-load-more-failed")
    page.unroute(cut)
    retry.click()
    expect(page.locator("#feed article.card")).to_have_count(20)
    context.close()


def test_the_docs_page_lists_the_operations(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20000)
    assert page.locator(".opblock").count() >= 25
    expect(page.get_by_text("Unable to render")).to_have_count(0)
    shot(page, "w3-docs")
    context.close()


def test_sign_in_leads_back_and_signed_in_people_skip_the_forms(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/upload")
    expect(page).to_have_url(f"{server}/login?next=%2Fupload")
    assert errors == []  # no 401 logged for a visitor who is not signed in
    assert (
        page.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.status)")
        == 200
    )
    page.get_by_label("Username").fill(people["reader"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    page.goto("/login")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    page.goto("/signup")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    context.close()


def test_long_text_never_overflows_and_captions_are_counted(browser: Browser, server: str) -> None:
    name, token = account(server, "l" * 14)  # a long name: it must not widen the page
    long_word = "https://example.invalid/" + "x" * 300
    photo = call(
        server, "POST", f"/api/users/{name}/photos", {"url": IMAGE, "caption": long_word}, token
    )
    context, page = signed_in(browser, server, name, **PHONE)
    for path in ("/", f"/u/{name}", f"/p/{name}/{photo['photoId']}"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    expect(page).to_have_title(f"Photo by @{name} · instaclone")  # not the whole caption
    page.goto("/upload")
    expect(page.locator("img.preview")).to_be_hidden()  # no broken image before a choice
    page.get_by_label("Caption").fill("y" * 2300)
    expect(page.locator(".counter")).to_have_text("2,300 / 2,200")
    assert not page.get_by_label("Caption").evaluate("el => el.checkValidity()")
    shot(page, "w4-caption-counter-phone")
    context.close()


def test_missing_people_and_photos_say_what_happened(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto("/stories/nobody")
    expect(page.get_by_text("@nobody has no live stories")).to_be_visible()
    expect(page.get_by_role("link", name="Go home")).to_be_visible()
    page.goto("/p/nobody/01ABCDEFGHJKMNPQRSTVWXYZ00")
    expect(page.get_by_text("This photo isn't here")).to_be_visible()
    expect(page.get_by_text("01ABCDEFGHJKMNPQRSTVWXYZ00")).to_have_count(0)  # no internal id
    context.close()


def test_double_tap_likes_unfollow_asks_and_lists_have_buttons(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    fan, _ = account(server, "fan")
    context, page = signed_in(browser, server, fan, **PHONE)
    photo = people["photos"][1]
    page.goto(f"/p/{photo['username']}/{photo['photoId']}")
    page.locator(".frame").dblclick()
    expect(page.get_by_role("button", name="Unlike")).to_be_visible()
    expect(page.locator("#likers")).to_contain_text(fan)
    page.goto(f"/p/{photo['username']}/{photo['photoId']}/likes")
    expect(page.get_by_role("link", name=fan)).to_be_visible()

    page.goto(f"/u/{people['author']}")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Following").click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()  # kept
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Following").click()
    expect(page.get_by_role("button", name="Follow")).to_be_visible()

    page.goto(f"/u/{people['author']}/followers")
    row = page.locator(".people li", has_text=people["reader"])
    expect(row.get_by_role("button", name="Follow")).to_be_visible()
    shot(page, "w5-followers-with-buttons-phone")
    context.close()


def test_a_wrong_password_says_so(browser: Browser, server: str, people: dict[str, Any]) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(people["reader"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")
    context.close()


def test_signed_out_in_another_tab_leads_to_log_in(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    context, page = signed_in(browser, server, people["reader"])
    other = context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Log out").click()
    expect(other.get_by_role("heading", name="Log in")).to_be_visible()
    page.locator("#feed article.card").first.get_by_role("button", name="Like").click()
    expect(page).to_have_url(f"{server}/login?next=%2F")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # the header knows
    context.close()


def test_offline_pages_and_lists_recover_by_themselves(
    browser: Browser, server: str, people: dict[str, Any]
) -> None:
    context, page = signed_in(browser, server, people["reader"], **PHONE)
    expect(page.locator("#feed article.card")).to_have_count(10)
    context.set_offline(True)
    page.mouse.wheel(0, 20000)
    expect(page.get_by_role("alert")).to_contain_text("Can't reach instaclone")
    context.set_offline(False)  # back online: the list goes on without a click
    expect(page.locator("#feed article.card")).to_have_count(20)
    context.set_offline(True)
    page.get_by_role("link", name="New post").click()  # its code was never loaded
    expect(page.get_by_role("heading", name="Can't reach instaclone")).to_be_visible()
    shot(page, "w6-offline-page-phone")
    context.set_offline(False)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    context.close()

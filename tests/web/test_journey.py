"""Two people use the web app in a real browser (Debian's Chromium, driven by Playwright).

Screenshots of every page go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Page, expect

from instaclone.engine import LocalEngine
from tests.helpers import unique
from tests.live import live_server

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"
XSS_NAME = 'Alice "><img src=x onerror=alert(1)>'
XSS_CAPTION = "Sunset <script>window.__xss = 1; alert('caption')</script>"
XSS_COMMENT = "<img src=x onerror=alert(2)> nice light!"


@pytest.fixture(scope="module")
def server(engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(engine.endpoint, tmp_path_factory.mktemp("web")) as url:
        yield url


def picture(path: Path, colors: tuple[str, str]) -> Path:
    image = Image.new("RGB", (1200, 900), colors[0])
    draw = ImageDraw.Draw(image)
    for i in range(0, 900, 30):
        draw.ellipse((600 - i, 450 - i // 2, 600 + i, 450 + i // 2), outline=colors[1], width=6)
    image.save(path, "JPEG", quality=90)
    return path


class Watch:
    """Records what the browser did that it should not: alerts, requests to other hosts."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.alerts: list[str] = []
        self.foreign: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("page", lambda page: page.on("dialog", self._dialog))

    def _request(self, request: object) -> None:
        url = getattr(request, "url", "")
        if not url.startswith((self.server, "data:", "blob:")):
            self.foreign.append(url)

    def _dialog(self, dialog: object) -> None:
        if getattr(dialog, "type", "") == "alert":
            self.alerts.append(getattr(dialog, "message", ""))
        dialog.accept()  # type: ignore[attr-defined]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page: Page) -> None:
    assert page.locator("img:not([alt])").count() == 0
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea')]
              .filter(el => !el.closest('label') && !el.getAttribute('aria-label')).length"""
    )
    assert unlabeled == 0


def sign_up(page: Page, username: str, name: str) -> None:
    page.goto("/signup")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    expect(page.locator(".nav-name")).to_have_text(f"@{username}")


def test_two_people_share_follow_like_and_comment(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    watch = Watch(server)
    desktop = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    phone = browser.new_context(
        base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    watch.attach(desktop)
    watch.attach(phone)
    alice_name, bob_name = unique("alice").lower(), unique("bob").lower()

    # -- alice signs up, shares a photo and a story (desktop) ---------------------------------
    alice = desktop.new_page()
    alice.goto("/signup")
    check_accessibility(alice)
    shot(alice, "01-sign-up")
    sign_up(alice, alice_name, XSS_NAME)
    expect(alice.get_by_text("Your feed is empty")).to_be_visible()
    shot(alice, "02-empty-feed")

    alice.get_by_role("link", name="New post").click()
    alice.get_by_label("Image (JPEG, PNG or WebP)").set_input_files(
        picture(tmp_path / "sunset.jpg", ("#f6a15a", "#7a2d6b"))
    )
    expect(alice.get_by_alt_text("Preview of the chosen image")).to_be_visible()
    alice.get_by_label("Caption").fill(XSS_CAPTION)
    check_accessibility(alice)
    shot(alice, "03-upload")
    alice.get_by_role("button", name="Share").click()
    alice.wait_for_url(f"**/p/{alice_name}/*")
    expect(alice.locator("#caption")).to_contain_text(XSS_CAPTION)  # shown as text
    photo_url = alice.url
    assert "/p/" in photo_url
    shot(alice, "04-photo-new")

    alice.goto("/upload")
    alice.get_by_label("A story (24 hours)").check()
    alice.get_by_label("Image (JPEG, PNG or WebP)").set_input_files(
        picture(tmp_path / "story.jpg", ("#2d6b7a", "#f6e05a"))
    )
    expect(alice.get_by_label("Caption")).to_be_hidden()  # a story has no caption to lose
    alice.get_by_role("button", name="Share").click()
    # back on Home, her story first in the tray, at once (before the pipeline runs)
    expect(alice.get_by_role("heading", name="Home")).to_be_visible()
    expect(alice.locator(".tray a").first).to_have_accessible_name("Your story")
    shot(alice, "04b-home-your-story")

    # -- bob signs up on a phone, follows alice, sees, likes, comments ------------------------
    bob = phone.new_page()
    sign_up(bob, bob_name, "Bob <b>not bold</b>")
    bob.goto(f"/u/{alice_name}")
    expect(bob.get_by_role("heading", level=1)).to_contain_text(XSS_NAME)
    follow = bob.get_by_role("button", name="Follow")
    follow.click()
    expect(bob.get_by_role("button", name="Following")).to_have_attribute("aria-pressed", "true")
    expect(bob.get_by_text("1 follower", exact=True)).to_be_visible()
    check_accessibility(bob)
    shot(bob, "05-profile-phone")

    # The follow reaches bob's tray through the event pipeline (the server's in-process
    # stream consumer), a moment after the follow: Home shows it on the next load.
    story_link = bob.get_by_role("link", name=f"Stories of {alice_name}")
    for _ in range(20):
        bob.get_by_role("link", name="Home").click()
        expect(bob.get_by_role("heading", name="Home")).to_be_visible()
        if story_link.is_visible():
            break
        bob.wait_for_timeout(250)
    expect(story_link).to_be_visible()
    card = bob.locator("article.card").first
    expect(card.get_by_role("img")).to_have_attribute(
        "alt", f"Photo by {alice_name}: {XSS_CAPTION}"
    )
    card.get_by_role("button", name="Like").click()
    expect(card.get_by_text("1 like", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name="Unlike")).to_have_attribute("aria-pressed", "true")
    check_accessibility(bob)
    shot(bob, "06-feed-phone")

    bob.get_by_role("link", name=f"Stories of {alice_name}").click()
    viewer = bob.get_by_role("dialog", name=f"Stories of {alice_name}")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("img")).to_have_attribute(
        "alt", f"Story by {alice_name}, frame 1 of 1"
    )
    shot(bob, "07-story-viewer-phone")
    bob.keyboard.press("Escape")
    expect(bob).to_have_url(f"{server}/")  # back where he started, not on her profile
    bob.goto(f"/u/{alice_name}")

    bob.goto(photo_url)
    bob.get_by_label("Add a comment").fill(XSS_COMMENT)
    bob.get_by_role("button", name="Post").click()
    expect(bob.locator(".comments")).to_contain_text(XSS_COMMENT)
    expect(bob.get_by_role("heading", name="1 comment")).to_be_visible()
    # bob cannot delete alice's photo: no button, and the API refuses him
    expect(bob.get_by_role("button", name="Delete photo")).to_have_count(0)
    status = bob.evaluate(
        """async (path) => {
            const csrf = document.cookie.split('; ').find(c => c.startsWith('csrf=')).slice(5);
            const r = await fetch(path, {method: 'DELETE', headers: {'X-CSRF-Token': csrf}});
            return r.status;
        }""",
        "/api/users/" + photo_url.split("/p/")[1].replace("/", "/photos/"),
    )
    assert status == 403
    shot(bob, "08-photo-phone-bob")

    # -- alice sees the like, the liker, the comment; the story's view ------------------------
    alice.goto(photo_url)
    expect(alice.get_by_text("1 like", exact=True)).to_be_visible()
    expect(alice.locator("#likers")).to_contain_text(f"Liked by {bob_name}")
    expect(alice.locator(".comments")).to_contain_text(XSS_COMMENT)
    expect(alice.get_by_role("button", name=f"Delete comment by {bob_name}")).to_be_visible()
    expect(alice.get_by_role("button", name=f"Edit comment by {bob_name}")).to_have_count(0)
    # keyboard: focus the like button and press Enter, twice
    like = alice.get_by_role("button", name="Like")
    like.focus()
    alice.keyboard.press("Enter")
    expect(alice.get_by_text("2 likes", exact=True)).to_be_visible()
    alice.get_by_role("button", name="Unlike").focus()
    alice.keyboard.press("Enter")
    expect(alice.get_by_text("1 like", exact=True)).to_be_visible()
    check_accessibility(alice)
    assert "&lt;script&gt;" in alice.locator("#caption").inner_html()  # text, not markup
    shot(alice, "09-photo-desktop-alice")

    alice.goto(f"/stories/{alice_name}")
    expect(alice.get_by_text("1 view", exact=True)).to_be_visible()
    shot(alice, "10-own-story")
    alice.goto(f"/u/{alice_name}")
    expect(alice.get_by_text("1 post", exact=True)).to_be_visible()
    shot(alice, "11-profile-desktop")
    alice.goto(f"/u/{alice_name}/followers")
    expect(alice.get_by_role("link", name=bob_name)).to_be_visible()
    shot(alice, "12-followers")

    # -- nothing ran, nothing left the server, cookies are locked down ------------------------
    assert watch.alerts == []
    assert watch.foreign == []
    assert alice.evaluate("window.__xss") is None and bob.evaluate("window.__xss") is None
    cookies = {c["name"]: c for c in desktop.cookies()}
    assert cookies["session"]["httpOnly"] and cookies["session"]["sameSite"] == "Lax"
    assert cookies["csrf"]["sameSite"] == "Strict"

    # -- alice logs out ------------------------------------------------------------------------
    alice.get_by_role("button", name="Log out").click()
    expect(alice.get_by_role("heading", name="Log in")).to_be_visible()
    shot(alice, "13-log-in")
    assert alice.evaluate("fetch('/api/me').then(r => r.status)") == 401
    desktop.close()
    phone.close()


def test_pages_answer_without_javascript_errors(server: str, browser: Browser) -> None:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in (
        "/",
        "/login",
        "/signup",
        "/u/nobody",
        "/p/nobody/01ABC",
        "/stories/nobody",
        "/nowhere",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("main").inner_text().strip() != "Loading…", path
    assert errors == []
    response = page.goto("/")
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"]
    context.close()

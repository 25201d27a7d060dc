"""Usernames: 1–30 characters of a-z, 0-9, '.', '_'; case-insensitive, stored lower-case.

They go into keys (``USER#{username}``), so nothing else is allowed, ``#`` least of all.
"""

from __future__ import annotations

import re

from instaclone.domain.errors import InvalidInputError

_VALID = re.compile(r"[a-z0-9._]{1,30}")


def normalize_username(username: str) -> str:
    if not isinstance(username, str):
        raise InvalidInputError("a username must be a string")
    name = username.strip().lower()
    if not _VALID.fullmatch(name):
        raise InvalidInputError(
            f"invalid username {username!r}: use 1 to 30 characters among a-z, 0-9, '.' and '_'"
        )
    return name


RESERVED = frozenset(
    {
        "about",
        "accounts",
        "activity",
        "admin",
        "api",
        "direct",
        "docs",
        "docs-assets",
        "explore",
        "favicon.ico",
        "feed",
        "help",
        "home",
        "inbox",
        "instaclone",
        "login",
        "logout",
        "media",
        "messages",
        "new",
        "notifications",
        "openapi.json",
        "p",
        "privacy",
        "robots.txt",
        "root",
        "saved",
        "search",
        "settings",
        "signup",
        "static",
        "stories",
        "support",
        "system",
        "tags",
        "terms",
        "u",
        "upload",
        "www",
    }
)
"""Names the web app and API use as paths, or will: nobody may take them."""


def new_username(username: str) -> str:
    """A username for a new account: valid, with no leading, trailing or doubled '.' (they
    read as paths, ``.`` and ``..`` above all), and not a reserved name."""
    name = normalize_username(username)
    if name.startswith(".") or name.endswith(".") or ".." in name:
        raise InvalidInputError(
            f"invalid username {username!r}: a '.' may not start or end it, nor follow another"
        )
    if name in RESERVED:
        raise InvalidInputError(f"the username {name!r} is reserved; choose another")
    return name

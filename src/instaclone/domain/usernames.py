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

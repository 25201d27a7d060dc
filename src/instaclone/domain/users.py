"""Users: create, read, edit the profile (name, bio, website, picture)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from instaclone.data import AlreadyExistsError, ItemNotFoundError, Update
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError, UsernameTakenError, UserNotFoundError
from instaclone.domain.models import User
from instaclone.domain.photos import check_url
from instaclone.domain.text import plain_text
from instaclone.domain.usernames import new_username

MAX_NAME = 100
MAX_BIO = 150  # Instagram's limit
MAX_WEBSITE = 200
EDITABLE = frozenset({"name", "bio", "website"})


# Characters that change how text around them is shown (right-to-left overrides can make
# "evil.com" read as "moc.live"), control characters and unassigned ones: never in a name.
def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        raise InvalidInputError(f"a name is 1 to {MAX_NAME} characters")
    return plain_text(value.strip(), "a name")


def _bio(value: Any) -> str | None:
    if not isinstance(value, str):
        raise InvalidInputError("a bio must be a string")
    value = value.strip()
    if len(value) > MAX_BIO:
        raise InvalidInputError(f"a bio is at most {MAX_BIO} characters, not {len(value)}")
    return plain_text(value, "a bio", newlines=True) or None


def _website(value: Any) -> str | None:
    """An absolute http(s) address (nothing a browser would run, like ``javascript:``)."""
    if not isinstance(value, str):
        raise InvalidInputError("a website must be a string")
    text = value.strip()
    if not text:
        return None
    if "://" not in text:
        text = f"https://{text}"
    if len(text) > MAX_WEBSITE:
        raise InvalidInputError(f"a website is at most {MAX_WEBSITE} characters")
    if any(ord(c) < 0x21 or c in "\\<>\"'`" for c in text):
        raise InvalidInputError("a website may not contain spaces, quotes or < > \\")
    plain_text(text, "a website")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise InvalidInputError("a website must be a valid address") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInputError("a website must start with http:// or https://")
    if not host or "." not in host.strip("."):
        raise InvalidInputError("a website needs a domain name, such as example.com")
    if parts.username is not None or parts.password is not None:
        raise InvalidInputError("a website may not carry a user name or password (user@host)")
    return text


class UserOps(ServiceBase):
    async def create_user(self, username: str, name: str) -> User:
        """A new user; UsernameTakenError if the (case-insensitive) username exists."""
        username = new_username(username)
        try:
            return await self.users.create(username=username, name=_name(name)).execute()
        except AlreadyExistsError:
            raise UsernameTakenError(username) from None

    async def get_user_profile(self, username: str) -> User | None:
        return await self.users.get(username=self.username(username)).execute()

    async def update_user_profile(self, username: str, updates: Mapping[str, Any]) -> User:
        """Change profile fields: ``name`` (as the seed), ``bio`` (150 characters; its
        mentions are resolved) and ``website`` (http(s)); an empty bio or website removes
        it. Returns the updated user."""
        username = self.username(username)
        unknown = set(updates) - EDITABLE
        if unknown:
            raise InvalidInputError(f"cannot update {', '.join(sorted(unknown))}")
        changes = {k: v for k, v in updates.items() if v is not None}
        if not changes:
            user = await self.get_user_profile(username)
            if user is None:
                raise UserNotFoundError(username)
            return user
        update = self.users.update(username=username)
        if "name" in changes:
            update.set("name", _name(changes["name"]))
        if "bio" in changes:
            bio = _bio(changes["bio"])
            self._set_or_remove(update, "bio", bio)
            update.set("mentions", await self.existing_mentions(bio))
        if "website" in changes:
            self._set_or_remove(update, "website", _website(changes["website"]))
        return await self._updated(update, username)

    async def set_avatar(
        self, username: str, url: str, thumb_url: str, keys: list[str]
    ) -> tuple[User, list[str]]:
        """A new profile picture; returns the user and the files of the one it replaced."""
        username = self.username(username)
        update = self.users.update(username=username).set("avatar_url", check_url(url))
        update.set("avatar_thumb_url", check_url(thumb_url)).set("avatar_keys", list(keys))
        return await self._replacing_avatar(update, username)

    async def remove_avatar(self, username: str) -> tuple[User, list[str]]:
        """Back to initials; returns the user and the files of the picture removed."""
        username = self.username(username)
        update = self.users.update(username=username).remove("avatar_url")
        update.remove("avatar_thumb_url").set("avatar_keys", [])
        return await self._replacing_avatar(update, username)

    async def _replacing_avatar(
        self, update: Update[User], username: str
    ) -> tuple[User, list[str]]:
        try:
            old = await update.returning("ALL_OLD").execute()
        except ItemNotFoundError:
            raise UserNotFoundError(username) from None
        user = await self.users.get(username=username).consistent().execute()
        if user is None:
            raise UserNotFoundError(username)
        return user, list(old.avatar_keys) if old else []

    @staticmethod
    def _set_or_remove(update: Update[User], field: str, value: str | None) -> None:
        if value is None:
            update.remove(field)
        else:
            update.set(field, value)

    async def _updated(self, update: Update[User], username: str) -> User:
        try:
            user = await update.returning("ALL_NEW").execute()
        except ItemNotFoundError:
            raise UserNotFoundError(username) from None
        assert user is not None
        return user

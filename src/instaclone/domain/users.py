"""Users: create, read, update the profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instaclone.data import AlreadyExistsError, ItemNotFoundError
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError, UsernameTakenError, UserNotFoundError
from instaclone.domain.models import User
from instaclone.domain.usernames import new_username

MAX_NAME = 100


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise InvalidInputError(f"a name is 1 to {MAX_NAME} characters")
    return value.strip()


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
        """Change profile fields (the seed allows ``name``); returns the updated user."""
        username = self.username(username)
        unknown = set(updates) - {"name"}
        if unknown:
            raise InvalidInputError(f"cannot update {', '.join(sorted(unknown))}")
        if updates.get("name") is None:
            user = await self.get_user_profile(username)
            if user is None:
                raise UserNotFoundError(username)
            return user
        update = self.users.update(username=username).set("name", _name(updates["name"]))
        try:
            user = await update.returning("ALL_NEW").execute()
        except ItemNotFoundError:
            raise UserNotFoundError(username) from None
        assert user is not None
        return user

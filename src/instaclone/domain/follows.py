"""Follows: both users must exist, nobody follows themselves, both counters move together."""

from __future__ import annotations

from typing import Any

from instaclone.data import ConditionCheck, Page
from instaclone.domain.base import ServiceBase
from instaclone.domain.block_checks import block_errors, check_no_block
from instaclone.domain.errors import (
    AlreadyFollowingError,
    NotFollowingError,
    PreconditionFailedError,
    SelfFollowError,
    UserNotFoundError,
)
from instaclone.domain.feed.fanout import tray_rank
from instaclone.domain.models import Follow, User


class FollowOps(ServiceBase):
    async def follow_user(self, following_username: str, followed_username: str) -> Follow:
        follower, followed = self.username(following_username), self.username(followed_username)
        if follower == followed:
            raise SelfFollowError(follower)
        follow = self.follows.create(followed_username=followed, following_username=follower)
        transaction = (
            self.table.transaction()
            .add(follow, label="follow")
            .add(self.users.update(username=followed).add("follower_count", 1), label="followed")
            .add(self.users.update(username=follower).add("following_count", 1), label="follower")
        )
        check_no_block(transaction, self.table, follower, followed)
        await self.run(
            transaction,
            follow=lambda _: AlreadyFollowingError(follower, followed),
            followed=lambda _: UserNotFoundError(followed),
            follower=lambda _: UserNotFoundError(follower),
            **block_errors(follower, followed, "follow"),
        )
        return follow.result()

    async def unfollow_user(
        self,
        following_username: str,
        followed_username: str,
        *,
        only_if: ConditionCheck[Any] | None = None,
    ) -> None:
        """``only_if``: a check that must hold in the same transaction (a block that still
        stands, when the pipeline ends the follows of a block), or ``PreconditionFailedError``."""
        follower, followed = self.username(following_username), self.username(followed_username)
        if follower == followed:
            raise SelfFollowError(follower)
        delete = self.follows.delete(followed_username=followed, following_username=follower)
        transaction = self.table.transaction()
        if only_if is not None:
            transaction.add(only_if, label="only_if")
        await self.run(
            transaction.add(delete.must_exist(), label="follow")
            .add(
                self.decrement(self.users, "follower_count", username=followed),
                label="followed",
            )
            .add(
                self.decrement(self.users, "following_count", username=follower),
                label="follower",
            )
            # Their story leaves your tray at once (their photos leave your feed at once
            # too: pages check the follow); the pipeline removes the rest.
            .add(
                self.tray_entries.delete(
                    username=follower, rank=tray_rank(follower, followed), author=followed
                ),
                label="tray",
            ),
            only_if=lambda _: PreconditionFailedError(f"unfollow of {followed!r} by {follower!r}"),
            follow=lambda _: NotFollowingError(follower, followed),
            followed=lambda _: UserNotFoundError(followed),
            follower=lambda _: UserNotFoundError(follower),
        )

    async def is_following(self, following_username: str, followed_username: str) -> bool:
        key = {
            "followed_username": self.username(followed_username),
            "following_username": self.username(following_username),
        }
        return await self.follows.get(**key).project("followedUsername").execute() is not None

    async def get_followers(self, username: str, limit: int = 50) -> list[User]:
        return (await self.get_followers_paginated(username, limit)).items

    async def get_followers_paginated(
        self, username: str, limit: int = 50, cursor: str | None = None
    ) -> Page[User]:
        query = self.follows.query(followed_username=self.username(username))
        page = await query.limit(self.limit(limit)).after(cursor).execute()
        users = await self.users_in_order([f.following_username for f in page.items])
        return Page(users, page.cursor, page.count, page.scanned_count)

    async def get_following(self, username: str, limit: int = 50) -> list[User]:
        return (await self.get_following_paginated(username, limit)).items

    async def get_following_paginated(
        self, username: str, limit: int = 50, cursor: str | None = None
    ) -> Page[User]:
        query = self.follows.query_index("gsi1", following_username=self.username(username))
        page = await query.limit(self.limit(limit)).after(cursor).execute()
        users = await self.users_in_order([f.followed_username for f in page.items])
        return Page(users, page.cursor, page.count, page.scanned_count)

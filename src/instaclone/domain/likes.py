"""Likes: one per user and photo, counted on the photo in the same transaction."""

from __future__ import annotations

from instaclone.data import Page, attr
from instaclone.domain.base import ServiceBase
from instaclone.domain.block_checks import block_errors, check_no_block
from instaclone.domain.errors import (
    AlreadyLikedError,
    NotLikedError,
    PhotoNotFoundError,
    UserNotFoundError,
)
from instaclone.domain.models import Like, User


class LikeOps(ServiceBase):
    async def like_photo(self, photo_id: str, photo_owner: str, liking_username: str) -> Like:
        """AlreadyLikedError on a second like (count unchanged); the photo and the liking user
        must exist, so no phantom photo or like is ever written."""
        photo_id = self.identifier(photo_id, "photo")
        owner, liker = self.username(photo_owner), self.username(liking_username)
        like = self.likes.create(photo_id=photo_id, liking_username=liker, photo_owner=owner)
        transaction = (
            self.table.transaction()
            .add(like, label="like")
            .add(
                self.photos.update(username=owner, photo_id=photo_id).add("likes_count", 1),
                label="photo",
            )
            .add(self.users.check(attr("username").exists(), username=liker), label="user")
        )
        if liker != owner:
            check_no_block(transaction, self.table, liker, owner)
        await self.run(
            transaction,
            like=lambda _: AlreadyLikedError(liker, photo_id),
            photo=lambda _: PhotoNotFoundError(photo_id, owner),
            user=lambda _: UserNotFoundError(liker),
            **block_errors(liker, owner, "like photos of"),
        )
        return like.result()

    async def unlike_photo(self, photo_id: str, photo_owner: str, liking_username: str) -> None:
        """NotLikedError if there is no such like; the count never goes below what it counts."""
        photo_id = self.identifier(photo_id, "photo")
        owner, liker = self.username(photo_owner), self.username(liking_username)
        await self.run(
            self.table.transaction()
            .add(
                self.likes.delete(photo_id=photo_id, liking_username=liker).must_exist(),
                label="like",
            )
            .add(
                self.decrement(self.photos, "likes_count", username=owner, photo_id=photo_id),
                label="photo",
            ),
            like=lambda _: NotLikedError(liker, photo_id),
            photo=lambda _: PhotoNotFoundError(photo_id, owner),
        )

    async def has_user_liked_photo(self, photo_id: str, username: str) -> bool:
        key = {
            "photo_id": self.identifier(photo_id, "photo"),
            "liking_username": self.username(username),
        }
        return await self.likes.get(**key).project("likeId").execute() is not None

    async def liked_photo_ids(self, username: str, photo_ids: list[str]) -> set[str]:
        """Which of these photos ``username`` has liked: one BatchGetItem for all of them."""
        if not photo_ids:
            return set()
        liker = self.username(username)
        found = await self.likes.batch_get(
            {"photo_id": self.identifier(p, "photo"), "liking_username": liker} for p in photo_ids
        ).execute()
        return {like.photo_id for like in found.items}

    async def get_photo_likes(self, photo_id: str, limit: int = 50) -> list[User]:
        """Who liked the photo, oldest like first (the order survives the user lookup)."""
        return (await self.get_photo_likes_paginated(photo_id, limit)).items

    async def get_photo_likes_paginated(
        self, photo_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[User]:
        page = await (
            self.likes.query_index("gsi1", photo_id=self.identifier(photo_id, "photo"))
            .limit(self.limit(limit))
            .after(cursor)
            .execute()
        )
        users = await self.users_in_order([like.liking_username for like in page.items])
        return Page(users, page.cursor, page.count, page.scanned_count)

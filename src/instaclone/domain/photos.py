"""Photos: create (counted on the user), read, list, search, delete with its likes and
comments."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from instaclone.data import ConditionFailedError, ItemNotFoundError, Page, attr
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import (
    InvalidInputError,
    NotAllowedError,
    PhotoNotFoundError,
    UserNotFoundError,
)
from instaclone.domain.feed.fanout import feed_item
from instaclone.domain.models import Comment, Like, Photo
from instaclone.domain.text import hashtags

MAX_URL = 2048


_LOCAL_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%-][A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


def check_url(url: str) -> str:
    """An absolute http(s) URL, or a path on this site (``/media/…``). Browsers read a
    backslash as a slash, so ``/\\evil.example/x`` (like ``//evil.example/x``) would lead
    to another site: a local path has neither, nor any control character or space."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise InvalidInputError("a photo needs a URL")
    if "\\" in url or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise InvalidInputError("a URL may not contain backslashes, spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if not parts.scheme and not parts.netloc and _LOCAL_PATH.fullmatch(url):
        return url
    raise InvalidInputError(f"not an http(s) URL or a local path: {url!r}")


def check_media_keys(keys: list[str], username: str) -> list[str]:
    """Keys of files stored by this user's own upload (``photos/{user}/…``)."""
    for key in keys:
        owner = key.split("/")[1] if key.count("/") >= 2 else None
        if owner != username or ".." in key:
            raise InvalidInputError(f"media key {key!r} is not one of {username}'s uploads")
    return list(keys)


class PhotoOps(ServiceBase):
    async def create_photo(
        self,
        username: str,
        url: str,
        caption: str | None = None,
        *,
        thumbnail_url: str | None = None,
        photo_id: str | None = None,
        media_keys: list[str] | None = None,
    ) -> Photo:
        username = self.username(username)
        fields: dict[str, Any] = {
            "username": username,
            "url": check_url(url),
            "thumbnail_url": check_url(thumbnail_url) if thumbnail_url else None,
            "caption": self.text(caption, "a caption", required=False),
            "media_keys": check_media_keys(media_keys or [], username),
        }
        fields["tags"] = hashtags(fields["caption"])
        fields["mentions"] = await self.existing_mentions(fields["caption"])
        if photo_id is not None:
            fields["photo_id"] = self.identifier(photo_id, "photo")
        photo = self.photos.meta.validate(fields)
        create = self.photos.create(photo)
        # The author's own feed gets the photo at once, in the same transaction; followers'
        # feeds get it from the event pipeline (the stream's INSERT record of this photo).
        await self.run(
            self.table.transaction()
            .add(create, label="photo")
            .add(self.users.update(username=username).add("photo_count", 1), label="user")
            .add(self.feed_items.put(feed_item(username, photo, self.policy)), label="own feed"),
            user=lambda _: UserNotFoundError(username),
        )
        return create.result()

    async def update_photo_caption(
        self, username: str, photo_id: str, caption: str | None, *, acting_username: str
    ) -> Photo:
        """Only the owner; the tags and mentions follow the new caption (the tag pages
        follow through the pipeline). An empty caption removes it."""
        username = self.username(username)
        photo_id = self.identifier(photo_id, "photo")
        if self.username(acting_username) != username:
            raise NotAllowedError("only its owner may edit a photo's caption")
        text = self.text(caption, "a caption", required=False) or None
        update = self.photos.update(username=username, photo_id=photo_id)
        if text is None:
            update.remove("caption")
        else:
            update.set("caption", text)
        update.set("tags", hashtags(text))
        update.set("mentions", await self.existing_mentions(text))
        try:
            photo = await update.returning("ALL_NEW").execute()
        except (ItemNotFoundError, ConditionFailedError):
            raise PhotoNotFoundError(photo_id, username) from None
        assert photo is not None
        return photo

    async def get_photo(self, username: str, photo_id: str) -> Photo | None:
        key = {"username": self.username(username), "photo_id": self.identifier(photo_id, "photo")}
        return await self.photos.get(**key).execute()

    async def get_user_photos(self, username: str, limit: int = 20) -> list[Photo]:
        """Most recent first."""
        page = await (
            self.photos.query(username=self.username(username))
            .descending()
            .limit(self.limit(limit))
            .execute()
        )
        return page.items

    async def get_user_photos_paginated(
        self, username: str, limit: int = 20, cursor: str | None = None
    ) -> Page[Photo]:
        query = self.photos.query(username=self.username(username)).descending()
        return await query.limit(self.limit(limit)).after(cursor).execute()

    async def search_user_photos(
        self, username: str, min_likes: int | None = None, min_comments: int | None = None
    ) -> list[Photo]:
        """Photos with more than ``min_likes`` likes and more than ``min_comments`` comments,
        most recent first (all pages: the filter may leave pages short)."""
        query = self.photos.query(username=self.username(username)).descending()
        if min_likes is not None:
            query.filter(attr("likes_count") > min_likes)
        if min_comments is not None:
            query.filter(attr("comment_count") > min_comments)
        return await query.all()

    async def get_popular_user_photos(self, username: str, min_likes: int = 10) -> list[Photo]:
        return await self.search_user_photos(username, min_likes=min_likes)

    async def delete_photo(
        self, username: str, photo_id: str, *, acting_username: str | None = None
    ) -> None:
        """Delete a photo. Its likes, comments and feed entries go through the event pipeline
        (the stream's REMOVE record of the photo), so a crash at any moment leaves nothing
        orphaned for good; once the photo is gone no like or comment can be added to it, and
        feed pages drop it at once."""
        username = self.username(username)
        photo_id = self.identifier(photo_id, "photo")
        if acting_username is not None and self.username(acting_username) != username:
            raise NotAllowedError("only its owner may delete a photo")
        await self.run(
            self.table.transaction()
            .add(
                self.photos.delete(username=username, photo_id=photo_id).must_exist(),
                label="photo",
            )
            .add(
                self.decrement(self.users, "photo_count", username=username),
                label="user",
            ),
            photo=lambda _: PhotoNotFoundError(photo_id, username),
        )

    async def delete_photo_children(self, photo_id: str) -> None:
        """Remove every like and comment of a photo, in batches (idempotent: the pipeline's
        cascade after a photo is deleted)."""
        batch = self.table.batch_write()
        async for page in self.likes.query(photo_id=photo_id).project("likingUsername").pages():
            for like in page.items:
                batch.delete(Like, photo_id=photo_id, liking_username=like["likingUsername"])
        async for page in self.comments.query(photo_id=photo_id).project("commentId").pages():
            for comment in page.items:
                batch.delete(Comment, photo_id=photo_id, comment_id=comment["commentId"])
        if len(batch):
            await batch.execute()

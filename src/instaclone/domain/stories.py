"""Stories: frames that expire (TTL), listed newest first, with a view counter."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from instaclone.data import Condition, ConditionFailedError, Page, Query, attr
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import (
    AlreadyViewedError,
    InvalidInputError,
    StoryNotFoundError,
    UserNotFoundError,
)
from instaclone.domain.feed import StoryTray, tray_entry
from instaclone.domain.models import Frame, Location, Story, User
from instaclone.domain.photos import check_media_keys, check_url
from instaclone.domain.views import TrayPage

STORY_LIFETIME = 24 * 3600
MAX_FRAMES = 20
MAX_DURATION = 60
MAX_MEDIA_TYPE = 40
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9/+.-]{0,39}")


def check_frames(frames: Sequence[Frame | Mapping[str, Any]]) -> list[Frame]:
    if not frames or len(frames) > MAX_FRAMES:
        raise InvalidInputError(f"a story has 1 to {MAX_FRAMES} frames")
    out = []
    for raw in frames:
        try:
            frame = raw if isinstance(raw, Frame) else Frame.model_validate(raw)
        except PydanticValidationError as exc:
            raise InvalidInputError(f"invalid frame: {exc}") from None
        check_url(frame.url)
        if frame.media_type is not None and not _MEDIA_TYPE.fullmatch(frame.media_type):
            raise InvalidInputError(
                "a frame's mediaType is a short word such as 'image' or 'video' "
                f"(at most {MAX_MEDIA_TYPE} characters of a-z, 0-9, '/', '+', '.', '-')"
            )
        if frame.duration is not None and not 0 < frame.duration <= MAX_DURATION:
            raise InvalidInputError(f"a frame lasts more than 0 and at most {MAX_DURATION} s")
        out.append(frame)
    return out


class StoryOps(ServiceBase):
    tray: StoryTray

    async def create_story(
        self,
        username: str,
        frames: Sequence[Frame | Mapping[str, Any]],
        city: str | None = None,
        *,
        media_keys: list[str] | None = None,
    ) -> Story:
        username = self.username(username)
        story = self.stories.meta.validate(
            {
                "username": username,
                "frames": check_frames(frames),
                "location": Location(city=self.text(city, "a city")) if city else None,
                "expires_at": int(time.time()) + STORY_LIFETIME,
                "media_keys": check_media_keys(media_keys or [], username),
            }
        )
        create = self.stories.create(story)
        # "Your story" is first in your own tray at once; followers' trays get it from the
        # event pipeline (the stream's INSERT record of this story).
        await self.run(
            self.table.transaction()
            .add(create, label="story")
            .add(self.users.check(attr("username").exists(), username=username), label="user")
            .add(self.tray_entries.put(tray_entry(username, story)), label="own tray"),
            user=lambda _: UserNotFoundError(username),
        )
        return create.result()

    async def get_user_stories(self, username: str) -> list[Story]:
        """Live stories, most recent first (expired ones are hidden before TTL removes them)."""
        return await self._live_stories(username).all()

    async def get_user_stories_paginated(
        self, username: str, limit: int = 20, cursor: str | None = None
    ) -> Page[Story]:
        return await self._live_stories(username).limit(self.limit(limit)).after(cursor).execute()

    def _live_stories(self, username: str) -> Query[Story]:
        query = self.stories.query(username=self.username(username)).descending()
        return query.filter(
            attr("expires_at").not_exists() | (attr("expires_at") > int(time.time()))
        )

    async def get_story_tray(
        self, username: str, limit: int = 50, cursor: str | None = None
    ) -> TrayPage:
        """Your own live story first, then the people you follow who have one (written by
        the event pipeline; one or two calls, whatever the number followed)."""
        return await self.tray.page(self.username(username), self.limit(limit), cursor)

    def _live(self) -> Condition:
        return attr("expires_at").not_exists() | (attr("expires_at") > int(time.time()))

    async def increment_story_views(
        self, username: str, story_id: str, viewer_username: str | None = None
    ) -> Story:
        """Count a view. With ``viewer_username`` (the product always names one) each viewer
        counts once and is listed for the owner; the owner's own views do not count."""
        key = {"username": self.username(username), "story_id": self.identifier(story_id, "story")}
        update = self.stories.update(**key).add("view_count", 1).condition(self._live())
        if viewer_username is None:
            try:
                story = await update.returning("ALL_NEW").execute()
            except ConditionFailedError:  # missing (ItemNotFoundError) or expired
                raise StoryNotFoundError(story_id) from None
            assert story is not None
            return story
        viewer = self.username(viewer_username)
        current = await self.stories.get(**key).execute()
        if current is None or (current.expires_at and current.expires_at <= time.time()):
            raise StoryNotFoundError(story_id)
        if viewer == key["username"]:
            return current
        view = self.story_views.create(
            story_id=key["story_id"], viewer=viewer, expires_at=current.expires_at
        )
        try:
            await self.run(
                self.table.transaction().add(view, label="view").add(update, label="story"),
                story=lambda _: StoryNotFoundError(story_id),
                view=lambda _: AlreadyViewedError(story_id),
            )
        except AlreadyViewedError:
            return current
        return current.model_copy(update={"view_count": current.view_count + 1})

    async def get_story_viewers(
        self, username: str, story_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[User]:
        """Who viewed a story, first viewer first (for its owner: the API checks)."""
        story_id = self.identifier(story_id, "story")
        if (
            await self.stories.get(username=self.username(username), story_id=story_id).execute()
            is None
        ):
            raise StoryNotFoundError(story_id)
        query = self.story_views.query(story_id=story_id).limit(self.limit(limit)).after(cursor)
        page = await query.execute()
        users = await self.users_in_order([v.viewer for v in page.items])
        return Page(users, page.cursor, page.count, page.scanned_count)

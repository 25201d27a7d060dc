"""Stories: frames that expire (TTL), listed newest first, with a view counter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from instaclone.data import ConditionFailedError, Page, Query, attr
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError, StoryNotFoundError, UserNotFoundError
from instaclone.domain.follows import all_followees
from instaclone.domain.models import Frame, Location, Story
from instaclone.domain.photos import check_url

STORY_LIFETIME = 24 * 3600
MAX_FRAMES = 20
MAX_DURATION = 60


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
        if frame.duration is not None and not 0 < frame.duration <= MAX_DURATION:
            raise InvalidInputError(f"a frame lasts more than 0 and at most {MAX_DURATION} s")
        out.append(frame)
    return out


class StoryOps(ServiceBase):
    async def create_story(
        self, username: str, frames: Sequence[Frame | Mapping[str, Any]], city: str | None = None
    ) -> Story:
        username = self.username(username)
        story = self.stories.create(
            username=username,
            frames=check_frames(frames),
            location=Location(city=self.text(city, "a city")) if city else None,
            expires_at=int(time.time()) + STORY_LIFETIME,
        )
        await self.run(
            self.table.transaction()
            .add(story, label="story")
            .add(self.users.check(attr("username").exists(), username=username), label="user"),
            user=lambda _: UserNotFoundError(username),
        )
        return story.result()

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

    async def get_story_tray(self, username: str) -> list[tuple[str, int]]:
        """People ``username`` follows who have live stories: (username, how many), in the
        order they were followed."""
        followees = await all_followees(self.follows, self.username(username))
        gate = asyncio.Semaphore(16)

        async def live(followee: str) -> int:
            async with gate:
                return len(await self._live_stories(followee).all())

        counts = await asyncio.gather(*(live(f) for f in followees))
        return [(f, n) for f, n in zip(followees, counts, strict=True) if n]

    async def increment_story_views(self, username: str, story_id: str) -> Story:
        key = {"username": self.username(username), "story_id": self.identifier(story_id, "story")}
        update = (
            self.stories.update(**key)
            .add("view_count", 1)
            .condition(attr("expires_at").not_exists() | (attr("expires_at") > int(time.time())))
            .returning("ALL_NEW")
        )
        try:
            story = await update.execute()
        except ConditionFailedError:  # missing (ItemNotFoundError) or expired
            raise StoryNotFoundError(story_id) from None
        assert story is not None
        return story

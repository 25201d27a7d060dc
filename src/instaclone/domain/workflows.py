"""The seed's composite workflows: feed, photo with details, complete profile."""

from __future__ import annotations

import asyncio

from instaclone.domain.comments import CommentOps
from instaclone.domain.feed import Feed
from instaclone.domain.follows import FollowOps
from instaclone.domain.likes import LikeOps
from instaclone.domain.photos import PhotoOps
from instaclone.domain.users import UserOps
from instaclone.domain.views import CompleteProfile, FeedPage, PhotoDetails


class WorkflowOps(UserOps, PhotoOps, LikeOps, CommentOps, FollowOps):
    feed: Feed

    async def get_user_feed(
        self, username: str, limit: int = 30, cursor: str | None = None
    ) -> FeedPage:
        """Photos of the people ``username`` follows, newest first; pass ``cursor`` back for
        the next page."""
        return await self.feed.page(self.username(username), self.limit(limit), cursor)

    async def get_photo_with_details(self, username: str, photo_id: str) -> PhotoDetails | None:
        photo, comments, likers, author = await asyncio.gather(
            self.get_photo(username, photo_id),
            self.get_photo_comments(photo_id, 20),
            self.get_photo_likes(photo_id, 20),
            self.get_user_profile(username),
        )
        if photo is None:
            return None
        return PhotoDetails.model_validate(
            {
                **photo.__dict__,
                "comments": comments[:3],
                "recent_likers": likers[:5],
                "total_likes": photo.likes_count,
                "user": author,
            }
        )

    async def get_complete_user_profile(self, username: str) -> CompleteProfile | None:
        user, photos, followers, following = await asyncio.gather(
            self.get_user_profile(username),
            self.get_user_photos(username, 12),
            self.get_followers(username, 100),
            self.get_following(username, 100),
        )
        if user is None:
            return None
        return CompleteProfile.model_validate(
            {**user.__dict__, "photos": photos, "followers": followers, "following": following}
        )

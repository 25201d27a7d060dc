"""Everyone a user follows: the listing the pull feed (and its rebuild) starts from."""

from __future__ import annotations

from instaclone.data import EntityAccess
from instaclone.domain.models import Follow


async def all_followees(follows: EntityAccess[Follow], username: str) -> list[str]:
    """Everyone ``username`` follows, in the order followed (every page, however many)."""
    followees: list[str] = []
    query = follows.query_index("gsi1", following_username=username).limit(100)
    async for page in query.pages():
        followees.extend(f.followed_username for f in page.items)
    return followees

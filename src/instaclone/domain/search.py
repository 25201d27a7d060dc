"""User search: by a prefix of the username or of any word of the name, case- and
accent-insensitive, the exact username first, then the most followed.

The index is items, not a GSI: the pipeline writes a ``SearchEntry`` for each user under
each prefix (1 to PREFIX letters) of each of their terms, its sort key led by a coarse
follower rank. A one-word query reads its own partition, most followed first, just as many
entries as it shows: the answer is exact and ranked whatever the number of users. A query of
several words reads its longest word's partition, most followed first, and keeps the entries
whose terms match every word. At most 2 calls a query: a GetItem of the exact username and,
at the same time, one Query.

The price is on writes: about 25 entries a user (one per prefix), rewritten when the name or
picture changes or the follower rank moves a step (about a quarter, log scale).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError
from instaclone.domain.models import SearchEntry, User
from instaclone.domain.text import search_terms, words
from instaclone.domain.usernames import normalize_username

PREFIX = 10
"""Entries exist for prefixes of 1 to PREFIX letters; a longer word is looked up by its first
PREFIX letters and compared whole with the terms."""
MAX_QUERY = 100
SCAN_ENTRIES = 1000
"""The most entries a query of several words (or a word longer than PREFIX) compares, most
followed first."""


def follower_rank(followers: int) -> str:
    """Two digits, smaller for more followers; steps of about a quarter (log scale), so a
    user's entries are rewritten only when their audience grows or shrinks by that much."""
    step = min(99, int(math.log2(max(0, followers) + 1) * 4))
    return f"{99 - step:02d}"


def entries_for(user: User) -> list[SearchEntry]:
    """The search entries a user should have, as they are now."""
    terms = search_terms(user.username, user.name)
    prefixes = dict.fromkeys(t[:n] for t in terms for n in range(1, min(len(t), PREFIX) + 1))
    rank = follower_rank(user.follower_count)
    return [
        SearchEntry(
            prefix=prefix,
            rank=rank,
            username=user.username,
            name=user.name,
            terms=terms,
            avatar_thumb_url=user.avatar_thumb_url,
        )
        for prefix in prefixes
    ]


@dataclass(frozen=True)
class UserMatch:
    username: str
    name: str
    avatar_thumb_url: str | None
    exact: bool = False


def _key(entry: SearchEntry) -> tuple[str, str]:
    return (entry.prefix, entry.rank)


class SearchOps(ServiceBase):
    async def search_users(self, query: str, limit: int = 20) -> list[UserMatch]:
        """Users whose username or name has words starting with every word of ``query``."""
        limit = self.limit(limit)
        if not isinstance(query, str) or not query.strip():
            raise InvalidInputError("a search needs at least one letter or digit")
        if len(query) > MAX_QUERY:
            raise InvalidInputError(f"a search is at most {MAX_QUERY} characters")
        wanted = words(query)
        if not wanted:
            raise InvalidInputError("a search needs at least one letter or digit")
        key_word = max(wanted, key=len)
        # One word (of at most PREFIX letters) matches its whole partition: the first
        # ``limit`` entries are the answer. Otherwise the terms decide, most followed first.
        whole = len(wanted) == 1 and len(key_word) <= PREFIX
        entries = self.table.entity(SearchEntry).query(prefix=key_word[:PREFIX])
        entries.limit(limit + 1 if whole else SCAN_ENTRIES)
        exact_name = self._exact_username(query)
        if exact_name is None:
            page, exact = await entries.execute(), None
        else:
            page, exact = await asyncio.gather(
                entries.execute(), self.users.get(username=exact_name).execute()
            )
        found: list[UserMatch] = []
        if exact is not None:
            found.append(UserMatch(exact.username, exact.name, exact.avatar_thumb_url, True))
        for entry in page.items:
            if exact is not None and entry.username == exact.username:
                continue
            if whole or all(any(t.startswith(w) for t in entry.terms) for w in wanted):
                found.append(UserMatch(entry.username, entry.name, entry.avatar_thumb_url))
            if len(found) >= limit:
                break
        return found

    @staticmethod
    def _exact_username(query: str) -> str | None:
        try:
            return normalize_username(query.strip().removeprefix("@"))
        except InvalidInputError:
            return None

    async def reindex_user(self, username: str, previous: User | None) -> None:
        """Bring a user's search entries in step with the user as stored now (idempotent:
        reads the user, so a late or repeated record cannot bring back an old state)."""
        current = await self.users.get(username=username).consistent().execute()
        keep = {_key(e): e for e in entries_for(current)} if current else {}
        stale = [e for e in (entries_for(previous) if previous else []) if _key(e) not in keep]
        if not keep and not stale:
            return
        batch = self.table.batch_write()
        for entry in stale:
            batch.delete(SearchEntry, prefix=entry.prefix, rank=entry.rank, username=username)
        for entry in keep.values():
            batch.put(entry)
        await batch.execute()


def search_changed(old: User | None, new: User | None) -> bool:
    """Whether a change to a user changes what search shows (a follow mostly does not)."""
    if old is None or new is None:
        return True
    return (
        old.name != new.name
        or old.avatar_thumb_url != new.avatar_thumb_url
        or follower_rank(old.follower_count) != follower_rank(new.follower_count)
    )

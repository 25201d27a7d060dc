"""User search: by a prefix of the username or of any word of the name, case- and
accent-insensitive, the exact username first, then the most followed.

The index is items, not a GSI; the pipeline writes two kinds for each user:
- a ``SearchEntry`` under each 1-3 letter prefix of each of their terms, its sort key led by
  a coarse follower rank: a query of 1-3 letters reads just the ``limit`` most followed;
- a ``SearchTerm`` per whole term, in a partition of its first 3 letters sorted by term: a
  longer query reads exactly the users with a term starting with it (``begins_with``), and
  ranks them by followers.
A query is at most 2 calls, whatever the number of users: a GetItem of the exact username
and, at the same time, one Query.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any

from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError
from instaclone.domain.models import SearchEntry, SearchTerm, User
from instaclone.domain.text import search_terms, words
from instaclone.domain.usernames import normalize_username

PREFIX = 3
"""Entries exist for prefixes of 1 to PREFIX letters."""
MAX_QUERY = 100
SCAN_ENTRIES = 1000
"""The most entries one query compares: for a longer query, users with a term starting with
it (at 100,000 users, "jose" has a few hundred); for several short words, the most followed
of the longest word's partition."""


def follower_rank(followers: int) -> str:
    """Two digits, smaller for more followers; steps of about a quarter (log scale), so a
    user's entries are rewritten only when their audience grows or shrinks by that much."""
    step = min(99, int(math.log2(max(0, followers) + 1) * 4))
    return f"{99 - step:02d}"


def entries_for(user: User) -> list[SearchEntry | SearchTerm]:
    """The search items a user should have, as they are now."""
    terms = search_terms(user.username, user.name)
    prefixes = dict.fromkeys(t[:n] for t in terms for n in range(1, PREFIX + 1) if len(t) >= n)
    rank = follower_rank(user.follower_count)
    card = {
        "rank": rank,
        "username": user.username,
        "name": user.name,
        "terms": terms,
        "avatar_thumb_url": user.avatar_thumb_url,
    }
    ranked: list[SearchEntry | SearchTerm] = [SearchEntry(prefix=p, **card) for p in prefixes]
    return ranked + [SearchTerm(prefix=t[:PREFIX], term=t, **card) for t in terms]


@dataclass(frozen=True)
class UserMatch:
    username: str
    name: str
    avatar_thumb_url: str | None
    exact: bool = False


def _key(entry: SearchEntry | SearchTerm) -> tuple[str, str, str]:
    if isinstance(entry, SearchTerm):
        return ("term", entry.prefix, entry.term)
    return ("ranked", entry.prefix, entry.rank)


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
        short = len(wanted) == 1 and len(key_word) <= PREFIX
        query_items: Any
        if len(key_word) > PREFIX:
            # Exactly the users with a term starting with the longest word, ranked here.
            query_items = self.table.entity(SearchTerm).query(prefix=key_word[:PREFIX])
            query_items.sort_begins_with(term=key_word, open_end=True)
            query_items.limit(SCAN_ENTRIES)
        else:
            # 1-3 letters match their whole partition, read most followed first.
            query_items = self.table.entity(SearchEntry).query(prefix=key_word)
            query_items.limit(limit + 1 if short else SCAN_ENTRIES)
        exact_name = self._exact_username(query)
        if exact_name is None:
            page, exact = await query_items.execute(), None
        else:
            page, exact = await asyncio.gather(
                query_items.execute(), self.users.get(username=exact_name).execute()
            )
        found: list[UserMatch] = []
        seen: set[str] = set()
        if exact is not None:
            found.append(UserMatch(exact.username, exact.name, exact.avatar_thumb_url, True))
            seen.add(exact.username)
        matching = [
            e
            for e in page.items
            if short or all(any(t.startswith(w) for t in e.terms) for w in wanted)
        ]
        for entry in sorted(matching, key=lambda e: (e.rank, e.username)):
            if entry.username not in seen:
                seen.add(entry.username)
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
            if isinstance(entry, SearchTerm):
                batch.delete(SearchTerm, prefix=entry.prefix, term=entry.term, username=username)
            else:
                batch.delete(SearchEntry, prefix=entry.prefix, rank=entry.rank, username=username)
        for item in keep.values():
            batch.put(item)
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

"""How you stand with each person of a list (search results, followers, likers): whether
you follow them, they follow you, and you block them. One BatchGetItem for the whole list,
where asking person by person would cost three calls a row. Whether they block you is
never told (a block is not announced to the one blocked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import InvalidInputError
from instaclone.domain.models import Block, Follow

MAX_PEOPLE = 50
"""People per question: 150 keys, two BatchGetItem requests at most."""


@dataclass(frozen=True)
class Relation:
    username: str
    following: bool
    """You follow them."""
    follows_you: bool
    blocked: bool
    """You block them."""


class RelationOps(ServiceBase):
    async def relations(self, username: str, others: Sequence[str]) -> list[Relation]:
        """How ``username`` stands with each of ``others``, in their order (repeats once).
        Someone who does not exist, or yourself, is simply not followed nor blocked."""
        me = self.username(username)
        people = list(dict.fromkeys(self.username(o) for o in others))
        if len(people) > MAX_PEOPLE:
            raise InvalidInputError(f"ask about at most {MAX_PEOPLE} people at once")
        requests: list[tuple[type[Any], dict[str, Any]]] = []
        for other in people:
            requests += [
                (Follow, {"followed_username": other, "following_username": me}),
                (Follow, {"followed_username": me, "following_username": other}),
                (Block, {"username": me, "blocked": other}),
            ]
        found = await self.table.batch_get(requests).execute() if requests else []
        return [
            Relation(other, *(found[3 * i + k] is not None for k in range(3)))
            for i, other in enumerate(people)
        ]

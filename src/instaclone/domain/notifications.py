"""Notifications: likes, comments, follows and mentions, grouped the way people expect
("alice, bob and 3 others liked your photo": one row per kind and photo within a day),
written by the event pipeline only, never in the request path of the like that causes it.

Each actor of a group is an item of its own, written or removed in one transaction with the
group's count and the reader's unread counter, under conditions that make the handlers
idempotent (an actor is added once, removed once) and the counter exact: an event counts as
unread while it is later than the reader's ``read_until``, and the counter's own condition
on ``read_until`` keeps "mark all read" racing an event from counting it twice or never.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from instaclone.data import (
    ConditionCheck,
    ConditionFailedError,
    TransactionCancelledError,
    TransactWrite,
    attr,
)
from instaclone.domain.base import ServiceBase
from instaclone.domain.block_checks import has_blocked
from instaclone.domain.errors import ContentionError, PreconditionFailedError
from instaclone.domain.models import (
    NotificationActor,
    NotificationCounter,
    NotificationGroup,
    Photo,
    User,
)

KINDS = ("like", "comment", "follow", "mention")
LIFETIME = 90 * 86400
RECENT = 3
PREVIEW = 100
ATTEMPTS = 8
SCAN_ACTORS = 500
"""Actors read to refill a group's latest after an undo (a group is one day's)."""


def group_key(kind: str, at_ms: int, photo_id: str | None) -> str:
    day = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y%m%d")
    return f"{kind}.{day}.{photo_id or 'none'}"


@dataclass(frozen=True)
class Notification:
    kind: str
    actors: list[str]
    """The latest, newest first (at most 3)."""
    actor_count: int
    at: int
    """Milliseconds of the latest event."""
    unread: bool
    photo: Photo | None = None
    preview: str | None = None


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    cursor: str | None
    users: dict[str, User] = field(default_factory=dict)
    """The profiles of the actors shown (for their pictures)."""


class NotificationOps(ServiceBase):
    def _notif_entities(self) -> tuple[Any, Any, Any]:
        return (
            self.table.entity(NotificationGroup),
            self.table.entity(NotificationActor),
            self.table.entity(NotificationCounter),
        )

    async def notify(
        self,
        recipient: str,
        kind: str,
        actor: str,
        at_ms: int,
        *,
        photo: tuple[str, str] | None = None,
        preview: str | None = None,
    ) -> bool:
        """Tell ``recipient`` that ``actor`` did ``kind`` (on ``photo``, as (owner, photo
        id)), never about oneself; True if this added something (False when it was there
        already)."""
        if recipient == actor or kind not in KINDS:
            return False
        if await has_blocked(self.table, recipient, actor):
            return False  # they blocked the one who did it: not a word of it
        groups, actors, counters = self._notif_entities()
        key = group_key(kind, at_ms, photo[1] if photo else None)
        expires = int(at_ms / 1000) + LIFETIME
        for _ in range(ATTEMPTS):
            group, counter = await asyncio.gather(
                groups.get(username=recipient, group_key=key).consistent().execute(),
                counters.get(username=recipient).consistent().execute(),
            )
            version = group.version if group else 0
            recent = [actor] + [a for a in (group.recent if group else []) if a != actor]
            last_at = max(int(group.last_at or 0) if group else 0, at_ms)
            update = (
                groups.update(username=recipient, group_key=key)
                .upsert()
                .set("kind", kind)
                .set("day", key.split(".")[1])
                .set("recent", recent[:RECENT])
                .set("last_at", f"{last_at:013d}")
                .set("expires_at", max(expires, group.expires_at if group else 0))
                .add("actor_count", 1)
                .add("version", 1)
                .condition(
                    attr("version").not_exists() if group is None else attr("version") == version
                )
            )
            if photo is not None:
                update.set("photo_owner", photo[0]).set("photo_id", photo[1])
            if preview is not None and at_ms >= last_at:
                update.set("preview", preview[:PREVIEW])
            transaction = (
                self.table.transaction()
                .add(
                    actors.put(
                        NotificationActor(
                            username=recipient,
                            group_key=key,
                            actor=actor,
                            at=at_ms,
                            preview=preview[:PREVIEW] if preview is not None else None,
                            expires_at=expires,
                        )
                    ).if_not_exists(),
                    label="actor",
                )
                .add(update, label="group")
            )
            self._count(transaction, counters, recipient, counter, at_ms, +1)
            outcome = await self._attempt(transaction)
            if outcome is not None:
                return outcome
        raise ContentionError(f"notifying {recipient}: too many concurrent changes")

    async def unnotify(
        self, recipient: str, kind: str, actor: str, at_ms: int, *, photo_id: str | None = None
    ) -> bool:
        """Take back what ``notify`` added (an unlike, an unfollow, a deleted comment); True
        if something was removed."""
        if recipient == actor or kind not in KINDS:
            return False
        return await self._withdraw(recipient, group_key(kind, at_ms, photo_id), actor)

    async def revise(
        self,
        recipient: str,
        kind: str,
        actor: str,
        at_ms: int,
        preview: str,
        *,
        photo_id: str | None = None,
    ) -> bool:
        """An edited comment or caption: what the row quotes of it is its new text (the old
        may be what they meant to take back). True if the row quoted it."""
        if recipient == actor or kind not in KINDS:
            return False
        groups, actors, _ = self._notif_entities()
        key, text = group_key(kind, at_ms, photo_id), preview[:PREVIEW]
        try:
            await (
                actors.update(username=recipient, group_key=key, actor=actor)
                .set("preview", text)
                .condition(attr("at") == at_ms)
                .execute()
            )
        except ConditionFailedError:
            return False  # not told of this one (or it was undone): nothing quotes it
        # The row quotes it only while it is the row's latest. Moving the version makes an
        # undo racing this one read the actors again (so it cannot put back the old text).
        try:
            await (
                groups.update(username=recipient, group_key=key)
                .set("preview", text)
                .add("version", 1)
                .condition(attr("last_at") == f"{at_ms:013d}")
                .execute()
            )
        except ConditionFailedError:
            return False
        return True

    async def withdraw_actor(
        self, recipient: str, actor: str, *, only_if: ConditionCheck[Any] | None = None
    ) -> int:
        """Take all that ``actor`` did out of ``recipient``'s notifications (after a block),
        each entry as its own undo would; idempotent. How many entries went.

        ``only_if``: a check that must hold in each removal's transaction (a block that still
        stands), or ``PreconditionFailedError``."""
        _, actors, _ = self._notif_entities()
        query = actors.query(username=recipient).sort_begins_with()
        removed = 0
        async for page in query.filter(attr("actor") == actor).pages():
            for entry in page.items:
                removed += await self._withdraw(recipient, entry.group_key, actor, only_if)
        return removed

    async def _withdraw(
        self,
        recipient: str,
        key: str,
        actor: str,
        only_if: ConditionCheck[Any] | None = None,
    ) -> bool:
        groups, actors, counters = self._notif_entities()
        for _ in range(ATTEMPTS):
            one, group, counter = await asyncio.gather(
                actors.get(username=recipient, group_key=key, actor=actor).consistent().execute(),
                groups.get(username=recipient, group_key=key).consistent().execute(),
                counters.get(username=recipient).consistent().execute(),
            )
            if one is None or group is None:
                return False
            recent = [a for a in group.recent if a != actor]
            # When the latest event goes, the row must show the one before it: its time
            # (where the row sorts, and whether it is unread) and its text, not theirs.
            latest_goes = one.at >= int(group.last_at or 0)
            refill = len(recent) < len(group.recent) and group.actor_count - 1 > len(recent)
            update = (
                groups.update(username=recipient, group_key=key)
                .add("actor_count", -1)
                .add("version", 1)
                .condition(attr("version") == group.version)
            )
            if group.actor_count > 1 and (refill or latest_goes):
                latest = await self._latest_actors(recipient, key, besides=actor)
                recent = [a.actor for a in latest]
                if latest_goes and latest:
                    update.set("last_at", f"{latest[0].at:013d}")
                    if latest[0].preview is None:
                        update.remove("preview")
                    else:
                        update.set("preview", latest[0].preview)
            update.set("recent", recent)
            if group.actor_count <= 1:  # nobody is left in it: the row goes
                update = groups.delete(username=recipient, group_key=key).condition(
                    attr("version") == group.version
                )
            transaction = (
                self.table.transaction()
                .add(
                    actors.delete(username=recipient, group_key=key, actor=actor).condition(
                        attr("at") == one.at
                    ),
                    label="actor",
                )
                .add(update, label="group")
            )
            self._count(transaction, counters, recipient, counter, one.at, -1)
            if only_if is not None:
                transaction.add(only_if, label="only_if")
            outcome = await self._attempt(transaction)
            if outcome is not None:
                return outcome
        raise ContentionError(f"notifying {recipient}: too many concurrent changes")

    async def _latest_actors(
        self, recipient: str, key: str, *, besides: str
    ) -> list[NotificationActor]:
        """A group's latest actors but one, newest first (after an undo takes one of those
        shown)."""
        _, actors, _ = self._notif_entities()
        query = actors.query(username=recipient).sort_begins_with(group_key=key)
        found = (await query.consistent().limit(SCAN_ACTORS).execute()).items
        latest = sorted((a for a in found if a.actor != besides), key=lambda a: -a.at)
        return latest[:RECENT]

    @staticmethod
    def _count(
        transaction: TransactWrite,
        counters: Any,
        recipient: str,
        counter: NotificationCounter | None,
        at_ms: int,
        delta: int,
    ) -> None:
        """Move the unread counter if the event is unread, checking that ``read_until`` is
        what this decision was made on (or that it still says "read")."""
        read_until = counter.read_until if counter else 0
        if at_ms > read_until:
            still_unread = attr("read_until").not_exists() | (attr("read_until") < at_ms)
            update = counters.update(username=recipient).upsert().add("unread", delta)
            update.add("version", 1)
            if delta < 0:
                update.condition(still_unread & (attr("unread") >= 1))
            else:
                update.condition(still_unread)
            transaction.add(update, label="counter")
        else:
            transaction.add(
                counters.check(attr("read_until") >= at_ms, username=recipient), label="counter"
            )

    @staticmethod
    async def _attempt(transaction: TransactWrite) -> bool | None:
        """True if written; False if the actor was there already (or gone already, for an
        undo): nothing to do; None to read again and retry (a concurrent change)."""
        try:
            await transaction.execute()
            return True
        except TransactionCancelledError as cancelled:
            failed = {r.label for r in cancelled.reasons if r.code == "ConditionalCheckFailed"}
            if "only_if" in failed:
                raise PreconditionFailedError("withdrawing a notification") from None
            if "actor" in failed:
                return False
            if failed or cancelled.conflict:
                return None
            raise

    async def get_notifications(
        self, username: str, limit: int = 20, cursor: str | None = None
    ) -> NotificationPage:
        """Newest first: one Query (gsi1) and one GetItem (the counter) at once, then one
        BatchGetItem of the photos and the actors' profiles."""
        username = self.username(username)
        groups, _, counters = self._notif_entities()
        query = groups.query_index("gsi1", username=username).descending()
        query.limit(self.limit(limit)).after(cursor)
        page, counter = await asyncio.gather(
            query.execute(), counters.get(username=username).execute()
        )
        read_until = counter.read_until if counter else 0
        rows = [g for g in page.items if g.actor_count > 0 and g.last_at]
        now = time.time()
        rows = [g for g in rows if not g.expires_at or g.expires_at > now]
        requests: list[tuple[type[Any], dict[str, Any]]] = []
        photo_keys = sorted(
            {(g.photo_owner, g.photo_id) for g in rows if g.photo_id and g.photo_owner}
        )
        requests += [(Photo, {"username": o, "photo_id": p}) for o, p in photo_keys]
        people = sorted({a for g in rows for a in g.recent})
        requests += [(User, {"username": a}) for a in people]
        found = await self.table.batch_get(requests).execute() if requests else []
        photos = {(p.username, p.photo_id): p for p in found[: len(photo_keys)] if p}
        users = {u.username: u for u in found[len(photo_keys) :] if u}
        items = []
        for g in rows:
            photo = photos.get((g.photo_owner or "", g.photo_id or "")) if g.photo_id else None
            if g.photo_id and photo is None:
                continue  # the photo is gone
            at = int(g.last_at or 0)
            items.append(
                Notification(g.kind, g.recent, g.actor_count, at, at > read_until, photo, g.preview)
            )
        return NotificationPage(items, page.cursor, users)

    async def unread_notifications(self, username: str) -> int:
        """The badge: one GetItem."""
        return max((await self.notification_counter(username)).unread, 0)

    async def notification_counter(self, username: str) -> NotificationCounter:
        """The badge with its version (what a live page starts from)."""
        _, _, counters = self._notif_entities()
        counter = await counters.get(username=self.username(username)).consistent().execute()
        return counter or NotificationCounter(username=username)

    async def mark_notifications_read(self, username: str) -> None:
        """Everything until now is read: the badge goes to 0."""
        _, _, counters = self._notif_entities()
        now = int(time.time() * 1000)
        await (
            counters.update(username=self.username(username))
            .upsert()
            .set("unread", 0)
            .set("read_until", now)
            .add("version", 1)
            .execute()
        )

    async def recount_unread(self, username: str) -> int:
        """What the unread counter should say, counted from the actor items (for tests and
        the doctor): every event later than ``read_until``."""
        _, actors, counters = self._notif_entities()
        counter = await counters.get(username=username).consistent().execute()
        read_until = counter.read_until if counter else 0
        everyone = await actors.query(username=username).consistent().all()
        return sum(1 for a in everyone if a.at > read_until)

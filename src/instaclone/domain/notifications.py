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


def moments_of(one: NotificationActor) -> dict[int, str | None]:
    """Each of an actor's events in a group, by its milliseconds: what it said."""
    if not one.moments:  # written before moments: its one event
        return {one.at: one.preview}
    return {int(m): text or None for m, text in one.moments.items()}


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
        text = preview[:PREVIEW] if preview is not None else None
        for _ in range(ATTEMPTS):
            group, counter, one = await asyncio.gather(
                groups.get(username=recipient, group_key=key).consistent().execute(),
                counters.get(username=recipient).consistent().execute(),
                actors.get(username=recipient, group_key=key, actor=actor).consistent().execute(),
            )
            if one is not None and at_ms in moments_of(one):
                return False  # told already
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
                .add("version", 1)
                .condition(
                    attr("version").not_exists() if group is None else attr("version") == version
                )
            )
            if one is None:  # a new face in the row (a second comment of theirs is not)
                update.add("actor_count", 1)
            if photo is not None:
                update.set("photo_owner", photo[0]).set("photo_id", photo[1])
            if preview is not None and at_ms >= last_at:
                update.set("preview", text)
            transaction = (
                self.table.transaction()
                .add(
                    self._add_moment(one, recipient, key, actor, at_ms, text, expires),
                    label="actor",
                )
                .add(update, label="group")
            )
            self._count(transaction, counters, recipient, counter, [at_ms], +1)
            outcome = await self._attempt(transaction)
            if outcome is not None:
                return outcome
        raise ContentionError(f"notifying {recipient}: too many concurrent changes")

    def _add_moment(
        self,
        one: NotificationActor | None,
        recipient: str,
        key: str,
        actor: str,
        at_ms: int,
        text: str | None,
        expires: int,
    ) -> Any:
        """The write that adds an event to the actor's item (making it if they are new)."""
        _, actors, _ = self._notif_entities()
        if one is None:
            return actors.put(
                NotificationActor(
                    username=recipient,
                    group_key=key,
                    actor=actor,
                    at=at_ms,
                    preview=text,
                    moments={str(at_ms): text or ""},
                    expires_at=expires,
                )
            ).if_not_exists()
        write = actors.update(username=recipient, group_key=key, actor=actor)
        write.set("expires_at", max(expires, one.expires_at))
        if one.moments:
            write.set(f"moments.{at_ms}", text or "")
            write.condition((attr("at") == one.at) & attr(f"moments.{at_ms}").not_exists())
        else:  # an item from before moments: its one event and this one
            moments = {str(m): t or "" for m, t in moments_of(one).items()}
            write.set("moments", {**moments, str(at_ms): text or ""})
            write.condition((attr("at") == one.at) & attr("moments").not_exists())
        if at_ms > one.at:
            write.set("at", at_ms)
            if text is None:
                write.remove("preview")
            else:
                write.set("preview", text)
        return write

    async def unnotify(
        self, recipient: str, kind: str, actor: str, at_ms: int, *, photo_id: str | None = None
    ) -> bool:
        """Take back what ``notify`` added (an unlike, an unfollow, a deleted comment); True
        if something was removed."""
        if recipient == actor or kind not in KINDS:
            return False
        return await self._withdraw(recipient, group_key(kind, at_ms, photo_id), actor, at_ms)

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
        for _ in range(ATTEMPTS):
            one = await (
                actors.get(username=recipient, group_key=key, actor=actor).consistent().execute()
            )
            if one is None or at_ms not in moments_of(one):
                return False  # not told of this one (or it was undone): nothing quotes it
            write = actors.update(username=recipient, group_key=key, actor=actor)
            if one.moments:
                write.set(f"moments.{at_ms}", text)
                write.condition((attr("at") == one.at) & attr(f"moments.{at_ms}").exists())
            else:
                write.set("moments", {str(at_ms): text})
                write.condition((attr("at") == one.at) & attr("moments").not_exists())
            if one.at == at_ms:
                write.set("preview", text)
            try:
                await write.execute()
                break
            except ConditionFailedError:
                continue  # changed meanwhile (another event of theirs, an undo): read again
        else:
            raise ContentionError(f"revising {recipient}'s notification: too many changes")
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
                removed += await self._withdraw(recipient, entry.group_key, actor, None, only_if)
        return removed

    async def _withdraw(
        self,
        recipient: str,
        key: str,
        actor: str,
        at_ms: int | None,
        only_if: ConditionCheck[Any] | None = None,
    ) -> bool:
        """Take the actor's event at ``at_ms`` (None: all of theirs) out of the group."""
        groups, actors, counters = self._notif_entities()
        for _ in range(ATTEMPTS):
            one, group, counter = await asyncio.gather(
                actors.get(username=recipient, group_key=key, actor=actor).consistent().execute(),
                groups.get(username=recipient, group_key=key).consistent().execute(),
                counters.get(username=recipient).consistent().execute(),
            )
            if one is None or group is None:
                return False
            seen = moments_of(one)
            going = sorted(seen) if at_ms is None else [at_ms] if at_ms in seen else []
            if not going:
                return False  # undone already
            left = {m: t for m, t in seen.items() if m not in going}
            if left:
                write, update = await self._drop_moments(one, group, going, left)
            else:
                write, update = await self._drop_actor(one, group)
            transaction = (
                self.table.transaction().add(write, label="actor").add(update, label="group")
            )
            self._count(transaction, counters, recipient, counter, going, -1)
            if only_if is not None:
                transaction.add(only_if, label="only_if")
            outcome = await self._attempt(transaction)
            if outcome is not None:
                return outcome
        raise ContentionError(f"notifying {recipient}: too many concurrent changes")

    async def _drop_actor(
        self, one: NotificationActor, group: NotificationGroup
    ) -> tuple[Any, Any]:
        """The writes that take an actor (all their events) out of the group."""
        groups, actors, _ = self._notif_entities()
        recipient, key, actor = one.username, one.group_key, one.actor
        recent = [a for a in group.recent if a != actor]
        # When the latest event goes, the row must show the one before it: its time
        # (where the row sorts, and whether it is new) and its text, not theirs.
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
        write = actors.delete(username=recipient, group_key=key, actor=actor)
        return write.condition(attr("at") == one.at), update

    async def _drop_moments(
        self,
        one: NotificationActor,
        group: NotificationGroup,
        going: list[int],
        left: dict[int, str | None],
    ) -> tuple[Any, Any]:
        """The writes that take some of an actor's events out of the group; they stay in it
        with the others (the row's count of people does not move)."""
        groups, actors, _ = self._notif_entities()
        recipient, key, actor = one.username, one.group_key, one.actor
        newest = max(left)
        write = actors.update(username=recipient, group_key=key, actor=actor)
        condition = attr("at") == one.at
        for moment in going:
            write.remove(f"moments.{moment}")
            condition = condition & attr(f"moments.{moment}").exists()
        if one.at in going:  # their latest goes: the one before is theirs now
            write.set("at", newest)
            if left[newest] is None:
                write.remove("preview")
            else:
                write.set("preview", left[newest])
            # ...as it is now (an edit of it racing this would otherwise be undone)
            condition = condition & (attr(f"moments.{newest}") == (left[newest] or ""))
        write.condition(condition)
        update = (
            groups.update(username=recipient, group_key=key)
            .add("version", 1)
            .condition(attr("version") == group.version)
        )
        if max(going) >= int(group.last_at or 0):  # the row's latest goes
            others = await self._latest_actors(recipient, key, besides=actor)
            shown = sorted(
                [(newest, actor, left[newest])] + [(a.at, a.actor, a.preview) for a in others],
                key=lambda event: -event[0],
            )
            update.set("last_at", f"{shown[0][0]:013d}")
            update.set("recent", [event[1] for event in shown[:RECENT]])
            if shown[0][2] is None:
                update.remove("preview")
            else:
                update.set("preview", shown[0][2])
        return write, update

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
        moments: list[int],
        sign: int,
    ) -> None:
        """Move the unread counter by the events that are unread, checking that
        ``read_until`` is what this decision was made on (or that it still says "read")."""
        read_until = counter.read_until if counter else 0
        unread = [m for m in moments if m > read_until]
        if unread:
            still_unread = attr("read_until").not_exists() | (attr("read_until") < min(unread))
            update = counters.update(username=recipient).upsert().add("unread", sign * len(unread))
            update.add("version", 1)
            if sign < 0:
                update.condition(still_unread & (attr("unread") >= len(unread)))
            else:
                update.condition(still_unread)
            transaction.add(update, label="counter")
        else:
            transaction.add(
                counters.check(attr("read_until") >= max(moments), username=recipient),
                label="counter",
            )

    @staticmethod
    async def _attempt(transaction: TransactWrite) -> bool | None:
        """True if written; None to read again and retry (a concurrent change: the read
        again tells whether there is still something to do)."""
        try:
            await transaction.execute()
            return True
        except TransactionCancelledError as cancelled:
            failed = {r.label for r in cancelled.reasons if r.code == "ConditionalCheckFailed"}
            if "only_if" in failed:
                raise PreconditionFailedError("withdrawing a notification") from None
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
        return sum(1 for a in everyone for moment in moments_of(a) if moment > read_until)

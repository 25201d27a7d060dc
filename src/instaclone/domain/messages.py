"""Direct messages: one-to-one conversations, only ever readable by their two participants.

A conversation is a partition (``CONV#{a}:{b}``, the usernames sorted) holding its messages
in the order sent; each participant has an ``InboxEntry`` for it, updated in the same
transaction as each message, so the list of conversations is one Query (gsi1, by the last
message) and a page of messages is one Query. A message from someone the recipient does
not follow opens in Requests until accepted; a declined request is hidden from the one who
declined it for good (a new message opens a new request, without the old ones). Sending is
idempotent under retries: the
client names each message (``client_id``), and a second send with that name answers the
first message instead of sending another.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass
from typing import Any

from ulid import ULID

from instaclone.data import (
    ConditionCheck,
    ConditionFailedError,
    Page,
    TransactionCancelledError,
    TransactWrite,
    attr,
    new_ulid,
)
from instaclone.domain.base import ServiceBase
from instaclone.domain.block_checks import blocked_error, check_no_block
from instaclone.domain.errors import (
    ContentionError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    PreconditionFailedError,
    UserNotFoundError,
)
from instaclone.domain.models import (
    DirectCounter,
    Follow,
    InboxEntry,
    Message,
    MessageReceipt,
)
from instaclone.domain.photos import check_media_keys, check_url
from instaclone.domain.text import plain_text, visible

MAX_MESSAGE = 1000
PREVIEW = 80
FOLDERS = ("inbox", "requests")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ATTEMPTS = 5
CATCH_UP = 100
CLOCK_MARGIN_MS = 5000


def conversation_id(a: str, b: str) -> str:
    return ":".join(sorted((a, b)))


def _floor(message_id: str) -> str:
    """The smallest id of a moment a few seconds before ``message_id`` was made."""
    try:
        at = ULID.from_str(message_id).milliseconds
    except ValueError:
        raise InvalidInputError(f"invalid message id {message_id!r}") from None
    return str(ULID.from_timestamp(max(at - CLOCK_MARGIN_MS, 0) / 1000))[:10] + "0" * 16


def _shown_to(entry: InboxEntry | None, message: Message) -> bool:
    """Whether the owner of ``entry`` sees ``message`` (not if they declined it)."""
    if entry is None:
        return True
    if entry.cleared_until is None:
        return entry.folder != "declined"  # (declined a moment ago: all of it)
    return message.message_id > entry.cleared_until


def _unsealed(entry: InboxEntry | None) -> bool:
    return entry is not None and entry.folder == "declined" and entry.cleared_until is None


def _id_after(floor: str | None) -> str:
    """A new message id, later than ``floor`` (the last one a participant declined) even
    if this clock is behind the one that made it, or it is the same millisecond: what was
    declined stays before everything sent after it."""
    made = new_ulid()
    if floor is None or made > floor:
        return made
    return str(ULID.from_timestamp(ULID.from_str(floor).milliseconds + 1))


class RequestDeclinedError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("this message request was declined")


class ConversationNotFoundError(NotFoundError):
    def __init__(self, conversation: str) -> None:
        super().__init__(f"no conversation {conversation!r}")


@dataclass(frozen=True)
class SentPhoto:
    url: str
    thumb_url: str
    media_keys: list[str]


class MessageOps(ServiceBase):
    def _participant(self, username: str, conversation: str) -> str:
        """The conversation's other participant; NotAllowedError for anyone else."""
        if not isinstance(conversation, str) or conversation.count(":") != 1:
            raise InvalidInputError(f"invalid conversation {conversation!r}")
        a, b = conversation.split(":")
        if conversation_id(a, b) != conversation or a == b:
            raise InvalidInputError(f"invalid conversation {conversation!r}")
        if username not in (a, b):
            raise NotAllowedError("only its two participants may see a conversation")
        return b if username == a else a

    async def send_message(
        self,
        sender: str,
        recipient: str,
        text: str | None,
        client_id: str,
        *,
        photo: SentPhoto | None = None,
    ) -> Message:
        """Send ``text`` (up to 1,000 characters) and/or a photo; sending again with the
        same ``client_id`` answers the same message."""
        sender, recipient = self.username(sender), self.username(recipient)
        if sender == recipient:
            raise InvalidInputError("a message goes to someone else")
        if not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id):
            raise InvalidInputError("client_id is 1 to 64 characters among A-Z a-z 0-9 _ -")
        body = text.replace("\r\n", "\n").strip() if isinstance(text, str) else None
        if body is not None and len(body) > MAX_MESSAGE:
            raise InvalidInputError(f"a message is at most {MAX_MESSAGE} characters")
        if body:
            plain_text(body, "a message", newlines=True)
            body = body if visible(body) else None
        if not body and photo is None:
            raise InvalidInputError("a message needs text or a photo")
        cid = conversation_id(sender, recipient)
        receipts, inbox = self.table.entity(MessageReceipt), self.table.entity(InboxEntry)
        for _ in range(ATTEMPTS):
            receipt, mine, theirs, follows = await asyncio.gather(
                receipts.get(conversation_id=cid, sender=sender, client_id=client_id)
                .consistent()
                .execute(),
                inbox.get(username=sender, conversation_id=cid).consistent().execute(),
                inbox.get(username=recipient, conversation_id=cid).consistent().execute(),
                self.follows.get(followed_username=sender, following_username=recipient).execute(),
            )
            if receipt is not None:
                return await self._message(cid, receipt.message_id)
            if _unsealed(mine) or _unsealed(theirs):  # a decline is not finished
                await self._seal(cid, *(e.username for e in (mine, theirs) if e and _unsealed(e)))
                continue
            if mine is not None and mine.folder == "requests":
                await self.accept_request(sender, cid)  # answering a request accepts it
                continue
            sent = await self._send(
                cid, sender, recipient, body, client_id, photo, mine, theirs, follows
            )
            if sent is not None:
                return sent
        raise ContentionError(f"sending to {recipient}: too many concurrent changes")

    async def _send(
        self,
        cid: str,
        sender: str,
        recipient: str,
        body: str | None,
        client_id: str,
        photo: SentPhoto | None,
        mine: InboxEntry | None,
        theirs: InboxEntry | None,
        follows: Follow | None,
    ) -> Message | None:
        inbox, counters = self.table.entity(InboxEntry), self.table.entity(DirectCounter)
        opens = theirs is None or theirs.folder == "declined"  # a new request, or the inbox
        folder = "inbox" if follows else "requests"
        if theirs is not None and not opens:
            folder = theirs.folder
        declined = [e.cleared_until for e in (mine, theirs) if e and e.cleared_until]
        message = Message(
            conversation_id=cid,
            message_id=_id_after(max(declined, default=None)),
            sender=sender,
            text=body or None,
            client_id=client_id,
            photo_url=check_url(photo.url) if photo else None,
            photo_thumb_url=check_url(photo.thumb_url) if photo else None,
            media_keys=check_media_keys(photo.media_keys, sender) if photo else [],
        )
        preview = (body or "Sent a photo")[:PREVIEW]
        last = {"last_message_id": message.message_id, "last_sender": sender, "preview": preview}
        mine_update = inbox.update(username=sender, conversation_id=cid).upsert()
        mine_update.set("other", recipient).set("folder", "inbox")
        mine_update.condition(
            attr("folder").not_exists() if mine is None else attr("folder") == mine.folder
        )
        theirs_update = inbox.update(username=recipient, conversation_id=cid).upsert()
        theirs_update.set("other", sender).set("folder", folder).add("unread", 1)
        theirs_update.condition(
            attr("folder").not_exists() if theirs is None else attr("folder") == theirs.folder
        )
        for field, value in last.items():
            mine_update.set(field, value)
            theirs_update.set(field, value)
        create = self.table.entity(Message).create(message)
        transaction = (
            self.table.transaction()
            .add(create, label="message")
            .add(
                self.table.entity(MessageReceipt)
                .put(
                    MessageReceipt(
                        conversation_id=cid,
                        sender=sender,
                        client_id=client_id,
                        message_id=message.message_id,
                    )
                )
                .if_not_exists(),
                label="receipt",
            )
            .add(mine_update, label="mine")
            .add(theirs_update, label="theirs")
            .add(self.users.check(attr("username").exists(), username=recipient), label="user")
        )
        check_no_block(transaction, self.table, sender, recipient)
        if folder == "inbox":  # the total counts the inbox; requests count once each
            transaction.add(
                counters.update(username=recipient).upsert().add("unread", 1).add("version", 1)
            )
        elif opens:
            transaction.add(
                counters.update(username=recipient).upsert().add("requests", 1).add("version", 1)
            )
        try:
            await transaction.execute()
        except TransactionCancelledError as cancelled:
            failed = {r.label for r in cancelled.reasons if r.code == "ConditionalCheckFailed"}
            if "user" in failed:
                raise UserNotFoundError(recipient) from cancelled
            blocked = blocked_error(failed, sender, recipient, "message")
            if blocked is not None:
                raise blocked from cancelled
            if failed or cancelled.conflict:
                return None  # a retry, or the other side changed the conversation: again
            raise
        return create.result()  # (with its timestamps)

    async def _message(self, cid: str, message_id: str) -> Message:
        found = (
            await self.table.entity(Message)
            .get(conversation_id=cid, message_id=message_id)
            .consistent()
            .execute()
        )
        if found is None:
            raise ConversationNotFoundError(cid)
        return found

    async def get_messages(
        self, username: str, conversation: str, limit: int = 30, cursor: str | None = None
    ) -> Page[Message]:
        """A page of messages, newest last; the cursor leads to older ones. One Query."""
        username = self.username(username)
        self._participant(username, conversation)
        query = self.table.entity(Message).query(conversation_id=conversation).descending()
        page, entry = await asyncio.gather(  # side by side: no wait added for the entry
            query.limit(self.limit(limit)).after(cursor).execute(),
            self.table.entity(InboxEntry)
            .get(username=username, conversation_id=conversation)
            .consistent()  # (a decline a moment ago counts)
            .execute(),
        )
        shown = [m for m in page.items if _shown_to(entry, m)]
        cursor = page.cursor if len(shown) == len(page.items) else None  # the rest are older
        return Page(list(reversed(shown)), cursor, len(shown), page.scanned_count)

    async def get_conversations(
        self, username: str, folder: str = "inbox", limit: int = 20, cursor: str | None = None
    ) -> Page[InboxEntry]:
        """Your conversations in a folder, the last message first. One Query."""
        if folder not in FOLDERS:
            raise InvalidInputError(f"folder is one of {', '.join(FOLDERS)}")
        query = self.table.entity(InboxEntry).query_index(
            "gsi1", username=self.username(username), folder=folder
        )
        return await query.descending().limit(self.limit(limit)).after(cursor).execute()

    async def direct_unread(self, username: str) -> DirectCounter:
        counters = self.table.entity(DirectCounter)
        found = await counters.get(username=self.username(username)).consistent().execute()
        return found or DirectCounter(username=username)

    async def _entry(self, username: str, conversation: str) -> InboxEntry:
        self._participant(username, conversation)
        entry = (
            await self.table.entity(InboxEntry)
            .get(username=username, conversation_id=conversation)
            .consistent()
            .execute()
        )
        if entry is None:
            raise ConversationNotFoundError(conversation)
        return entry

    async def get_conversation(self, username: str, conversation: str) -> InboxEntry:
        """Your entry for a conversation (its folder, unread count, last message); none for
        a request you declined."""
        entry = await self._entry(self.username(username), conversation)
        if entry.folder == "declined":
            raise ConversationNotFoundError(conversation)
        return entry

    async def mark_conversation_read(self, username: str, conversation: str) -> None:
        username = self.username(username)
        for _ in range(ATTEMPTS):
            entry = await self._entry(username, conversation)
            if entry.unread <= 0:
                return
            transaction = self.table.transaction().add(
                self.table.entity(InboxEntry)
                .update(username=username, conversation_id=conversation)
                .set("unread", 0)
                .condition(attr("unread") == entry.unread)
            )
            if entry.folder == "inbox":
                transaction.add(
                    self.table.entity(DirectCounter)
                    .update(username=username)
                    .upsert()
                    .add("unread", -entry.unread)
                    .add("version", 1)
                )
            if await self._done(transaction):
                return
        raise ContentionError("marking a conversation read: too many concurrent changes")

    async def accept_request(self, username: str, conversation: str) -> None:
        """Move a request to the inbox (its unread messages count from now on)."""
        username = self.username(username)
        for _ in range(ATTEMPTS):
            entry = await self._entry(username, conversation)
            if entry.folder == "declined":
                raise RequestDeclinedError()
            if entry.folder != "requests":
                return
            transaction = (
                self.table.transaction()
                .add(
                    self.table.entity(InboxEntry)
                    .update(username=username, conversation_id=conversation)
                    .set("folder", "inbox")
                    .set("last_message_id", entry.last_message_id)  # (the index's other half)
                    .condition((attr("folder") == "requests") & (attr("unread") == entry.unread))
                )
                .add(
                    self.table.entity(DirectCounter)
                    .update(username=username)
                    .upsert()
                    .add("requests", -1)
                    .add("unread", entry.unread)
                    .add("version", 1)
                )
            )
            if await self._done(transaction):
                return
        raise ContentionError("accepting a request: too many concurrent changes")

    async def decline_request(
        self, username: str, conversation: str, *, only_if: ConditionCheck[Any] | None = None
    ) -> None:
        """Remove a request from your lists, its messages with it (the sender is not told).
        If they write again, that opens a new request showing only what came after.

        Two steps, because message ids are not made in the order messages are stored (several
        senders' clocks, the same millisecond): first the entry leaves Requests, which stops
        every send (each is conditioned on the folder it read); then the newest message
        stored is what is hidden up to. A send that finds the first step alone finishes the
        second itself, so a decline cut short by a dying process holds nobody up.

        ``only_if``: a check that must hold in the first step's transaction (a block that
        still stands, when the pipeline declines for a block), or ``PreconditionFailedError``."""
        username = self.username(username)
        for _ in range(ATTEMPTS):
            entry = await self._entry(username, conversation)
            if entry.folder == "declined":  # (twice: a double click)
                if entry.cleared_until is None:
                    await self._seal(conversation, username)
                return
            if entry.folder != "requests":
                raise InvalidInputError("only a request can be declined")
            transaction = (
                self.table.transaction()
                .add(
                    self.table.entity(InboxEntry)
                    .update(username=username, conversation_id=conversation)
                    .set("folder", "declined")
                    .set("last_message_id", entry.last_message_id)  # (the index's other half)
                    .remove("cleared_until")
                    .set("unread", 0)
                    .condition(attr("folder") == "requests")
                )
                .add(
                    self.table.entity(DirectCounter)
                    .update(username=username)
                    .upsert()
                    .add("requests", -1)
                    .add("version", 1)
                )
            )
            if only_if is not None:
                transaction.add(only_if, label="only_if")
            try:
                await transaction.execute()
            except TransactionCancelledError as cancelled:
                if any(
                    r.label == "only_if" and r.code == "ConditionalCheckFailed"
                    for r in cancelled.reasons
                ):
                    raise PreconditionFailedError(f"decline of {conversation!r}") from None
                continue  # the entry changed meanwhile: read it again
            await self._seal(conversation, username)
            return
        raise ContentionError("declining a request: too many concurrent changes")

    async def _seal(self, conversation: str, *usernames: str) -> None:
        """Finish declines: hide up to the newest message stored. None is stored after it
        until this is done (sends wait for it), so the newest is the last one declined."""
        newest = (
            await self.table.entity(Message)
            .query(conversation_id=conversation)
            .descending()
            .limit(1)
            .consistent()
            .execute()
        )
        if not newest.items:
            return
        for username in usernames:
            with contextlib.suppress(ConditionFailedError):  # finished by someone else
                await (
                    self.table.entity(InboxEntry)
                    .update(username=username, conversation_id=conversation)
                    .set("cleared_until", newest.items[0].message_id)
                    .condition((attr("folder") == "declined") & attr("cleared_until").not_exists())
                    .execute()
                )

    async def messages_since(
        self, username: str, after: str, limit: int = CATCH_UP
    ) -> tuple[list[Message], bool]:
        """Messages to or from ``username`` sent after the message ``after``, oldest first:
        what a page missed while its connection was down. Message ids come from several
        processes' clocks, so this reads from a few seconds before ``after`` (the page drops
        what it has). ``False`` as the second value when there were more than ``limit``:
        the page should reload its lists instead. One Query per folder, then one per
        conversation that moved."""
        username = self.username(username)
        floor = _floor(after)
        index = self.table.entity(InboxEntry)
        folders = await asyncio.gather(
            *(
                index.query_index("gsi1", username=username, folder=folder)
                .sort_gt(last_message_id=floor)
                .descending()
                .limit(limit + 1)
                .execute()
                for folder in FOLDERS
            )
        )
        moved = [entry for page in folders for entry in page.items]
        complete = len(moved) <= limit and not any(page.cursor for page in folders)
        pages = await asyncio.gather(
            *(
                self.table.entity(Message)
                .query(conversation_id=entry.conversation_id)
                .sort_gt(message_id=floor)
                .limit(limit + 1)
                .execute()
                for entry in moved[:limit]
            )
        )
        found = sorted(
            (
                message
                for entry, page in zip(moved[:limit], pages, strict=True)
                for message in page.items
                if _shown_to(entry, message)
            ),
            key=lambda m: m.message_id,
        )
        complete = complete and len(found) <= limit and not any(page.cursor for page in pages)
        return found[:limit], complete

    @staticmethod
    async def _done(transaction: TransactWrite) -> bool:
        try:
            await transaction.execute()
            return True
        except TransactionCancelledError:
            return False

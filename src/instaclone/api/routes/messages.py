"""Direct messages: your conversations, their messages, sending (idempotent by client id),
requests. Only a conversation's two participants may read it or act on it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import Field
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, Me, Service, Target
from instaclone.api.routes.photos import media
from instaclone.api.schemas import Body, PageOut, json
from instaclone.api.uploads import read_upload
from instaclone.data import new_ulid
from instaclone.domain.messages import SentPhoto
from instaclone.domain.models import InboxEntry, Message, User
from instaclone.media import stored_renditions

router = APIRouter(tags=["messages"])
CLIENT_ID = r"^[A-Za-z0-9_-]{1,64}$"

ConversationId = Annotated[
    str,
    Path(
        pattern=r"^[a-z0-9._]{1,30}:[a-z0-9._]{1,30}$",
        description="the two usernames, sorted, joined by ':'",
        examples=["alice:bob"],
    ),
]


class MessageIn(Body):
    text: str = Field(min_length=1, max_length=1000)
    client_id: str = Field(
        pattern=CLIENT_ID,
        description="your name for this message: sending again with it (after a timeout, "
        "say) answers the same message instead of sending another",
    )


class DirectUnread(Body):
    unread: int
    """Unread messages in your inbox."""
    requests: int
    """Conversations waiting in Requests."""


class ConversationsOut(PageOut[InboxEntry]):
    users: list[User]
    """The other participants' profiles (name, picture), for those who still exist."""


@router.get("/api/me/conversations", response_model=ConversationsOut)
async def conversations(
    app: Service,
    me: Me,
    folder: Annotated[Literal["inbox", "requests"], Query()] = "inbox",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    """Your conversations, the last message first, each with its preview and unread count;
    ``requests`` holds those started by people you do not follow. One Query, then one
    BatchGetItem of the people."""
    page = await app.get_conversations(me, folder, limit, cursor)
    users = await app.users_in_order(sorted({entry.other for entry in page.items}))
    return json(ConversationsOut(items=page.items, cursor=page.cursor, users=users))


@router.get("/api/conversations/{conversation}", response_model=InboxEntry)
async def conversation(conversation: ConversationId, app: Service, me: Me) -> Response:
    """Your side of a conversation: its folder, your unread count, the last message."""
    return json(await app.get_conversation(me, conversation))


@router.get("/api/me/direct/unread", response_model=DirectUnread)
async def direct_unread(app: Service, me: Me) -> Response:
    counts = await app.direct_unread(me)
    return json(DirectUnread(unread=max(counts.unread, 0), requests=max(counts.requests, 0)))


@router.post("/api/users/{username}/messages", status_code=201, response_model=Message)
async def send(username: Target, body: MessageIn, app: Service, me: Me) -> Response:
    """Send ``username`` a message (it starts a conversation if there is none)."""
    return json(await app.send_message(me, username, body.text, body.client_id), 201)


@router.post("/api/users/{username}/messages/photo", status_code=201, response_model=Message)
async def send_photo(
    username: Target,
    request: Request,
    app: Service,
    me: Me,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
    client_id: Annotated[str, Form(alias="clientId", pattern=CLIENT_ID)],
    text: Annotated[str | None, Form(max_length=1000)] = None,
) -> Response:
    """Send a photo (and optionally text): checked and rendered like a post's (1080 and
    320 px, EXIF removed). Retrying with the same ``client_id`` answers the first message;
    the retry's own files are not kept."""
    data = await read_upload(file, request.app.state.max_upload)
    renditions = await request.app.state.renderer.render(data)
    store = media(request)
    base = f"messages/{me}/{new_ulid()}"
    async with stored_renditions(store, renditions, f"{base}.jpg", f"{base}_320.jpg") as image:
        photo = SentPhoto(image.url, image.thumbnail_url, image.keys)
        message = await app.send_message(me, username, text, client_id, photo=photo)
    if message.media_keys != image.keys:  # a retry: the first send's files are the ones shown
        await store.delete(image.keys)
    return json(message, 201)


@router.get("/api/conversations/{conversation}/messages", response_model=PageOut[Message])
async def messages(
    conversation: ConversationId, app: Service, me: Me, limit: Limit = 30, cursor: Cursor = None
) -> Response:
    """A page of messages, newest last; the cursor leads to older ones."""
    return json(await app.get_messages(me, conversation, limit, cursor))


@router.post("/api/conversations/{conversation}/read", status_code=204)
async def read(conversation: ConversationId, app: Service, me: Me) -> Response:
    await app.mark_conversation_read(me, conversation)
    return Response(status_code=204)


@router.post("/api/conversations/{conversation}/accept", status_code=204)
async def accept(conversation: ConversationId, app: Service, me: Me) -> Response:
    """Move a request to your inbox (its unread messages count from now on). A request you
    declined cannot be accepted: 404."""
    await app.accept_request(me, conversation)
    return Response(status_code=204)


@router.post("/api/conversations/{conversation}/decline", status_code=204)
async def decline(conversation: ConversationId, app: Service, me: Me) -> Response:
    """Decline a request: it and its messages are gone for you for good, and the sender is
    not told. If they write again, that opens a new request showing only what came after.
    Declining twice is declining once."""
    await app.decline_request(me, conversation)
    return Response(status_code=204)

"""Stories: frames from URLs or uploaded images; views counted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, ItemId, Limit, Me, Service, Username
from instaclone.api.routes.photos import media
from instaclone.api.schemas import Body, PageOut, StoryIn, json
from instaclone.api.security import same_user
from instaclone.api.uploads import read_upload
from instaclone.data import new_ulid
from instaclone.domain import Frame, Story, User

router = APIRouter(tags=["stories"])
MAX_FRAMES = 10  # the body limit (api/limits.py) allows as many files


@router.get("/api/users/{username}/stories", response_model=PageOut[Story])
async def list_stories(
    username: Username, app: Service, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    """Live stories, newest first."""
    return json(await app.get_user_stories_paginated(username, limit, cursor))


@router.post("/api/users/{username}/stories", status_code=201, response_model=Story)
async def create_story(username: Username, body: StoryIn, app: Service, me: Me) -> Response:
    same_user(me, username, "post stories here")
    return json(await app.create_story(me, body.frames, body.city), 201)


@router.post("/api/users/{username}/stories/upload", status_code=201, response_model=Story)
async def upload_story(
    username: Username,
    request: Request,
    app: Service,
    me: Me,
    files: Annotated[list[UploadFile], File(description="1 to 10 images, one per frame")],
    duration: Annotated[float, Form(gt=0, le=60)] = 5,
    city: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    """Each uploaded image becomes a frame shown for ``duration`` seconds."""
    same_user(me, username, "post stories here")
    if not 1 <= len(files) <= MAX_FRAMES:
        from instaclone.api.errors import ApiError

        raise ApiError(422, "invalid_input", f"a story takes 1 to {MAX_FRAMES} images")
    store = media(request)
    story_key = f"stories/{me}/{new_ulid()}"
    frames: list[Frame] = []
    keys: list[str] = []
    try:
        for i, upload in enumerate(files):
            data = await read_upload(upload, request.app.state.max_upload)
            renditions = await request.app.state.renderer.render(data)
            key = f"{story_key}_{i}.jpg"
            url = await store.put(key, renditions.large, renditions.content_type)
            keys.append(key)
            frames.append(Frame(url=url, duration=duration, media_type="image"))
        story = await app.create_story(me, frames, city, media_keys=keys)
    except Exception:
        await store.delete(keys)
        raise
    return json(story, 201)


class TrayEntry(Body):
    username: str
    story_id: str
    """The account's latest live story."""
    expires_at: int
    avatar_thumb_url: str | None = None
    """The account's profile picture (150 px), if it has one."""


@router.get("/api/stories/tray", response_model=PageOut[TrayEntry])
async def story_tray(app: Service, me: Me, limit: Limit = 50, cursor: Cursor = None) -> Response:
    """Your own live story first, then the people you follow who have one."""
    tray = await app.get_story_tray(me, limit, cursor)
    # Their pictures: one BatchGetItem more (the tray itself is kept to 2 calls).
    pictures = {
        u.username: u.avatar_thumb_url
        for u in await app.users_in_order([i.username for i in tray.items])
    }
    items = [
        TrayEntry(
            username=i.username,
            story_id=i.story_id,
            expires_at=i.expires_at,
            avatar_thumb_url=pictures.get(i.username),
        )
        for i in tray.items
    ]
    return json(PageOut[TrayEntry](items=items, cursor=tray.cursor))


@router.post("/api/users/{username}/stories/{story_id}/views", response_model=Story)
async def view_story(username: Username, story_id: ItemId, app: Service, me: Me) -> Response:
    """Count your view: once per viewer, never the owner's own."""
    return json(await app.increment_story_views(username, story_id, me))


@router.get("/api/users/{username}/stories/{story_id}/viewers", response_model=PageOut[User])
async def story_viewers(
    username: Username,
    story_id: ItemId,
    app: Service,
    me: Me,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Who viewed your story (its owner only)."""
    same_user(me, username, "see who viewed this story")
    return json(await app.get_story_viewers(username, story_id, limit, cursor))

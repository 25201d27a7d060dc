"""Profiles and follows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from starlette.responses import Response

from instaclone.api.errors import ApiError
from instaclone.api.routes.params import Cursor, Limit, Me, Service, Target, Username
from instaclone.api.routes.photos import media, own_media_keys
from instaclone.api.schemas import Following, PageOut, ProfileUpdate, RelationOut, json
from instaclone.api.security import same_user
from instaclone.api.uploads import read_upload
from instaclone.data import new_ulid
from instaclone.domain import Follow, User
from instaclone.domain.relations import MAX_PEOPLE
from instaclone.media import stored_renditions

router = APIRouter(tags=["users"])


@router.get("/api/users/{username}", response_model=User)
async def get_user(username: Username, app: Service) -> Response:
    user = await app.get_user_profile(username)
    if user is None:
        raise ApiError(404, "not_found", f"user {username!r} does not exist")
    return json(user)


@router.patch("/api/users/{username}", response_model=User)
async def update_user(username: Username, body: ProfileUpdate, app: Service, me: Me) -> Response:
    """Your name, bio (150 characters) and website (http(s)); an empty bio or website
    removes it."""
    same_user(me, username, "change this profile")
    return json(await app.update_user_profile(username, body.model_dump(exclude_none=True)))


@router.put("/api/users/{username}/avatar", response_model=User)
async def set_avatar(
    username: Username,
    request: Request,
    app: Service,
    me: Me,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
) -> Response:
    """A new profile picture: its centre square, stored at 320 and 150 px, EXIF removed.
    The picture it replaces is deleted."""
    same_user(me, username, "change this profile picture")
    data = await read_upload(file, request.app.state.max_upload)
    renditions = await request.app.state.renderer.render_avatar(data)
    store = media(request)
    base = f"avatars/{me}/{new_ulid()}"
    async with stored_renditions(store, renditions, f"{base}_320.jpg", f"{base}_150.jpg") as image:
        user, replaced = await app.set_avatar(me, image.url, image.thumbnail_url, image.keys)
    await store.delete(own_media_keys(replaced, me))
    return json(user)


@router.delete("/api/users/{username}/avatar", response_model=User)
async def remove_avatar(username: Username, request: Request, app: Service, me: Me) -> Response:
    """Back to initials; the picture's files are deleted."""
    same_user(me, username, "remove this profile picture")
    user, removed = await app.remove_avatar(me)
    await media(request).delete(own_media_keys(removed, me))
    return json(user)


@router.get("/api/users/{username}/followers", response_model=PageOut[User])
async def followers(
    username: Username, app: Service, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    return json(await app.get_followers_paginated(username, limit, cursor))


@router.get("/api/users/{username}/following", response_model=PageOut[User])
async def following(
    username: Username, app: Service, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    return json(await app.get_following_paginated(username, limit, cursor))


@router.get("/api/users/{username}/following/{target}", response_model=Following)
async def is_following(username: Username, target: Target, app: Service) -> Response:
    return json(Following(following=await app.is_following(username, target)))


@router.put("/api/users/{username}/following/{target}", status_code=201, response_model=Follow)
async def follow(username: Username, target: Target, app: Service, me: Me) -> Response:
    """``username`` (you) follows ``target``."""
    same_user(me, username, "follow on their own behalf")
    return json(await app.follow_user(me, target), 201)


@router.delete("/api/users/{username}/following/{target}", status_code=204)
async def unfollow(username: Username, target: Target, app: Service, me: Me) -> Response:
    same_user(me, username, "unfollow on their own behalf")
    await app.unfollow_user(me, target)
    return Response(status_code=204)


@router.get("/api/me/relations", response_model=PageOut[RelationOut])
async def relations(
    app: Service,
    me: Me,
    users: Annotated[
        list[str], Query(min_length=1, max_length=MAX_PEOPLE, examples=[["juanca", "maya"]])
    ],
) -> Response:
    """How you stand with each of these people (`?users=a&users=b`, at most 50), in their
    order: whether you follow them, they follow you, you block them. One read for a whole
    list of people (a page of search results, followers or likers)."""
    return json(PageOut(items=[RelationOut(**vars(r)) for r in await app.relations(me, users)]))

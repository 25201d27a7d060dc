"""Profiles and follows."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.errors import ApiError
from instaclone.api.routes.params import Cursor, Limit, Me, Service, Target, Username
from instaclone.api.schemas import Following, PageOut, ProfileUpdate, json
from instaclone.api.security import same_user
from instaclone.domain import Follow, User

router = APIRouter(tags=["users"])


@router.get("/api/users/{username}", response_model=User)
async def get_user(username: Username, app: Service) -> Response:
    user = await app.get_user_profile(username)
    if user is None:
        raise ApiError(404, "not_found", f"user {username!r} does not exist")
    return json(user)


@router.patch("/api/users/{username}", response_model=User)
async def update_user(username: Username, body: ProfileUpdate, app: Service, me: Me) -> Response:
    same_user(me, username, "change this profile")
    return json(await app.update_user_profile(username, body.model_dump(exclude_none=True)))


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

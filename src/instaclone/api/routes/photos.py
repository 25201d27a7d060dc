"""Photos (from a URL or uploaded), likes and comments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from instaclone.api.errors import ApiError
from instaclone.api.routes.params import (
    Cursor,
    ItemId,
    Limit,
    Me,
    PhotoId,
    Service,
    Target,
    Username,
)
from instaclone.api.schemas import CaptionUpdate, CommentIn, Liked, PageOut, PhotoFromUrl, json
from instaclone.api.security import same_user
from instaclone.api.uploads import read_upload
from instaclone.data import new_ulid
from instaclone.domain import Comment, CommentWithUser, Like, Photo, PhotoDetails, User
from instaclone.domain.service import InstagramService
from instaclone.media import MediaStore, Renditions, stored_renditions
from instaclone.media.fetch import FetchError, fetch_image

router = APIRouter(tags=["photos"])


def media(request: Request) -> MediaStore:
    store: MediaStore = request.app.state.media
    return store


@router.get("/api/users/{username}/photos", response_model=PageOut[Photo])
async def list_photos(
    username: Username, app: Service, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    """Newest first."""
    return json(await app.get_user_photos_paginated(username, limit, cursor))


@router.post("/api/users/{username}/photos", status_code=201, response_model=Photo)
async def create_photo_from_url(
    username: Username, body: PhotoFromUrl, request: Request, app: Service, me: Me
) -> Response:
    """A photo from a URL, as in the seed. An http(s) image is fetched once by the server
    (public addresses only, no redirects, the upload's size limit) and then checked,
    rendered and served like an upload: viewers never call the other site. A path on this
    site is kept as it is."""
    same_user(me, username, "post photos here")
    if not body.url.lower().startswith(("http://", "https://")):
        return json(await app.create_photo(me, body.url, body.caption), 201)
    try:
        data = await fetch_image(
            body.url, request.app.state.fetch_policy, request.app.state.max_upload
        )
    except FetchError as error:
        raise ApiError(422, "invalid_url", str(error)) from None
    return json(await store_photo(request, app, me, data, body.caption), 201)


async def store_photo(
    request: Request, app: InstagramService, me: str, data: bytes, caption: str | None
) -> Photo:
    """Check and render an image, store its renditions, then the photo (files removed if the
    photo cannot be written)."""
    renditions: Renditions = await request.app.state.renderer.render(data)
    photo_id = new_ulid()
    base = f"photos/{me}/{photo_id}"
    async with stored_renditions(
        media(request), renditions, f"{base}.jpg", f"{base}_320.jpg"
    ) as image:
        return await app.create_photo(
            me,
            image.url,
            caption,
            thumbnail_url=image.thumbnail_url,
            photo_id=photo_id,
            media_keys=image.keys,
        )


@router.post("/api/users/{username}/photos/upload", status_code=201, response_model=Photo)
async def upload_photo(
    username: Username,
    request: Request,
    app: Service,
    me: Me,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
    caption: Annotated[str | None, Form(max_length=2200)] = None,
) -> Response:
    """Upload an image: stored as a 1080 px and a 320 px JPEG, EXIF removed."""
    same_user(me, username, "post photos here")
    data = await read_upload(file, request.app.state.max_upload)
    photo = await store_photo(request, app, me, data, caption)
    return json(photo, 201)


@router.get("/api/users/{username}/photos/{photo_id}", response_model=PhotoDetails)
async def get_photo(username: Username, photo_id: PhotoId, app: Service) -> Response:
    """The photo with its first comments and recent likers."""
    details = await app.get_photo_with_details(username, photo_id)
    if details is None:
        raise ApiError(404, "not_found", f"photo {photo_id!r} of {username!r} does not exist")
    return json(details)


@router.patch("/api/users/{username}/photos/{photo_id}", response_model=Photo)
async def edit_caption(
    username: Username, photo_id: PhotoId, body: CaptionUpdate, app: Service, me: Me
) -> Response:
    """Only the owner; its tag pages follow the new caption. ``caption`` null or empty
    removes it; a body without ``caption`` changes nothing."""
    same_user(me, username, "edit this photo")
    if "caption" not in body.model_fields_set:
        photo = await app.get_photo(username, photo_id)
        if photo is None:
            raise ApiError(404, "not_found", f"photo {photo_id!r} of {username!r} does not exist")
        return json(photo)
    return json(
        await app.update_photo_caption(username, photo_id, body.caption, acting_username=me)
    )


@router.delete("/api/users/{username}/photos/{photo_id}", status_code=204)
async def delete_photo(
    username: Username, photo_id: PhotoId, request: Request, app: Service, me: Me
) -> Response:
    """Only the owner; its likes and comments go with it, and the files its own upload
    stored (never a file its URL merely names)."""
    same_user(me, username, "delete this photo")
    photo = await app.get_photo(username, photo_id)
    await app.delete_photo(username, photo_id, acting_username=me)
    if photo is not None:
        await media(request).delete(own_media_keys(photo.media_keys, me))
    return Response(status_code=204)


def own_media_keys(keys: list[str], owner: str) -> list[str]:
    """Defence in depth: only keys under the owner's own upload folders are ever deleted."""
    own = (f"photos/{owner}/", f"stories/{owner}/", f"avatars/{owner}/")
    return [k for k in keys if k.startswith(own)]


@router.get("/api/users/{username}/photos/{photo_id}/likes", response_model=PageOut[User])
async def likes(
    username: Username, photo_id: PhotoId, app: Service, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    """Who liked it, oldest first."""
    return json(await app.get_photo_likes_paginated(photo_id, limit, cursor))


@router.put(
    "/api/users/{username}/photos/{photo_id}/likes/{liker}", status_code=201, response_model=Like
)
async def like(
    username: Username, photo_id: PhotoId, liker: Target, app: Service, me: Me
) -> Response:
    same_user(me, liker, "like on their own behalf")
    return json(await app.like_photo(photo_id, username, me), 201)


@router.get("/api/users/{username}/photos/{photo_id}/likes/{liker}", response_model=Liked)
async def has_liked(username: Username, photo_id: PhotoId, liker: Target, app: Service) -> Response:
    return json(Liked(liked=await app.has_user_liked_photo(photo_id, liker)))


@router.delete("/api/users/{username}/photos/{photo_id}/likes/{liker}", status_code=204)
async def unlike(
    username: Username, photo_id: PhotoId, liker: Target, app: Service, me: Me
) -> Response:
    same_user(me, liker, "unlike on their own behalf")
    await app.unlike_photo(photo_id, username, me)
    return Response(status_code=204)


@router.get(
    "/api/users/{username}/photos/{photo_id}/comments", response_model=PageOut[CommentWithUser]
)
async def comments(
    username: Username, photo_id: PhotoId, app: Service, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    """Oldest first, each with its author."""
    return json(await app.get_photo_comments_paginated(photo_id, limit, cursor))


@router.post(
    "/api/users/{username}/photos/{photo_id}/comments", status_code=201, response_model=Comment
)
async def comment(
    username: Username, photo_id: PhotoId, body: CommentIn, app: Service, me: Me
) -> Response:
    return json(await app.comment_on_photo(photo_id, username, me, body.content), 201)


@router.patch(
    "/api/users/{username}/photos/{photo_id}/comments/{comment_id}", response_model=Comment
)
async def edit_comment(
    username: Username,
    photo_id: PhotoId,
    comment_id: ItemId,
    body: CommentIn,
    app: Service,
    me: Me,
) -> Response:
    """Only the comment's author."""
    return json(await app.update_comment(photo_id, comment_id, me, body.content))


@router.delete("/api/users/{username}/photos/{photo_id}/comments/{comment_id}", status_code=204)
async def delete_comment(
    username: Username, photo_id: PhotoId, comment_id: ItemId, app: Service, me: Me
) -> Response:
    """The comment's author or the photo's owner."""
    await app.delete_comment(photo_id, comment_id, username, acting_username=me)
    return Response(status_code=204)

"""Path and query parameters shared by the routes, validated before any handler runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from instaclone.api.security import current_user, optional_user, service_dependency
from instaclone.domain import InstagramService

Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9._]{1,30}$", examples=["juanca"])]
Target = Annotated[str, Path(pattern=r"^[A-Za-z0-9._]{1,30}$")]
PhotoId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,64}$")]
ItemId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,64}$")]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000, description="from the previous page")]
Service = Annotated[InstagramService, Depends(service_dependency)]
Me = Annotated[str, Depends(current_user)]
MaybeMe = Annotated[str | None, Depends(optional_user)]

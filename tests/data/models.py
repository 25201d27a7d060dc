"""A small schema that is not Instagram: the data layer must serve any application."""

from __future__ import annotations

from pydantic import Field

from instaclone.data import Document, Entity, Key, TableSchema, indexes, ulid_field


class Address(Document):
    street: str
    city: str
    zip_code: str | None = None


class Author(Entity):
    primary_key = Key(pk="AUTHOR#{handle}", sk="PROFILE")
    index_keys = indexes(gsi1=Key(pk="EMAIL#{email}", sk="AUTHOR"))

    handle: str
    display_name: str
    email: str | None = None  # sparse: authors without email stay out of gsi1
    post_count: int = 0
    tags: list[str] = Field(default_factory=list)
    badges: set[str] | None = None
    address: Address | None = None


class Post(Entity):
    primary_key = Key(pk="AUTHOR#{handle}", sk="POST#{postId}")
    index_keys = indexes(gsi1=Key(pk="STATUS#{status}", sk="{publishedAt}#{postId}"))

    handle: str
    post_id: str = ulid_field()
    title: str
    status: str = "draft"
    published_at: str | None = None
    views: int = 0


class Draft(Entity):
    """Shares Post's partition with another sort-key prefix (as Story shares Photo's)."""

    primary_key = Key(pk="AUTHOR#{handle}", sk="DRAFT#{draftId}")

    handle: str
    draft_id: str = ulid_field()
    body: str


class Counter(Entity):
    entity_name = "Ctr"
    timestamps = False
    primary_key = Key(pk="COUNTER#{name}", sk="COUNTER")

    name: str
    value: int = 0


SCHEMA = TableSchema([Author, Post, Draft, Counter], indexes={"gsi1": ("GSI1PK", "GSI1SK")})

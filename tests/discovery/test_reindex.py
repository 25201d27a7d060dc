"""`instaclone db reindex`: data written before the indexes existed (or with no pipeline
running) becomes searchable, tagged and explorable; running it twice changes nothing."""

from __future__ import annotations

from instaclone.data import Connection
from instaclone.domain.models import Hashtag
from instaclone.domain.reindex import reindex
from tests.events.conftest import fresh_app


async def test_reindex_builds_what_the_pipeline_would_have(connection: Connection) -> None:
    app = await fresh_app(connection)  # no pipeline runs in this test
    await app.create_user("old_timer", "Émile Zola")
    await app.create_user("viewer", "Viewer")
    photo = await app.create_photo("old_timer", "https://x.example/1.jpg", "From before #Paris")
    # As a photo stored before captions were parsed: no tags, no mentions.
    await app.photos.update(username="old_timer", photo_id=photo.photo_id).remove("tags").execute()
    assert await app.search_users("emile") == []
    done = await reindex(app)
    assert (done.users, done.photos, done.captions_parsed) == (2, 1, 1)
    assert [m.username for m in await app.search_users("emile")] == ["old_timer"]
    assert [p.photo_id for p in (await app.get_hashtag_photos("paris")).items] == [photo.photo_id]
    assert [p.photo_id for p in (await app.get_explore("viewer")).items] == [photo.photo_id]
    again = await reindex(app)
    assert again.captions_parsed == 0
    count = await app.table.entity(Hashtag).get(tag="paris").execute()
    assert count is not None and count.photo_count == 1  # not counted twice

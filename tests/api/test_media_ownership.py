"""A photo's deletion removes only the files its own upload stored: no URL, path or field a
client sends can make it delete someone else's file (issue: any signed-in user could delete
another user's uploads by posting a photo "from a URL" naming them)."""

from __future__ import annotations

from typing import Any

from instaclone.media import S3MediaStore
from tests.api.conftest import Api, bearer
from tests.api.test_media import image_bytes, upload
from tests.helpers import unique


async def test_a_url_photo_never_deletes_the_file_it_names(api: Api) -> None:
    alice, mallory = unique("a").lower(), unique("m").lower()
    ta, tm = await api.sign_up(alice), await api.sign_up(mallory)
    own = (await upload(api, alice, ta, image_bytes((600, 400)))).json()  # type: ignore[attr-defined]
    story = await api.client.post(
        f"/api/users/{alice}/stories/upload",
        files={"files": ("s.jpg", image_bytes((300, 500)), "image/jpeg")},
        headers=bearer(ta),
    )
    frame = story.json()["frames"][0]["url"]
    targets = [own["url"], own["thumbnailUrl"], frame, "/media/photos/", f"/media/photos/{alice}"]
    claim = await api.client.post(
        f"/api/users/{mallory}/photos",
        json={"url": own["url"], "mediaKeys": [own["url"].removeprefix("/media/")]},
        headers=bearer(tm),
    )
    assert claim.status_code == 422  # a client cannot claim files
    for url in targets:
        made = await api.client.post(
            f"/api/users/{mallory}/photos", json={"url": url}, headers=bearer(tm)
        )
        assert made.status_code == 201, made.text
        assert made.json()["mediaKeys"] == []
        gone = await api.client.delete(
            f"/api/users/{mallory}/photos/{made.json()['photoId']}", headers=bearer(tm)
        )
        assert gone.status_code == 204  # a directory-naming URL was a 500 after the row went
    for url in (own["url"], own["thumbnailUrl"], frame):
        assert (await api.client.get(url)).status_code == 200, url  # alice's files are intact


async def test_paths_that_browsers_send_elsewhere_are_refused(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    for url in ("/\\evil.example/x.jpg", "//evil.example/x.jpg", "/\\/evil.example", "/ a.jpg"):
        refused = await api.client.post(
            f"/api/users/{user}/photos", json={"url": url}, headers=bearer(token)
        )
        assert refused.status_code == 422, (url, refused.text)


class RecordingS3:
    def __init__(self) -> None:
        self.deleted: list[str] = []
        self.put: list[str] = []

    def put_object(self, **kwargs: Any) -> None:
        self.put.append(kwargs["Key"])

    def delete_objects(self, **kwargs: Any) -> None:
        self.deleted += [o["Key"] for o in kwargs["Delete"]["Objects"]]


async def test_the_s3_store_deletes_only_the_uploads_own_objects(api: Api) -> None:
    s3 = RecordingS3()
    api.client._transport.app.state.media = S3MediaStore(  # type: ignore[attr-defined]
        "bucket", "https://cdn.example", "us-east-1", client=s3
    )
    alice, mallory = unique("a").lower(), unique("m").lower()
    ta, tm = await api.sign_up(alice), await api.sign_up(mallory)
    own = (await upload(api, alice, ta, image_bytes((600, 400)))).json()  # type: ignore[attr-defined]
    for url in (own["url"], "/media/" + own["url"].split("/", 3)[3]):
        made = await api.client.post(
            f"/api/users/{mallory}/photos", json={"url": url}, headers=bearer(tm)
        )
        if made.status_code == 201:  # a path on this site is kept; a URL is fetched (not here)
            await api.client.delete(
                f"/api/users/{mallory}/photos/{made.json()['photoId']}", headers=bearer(tm)
            )
        else:
            assert made.status_code == 422
    assert s3.deleted == []
    await api.client.delete(f"/api/users/{alice}/photos/{own['photoId']}", headers=bearer(ta))
    assert sorted(s3.deleted) == sorted(s3.put)  # the owner's deletion removes exactly hers

"""Saved posts: private to the person who saved them, newest save first.

A save is three items in one transaction: a mark (is this photo saved? one GetItem), an
entry ordered by the save (the list), and a saver item under the photo (so the photo's
deletion can take it out of every list; the pipeline does that from the photo's REMOVE).
"""

from __future__ import annotations

from instaclone.data import TransactionCancelledError, attr, new_ulid
from instaclone.domain.errors import PhotoNotFoundError
from instaclone.domain.gallery import GalleryOps, PhotoPage
from instaclone.domain.models import SavedEntry, SavedMark, Saver


class SavedOps(GalleryOps):
    async def save_photo(self, username: str, photo_owner: str, photo_id: str) -> bool:
        """Save a photo; True if it was not saved before (saving twice is one save)."""
        username, owner = self.username(username), self.username(photo_owner)
        photo_id = self.identifier(photo_id, "photo")
        marks = self.table.entity(SavedMark)
        mark = await marks.get(username=username, photo_id=photo_id).consistent().execute()
        if mark is not None:
            if mark.owner != owner:  # no photo of that id under that owner
                raise PhotoNotFoundError(photo_id, owner)
            return False
        save_id = new_ulid()
        ids = {"username": username, "photo_id": photo_id, "save_id": save_id}
        transaction = (
            self.table.transaction()
            .add(
                self.photos.check(attr("photo_id").exists(), username=owner, photo_id=photo_id),
                label="photo",
            )
            .add(marks.put(SavedMark(owner=owner, **ids)).if_not_exists(), label="mark")
            .add(self.table.entity(SavedEntry).put(SavedEntry(owner=owner, **ids)))
            .add(self.table.entity(Saver).put(Saver(**ids)))
        )
        try:
            await transaction.execute()
        except TransactionCancelledError as cancelled:
            failed = {r.label for r in cancelled.reasons if r.code == "ConditionalCheckFailed"}
            if "photo" in failed:
                raise PhotoNotFoundError(photo_id, owner) from cancelled
            if "mark" in failed:
                return False  # a concurrent save of the same photo came first
            self.explain(cancelled, {})
        return True

    async def unsave_photo(
        self, username: str, photo_id: str, *, photo_owner: str | None = None
    ) -> bool:
        """Take a photo out of the saved list (``photo_owner``, if given, must be its
        owner); True if it was there."""
        username = self.username(username)
        photo_id = self.identifier(photo_id, "photo")
        marks = self.table.entity(SavedMark)
        mark = await marks.get(username=username, photo_id=photo_id).consistent().execute()
        if mark is None or (photo_owner is not None and mark.owner != self.username(photo_owner)):
            return False
        await (
            self.table.transaction()
            .add(marks.delete(username=username, photo_id=photo_id))
            .add(self.table.entity(SavedEntry).delete(username=username, save_id=mark.save_id))
            .add(self.table.entity(Saver).delete(photo_id=photo_id, username=username))
            .execute()
        )
        return True

    async def is_photo_saved(
        self, username: str, photo_id: str, *, photo_owner: str | None = None
    ) -> bool:
        key = {"username": self.username(username), "photo_id": self.identifier(photo_id, "photo")}
        mark = await self.table.entity(SavedMark).get(**key).execute()
        if mark is None:
            return False
        return photo_owner is None or mark.owner == self.username(photo_owner)

    async def get_saved_photos(
        self, username: str, limit: int = 24, cursor: str | None = None
    ) -> PhotoPage:
        """Your saved photos, the last saved first (a deleted photo is left out)."""
        username = self.username(username)
        query = self.table.entity(SavedEntry).query(username=username).descending()
        page = await query.limit(self.limit(limit)).after(cursor).execute()
        seen = await self.photos_as_seen([(e.owner, e.photo_id) for e in page.items], username)
        return PhotoPage(seen.photos, page.cursor, seen.liked, seen.saved)

    async def delete_photo_saves(self, photo_id: str) -> None:
        """Take a deleted photo out of every saved list (idempotent: the pipeline's cascade)."""
        batch = self.table.batch_write()
        async for page in self.table.entity(Saver).query(photo_id=photo_id).pages():
            for saver in page.items:
                batch.delete(SavedMark, username=saver.username, photo_id=photo_id)
                batch.delete(SavedEntry, username=saver.username, save_id=saver.save_id)
                batch.delete(Saver, photo_id=photo_id, username=saver.username)
        if len(batch):
            await batch.execute()

"""``instaclone db doctor``: scan the table, report what breaks its invariants, and (asked to)
repair it. People point instaclone at tables written by the seed's TypeScript library, whose
updates create phantom rows and whose counters drift; and a crash before this project's
pipeline existed could leave likes and comments behind.

Found and, with ``repair``, fixed:
- counters that differ from what they count (a user's photos, followers and following; a
  photo's likes and comments), and a user without ``photoCount`` (the seed wrote none);
- orphans: likes, comments and feed items of a photo that no longer exists; follows of a user
  who does not;
- items without an entity type (the seed's phantom rows).
Reported only: items whose entity type is known but whose attributes do not fit it.

One Scan of the whole table (pages of 1 MB), counting in memory; repairs are idempotent
(counters are set to what was counted, orphans deleted by key), so running it twice leaves
nothing to do the second time. Counters are best repaired while nothing writes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from instaclone.data import Table, ValidationError
from instaclone.data.attributes import from_item, to_av

Key = tuple[str, str]


@dataclass(frozen=True)
class Finding:
    kind: str
    """counter · missing_counter · orphan · untyped · malformed"""
    key: Key
    detail: str
    set_attribute: tuple[str, int] | None = None
    """The repair: set this attribute to this value…"""
    delete: bool = False
    """…or delete the item (None of both: reported only)."""


@dataclass
class Report:
    scanned: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    def count(self) -> Counter[str]:
        return Counter(f.kind for f in self.findings)


def _key(item: dict[str, Any]) -> Key:
    return str(item.get("PK")), str(item.get("SK"))


class Doctor:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.schema = table.schema

    async def _scan(self, progress: Callable[[int], None] | None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        payload: dict[str, Any] = {"TableName": self.table.name}
        while True:
            response = await self.table.connection.call("Scan", payload)
            items += [from_item(raw) for raw in response.get("Items", [])]
            if progress:
                progress(len(items))
            last = response.get("LastEvaluatedKey")
            if not last:
                return items
            payload["ExclusiveStartKey"] = last

    async def examine(self, progress: Callable[[int], None] | None = None) -> Report:
        started = time.perf_counter()
        items = await self._scan(progress)
        report = Report(scanned=len(items))
        found = report.findings.append
        type_attr = self.schema.type_attribute
        users: dict[str, dict[str, Any]] = {}
        photos: dict[str, dict[str, Any]] = {}
        photo_count: Counter[str] = Counter()
        followers: Counter[str] = Counter()
        following: Counter[str] = Counter()
        likes: Counter[str] = Counter()
        comments: Counter[str] = Counter()
        children: list[tuple[str, dict[str, Any]]] = []  # (kind, item) to check for orphans
        for item in items:
            kind = item.get(type_attr)
            if kind is None:
                fields = ", ".join(sorted(k for k in item if k not in ("PK", "SK")))
                found(
                    Finding("untyped", _key(item), f"no entity type; holds {fields}", delete=True)
                )
                continue
            meta = self.schema.by_name(str(kind))
            if meta is None:
                continue  # the pipeline's own items, or an entity of another application
            try:
                meta.decode(dict(item))
            except ValidationError as error:
                found(Finding("malformed", _key(item), f"not a valid {kind}: {error}"[:300]))
                continue
            if kind == "User":
                users[item["username"]] = item
            elif kind == "Photo":
                photos[item["photoId"]] = item
                photo_count[item["username"]] += 1
            elif kind == "Follow":
                children.append(("Follow", item))
            elif kind == "Like":
                likes[item["photoId"]] += 1
                children.append(("Like", item))
            elif kind == "Comment":
                comments[item["photoId"]] += 1
                children.append(("Comment", item))
            elif kind == "FeedItem":
                children.append(("FeedItem", item))
        for kind, item in children:  # follows count only between users who exist
            if kind == "Follow" and {item["followedUsername"], item["followingUsername"]} <= set(
                users
            ):
                followers[item["followedUsername"]] += 1
                following[item["followingUsername"]] += 1
        for username, user in users.items():
            expected = {
                "photoCount": photo_count[username],
                "followerCount": followers[username],
                "followingCount": following[username],
            }
            for attribute, value in expected.items():
                have = user.get(attribute)
                if have is None:
                    found(
                        Finding(
                            "missing_counter",
                            _key(user),
                            f"{username} has no {attribute} (counted {value})",
                            (attribute, value),
                        )
                    )
                elif int(have) != value:
                    found(
                        Finding(
                            "counter",
                            _key(user),
                            f"{username}.{attribute} is {have}, counted {value}",
                            (attribute, value),
                        )
                    )
        for photo_id, photo in photos.items():
            for attribute, value in (
                ("likesCount", likes[photo_id]),
                ("commentCount", comments[photo_id]),
            ):
                if int(photo.get(attribute, 0)) != value:
                    found(
                        Finding(
                            "counter",
                            _key(photo),
                            f"photo {photo_id}.{attribute} is {photo.get(attribute)}, "
                            f"counted {value}",
                            (attribute, value),
                        )
                    )
        for kind, item in children:
            if kind == "Follow":
                missing = [
                    u
                    for u in (item["followedUsername"], item["followingUsername"])
                    if u not in users
                ]
                if missing:
                    found(
                        Finding(
                            "orphan",
                            _key(item),
                            f"follow of a user who does not exist ({', '.join(missing)})",
                            delete=True,
                        )
                    )
            elif item["photoId"] not in photos:
                found(
                    Finding(
                        "orphan",
                        _key(item),
                        f"{kind} of photo {item['photoId']}, which does not exist",
                        delete=True,
                    )
                )
        report.seconds = time.perf_counter() - started
        return report

    async def repair(self, report: Report) -> int:
        """Apply every repair the report names; returns how many items were changed."""
        changed = 0
        deletes = [f.key for f in report.findings if f.delete]
        for i in range(0, len(deletes), 25):
            requests = [
                {"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}}
                for pk, sk in deletes[i : i + 25]
            ]
            pending: Any = {self.table.name: requests}
            while pending:
                response = await self.table.connection.call(
                    "BatchWriteItem", {"RequestItems": pending}
                )
                pending = response.get("UnprocessedItems") or None
            changed += len(requests)
        for finding in report.findings:
            if finding.set_attribute is None:
                continue
            attribute, value = finding.set_attribute
            pk, sk = finding.key
            await self.table.connection.call(
                "UpdateItem",
                {
                    "TableName": self.table.name,
                    "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
                    "UpdateExpression": "SET #a = :v",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeNames": {"#a": attribute},
                    "ExpressionAttributeValues": {":v": to_av(value)},
                },
            )
            changed += 1
        return changed

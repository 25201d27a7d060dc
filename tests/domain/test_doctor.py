"""`instaclone db doctor` finds what breaks the table's invariants and repairs it, as the
seed's library and old crashes leave them: drifted counters, a user without photoCount,
orphaned likes, comments, feed items and follows, phantom rows. Dry run by default;
idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from instaclone.data import Connection
from instaclone.domain import SCHEMA, InstagramService
from instaclone.domain.doctor import Doctor
from instaclone.engine import LocalEngine
from tests.conftest import new_table
from tests.domain.test_malformed import put_raw


async def call(app: InstagramService, action: str, **payload: object) -> None:
    await app.table.connection.call(action, {"TableName": app.table.name, **payload})


async def broken_table(connection: Connection) -> InstagramService:
    app = InstagramService(await new_table(connection, SCHEMA, "doc"))
    for u in ("carol", "erin", "fred"):
        await app.create_user(u, u.title())
    await app.follow_user("erin", "carol")
    kept = await app.create_photo("carol", "https://x.example/kept.jpg")
    gone = await app.create_photo("carol", "https://x.example/gone.jpg")
    for u in ("erin", "fred"):
        await app.like_photo(kept.photo_id, "carol", u)
        await app.like_photo(gone.photo_id, "carol", u)
        await app.comment_on_photo(gone.photo_id, "carol", u, "hi")
    # What the seed's library and old crashes leave behind:
    await call(
        app, "DeleteItem", Key={"PK": {"S": "UP#carol"}, "SK": {"S": f"PHOTO#{gone.photo_id}"}}
    )
    await call(
        app,
        "UpdateItem",
        Key={"PK": {"S": "UP#carol"}, "SK": {"S": f"PHOTO#{kept.photo_id}"}},
        UpdateExpression="SET likesCount = :v",
        ExpressionAttributeValues={":v": {"N": "7"}},
    )
    await call(
        app,
        "UpdateItem",
        Key={"PK": {"S": "USER#fred"}, "SK": {"S": "USER#fred"}},
        UpdateExpression="REMOVE photoCount",
    )
    await put_raw(app, {"PK": "UP#carol", "SK": "PHOTO#01PHANTOM", "likesCount": 1})
    await put_raw(
        app,
        {
            "PK": "FOLLOW#ghost",
            "SK": "FOLLOW#fred",
            "_type": "Follow",
            "followedUsername": "ghost",
            "followingUsername": "fred",
        },
    )
    return app


async def test_doctor_reports_then_repairs_and_a_second_run_finds_nothing(
    connection: Connection,
) -> None:
    app = await broken_table(connection)
    doctor = Doctor(app.table)
    seen: list[int] = []
    report = await doctor.examine(seen.append)
    assert seen and seen[-1] == report.scanned
    details = sorted(f"{f.kind}: {f.detail}" for f in report.findings)
    assert report.count() == {"counter": 2, "missing_counter": 1, "orphan": 6, "untyped": 1}, (
        details
    )
    assert any("likesCount is 7, counted 2" in d for d in details)
    assert any("carol.photoCount is 2, counted 1" in d for d in details)
    assert any("fred has no photoCount" in d for d in details)
    assert any("ghost" in d for d in details)

    assert (await doctor.examine()).count() == report.count()  # a dry run changed nothing
    await doctor.repair(report)
    assert (await doctor.examine()).findings == []
    carol = await app.get_user_profile("carol")
    assert carol is not None and carol.photo_count == 1
    photos = await app.get_user_photos("carol")
    assert [p.likes_count for p in photos] == [2]


def test_the_command_is_a_dry_run_unless_told_to_fix(engine: LocalEngine, tmp_path: Path) -> None:
    import asyncio

    async def make() -> str:
        async with Connection.with_static_key(engine.endpoint, "tests", "secret") as conn:
            return (await broken_table(conn)).table.name

    table = asyncio.run(make())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INSTACLONE_"))},
        "AWS_ENDPOINT_URL_DYNAMODB": engine.endpoint,
        "AWS_ACCESS_KEY_ID": "tests",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "us-east-1",
        "INSTACLONE_HOME": str(tmp_path),
        "INSTACLONE_TABLE": table,
    }

    def doctor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "instaclone.cli", "db", "doctor", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = doctor()
    assert dry.returncode == 2, dry.stderr
    assert "dry run" in dry.stdout and "orphan" in dry.stdout and "scanning" in dry.stderr
    fixed = doctor("--fix")
    assert fixed.returncode == 0 and "repaired" in fixed.stdout
    clean = doctor()
    assert clean.returncode == 0 and "nothing to repair" in clean.stdout

"""Client CPU per operation: the data layer vs the raw wire vs boto3, side by side.

    .venv/bin/python -m bench.wire_overhead [--ops 300] [--rounds 5]

Starts its own in-memory DynamoDB Local. For each operation (GetItem, PutItem, Query of 20,
a 2-item TransactWriteItems) it runs, in interleaved rounds within this one process:
  layer  the data layer, building the request and decoding results into models
  raw    aiodynamo's Client.send_request with prebuilt payloads, results left as JSON
  boto3  boto3's low-level client with the same prebuilt payloads
and prints the median client CPU µs/op (time.process_time, so the engine's own CPU is not
counted), sequential ops/s, ops/s with 32 concurrent tasks (async variants), and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import boto3
from botocore.config import Config

from instaclone.data import Connection, Table
from instaclone.domain.models import SCHEMA, Like, Photo, User
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

AsyncOp = Callable[[int], Awaitable[Any]]
SyncOp = Callable[[int], Any]


async def measure_async(op: AsyncOp, n: int, start: int) -> tuple[float, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(start, start + n):
        await op(i)
    return (time.process_time() - cpu0) / n * 1e6, n / (time.perf_counter() - wall0)


async def measure_concurrent(op: AsyncOp, n: int, start: int, tasks: int = 32) -> float:
    counter = iter(range(start, start + n))

    async def worker() -> None:
        for i in counter:
            await op(i)

    wall0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return n / (time.perf_counter() - wall0)


def measure_sync(op: SyncOp, n: int, start: int) -> tuple[float, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(start, start + n):
        op(i)
    return (time.process_time() - cpu0) / n * 1e6, n / (time.perf_counter() - wall0)


async def main(ops: int, rounds: int) -> None:
    jar = ensure_engine(Settings.from_env().home / "engine")
    with LocalEngine(jar, access_key="bench") as engine:
        async with Connection.with_static_key(engine.endpoint, "bench", "secret") as conn:
            await run(engine, conn, ops, rounds)


async def run(engine: LocalEngine, conn: Connection, ops: int, rounds: int) -> None:
    table = Table(conn, "Bench", SCHEMA)
    await table.create()
    users, photos, likes = table.entity(User), table.entity(Photo), table.entity(Like)
    await users.create(username="owner", name="Owner").execute()
    made = [
        await photos.create(username="owner", url=f"https://x/{i}").execute() for i in range(25)
    ]
    photo_id = made[0].photo_id
    raw = conn.client
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=engine.endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )
    get_payload = users.get(username="owner").to_request().payload
    query_payload = photos.query(username="owner").limit(20).to_request().payload

    total = ops * (5 * rounds + 3)  # unique keys for every write measurement
    put_payloads = [
        users.create(username=f"p{i}", name="Someone").to_request().payload for i in range(total)
    ]
    tx_payloads = [
        table.transaction()
        .add(likes.create(photo_id=photo_id, liking_username=f"t{i}"))
        .add(photos.update(username="owner", photo_id=photo_id).add("likes_count", 1))
        .to_request()
        .payload
        for i in range(total)
    ]
    offset = {"put": 0, "tx": 0}

    def fresh(kind: str) -> int:
        offset[kind] += ops
        return offset[kind] - ops

    async def layer_get(i: int) -> Any:
        return await users.get(username="owner").execute()

    async def layer_put(i: int) -> Any:
        return await users.create(username=f"L{i}", name="Someone").execute()

    async def layer_query(i: int) -> Any:
        return await photos.query(username="owner").limit(20).execute()

    async def layer_tx(i: int) -> Any:
        return await (
            table.transaction()
            .add(likes.create(photo_id=photo_id, liking_username=f"L{i}"))
            .add(photos.update(username="owner", photo_id=photo_id).add("likes_count", 1))
            .execute()
        )

    async def raw_get(i: int) -> Any:
        return await raw.send_request(action="GetItem", payload=get_payload)

    async def raw_put(i: int) -> Any:
        return await raw.send_request(action="PutItem", payload=put_payloads[i])

    async def raw_query(i: int) -> Any:
        return await raw.send_request(action="Query", payload=query_payload)

    async def raw_tx(i: int) -> Any:
        return await raw.send_request(action="TransactWriteItems", payload=tx_payloads[i])

    cases: dict[str, tuple[AsyncOp, AsyncOp, SyncOp, str | None]] = {
        "GetItem": (layer_get, raw_get, lambda i: ddb.get_item(**get_payload), None),
        "PutItem": (layer_put, raw_put, lambda i: ddb.put_item(**put_payloads[i]), "put"),
        "Query(20)": (layer_query, raw_query, lambda i: ddb.query(**query_payload), None),
        "TransactWrite(2)": (
            layer_tx,
            raw_tx,
            lambda i: ddb.transact_write_items(**tx_payloads[i]),
            "tx",
        ),
    }
    # warm-up: JIT of the engine, connection pools, caches
    for layer_op, raw_op, boto_op, kind in cases.values():
        raw_base = fresh(kind) if kind else 0
        boto_base = fresh(kind) if kind else 0
        for i in range(min(50, ops)):
            await layer_op(raw_base + i + 10**6)
            await raw_op(raw_base + i)
            boto_op(boto_base + i)

    print(f"ops per measurement: {ops}, rounds: {rounds} (medians shown)\n")
    header = (
        f"{'operation':<18}{'layer µs':>10}{'raw µs':>9}{'boto3 µs':>10}"
        f"{'layer/raw':>11}{'boto3/layer':>13}{'layer op/s':>12}{'raw op/s':>10}"
        f"{'boto3 op/s':>12}{'layer 32t':>11}{'raw 32t':>9}"
    )
    print(header)
    for name, (layer_op, raw_op, boto_op, kind) in cases.items():
        samples: dict[str, list[tuple[float, float]]] = {"layer": [], "raw": [], "boto3": []}
        conc: dict[str, list[float]] = {"layer": [], "raw": []}
        for r in range(rounds):
            order = [("layer", layer_op), ("raw", raw_op)]
            if r % 2:
                order.reverse()
            for label, op in order:
                start = fresh(kind) if kind else 0
                if label == "layer":
                    start += 10**6 * (r + 2)
                samples[label].append(await measure_async(op, ops, start))
            samples["boto3"].append(measure_sync(boto_op, ops, fresh(kind) if kind else 0))
            for label, op in (("layer", layer_op), ("raw", raw_op)):
                start = fresh(kind) if kind else 0
                if label == "layer":
                    start += 10**7 * (r + 2)
                conc[label].append(await measure_concurrent(op, ops, start))
        cpu = {k: statistics.median(c for c, _ in v) for k, v in samples.items()}
        rate = {k: statistics.median(w for _, w in v) for k, v in samples.items()}
        crate = {k: statistics.median(v) for k, v in conc.items()}
        print(
            f"{name:<18}{cpu['layer']:>10.0f}{cpu['raw']:>9.0f}{cpu['boto3']:>10.0f}"
            f"{cpu['layer'] / cpu['raw']:>10.2f}x{cpu['boto3'] / cpu['layer']:>12.2f}x"
            f"{rate['layer']:>12.0f}{rate['raw']:>10.0f}{rate['boto3']:>12.0f}"
            f"{crate['layer']:>11.0f}{crate['raw']:>9.0f}"
        )
    print("\nlayer/raw: data-layer CPU over raw-wire CPU (target <= 1.10x)")
    print("boto3/layer: boto3 CPU over data-layer CPU (target >= 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.ops, args.rounds))

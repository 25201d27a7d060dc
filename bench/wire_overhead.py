"""Client CPU per operation: the data layer vs the raw wire vs boto3, side by side.

    .venv/bin/python -m bench.wire_overhead [--ops 300] [--rounds 5]

Starts its own in-memory DynamoDB Local. For each operation (GetItem, PutItem, Query of 20,
a 2-item TransactWriteItems) it runs, in interleaved rounds within this one process:
  layer  the data layer, building the request and decoding results into models
  raw    aiodynamo's Client.send_request with prebuilt payloads, results left as JSON
  wire   our own Connection.call with prebuilt payloads (orjson, cached signing key)
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
BLOCK = 10


async def measure_concurrent(op: AsyncOp, n: int, start: int, tasks: int = 32) -> float:
    counter = iter(range(start, start + n))

    async def worker() -> None:
        for i in counter:
            await op(i)

    wall0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return n / (time.perf_counter() - wall0)


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

    total = ops * (6 * rounds + 4)  # unique keys for every write measurement
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

    async def wire_get(i: int) -> Any:
        return await conn.call("GetItem", get_payload)

    async def wire_put(i: int) -> Any:
        return await conn.call("PutItem", put_payloads[i])

    async def wire_query(i: int) -> Any:
        return await conn.call("Query", query_payload)

    async def wire_tx(i: int) -> Any:
        return await conn.call("TransactWriteItems", tx_payloads[i])

    async def raw_get(i: int) -> Any:
        return await raw.send_request(action="GetItem", payload=get_payload)

    async def raw_put(i: int) -> Any:
        return await raw.send_request(action="PutItem", payload=put_payloads[i])

    async def raw_query(i: int) -> Any:
        return await raw.send_request(action="Query", payload=query_payload)

    async def raw_tx(i: int) -> Any:
        return await raw.send_request(action="TransactWriteItems", payload=tx_payloads[i])

    cases: dict[str, tuple[AsyncOp, AsyncOp, AsyncOp, SyncOp, str | None]] = {
        "GetItem": (layer_get, raw_get, wire_get, lambda i: ddb.get_item(**get_payload), None),
        "PutItem": (
            layer_put,
            raw_put,
            wire_put,
            lambda i: ddb.put_item(**put_payloads[i]),
            "put",
        ),
        "Query(20)": (
            layer_query,
            raw_query,
            wire_query,
            lambda i: ddb.query(**query_payload),
            None,
        ),
        "TransactWrite(2)": (
            layer_tx,
            raw_tx,
            wire_tx,
            lambda i: ddb.transact_write_items(**tx_payloads[i]),
            "tx",
        ),
    }
    # warm-up: JIT of the engine, connection pools, caches
    for layer_op, raw_op, wire_op, boto_op, kind in cases.values():
        raw_base = fresh(kind) if kind else 0
        wire_base = fresh(kind) if kind else 0
        boto_base = fresh(kind) if kind else 0
        for i in range(min(50, ops)):
            await layer_op(raw_base + i + 10**6)
            await raw_op(raw_base + i)
            await wire_op(wire_base + i)
            boto_op(boto_base + i)

    print(f"{ops} ops per variant per round, in interleaved blocks of {BLOCK}; {rounds} rounds\n")
    header = (
        f"{'operation':<18}{'layer µs':>10}{'raw µs':>9}{'wire µs':>9}{'boto3 µs':>10}"
        f"{'layer/raw':>11}{'layer/wire':>12}{'boto3/layer':>13}"
        f"{'layer 32t op/s':>16}{'raw 32t op/s':>14}"
    )
    print(header)
    for name, (layer_op, raw_op, wire_op, boto_op, kind) in cases.items():
        cpu: dict[str, list[float]] = {"layer": [], "raw": [], "wire": [], "boto3": []}
        conc: dict[str, list[float]] = {"layer": [], "raw": []}
        for r in range(rounds):
            spent = {"layer": 0.0, "raw": 0.0, "wire": 0.0, "boto3": 0.0}
            bases = {v: (fresh(kind) if kind else 0) for v in spent}
            bases["layer"] += 10**6 * (r + 2)
            # Small interleaved blocks: the machine's speed drifts (shared CPU), and a drift
            # must hit every variant alike rather than whichever ran during it.
            for b in range(0, ops, BLOCK):
                order = ["layer", "raw", "wire", "boto3"]
                if (b // BLOCK) % 2:
                    order.reverse()
                for variant in order:
                    base = bases[variant] + b
                    c0 = time.process_time()
                    if variant == "boto3":
                        for i in range(base, base + BLOCK):
                            boto_op(i)
                    else:
                        op = {"layer": layer_op, "raw": raw_op, "wire": wire_op}[variant]
                        for i in range(base, base + BLOCK):
                            await op(i)
                    spent[variant] += time.process_time() - c0
            for variant, total_s in spent.items():
                cpu[variant].append(total_s / ops * 1e6)
            for label, op in (("layer", layer_op), ("raw", raw_op)):
                start = fresh(kind) if kind else 0
                if label == "layer":
                    start += 10**7 * (r + 2)
                conc[label].append(await measure_concurrent(op, ops, start))
        med = {k: statistics.median(v) for k, v in cpu.items()}
        crate = {k: statistics.median(v) for k, v in conc.items()}
        print(
            f"{name:<18}{med['layer']:>10.0f}{med['raw']:>9.0f}{med['wire']:>9.0f}"
            f"{med['boto3']:>10.0f}{med['layer'] / med['raw']:>10.2f}x"
            f"{med['layer'] / med['wire']:>11.2f}x{med['boto3'] / med['layer']:>12.2f}x"
            f"{crate['layer']:>16.0f}{crate['raw']:>14.0f}"
        )
    print("\nlayer/raw: data-layer CPU over aiodynamo's raw send_request CPU (target <= 1.10x)")
    print("layer/wire: data-layer CPU over our own wire's CPU for the same prebuilt requests")
    print("boto3/layer: boto3 CPU over data-layer CPU (target >= 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.ops, args.rounds))

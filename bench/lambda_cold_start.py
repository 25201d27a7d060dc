"""The API as a Lambda function: what a cold start costs (a new process importing the
handler, connecting, answering its first request) and what a warm request costs, against
DynamoDB Local on this machine, calling the real entry point with API Gateway HTTP API
events. The figures decide between Lambda and a container (README, "Running on AWS").

    .venv/bin/python -m bench.lambda_cold_start [--runs 5] [--warm 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

# Runs in a new process, as a new Lambda container would.
CHILD = r"""
import json, os, sys, time
started = time.perf_counter()
from tests.aws.test_handlers import http_event
import instaclone.api.aws_lambda as entry
imported = time.perf_counter()
first = entry.handler(http_event("GET", "/api/users/owner"))
answered = time.perf_counter()
assert first["statusCode"] == 200, first
cpu0 = time.process_time()
wall0 = time.perf_counter()
for _ in range(int(sys.argv[1])):
    assert entry.handler(http_event("GET", "/api/users/owner"))["statusCode"] == 200
warm_wall = (time.perf_counter() - wall0) / int(sys.argv[1])
warm_cpu = (time.process_time() - cpu0) / int(sys.argv[1])
print(json.dumps({"import": imported - started, "first": answered - imported,
                  "warm_wall": warm_wall, "warm_cpu": warm_cpu}))
"""


async def prepare(endpoint: str, table: str) -> None:
    async with Connection.with_static_key(endpoint, "tests", "secret") as conn:
        await Table(conn, table, SCHEMA).create(ttl_attribute="expiresAt")
        from argon2 import PasswordHasher

        from instaclone.domain import InstagramService

        app = InstagramService(
            Table(conn, table, SCHEMA),
            hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        )
        await app.create_user("owner", "Owner")


def main(runs: int, warm: int) -> None:
    jar = ensure_engine(Settings.from_env().home / "engine")
    with LocalEngine(jar, access_key="tests") as engine, tempfile.TemporaryDirectory() as home:
        asyncio.run(prepare(engine.endpoint, "coldstart"))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INSTACLONE_"))},
            "AWS_ENDPOINT_URL_DYNAMODB": engine.endpoint,
            "AWS_ACCESS_KEY_ID": "tests",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_REGION": "us-east-1",
            "INSTACLONE_TABLE": "coldstart",
            "INSTACLONE_SECRET": "bench",
            "INSTACLONE_HOME": home,
            "INSTACLONE_LIVE": "poll",
            "INSTACLONE_LOG_LEVEL": "warning",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
        results = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(warm)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))

    def median(key: str) -> float:
        return float(statistics.median(float(r[key]) for r in results)) * 1000

    print(f"{runs} new processes, each then {warm} warm requests (GET a profile: 1 GetItem)")
    print(f"  import the handler (Python, FastAPI, the app) {median('import'):8.0f} ms")
    print(f"  first request (connect, build the app, answer) {median('first'):8.0f} ms")
    cold = median("import") + median("first")
    print(f"  cold start in all                              {cold:8.0f} ms")
    print(f"  warm request, wall                             {median('warm_wall'):8.2f} ms")
    print(f"  warm request, CPU                              {median('warm_cpu'):8.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=200)
    arguments = parser.parse_args()
    main(arguments.runs, arguments.warm)

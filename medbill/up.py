"""`medbill up`: the whole pipeline on one machine, broker and database started as needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from services.common.kafka import create_topics
from services.common.logs import configure

from . import stack
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


async def up(state_dir: Path, *, services: tuple[str, ...] = SERVICES, replicas: int = 1) -> int:
    configure(os.environ.get("LOG_LEVEL", "INFO"))
    state_dir.mkdir(parents=True, exist_ok=True)
    broker: stack.LocalBroker | None = None
    env = dict(os.environ)
    if env.get("KAFKA_BOOTSTRAP_SERVERS"):
        bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    else:
        port = 9092 if not stack.port_open("127.0.0.1", 9092) else stack.free_port()
        broker = stack.LocalBroker.start(port, state_dir / "broker.log")
        bootstrap = broker.bootstrap
        for key, value in LOCAL_BROKER_CONSUMER.items():
            env.setdefault(key, value)
        log.info("local Kafka broker (Tansu, memory storage) on %s", bootstrap)
    db = await stack.LocalDatabase.resolve(state_dir)
    env.update(KAFKA_BOOTSTRAP_SERVERS=bootstrap, DATABASE_URL=db.url)
    mail = None
    if not env.get("SMTP_HOST"):
        mail = stack.LocalMailServer.start(state_dir / "mail")
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(mail.port))
        log.info("local mail server on 127.0.0.1:%s; messages in %s", mail.port, mail.maildir)
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        await stack.wait_for_database(db.url)
        await create_topics(bootstrap)
        await migrate_all(db.url)
        stack.write_runtime(kafka_bootstrap_servers=bootstrap, database_url=db.url)

        def spawn(name: str) -> subprocess.Popen[bytes]:
            service = name.split("#")[0]
            return subprocess.Popen([sys.executable, "-m", "medbill.cli", "run", service], env=env)

        names = [f"{s}#{i}" for s in services for i in range(replicas)]
        children = {n: spawn(n) for n in names}
        log.info("pipeline up: %s; Ctrl-C to stop", ", ".join(names))
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), 1.0)
            for name, child in list(children.items()):
                if child.poll() is not None and not stopping.is_set():
                    log.warning("%s exited with %s; restarting", name, child.returncode)
                    children[name] = spawn(name)
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
        db.stop()
        log.info("pipeline stopped")

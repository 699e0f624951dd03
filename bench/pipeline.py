"""Pipeline throughput and latency, against a plain three-hop pass-through on the same broker.

Starts what it needs itself, as `medbill up` does: a Tansu broker, PostgreSQL (DATABASE_URL,
else a fresh database on 127.0.0.1:5432, else an embedded server) and a plain mail server
that discards what it receives (bench/discard_smtp.py); then

1. the pipeline: the three services as processes; N encounters published at once; an
   encounter is done when its last event is sent (claim.submitted for an insured one,
   the statement's notification.sent for a self-pay one, the review notification.sent
   when it goes to review), by that record's timestamp;
2. the baseline: three pass-through processes (FastStream batch subscriber -> producer,
   no logic, no database) relaying the same N encounter bytes through three topics.

Each is timed over --rounds rounds of N (5) after a warm-up; the median round is reported.
With --notes the encounters carry 1-3 KB of clinical notes (tests/support/samples.py:
`--notes only`, the default of the flag, sends the notes alone; `--notes added` beside the
structured documentation); both runs then use them.

Last line: RESULT pipeline_eps=... passthrough_eps=... ratio=... p50_ms=... p99_ms=... n=...
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medbill import stack  # noqa: E402
from medbill.migrate import migrate_all  # noqa: E402
from medbill.up import LOCAL_BROKER_CONSUMER  # noqa: E402
from schemas.encounter import EncounterClosed  # noqa: E402
from services.coder import reference_data, wire  # noqa: E402
from services.coder.domain import Coded, code_encounter  # noqa: E402
from services.common.kafka import create_topics  # noqa: E402
from services.common.outbox import OutboxMessage  # noqa: E402
from tests.support.samples import sample_encounters  # noqa: E402

CODER_DATA = reference_data.load()  # what the coder loads at start-up

T = TypeVar("T")
# how long the bench's consumer lets the broker hold a fetch: short enough that the next
# round starts within a tenth of a second of the last terminal event, as a run under
# steady load would (the pipeline's trailing commits and deletes overlap the next round)
FETCH_WAIT_MS = 50
TERMINAL_TOPICS = ["claim.submitted", "statement.issued", "notification.sent"]
PASSTHROUGH = ["bench.pt.a", "bench.pt.b", "bench.pt.c", "bench.pt.sink"]


def terminal_of(event: EncounterClosed) -> str:
    """The topic whose arrival completes this encounter."""
    d = event.data
    if not isinstance(code_encounter(wire.encounter(d), CODER_DATA), Coded):
        return "notification.sent"
    if not d.self_pay:
        return "claim.submitted"
    if d.patient.email and d.patient.contact_preference == "email":
        return "notification.sent"
    return "statement.issued"


async def database(tmp: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    """The database to run on, and how to clean up after: a fresh one of our own (dropped
    afterwards) on the local server, DATABASE_URL as it is, or an embedded server."""

    async def nothing() -> None:
        return None

    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], nothing
    if stack.port_open("127.0.0.1", 5432):
        name = f"medbill_bench_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(stack.LOCAL_POSTGRES)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

        async def drop() -> None:
            conn = await asyncpg.connect(stack.LOCAL_POSTGRES)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()

        return f"postgresql://postgres@127.0.0.1:5432/{name}", drop
    db = await stack.LocalDatabase.resolve(tmp)

    async def stop() -> None:
        db.stop()

    return db.url, stop


class Sink:
    """Consumes the given topics and records, for each correlation id, when the message that
    first reached each topic was sent: its record timestamp (CreateTime, which aiokafka sets
    when the producer takes the record, before the send and its acknowledgement; for the
    pipeline's relay and the pass-through's hop alike), not the moment this consumer read
    it, so the figures do not depend on this consumer's fetch rhythm. It still fetches
    often (FETCH_WAIT_MS), so that the next round starts soon after a round's last event;
    at 10 ms, the pace exact arrival times needed, it and the local broker used 0.72 s of
    CPU per 5 s idle (some 8 % of a pipeline round's CPU), at 50 ms 0.28 s."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self.consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            group_id=f"bench-sink-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_poll_records=2000,
            session_timeout_ms=6000,
            heartbeat_interval_ms=500,
            fetch_max_wait_ms=FETCH_WAIT_MS,
        )
        self.arrivals: dict[tuple[str, str], float] = {}

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=FETCH_WAIT_MS)
            for records in batch.values():
                for r in records:
                    cid = dict(r.headers).get("correlation_id", r.key or b"").decode()
                    self.arrivals.setdefault((r.topic, cid), r.timestamp / 1000)

    async def stop(self) -> None:
        self._task.cancel()
        await self.consumer.stop()


async def wait_all(sink: Sink, wanted: dict[str, str], timeout: float) -> float:
    """When the last of the wanted (encounter, topic) messages was sent. Checks only what
    is still missing, so that the watching costs the machine next to nothing."""
    deadline = time.perf_counter() + timeout
    missing = [(t, e) for e, t in wanted.items()]
    while True:
        missing = [k for k in missing if k not in sink.arrivals]
        if not missing:
            return max(sink.arrivals[(t, e)] for e, t in wanted.items())
        if time.perf_counter() > deadline:
            examples = [e for _, e in missing[:3]]
            raise TimeoutError(f"{len(missing)} of {len(wanted)} not done, e.g. {examples}")
        await asyncio.sleep(0.05)


async def publish(bootstrap: str, messages: list[OutboxMessage]) -> dict[str, float]:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=5,
        compression_type="zstd",
        max_batch_size=256 * 1024,
    )
    await producer.start()
    sent_at: dict[str, float] = {}
    try:
        futures = []
        for m in messages:
            sent_at[m.correlation_id or ""] = time.time()
            futures.append(
                await producer.send(
                    m.topic,
                    m.value,
                    key=m.key,
                    headers=[(k, v.encode()) for k, v in m.headers.items()],
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent_at


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115
    return subprocess.Popen([sys.executable, *args], env=env, stdout=out, stderr=out, cwd=ROOT)


def cpu_seconds(pid: int | str) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_program() -> dict[int, tuple[str, float]]:
    """Every process's CPU time, with a short name: where the machine's two cores go."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv if a]
        if not words:
            continue
        name = Path(words[0]).name
        if name.startswith("python"):
            name = " ".join(Path(w).name for w in words[1:5])
        elif "postgres" in words[0]:
            name = "postgres"
        found[int(entry.name)] = (name, cpu_seconds(entry.name))
    return found


def cpu_report(before: dict[int, tuple[str, float]], wall: float) -> str:
    totals: dict[str, float] = {}
    for pid, (name, cpu) in cpu_by_program().items():
        spent = cpu - before.get(pid, (name, 0.0))[1]
        if spent == spent and spent > 0.05:  # not NaN
            totals[name] = totals.get(name, 0.0) + spent
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:8]
    return f"CPU in {wall:.2f}s: " + ", ".join(f"{n} {c:.2f}s" for n, c in top)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


async def timed_rounds(
    label: str,
    bootstrap: str,
    sink: Sink,
    rounds: list[list[tuple[OutboxMessage, str]]],
) -> tuple[list[float], list[float]]:
    """Publish each round's messages at once and wait until each has reached its terminal
    topic. Returns the rate of each round and every message's latency (ms)."""
    rates: list[float] = []
    latencies: list[float] = []
    # the tens of thousands of sample events built for the rounds would otherwise make
    # this process's own collector stall the publisher for a second now and then
    gc.collect()
    gc.freeze()
    for number, messages in enumerate(rounds, start=1):
        wanted = {m.correlation_id or "": terminal for m, terminal in messages}
        cpu_before = cpu_by_program()
        start = time.time()
        sent_at = await publish(bootstrap, [m for m, _ in messages])
        published = time.time() - start
        end = await wait_all(sink, wanted, 600)
        sampled = time.time()
        rates.append(len(messages) / (end - start))
        latencies += [(sink.arrivals[(t, e)] - sent_at[e]) * 1000 for e, t in wanted.items()]
        print(
            f"{label} round {number}: {rates[-1]:7.1f}/s (published in {published:.2f}s); "
            + cpu_report(cpu_before, sampled - start)
        )
        for topic in sorted(set(wanted.values())):
            done = sorted(sink.arrivals[(t, e)] - start for e, t in wanted.items() if t == topic)
            print(
                f"    {topic:<18} n={len(done):5d} first {done[0]:.2f}s"
                f" half {done[len(done) // 2]:.2f}s last {done[-1]:.2f}s"
            )
    return rates, latencies


def split(items: list[T], warmup: int, n: int, rounds: int) -> tuple[list[T], list[list[T]]]:
    return items[:warmup], [items[warmup + r * n : warmup + (r + 1) * n] for r in range(rounds)]


async def run_pipeline(
    bootstrap: str,
    db_url: str,
    smtp_port: int,
    env: dict[str, str],
    logs: Path,
    n: int,
    warmup: int,
    rounds: int,
    notes: str | None = None,
) -> tuple[list[float], list[float]]:
    await migrate_all(db_url)
    env = {
        **env,
        "DATABASE_URL": db_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "KAFKA_GROUP_PREFIX": f"bench-{uuid.uuid4().hex[:6]}",
    }
    procs = [
        spawn(["-m", "medbill.cli", "run", s], env, logs / f"{s}.log")
        for s in ("coder", "biller", "notifier")
    ]
    sink = Sink(bootstrap, TERMINAL_TOPICS)
    await sink.start()
    try:
        events = sample_encounters(warmup + rounds * n, seed=42, notes=notes)
        items = [(OutboxMessage.of(e), terminal_of(e)) for e in events]
        warm, timed = split(items, warmup, n, rounds)
        await publish(bootstrap, [m for m, _ in warm])
        await wait_all(sink, {m.correlation_id or "": t for m, t in warm}, 180)
        return await timed_rounds("pipeline", bootstrap, sink, timed)
    finally:
        await sink.stop()
        stop(procs)


async def run_passthrough(
    bootstrap: str,
    env: dict[str, str],
    logs: Path,
    n: int,
    warmup: int,
    rounds: int,
    notes: str | None = None,
) -> tuple[list[float], list[float]]:
    await create_topics(bootstrap, {t: 6 for t in PASSTHROUGH})
    group = f"bench-pt-{uuid.uuid4().hex[:6]}"
    hop = str(ROOT / "bench" / "passthrough_hop.py")
    procs = [
        spawn(
            [hop, src, dst, f"{group}-{i}"], {**env, "PYTHONPATH": str(ROOT)}, logs / f"hop{i}.log"
        )
        for i, (src, dst) in enumerate(zip(PASSTHROUGH, PASSTHROUGH[1:], strict=False))
    ]
    sink = Sink(bootstrap, [PASSTHROUGH[-1]])
    await sink.start()
    try:
        events = sample_encounters(warmup + rounds * n, seed=43, notes=notes)

        def as_input(e: EncounterClosed) -> tuple[OutboxMessage, str]:
            m = OutboxMessage.of(e)
            hop_in = OutboxMessage(
                PASSTHROUGH[0], m.key, m.value, m.headers, m.event_id, m.correlation_id
            )
            return hop_in, PASSTHROUGH[-1]

        warm, timed = split([as_input(e) for e in events], warmup, n, rounds)
        await publish(bootstrap, [m for m, _ in warm])
        await wait_all(sink, {m.correlation_id or "": t for m, t in warm}, 180)
        return await timed_rounds("pass-through", bootstrap, sink, timed)
    finally:
        await sink.stop()
        stop(procs)


async def main(n: int, warmup: int, rounds: int, notes: str | None = None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="medbill-bench-"))
    broker = stack.LocalBroker.start(log_path=tmp / "tansu.log")
    smtp_port = stack.free_port()
    # a plain discarding mail server, in a process of its own (the mail server is another
    # machine in production; see bench/discard_smtp.py)
    smtp = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("discard_smtp.py")), str(smtp_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):  # listening before the notifier's first send
        if stack.port_open("127.0.0.1", smtp_port):
            break
        await asyncio.sleep(0.1)
    db_url, drop_database = await database(tmp)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        **LOCAL_BROKER_CONSUMER,  # as `medbill up` runs them on this broker
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    try:
        await create_topics(broker.bootstrap)
        pipeline_rates, lat = await run_pipeline(
            broker.bootstrap, db_url, smtp_port, env, tmp, n, warmup, rounds, notes
        )
        passthrough_rates, pt_lat = await run_passthrough(
            broker.bootstrap, env, tmp, n, warmup, rounds, notes
        )
    finally:
        smtp.terminate()
        broker.stop()
        await drop_database()
    # the median round of each: one slow or fast round (the other core is shared with the
    # broker and PostgreSQL) moves neither figure
    pipeline_eps = statistics.median(pipeline_rates)
    passthrough_eps = statistics.median(passthrough_rates)
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    print(f"pipeline:     {pipeline_eps:9.1f} encounters/s  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms")
    print(
        f"pass-through: {passthrough_eps:9.1f} messages/s    p50 {percentile(pt_lat, 50):8.1f} ms"
        f"  p99 {percentile(pt_lat, 99):8.1f} ms"
    )
    print(f"logs: {tmp}")
    print(
        f"RESULT pipeline_eps={pipeline_eps:.1f} passthrough_eps={passthrough_eps:.1f} "
        f"ratio={pipeline_eps / passthrough_eps:.3f} p50_ms={p50:.1f} p99_ms={p99:.1f} n={n}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="encounters (and messages) timed")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the median counts")
    parser.add_argument(
        "--notes",
        nargs="?",
        const="only",
        choices=("only", "added"),
        default=None,
        help="encounters with 1-3 KB of clinical notes: alone (only, the default of the flag)"
        " or beside the structured documentation (added); without the flag, none",
    )
    args = parser.parse_args()
    asyncio.run(main(args.n, args.warmup, args.rounds, args.notes))

"""The coder's speed on one core: encounters with 1-3 KB of clinical notes coded per second.

In process, what the coder service does for each message, without the broker and the
database: parse the encounter.closed JSON, turn it into the domain's encounter
(services/coder/wire.py), code it (`code_encounter` with `reference_data.load()`), build the
outgoing event and serialise it (and the coding the coder stores). The start-up heap is
settled as the service settles it.

The encounters are tests/support/samples.py's with notes (`--notes only`: the notes alone,
as many hospitals send them, by default; `--notes added`: notes beside the structured
diagnoses and procedures); the same encounters without notes are the baseline, timed in
the same run. Each is timed over --rounds passes after a warm-up pass; the median pass
counts. The rate is per CPU second of this one-threaded process (what one core does,
whatever else the machine runs); wall-clock rates are printed beside it.

Last line: RESULT coder_eps=... n=...
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas.coding import EncounterCoded  # noqa: E402
from schemas.encounter import EncounterClosed  # noqa: E402
from services.coder import reference_data, wire  # noqa: E402
from services.coder.domain import ReferenceData, code_encounter  # noqa: E402
from services.common.outbox import OutboxMessage  # noqa: E402
from services.common.runtime import settle_heap  # noqa: E402
from tests.support.samples import sample_encounters  # noqa: E402


def code_message(raw: bytes, reference: ReferenceData) -> bytes:
    """One encounter.closed message in, the coder's outgoing message out (as the handler)."""
    event = EncounterClosed.model_validate_json(raw)
    closed = event.data
    outcome = code_encounter(wire.encounter(closed), reference)
    announced = wire.outcome_event(outcome, closed, event, reference)
    message = OutboxMessage.of(announced)
    if isinstance(announced, EncounterCoded):
        wire.coding_json(announced.data)  # what the coder stores of a coding
    return message.value


def outcomes(messages: list[bytes], reference: ReferenceData) -> str:
    """What the timed work produces: the share coded without review, and of the codes (coded
    or proposed) the share whose evidence is in a note."""
    coded = cited = codes = 0
    for raw in messages:
        event = EncounterClosed.model_validate_json(raw)
        out = wire.outcome_event(
            code_encounter(wire.encounter(event.data), reference), event.data, event, reference
        )
        if isinstance(out, EncounterCoded):
            coded += 1
            found = [*out.data.diagnoses, *out.data.service_lines]
        else:
            found = [*out.data.proposed_diagnoses, *out.data.proposed_service_lines]
        codes += len(found)
        cited += sum(c.evidence.source.startswith("notes[") for c in found)
    return (
        f"{coded / len(messages):.1%} coded without review;"
        f" {codes / len(messages):.1f} codes per encounter,"
        f" {cited / max(codes, 1):.1%} citing a note"
    )


def timed(messages: list[bytes], reference: ReferenceData, rounds: int) -> tuple[float, float]:
    """Median (per CPU second, per wall second) over `rounds` passes, after a warm-up pass."""
    for raw in messages:
        code_message(raw, reference)
    cpu_rates, wall_rates = [], []
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for raw in messages:
            code_message(raw, reference)
        cpu_rates.append(len(messages) / (time.process_time() - cpu))
        wall_rates.append(len(messages) / (time.perf_counter() - wall))
    return statistics.median(cpu_rates), statistics.median(wall_rates)


def main(n: int, rounds: int, notes: str, seed: int, profile: int = 0) -> None:
    started = time.perf_counter()
    reference = reference_data.load()
    print(f"reference data loaded in {time.perf_counter() - started:.2f}s")
    with_notes = [
        e.model_dump_json().encode() for e in sample_encounters(n, seed=seed, notes=notes)
    ]
    without = [e.model_dump_json().encode() for e in sample_encounters(n, seed=seed)]
    note_chars = [
        sum(
            len(note.text)
            for note in EncounterClosed.model_validate_json(raw).data.documentation.notes
        )
        for raw in with_notes
    ]
    print(
        f"{n} encounters, notes {notes}: {min(note_chars)}-{max(note_chars)} characters of notes"
        f" each, {statistics.mean(note_chars):.0f} on average;"
        f" messages {statistics.mean(map(len, with_notes)):.0f} bytes on average"
        f" (without notes {statistics.mean(map(len, without)):.0f})"
    )
    for label, messages in (("with notes", with_notes), ("without notes", without)):
        print(f"{label}: {outcomes(messages, reference)}")
    settle_heap()  # as the service does once it has loaded
    base_cpu, base_wall = timed(without, reference, rounds)
    print(f"without notes (baseline): {base_cpu:8.1f}/s per CPU second ({base_wall:.1f}/s wall)")
    cpu, wall = timed(with_notes, reference, rounds)
    print(f"with notes:               {cpu:8.1f}/s per CPU second ({wall:.1f}/s wall)")
    print(f"per encounter: {1000 / cpu:.3f} ms with notes, {1000 / base_cpu:.3f} ms without")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [code_message(raw, reference) for raw in with_notes])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
    print(f"RESULT coder_eps={cpu:.1f} n={n}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="encounters per pass (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes; the median counts")
    parser.add_argument(
        "--notes",
        choices=("only", "added"),
        default="only",
        help="notes alone (default) or beside the structured diagnoses and procedures",
    )
    parser.add_argument("--seed", type=int, default=42, help="sample seed (default 42)")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, profile one pass with notes and print its N costliest functions",
    )
    args = parser.parse_args()
    main(args.n, args.rounds, args.notes, args.seed, args.profile)

"""Publishing from the command line: encounter.closed files, and dead-letter replays."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from schemas.encounter import EncounterClosed, EncounterClosedData
from schemas.topics import ENCOUNTER_CLOSED
from services.common.outbox import OutboxMessage

from .errors import KAFKA_FAILURES, CommandError, broker_unreachable
from .status import SERVICES

DEAD_LETTER_ID = re.compile(rf"({'|'.join(SERVICES)})#([0-9]+)")


class InvalidEncounterFile(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code=2)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidEncounterFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidEncounterFile(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InvalidEncounterFile(f"{path}: cannot read it ({exc.strerror})") from None


def describe_invalid(exc: ValidationError) -> str:
    """Each problem with where it is, without the values (they may be patient data): a field
    the contract does not declare first, as it is most often a misspelling of one that is
    then reported missing."""
    unknown, missing, other = [], [], []
    for err in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            unknown.append(f"unknown field {where!r} (misspelled?)" if where else err["msg"])
        elif err["type"] == "missing":
            missing.append(f"missing field {where!r}")
        else:
            other.append(f"{where}: {err['msg']}" if where else err["msg"])
    parts = unknown + missing + other
    more = f" (and {len(parts) - 5} more)" if len(parts) > 5 else ""
    return "; ".join(parts[:5]) + more


def load_encounters(path: Path) -> list[EncounterClosed]:
    """A file holds one event, a list of events, or bare encounter data (wrapped here).

    Checked strictly (`extra="forbid"`): a field the contract does not declare, such as a
    misspelled one, is refused and named, where a consumer would silently ignore it."""
    raw = _read(path)
    try:
        parsed = json.loads(raw)
    except UnicodeDecodeError:
        raise InvalidEncounterFile(f"{path}: not UTF-8 text") from None
    except ValueError as exc:
        raise InvalidEncounterFile(f"{path}: not JSON ({exc})") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items:
        raise InvalidEncounterFile(f"{path}: an empty list, no encounter in it")
    events = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]" if isinstance(parsed, list) else str(path)
        text = json.dumps(item)
        try:
            if isinstance(item, dict) and "event_type" in item:
                events.append(EncounterClosed.model_validate_json(text, extra="forbid"))
            else:
                data = EncounterClosedData.model_validate_json(text, extra="forbid")
                events.append(
                    EncounterClosed.create(
                        data, source="medbill/cli", correlation_id=data.encounter_id
                    )
                )
        except ValidationError as exc:
            raise InvalidEncounterFile(
                f"{where}: not a valid encounter.closed event: {describe_invalid(exc)}"
            ) from None
    return events


async def send_all(bootstrap: str, messages: Iterable[OutboxMessage]) -> int:
    messages = list(messages)
    if not messages:
        return 0
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, request_timeout_ms=15_000
    )
    try:
        await producer.start()
    except KAFKA_FAILURES as exc:
        await producer.stop()
        raise broker_unreachable(bootstrap, exc) from None
    try:
        futures = [
            await producer.send(
                m.topic,
                m.value,
                key=m.key,
                headers=[(k, v.encode()) for k, v in m.headers.items()],
            )
            for m in messages
        ]
        for f in futures:
            await f
        return len(futures)
    except KAFKA_FAILURES as exc:
        raise broker_unreachable(bootstrap, exc) from None
    finally:
        await producer.stop()


def raw_message(path: Path) -> OutboxMessage:
    """A file's bytes as they are, for testing what the consumers do with bad input."""
    return OutboxMessage(topic=ENCOUNTER_CLOSED.name, key=None, value=_read(path))


def parse_dead_letter_ids(ids: Iterable[str]) -> dict[str, list[int]]:
    """`coder#3 biller#1` as {schema: [ids]}; a CommandError for anything else."""
    wanted: dict[str, list[int]] = {}
    for text in ids:
        match = DEAD_LETTER_ID.fullmatch(text)
        if not match:
            raise CommandError(
                f"{text!r} is not a dead-letter id: expected SERVICE#NUMBER with SERVICE one of"
                f" {', '.join(SERVICES)} (e.g. coder#3; `medbill dlq list` shows them)",
                code=2,
            )
        wanted.setdefault(match[1], []).append(int(match[2]))
    return wanted


async def replay_dead_letters(
    conn: asyncpg.Connection, bootstrap: str, ids: list[str] | None
) -> list[dict[str, Any]]:
    """Publish dead letters back to their original topic (ids like coder#12; all when None)
    and mark them replayed. Nothing is published when a named id is unknown or was already
    replayed. Returns what was replayed."""
    wanted = None if ids is None else parse_dead_letter_ids(ids)
    replayed = []
    async with conn.transaction():
        batches = []
        for schema in SERVICES:
            numbers = None if wanted is None else wanted.get(schema)
            if wanted is not None and not numbers:
                continue
            rows = await conn.fetch(
                f"SELECT id, topic, key, value, headers FROM {schema}.dead_letters"
                " WHERE replayed_at IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1))"
                " ORDER BY id FOR UPDATE",
                numbers,
            )
            missing = sorted(set(numbers or ()) - {r["id"] for r in rows})
            if missing:
                names = ", ".join(f"{schema}#{n}" for n in missing)
                raise CommandError(
                    f"no dead letter {names} waiting for replay (`medbill dlq list --all`"
                    " shows every one); nothing was replayed"
                )
            batches.append((schema, rows))
        for schema, rows in batches:
            await send_all(
                bootstrap,
                [
                    OutboxMessage(
                        topic=r["topic"],
                        key=r["key"],
                        value=r["value"],
                        headers={
                            k: v for k, v in json.loads(r["headers"]) if not k.startswith("dlq.")
                        },
                    )
                    for r in rows
                ],
            )
            await conn.execute(
                f"UPDATE {schema}.dead_letters SET replayed_at = now() WHERE id = ANY($1)",
                [r["id"] for r in rows],
            )
            replayed += [{"id": f"{schema}#{r['id']}", "topic": r["topic"]} for r in rows]
    return replayed

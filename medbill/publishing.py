"""Publishing from the command line: encounter.closed files, and dead-letter replays."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from schemas.encounter import EncounterClosed, EncounterClosedData
from schemas.topics import ENCOUNTER_CLOSED
from services.common.deadletter import describe_validation_error
from services.common.outbox import OutboxMessage

from .status import SERVICES


class InvalidEncounterFile(ValueError):
    pass


def load_encounters(path: Path) -> list[EncounterClosed]:
    """A file holds one event, a list of events, or bare encounter data (wrapped here)."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InvalidEncounterFile(f"{path}: not readable JSON ({exc})") from None
    items = raw if isinstance(raw, list) else [raw]
    events = []
    for i, item in enumerate(items):
        try:
            if isinstance(item, dict) and "event_type" in item:
                events.append(EncounterClosed.model_validate(item))
            else:
                data = EncounterClosedData.model_validate(item)
                events.append(
                    EncounterClosed.create(
                        data, source="medbill/cli", correlation_id=data.encounter_id
                    )
                )
        except ValidationError as exc:
            raise InvalidEncounterFile(f"{path}[{i}]: {describe_validation_error(exc)}") from None
    return events


async def send_all(bootstrap: str, messages: Iterable[OutboxMessage]) -> int:
    messages = list(messages)
    if not messages:
        return 0
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
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
    finally:
        await producer.stop()


def raw_message(path: Path) -> OutboxMessage:
    """A file's bytes as they are, for testing what the consumers do with bad input."""
    return OutboxMessage(topic=ENCOUNTER_CLOSED.name, key=None, value=path.read_bytes())


async def replay_dead_letters(
    database_url: str, bootstrap: str, ids: list[str] | None
) -> list[dict[str, Any]]:
    """Publish dead letters back to their original topic (ids like coder#12; all when None)
    and mark them replayed. Returns what was replayed."""
    conn = await asyncpg.connect(database_url)
    try:
        replayed = []
        for schema in SERVICES:
            wanted = (
                None
                if ids is None
                else [int(i.split("#")[1]) for i in ids if i.split("#")[0] == schema]
            )
            if wanted == []:
                continue
            async with conn.transaction():
                rows = await conn.fetch(
                    f"SELECT id, topic, key, value, headers FROM {schema}.dead_letters"
                    " WHERE replayed_at IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1))"
                    " ORDER BY id FOR UPDATE",
                    wanted,
                )
                messages = [
                    OutboxMessage(
                        topic=r["topic"],
                        key=r["key"],
                        value=r["value"],
                        headers={
                            k: v for k, v in json.loads(r["headers"]) if not k.startswith("dlq.")
                        },
                    )
                    for r in rows
                ]
                await send_all(bootstrap, messages)
                await conn.execute(
                    f"UPDATE {schema}.dead_letters SET replayed_at = now() WHERE id = ANY($1)",
                    [r["id"] for r in rows],
                )
            replayed += [{"id": f"{schema}#{r['id']}", "topic": r["topic"]} for r in rows]
        return replayed
    finally:
        await conn.close()

"""Read-only views across the services' schemas for operators: counts, a timeline, dead letters."""

from __future__ import annotations

from typing import Any

import asyncpg

SERVICES = ("coder", "biller", "notifier")

COUNTS = """
SELECT
  (SELECT count(*) FROM coder.encounters)                                   AS encounters_closed,
  (SELECT count(*) FROM coder.encounters WHERE status = 'coded')            AS encounters_coded,
  (SELECT count(*) FROM coder.encounters WHERE review_requested_at IS NOT NULL)
                                                                            AS review_requested,
  (SELECT count(*) FROM biller.claims)                                      AS claims,
  (SELECT count(*) FROM biller.statements)                                  AS statements,
  (SELECT count(*) FROM notifier.notifications WHERE status = 'sent')       AS notifications_sent,
  (SELECT count(*) FROM notifier.notifications WHERE status = 'failed')     AS notifications_failed,
  (SELECT count(*) FROM notifier.notifications WHERE status = 'pending')
                                                                       AS notifications_pending,
  ({dead_letters})                                                          AS dead_letters
"""

DEAD_LETTERS_UNION = " UNION ALL ".join(
    f"SELECT id, service, topic, kafka_partition, kafka_offset, key, value, headers, error,"
    f" failed_at, replayed_at, '{s}' AS schema FROM {s}.dead_letters"
    for s in SERVICES
)


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    outstanding = " + ".join(
        f"(SELECT count(*) FROM {s}.dead_letters WHERE replayed_at IS NULL)" for s in SERVICES
    )
    row = await conn.fetchrow(COUNTS.format(dead_letters=f"SELECT {outstanding}"))
    return {k: int(v) for k, v in dict(row).items()}


async def timeline(conn: asyncpg.Connection, encounter_id: str) -> list[dict[str, Any]]:
    """Everything known about one encounter, oldest first. Ids and amounts, no clinical text."""
    steps: list[dict[str, Any]] = []
    enc = await conn.fetchrow(
        "SELECT status, received_at, review_requested_at, coded_at, date_of_service,"
        " review_reasons::text AS reasons,"
        " (SELECT array_agg(d->>'code') FROM json_array_elements(coded->'diagnoses') d)"
        "   AS dx,"
        " (SELECT array_agg(l->>'code') FROM json_array_elements(coded->'service_lines') l)"
        "   AS lines"
        " FROM coder.encounters WHERE encounter_id = $1",
        encounter_id,
    )
    if enc:
        steps.append(
            {
                "at": enc["received_at"],
                "stage": "closed",
                "detail": f"date of service {enc['date_of_service']}",
            }
        )
        if enc["review_requested_at"]:
            steps.append(
                {
                    "at": enc["review_requested_at"],
                    "stage": "review-requested",
                    "detail": enc["reasons"] or "",
                }
            )
        if enc["coded_at"]:
            steps.append(
                {
                    "at": enc["coded_at"],
                    "stage": "coded",
                    "detail": f"dx {','.join(enc['dx'] or [])}; lines "
                    f"{','.join(enc['lines'] or [])}",
                }
            )
    for r in await conn.fetch(
        "SELECT claim_id, payer_id, total_charge, status, created_at FROM biller.claims"
        " WHERE encounter_id = $1",
        encounter_id,
    ):
        steps.append(
            {
                "at": r["created_at"],
                "stage": "claim",
                "detail": f"{r['claim_id']} payer {r['payer_id']} total {r['total_charge']}"
                f" {r['status']}",
            }
        )
    for r in await conn.fetch(
        "SELECT statement_id, amount_due, due_date, created_at FROM biller.statements"
        " WHERE encounter_id = $1",
        encounter_id,
    ):
        steps.append(
            {
                "at": r["created_at"],
                "stage": "statement",
                "detail": f"{r['statement_id']} amount due {r['amount_due']} by {r['due_date']}",
            }
        )
    for r in await conn.fetch(
        "SELECT notification_id, template, audience, status, attempts, created_at, sent_at"
        " FROM notifier.notifications WHERE correlation_id = $1",
        encounter_id,
    ):
        steps.append(
            {
                "at": r["sent_at"] or r["created_at"],
                "stage": f"notification-{r['status']}",
                "detail": f"{r['template']} to {r['audience']} (attempts {r['attempts']})",
            }
        )
    for r in await conn.fetch(
        f"SELECT id, schema, topic, error, failed_at FROM ({DEAD_LETTERS_UNION}) d WHERE key = $1",
        encounter_id.encode(),
    ):
        steps.append(
            {
                "at": r["failed_at"],
                "stage": "dead-letter",
                "detail": f"{r['schema']}#{r['id']} {r['topic']}: {r['error']}",
            }
        )
    return sorted(steps, key=lambda s: s["at"])


async def dead_letters(conn: asyncpg.Connection, *, include_replayed: bool = False) -> list[Any]:
    where = "" if include_replayed else " WHERE replayed_at IS NULL"
    return list(
        await conn.fetch(f"SELECT * FROM ({DEAD_LETTERS_UNION}) d{where} ORDER BY failed_at")
    )

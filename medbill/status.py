"""What the operator sees: counts per stage, one encounter's timeline, dead letters.

Each service's state is read only through the views its own migrations define, never its
tables: `coder.encounter_status`, `biller.billing_status`, `notifier.notification_status`
(ids, codes, amounts and dates; no demographics or clinical text). Dead letters are the
exception on purpose: `<schema>.dead_letters` is not a service's private table but the one
table `services/common` creates in every schema with the same columns (the dead-letter
record: original bytes, headers, reason, topic, partition, offset, `replayed_at`), and
`medbill dlq replay` marks its rows replayed, so the CLI reads and updates it directly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

SERVICES = ("coder", "biller", "notifier")

COUNTS = """
SELECT
  (SELECT count(*) FROM coder.encounter_status) AS encounters_closed,
  (SELECT count(*) FROM coder.encounter_status WHERE status = 'coded') AS encounters_coded,
  (SELECT count(*) FROM coder.encounter_status WHERE review_requested_at IS NOT NULL)
    AS review_requested,
  (SELECT count(*) FROM biller.billing_status WHERE document = 'claim' AND status = 'submitted')
    AS claims,
  (SELECT count(*) FROM biller.billing_status WHERE document = 'statement' AND status = 'issued')
    AS statements,
  (SELECT count(DISTINCT encounter_id) FROM biller.billing_status WHERE document = 'rejection')
    AS claims_rejected,
  (SELECT count(*) FROM notifier.notification_status WHERE status = 'sent') AS notifications_sent,
  (SELECT count(*) FROM notifier.notification_status WHERE status = 'failed')
    AS notifications_failed,
  (SELECT count(*) FROM notifier.notification_status WHERE status = 'pending')
    AS notifications_pending,
  ({dead_letters}) AS dead_letters
"""

DEAD_LETTERS_UNION = " UNION ALL ".join(
    f"SELECT id, service, topic, kafka_partition, kafka_offset, key, value, headers, error,"
    f" failed_at, replayed_at, '{s}' AS schema FROM {s}.dead_letters"
    for s in SERVICES
)
OUTSTANDING = " + ".join(
    f"(SELECT count(*) FROM {s}.dead_letters WHERE replayed_at IS NULL)" for s in SERVICES
)

# Where two steps carry the same time (one transaction, one now()), the order they happen in.
_ORDER: dict[str, int] = {
    "closed": 0,
    "review-requested": 1,
    "coded": 2,
    "statement-voided": 3,  # a correction voids the old statement, then issues the new one
    "claim": 4,
    "statement": 4,
    "rejection": 4,
    "notification-pending": 5,
    "notification-sent": 5,
    "notification-failed": 5,
    "dead-letter": 6,
}


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    row = await conn.fetchrow(COUNTS.format(dead_letters=f"SELECT {OUTSTANDING}"))
    return {k: int(v) for k, v in dict(row).items()}


def _codes(codes: list[str] | None) -> str:
    return ", ".join(codes or []) or "none"


def _attempts(n: int) -> str:
    return f"{n} attempt" + ("" if n == 1 else "s")


def _step(at: datetime, stage: str, detail: str) -> dict[str, Any]:
    return {"at": at, "stage": stage, "detail": detail}


async def timeline(conn: asyncpg.Connection, encounter_id: str) -> list[dict[str, Any]]:
    """Everything known about one encounter in the order it happened, each step a sentence
    (`detail`). Ids, codes and amounts only: no names, no clinical text."""
    steps: list[dict[str, Any]] = []
    enc = await conn.fetchrow(
        "SELECT * FROM coder.encounter_status WHERE encounter_id = $1", encounter_id
    )
    if enc:
        steps.append(
            _step(
                enc["received_at"],
                "closed",
                f"encounter received (date of service {enc['date_of_service']})",
            )
        )
        if enc["review_requested_at"]:
            reasons = "; ".join(r for r in enc["review_reasons"] if r) or "no reason recorded"
            steps.append(
                _step(
                    enc["review_requested_at"],
                    "review-requested",
                    f"sent to the coding team for review: {reasons}",
                )
            )
        if enc["coded_at"]:
            steps.append(
                _step(
                    enc["coded_at"],
                    "coded",
                    f"coded with diagnoses {_codes(enc['diagnosis_codes'])}"
                    f" and service lines {_codes(enc['procedure_codes'])}",
                )
            )
    for r in await conn.fetch(
        "SELECT * FROM biller.billing_status WHERE encounter_id = $1", encounter_id
    ):
        if r["document"] == "claim":
            detail = (
                f"claim {r['document_id']} to payer {r['payer_id']} for {r['amount']}"
                f" ({r['status']})"
            )
        elif r["document"] == "statement":
            detail = f"patient statement {r['document_id']} for {r['amount']}, due {r['due_date']}"
        else:
            detail = f"not billed: {'; '.join(r['reasons'] or []) or 'no reason recorded'}"
        steps.append(_step(r["created_at"], r["document"], detail))
        if r["voided_at"]:
            steps.append(
                _step(r["voided_at"], "statement-voided", f"statement {r['document_id']} voided")
            )
    for r in await conn.fetch(
        "SELECT * FROM notifier.notification_status WHERE correlation_id = $1", encounter_id
    ):
        audience = r["audience"].replace("_", " ").replace("-", " ")
        what = f"{r['channel']} '{r['template']}' to the {audience}"
        if r["status"] == "sent":
            detail = f"{what} sent ({_attempts(r['attempts'])})"
        elif r["status"] == "failed":
            detail = f"{what} failed for good after {_attempts(r['attempts'])}"
        else:
            detail = f"{what} waiting to be sent ({_attempts(r['attempts'])} so far)"
        steps.append(_step(r["sent_at"] or r["created_at"], f"notification-{r['status']}", detail))
    for r in await conn.fetch(
        f"SELECT id, schema, topic, error, failed_at FROM ({DEAD_LETTERS_UNION}) d WHERE key = $1",
        encounter_id.encode(),
    ):
        steps.append(
            _step(
                r["failed_at"],
                "dead-letter",
                f"a message on {r['topic']} was dead-lettered as {r['schema']}#{r['id']}:"
                f" {r['error']}",
            )
        )
    return sorted(steps, key=lambda s: (s["at"], _ORDER.get(s["stage"], 9)))


async def dead_letters(conn: asyncpg.Connection, *, include_replayed: bool = False) -> list[Any]:
    where = "" if include_replayed else " WHERE replayed_at IS NULL"
    return list(
        await conn.fetch(f"SELECT * FROM ({DEAD_LETTERS_UNION}) d{where} ORDER BY failed_at")
    )

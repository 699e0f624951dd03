"""`medbill health SERVICE`: is the service serving? Read from the `service_health` view its
own instances write every few seconds (services/common/health.py).

Healthy means: at least one instance reported within the last 15 s, every consumer of the
service is `ok` in some fresh instance and holds partitions there, and none is halted."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

QUERY = """
SELECT instance, consumer, state, partitions, failures, detail, fresh
FROM {schema}.service_health ORDER BY consumer, instance
"""


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    lines: list[str]


def judge(service: str, rows: list[asyncpg.Record] | list[dict]) -> Verdict:
    fresh = [r for r in rows if r["fresh"]]
    if not fresh:
        return Verdict(False, [f"{service}: no running instance has reported in the last 15 s"])
    lines: list[str] = []
    healthy = True
    for consumer in sorted({r["consumer"] for r in fresh}):
        mine = [r for r in fresh if r["consumer"] == consumer]
        serving = [r for r in mine if r["state"] == "ok" and r["partitions"] > 0]
        halted = [r for r in mine if r["state"] == "halted"]
        if halted or not serving:
            healthy = False
        for r in mine:
            detail = f" after {r['failures']} failures: {r['detail']}" if r["detail"] else ""
            lines.append(
                f"{consumer} on {r['instance']}: {r['state']},"
                f" {r['partitions']} partition(s){detail}"
            )
    return Verdict(healthy, lines)


async def read(database_url: str, service: str) -> Verdict:
    conn = await asyncpg.connect(database_url, timeout=5)
    try:
        try:
            rows = await conn.fetch(QUERY.format(schema=service))
        except asyncpg.UndefinedTableError:
            return Verdict(False, [f"{service}: never started on this database"])
        return judge(service, rows)
    finally:
        await conn.close()


async def service_ready(database_url: str, service: str) -> bool:
    """True once every consumer of `service` is serving (for `medbill up`'s "ready")."""
    try:
        return (await read(database_url, service)).healthy
    except (OSError, asyncpg.PostgresError):
        return False

"""`medbill`: the operator's command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import asyncpg

from . import stack

STATE_DIR = Path(os.environ.get("MEDBILL_STATE_DIR", ".medbill"))


def _settings():  # noqa: ANN202
    stack.apply_runtime_defaults()
    from services.common.settings import Settings

    return Settings()


def _database_url() -> str:
    url = _settings().database_url
    if not url:
        sys.exit("no database: set DATABASE_URL, or start the pipeline with `medbill up`")
    return url


async def _with_conn(fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    conn = await asyncpg.connect(_database_url(), timeout=10)
    try:
        return await fn(conn, *args, **kwargs)
    finally:
        await conn.close()


def cmd_up(args: argparse.Namespace) -> int:
    from .up import up

    return asyncio.run(up(STATE_DIR, replicas=args.replicas))


def cmd_run(args: argparse.Namespace) -> int:
    import importlib

    stack.apply_runtime_defaults()
    module = importlib.import_module(f"services.{args.service}.main")
    return asyncio.run(module.build().run())


def cmd_publish(args: argparse.Namespace) -> int:
    from schemas.topics import ENCOUNTER_CLOSED
    from services.common.outbox import OutboxMessage

    from .publishing import InvalidEncounterFile, load_encounters, raw_message, send_all

    messages = []
    for name in args.files:
        path = Path(name)
        if args.raw:
            messages.append(raw_message(path))
            continue
        try:
            messages += [OutboxMessage.of(e) for e in load_encounters(path)]
        except InvalidEncounterFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    sent = asyncio.run(send_all(_settings().kafka_bootstrap_servers, messages))
    print(f"published {sent} message(s) to {ENCOUNTER_CLOSED.name}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .status import counts, timeline

    if args.encounter_id:
        steps = asyncio.run(_with_conn(timeline, args.encounter_id))
        if args.json:
            print(json.dumps(steps, default=str))
        elif not steps:
            print(f"nothing known about {args.encounter_id}")
            return 1
        for s in [] if args.json else steps:
            print(f"{s['at']:%Y-%m-%d %H:%M:%S}  {s['stage']:<22} {s['detail']}")
        return 0
    data = asyncio.run(_with_conn(counts))
    if args.json:
        print(json.dumps(data))
    else:
        for key, value in data.items():
            print(f"{key.replace('_', ' '):<24}{value:>10}")
    return 0


def cmd_dlq_list(args: argparse.Namespace) -> int:
    from .status import dead_letters

    rows = asyncio.run(_with_conn(dead_letters, include_replayed=args.all))
    items = [
        {
            "id": f"{r['schema']}#{r['id']}",
            "topic": r["topic"],
            "partition": r["kafka_partition"],
            "offset": r["kafka_offset"],
            "failed_at": r["failed_at"].isoformat(),
            "replayed_at": r["replayed_at"] and r["replayed_at"].isoformat(),
            "bytes": len(r["value"]),
            "error": r["error"],
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(items))
    else:
        for i in items:
            print(
                f"{i['id']:<14}{i['topic']}[{i['partition']}]@{i['offset']}  {i['failed_at']}  "
                f"{i['error']}"
            )
        print(f"{len(items)} dead letter(s)")
    return 0


def cmd_dlq_replay(args: argparse.Namespace) -> int:
    from .publishing import replay_dead_letters

    if not args.ids and not args.all:
        print("name dead letters to replay (e.g. coder#3), or --all", file=sys.stderr)
        return 2
    s = _settings()
    done = asyncio.run(
        replay_dead_letters(
            _database_url(), s.kafka_bootstrap_servers, None if args.all else args.ids
        )
    )
    for d in done:
        print(f"replayed {d['id']} to {d['topic']}")
    print(f"{len(done)} dead letter(s) replayed")
    return 0


def cmd_topics_create(args: argparse.Namespace) -> int:
    from services.common.kafka import create_topics

    created = asyncio.run(create_topics(_settings().kafka_bootstrap_servers))
    print(f"created {len(created)} topic(s)")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate_all

    applied = asyncio.run(migrate_all(_database_url()))
    for service, names in applied.items():
        print(f"{service}: {len(names)} migration(s) applied")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from . import health

    s = _settings()
    try:
        verdict = asyncio.run(health.read(s.require_database_url(), args.service))
    except (OSError, asyncpg.PostgresError, RuntimeError) as exc:
        print(f"{args.service}: unhealthy: the database does not answer ({type(exc).__name__})")
        return 1
    for line in verdict.lines:
        print(line)
    print(f"{args.service}: {'ok' if verdict.healthy else 'unhealthy'}")
    return 0 if verdict.healthy else 1


def cmd_schemas_export(args: argparse.Namespace) -> int:
    from schemas.export import export_all

    written = export_all(Path(args.out))
    print(f"wrote {len(written)} file(s) to {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medbill", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("up", help="run the whole pipeline locally (broker and database as needed)")
    c.add_argument("--replicas", type=int, default=1, help="processes per service")
    c.set_defaults(fn=cmd_up)

    c = sub.add_parser("run", help="run one service (coder, biller or notifier)")
    c.add_argument("service", choices=["coder", "biller", "notifier"])
    c.set_defaults(fn=cmd_run)

    c = sub.add_parser("publish", help="publish encounter.closed events from JSON files")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--raw", action="store_true", help="send the bytes as they are, unvalidated")
    c.set_defaults(fn=cmd_publish)

    c = sub.add_parser("status", help="counts per stage, or one encounter's timeline")
    c.add_argument("encounter_id", nargs="?", metavar="ENCOUNTER_ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(fn=cmd_status)

    dlq = sub.add_parser("dlq", help="dead letters: list and replay").add_subparsers(
        dest="dlq_command", required=True
    )
    c = dlq.add_parser("list", help="dead letters not yet replayed")
    c.add_argument("--all", action="store_true", help="include replayed ones")
    c.add_argument("--json", action="store_true")
    c.set_defaults(fn=cmd_dlq_list)
    c = dlq.add_parser("replay", help="publish dead letters back to their topic")
    c.add_argument("ids", nargs="*", metavar="ID", help="e.g. coder#3")
    c.add_argument("--all", action="store_true")
    c.set_defaults(fn=cmd_dlq_replay)

    topics = sub.add_parser("topics", help="Kafka topics").add_subparsers(dest="t", required=True)
    topics.add_parser("create", help="create every topic with its partitions").set_defaults(
        fn=cmd_topics_create
    )

    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)

    c = sub.add_parser(
        "health",
        help="exit 0 while every consumer of a running service holds its partitions and"
        " applies its batches (read from the service's own health view)",
    )
    c.add_argument("service", choices=["coder", "biller", "notifier"])
    c.set_defaults(fn=cmd_health)

    schemas = sub.add_parser("schemas", help="event contract files").add_subparsers(
        dest="s", required=True
    )
    c = schemas.add_parser("export", help="write JSON Schema files and the AsyncAPI document")
    c.add_argument("--out", default="schemas/generated")
    c.set_defaults(fn=cmd_schemas_export)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

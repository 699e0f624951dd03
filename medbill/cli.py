"""`medbill`: the operator's command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from pydantic import ValidationError

from . import stack
from .errors import KAFKA_FAILURES, CommandError, broker_unreachable, database

STATE_DIR = Path(os.environ.get("MEDBILL_STATE_DIR", ".medbill"))
SERVICE_NAMES = ["coder", "biller", "notifier"]
T = TypeVar("T")


def _settings():  # noqa: ANN202
    stack.apply_runtime_defaults()
    from services.common.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        wrong = ", ".join(str(e["loc"][0]).upper() for e in exc.errors() if e["loc"])
        raise CommandError(f"invalid setting in the environment: {wrong}", code=2) from None


def _database_url() -> str:
    url = _settings().database_url
    if not url:
        raise CommandError("no database: set DATABASE_URL, or start the pipeline with `medbill up`")
    return url


def _with_conn(fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Run `fn(conn, ...)` on a connection to the pipeline's database."""

    async def run() -> T:
        async with database(_database_url()) as conn:
            return await fn(conn, *args, **kwargs)

    return asyncio.run(run())


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

    from .publishing import load_encounters, raw_message, send_all

    messages = []
    for name in args.files:
        path = Path(name)
        if args.raw:
            messages.append(raw_message(path))
        else:
            messages += [OutboxMessage.of(e) for e in load_encounters(path)]
    sent = asyncio.run(send_all(_settings().kafka_bootstrap_servers, messages))
    print(f"published {sent} message(s) to {ENCOUNTER_CLOSED.name}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .status import counts, timeline

    if args.encounter_id:
        steps = _with_conn(timeline, args.encounter_id)
        if not steps:
            raise CommandError(f"nothing known about encounter {args.encounter_id}")
        if args.json:
            print(json.dumps(steps, default=str))
            return 0
        for s in steps:
            print(f"{s['at']:%Y-%m-%d %H:%M:%S}  {s['detail']}")
        return 0
    data = _with_conn(counts)
    if args.json:
        print(json.dumps(data))
    else:
        for key, value in data.items():
            print(f"{key.replace('_', ' '):<24}{value:>10}")
    return 0


def cmd_dlq_list(args: argparse.Namespace) -> int:
    from .status import dead_letters

    rows = _with_conn(dead_letters, include_replayed=args.all)
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
    from .publishing import parse_dead_letter_ids, replay_dead_letters

    if not args.ids and not args.all:
        raise CommandError("name the dead letters to replay (e.g. coder#3), or --all", code=2)
    parse_dead_letter_ids(args.ids)  # a typo is refused before anything is contacted
    bootstrap = _settings().kafka_bootstrap_servers
    done = _with_conn(replay_dead_letters, bootstrap, None if args.all else args.ids)
    for d in done:
        print(f"replayed {d['id']} to {d['topic']}")
    print(f"{len(done)} dead letter(s) replayed")
    return 0


def cmd_topics_create(args: argparse.Namespace) -> int:
    from services.common.kafka import create_topics

    bootstrap = _settings().kafka_bootstrap_servers
    try:
        created = asyncio.run(create_topics(bootstrap))
    except KAFKA_FAILURES as exc:
        raise broker_unreachable(bootstrap, exc) from None
    print(f"created {len(created)} topic(s)")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate_every_service

    applied = _with_conn(migrate_every_service)
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
    from .contract import export_all

    written = export_all(Path(args.out))
    print(f"wrote {len(written)} file(s) to {args.out}")
    return 0


def cmd_coder_eval(args: argparse.Namespace) -> int:
    from .coder_eval import run

    return run(Path(args.file), verbose=args.verbose)


def cmd_coder_eval_notes(args: argparse.Namespace) -> int:
    from .coder_eval_notes import evaluate

    predictions = Path(args.predictions) if args.predictions else None
    print(evaluate(Path(args.text_dir), Path(args.gold_tsv), predictions, reading=args.reading))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medbill", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "up",
        help="run the whole pipeline on this machine: a broker, PostgreSQL and a mail server"
        " as needed, the topics, the migrations and the three services, until Ctrl-C",
    )
    c.add_argument(
        "--replicas", type=int, default=1, metavar="N", help="processes per service (default 1)"
    )
    c.set_defaults(fn=cmd_up)

    c = sub.add_parser("run", help="run one service, as a container does")
    c.add_argument("service", choices=SERVICE_NAMES, help="the service to run")
    c.set_defaults(fn=cmd_run)

    c = sub.add_parser("publish", help="publish encounter.closed events from JSON files")
    c.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a JSON file holding one encounter.closed event, a list of them, or bare"
        " encounter data (wrapped in an envelope); each is validated strictly first",
    )
    c.add_argument(
        "--raw",
        action="store_true",
        help="send each file's bytes as they are, unvalidated (to see the dead-letter path)",
    )
    c.set_defaults(fn=cmd_publish)

    c = sub.add_parser("status", help="counts per stage, or one encounter's timeline")
    c.add_argument(
        "encounter_id",
        nargs="?",
        metavar="ENCOUNTER_ID",
        help="show this encounter's timeline instead of the counts",
    )
    c.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    c.set_defaults(fn=cmd_status)

    dlq = sub.add_parser("dlq", help="dead letters: list and replay").add_subparsers(
        dest="dlq_command", required=True, metavar="ACTION"
    )
    c = dlq.add_parser("list", help="dead letters not yet replayed")
    c.add_argument("--all", action="store_true", help="include those already replayed")
    c.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    c.set_defaults(fn=cmd_dlq_list)
    c = dlq.add_parser("replay", help="publish dead letters back to their topic")
    c.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        help="dead letters as `medbill dlq list` names them, e.g. coder#3",
    )
    c.add_argument("--all", action="store_true", help="replay every dead letter not yet replayed")
    c.set_defaults(fn=cmd_dlq_replay)

    topics = sub.add_parser("topics", help="Kafka topics").add_subparsers(
        dest="t", required=True, metavar="ACTION"
    )
    topics.add_parser(
        "create", help="create every topic and its dead-letter twin with their partitions"
    ).set_defaults(fn=cmd_topics_create)

    sub.add_parser(
        "migrate", help="apply every service's database migrations (services also do at start)"
    ).set_defaults(fn=cmd_migrate)

    c = sub.add_parser(
        "health",
        help="exit 0 while every consumer of a running service holds its partitions and"
        " applies its batches (read from the service's own health view)",
    )
    c.add_argument("service", choices=SERVICE_NAMES, help="the service to check")
    c.set_defaults(fn=cmd_health)

    schemas = sub.add_parser("schemas", help="event contract files").add_subparsers(
        dest="s", required=True, metavar="ACTION"
    )
    c = schemas.add_parser("export", help="write JSON Schema files and the AsyncAPI document")
    c.add_argument(
        "--out", default="schemas/generated", help="folder to write to (default schemas/generated)"
    )
    c.set_defaults(fn=cmd_schemas_export)

    coder = sub.add_parser("coder", help="measure the coder's engine on cases").add_subparsers(
        dest="coder_command", required=True, metavar="ACTION"
    )
    c = coder.add_parser(
        "eval",
        help="code the cases of a JSONL file with the service's engine and score them; an"
        " encounter sent to review is scored on the codes it proposes to the reviewer",
        description='Each line is one case: {"encounter": <encounter.closed data>,'
        ' "expected": {"diagnoses": [ICD-10-CM codes], "procedures": [CPT/HCPCS codes of the'
        " service lines, E/M included]}}. Scores are micro-F1 on exact diagnosis codes, on"
        " their 3-character categories and on procedure codes, and the share coded without"
        " review; an encounter sent to review is scored on the codes it proposes. Also"
        " reported: encounters coded without review although a code fails an edit, and"
        " evidence that is not its source's start:end characters (both must be 0). Last"
        " line: RESULT dx_f1=... dx_category_f1=... proc_f1=... automation=... n=...",
    )
    c.add_argument("file", metavar="FILE.jsonl", help="the cases, one JSON object per line")
    c.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="also print each case that is not exactly right: review rules, codes missed and"
        " codes extra (codes only, never the notes' text)",
    )
    c.set_defaults(fn=cmd_coder_eval)
    c = coder.add_parser(
        "eval-notes",
        help="code every *.txt of a folder as an inpatient discharge summary with the service's"
        " engine and score the diagnoses against a gold TSV",
        description="Micro P/R/F1 on exact ICD-10-CM codes and F1 on 3-character categories,"
        " over every code assigned (before the 12-per-claim cut). Last line: RESULT p=..."
        " r=... f1=... cat_f1=... n_docs=...",
    )
    c.add_argument(
        "text_dir", metavar="TEXT_DIR", help="a folder of notes, one case per *.txt file"
    )
    c.add_argument(
        "gold_tsv",
        metavar="GOLD_TSV",
        help="case_id<TAB>code lines (the case id is the file name without .txt; codes with"
        " or without the dot, any case)",
    )
    c.add_argument(
        "--predictions",
        metavar="OUT.tsv",
        help="write the codes assigned as case_id<TAB>code lines, most confident first",
    )
    c.add_argument(
        "--reading",
        choices=("billing", "mentions"),
        default="billing",
        help="what is scored: billing (default) the guideline rules' codes, what the service"
        " bills; mentions an annotator's reading (CodiEsp): beside them the billable code of"
        " every condition the text names, negated, past, integral or combined ones included",
    )
    c.set_defaults(fn=cmd_coder_eval_notes)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command not in ("up", "run"):
        # a one-shot command says what went wrong in one line; the clients' own warnings
        # (aiokafka logs every failed connection attempt) would only repeat it
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        return int(args.fn(args) or 0)
    except CommandError as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return exc.code
    except stack.LocalStackMissing as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

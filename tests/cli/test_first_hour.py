"""A new user's first hour: every mistake and every server that does not answer gives one
clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import asyncpg
import pytest

from medbill import stack
from tests.cli.conftest import ROOT, environment, medbill

EXAMPLE = sorted((ROOT / "examples" / "encounters").glob("*.json"))[0]


def test_status_when_the_database_does_not_answer():
    port = stack.free_port()
    url = f"postgresql://postgres:s3cret@127.0.0.1:{port}/medbill"
    for args in (["status"], ["status", "--json"], ["dlq", "list"], ["migrate"]):
        result = medbill(*args, env=environment(DATABASE_URL=url))
        line = result.assert_one_clear_line()
        assert line == (
            f"medbill: cannot reach PostgreSQL at postgres@127.0.0.1:{port}/medbill:"
            " connection refused"
        ), args
        assert "s3cret" not in result.err


async def test_status_of_a_database_without_the_migrations(database_url: str):
    result = medbill("status", "--json", env=environment(DATABASE_URL=database_url))
    assert "no medbill status views yet: run `medbill migrate`" in result.assert_one_clear_line()
    assert result.out == ""


async def test_status_of_a_database_that_does_not_exist(database_url: str):
    missing = database_url.rsplit("/", 1)[0] + "/medbill_no_such_database"
    result = medbill("status", env=environment(DATABASE_URL=missing))
    assert result.assert_one_clear_line().endswith("/medbill_no_such_database does not exist")


async def test_status_of_an_unknown_encounter(migrated_database: str):
    env = environment(DATABASE_URL=migrated_database)
    for args in (["status", "--json", "UNKNOWN"], ["status", "UNKNOWN"]):
        result = medbill(*args, env=env)
        assert result.assert_one_clear_line() == "medbill: nothing known about encounter UNKNOWN"
        assert result.code == 1 and result.out == ""


async def test_status_json_of_an_empty_pipeline_keeps_every_key(migrated_database: str):
    result = medbill("status", "--json", env=environment(DATABASE_URL=migrated_database))
    assert result.code == 0, result.err
    assert json.loads(result.out.strip().splitlines()[-1]) == {
        "encounters_closed": 0,
        "encounters_coded": 0,
        "review_requested": 0,
        "claims": 0,
        "statements": 0,
        "claims_rejected": 0,
        "notifications_sent": 0,
        "notifications_failed": 0,
        "notifications_pending": 0,
        "dead_letters": 0,
    }


async def test_replaying_an_unknown_dead_letter(migrated_database: str):
    env = environment(DATABASE_URL=migrated_database)
    result = medbill("dlq", "replay", "coder#999", env=env)
    assert result.assert_one_clear_line().startswith(
        "medbill: no dead letter coder#999 waiting for replay"
    )
    assert result.code == 1


@pytest.mark.parametrize("text", ["cdoer#3", "coder", "coder#x", "#3"])
def test_replaying_a_malformed_dead_letter_id(text: str):
    result = medbill("dlq", "replay", text)
    line = result.assert_one_clear_line()
    assert line.startswith(f"medbill: {text!r} is not a dead-letter id: expected SERVICE#NUMBER")
    assert result.code == 2


@pytest.mark.parametrize("raw", [False, True])
def test_publishing_a_missing_file(tmp_path: Path, raw: bool):
    missing = tmp_path / "nowhere.json"
    result = medbill("publish", *(["--raw"] if raw else []), str(missing))
    assert result.assert_one_clear_line() == f"medbill: {missing}: no such file"
    assert result.code == 2


def test_publishing_a_file_that_is_not_json(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"event_id": ')
    result = medbill("publish", str(bad))
    assert result.assert_one_clear_line().startswith(f"medbill: {bad}: not JSON (")
    assert result.code == 2


def test_publishing_an_empty_list(tmp_path: Path):
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    result = medbill("publish", str(empty))
    assert "an empty list" in result.assert_one_clear_line()


def test_a_misspelled_envelope_field_is_named(tmp_path: Path):
    event = json.loads(EXAMPLE.read_text())
    event["occured_at"] = event.pop("occurred_at")
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps(event))
    result = medbill("publish", str(typo))
    line = result.assert_one_clear_line()
    assert line.startswith(f"medbill: {typo}: not a valid encounter.closed event: ")
    # (occurred_at itself has a default: the envelope would silently have taken "now")
    assert line.endswith(
        "not a valid encounter.closed event: unknown field 'occured_at' (misspelled?)"
    )
    assert result.code == 2


def test_a_misspelled_field_inside_data_is_named_with_its_place(tmp_path: Path):
    event = json.loads(EXAMPLE.read_text())
    event["data"]["patient"]["frist_name"] = event["data"]["patient"].pop("first_name")
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps([event]))
    line = medbill("publish", str(typo)).assert_one_clear_line()
    assert line.startswith(f"medbill: {typo}[0]: not a valid encounter.closed event: ")
    assert line.endswith(
        "unknown field 'data.patient.frist_name' (misspelled?);"
        " missing field 'data.patient.first_name'"
    )
    assert event["data"]["patient"]["frist_name"] not in line  # values are patient data


def test_publishing_when_the_broker_does_not_answer():
    port = stack.free_port()
    result = medbill(
        "publish", str(EXAMPLE), env=environment(KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{port}")
    )
    line = result.assert_one_clear_line()
    assert line == f"medbill: cannot reach the Kafka broker at 127.0.0.1:{port}: it does not answer"
    assert result.code == 1


def test_creating_topics_when_the_broker_does_not_answer():
    result = medbill("topics", "create")
    assert "cannot reach the Kafka broker at 127.0.0.1:" in result.assert_one_clear_line()


async def test_replaying_when_the_broker_does_not_answer(migrated_database: str):
    conn = await asyncpg.connect(migrated_database)
    try:
        await conn.execute(
            "INSERT INTO coder.dead_letters (service, topic, kafka_partition, kafka_offset,"
            " value, error) VALUES ('coder', 'encounter.closed', 0, 7, 'x', 'not JSON')"
        )
        result = medbill("dlq", "replay", "--all", env=environment(DATABASE_URL=migrated_database))
        assert "cannot reach the Kafka broker" in result.assert_one_clear_line()
        assert await conn.fetchval("SELECT count(*) FROM coder.dead_letters"
                                   " WHERE replayed_at IS NULL") == 1  # fmt: skip
    finally:
        await conn.close()


def test_every_argument_has_help():
    from medbill.cli import parser

    def walk(p, path):  # noqa: ANN001, ANN202
        for action in p._actions:
            if action.dest == "help":
                continue
            if hasattr(action, "choices") and isinstance(action.choices, dict):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*path, name])
                continue
            yield [*path, action.dest], action.help

    missing = [path for path, text in walk(parser(), ["medbill"]) if not text]
    assert missing == []
    helps = [path for path, _ in walk(parser(), ["medbill"])]
    assert ["medbill", "status", "encounter_id"] in helps  # the walk does reach subcommands


def test_help_of_each_command_names_its_arguments():
    result = medbill("status", "--help")
    assert result.code == 0
    assert re.search(r"ENCOUNTER_ID\s+show this encounter's timeline", result.out)


def test_status_with_no_database_named_anywhere(tmp_path: Path):
    env = environment(MEDBILL_RUNTIME_FILE=str(tmp_path / "never-written.json"))
    del env["DATABASE_URL"]
    result = medbill("status", env=env)
    assert result.assert_one_clear_line() == (
        "medbill: no database: set DATABASE_URL, or start the pipeline with `medbill up`"
    )


def test_a_setting_that_is_not_valid():
    result = medbill("status", env=environment(SMTP_PORT="twenty-five"))
    assert (
        result.assert_one_clear_line() == "medbill: invalid setting in the environment: SMTP_PORT"
    )
    assert "twenty-five" not in result.err and result.code == 2


def test_publishing_a_directory(tmp_path: Path):
    result = medbill("publish", str(tmp_path))
    assert result.assert_one_clear_line() == f"medbill: {tmp_path}: is a directory, not a file"

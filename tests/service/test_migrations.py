"""The migration runner against a real, empty PostgreSQL database."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest

from medbill.migrate import SERVICE_NAMES, SERVICES_DIR, migrate_all
from services.common.migrations import COMMON_DIR, discover, migrate

COMMON = [m.name for m in discover(COMMON_DIR)]  # every schema gets these first
RELIABILITY_TABLES = {"inbox", "outbox", "dead_letters", "schema_migrations", "consumer_health"}
SERVICE_TABLES = {
    "coder": {"encounters"},
    "biller": {"claims", "claim_lines", "statements", "ledger_entries"},
    "notifier": {"notifications"},
}


async def _tables(conn: asyncpg.Connection, schema: str) -> set[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
    )
    return {r["table_name"] for r in rows}


async def test_migrate_all_builds_every_schema_and_records_each_migration(database_url: str):
    applied = await migrate_all(database_url)

    conn = await asyncpg.connect(database_url)
    try:
        for name in SERVICE_NAMES:
            expected = discover(COMMON_DIR, SERVICES_DIR / name / "migrations")
            assert applied[name] == [m.name for m in expected]
            assert applied[name][0] == "common/001_reliability.sql"
            assert RELIABILITY_TABLES | SERVICE_TABLES[name] <= await _tables(conn, name)
            recorded = await conn.fetch(
                f"SELECT name, checksum FROM {name}.schema_migrations ORDER BY name"
            )
            assert {(r["name"], r["checksum"]) for r in recorded} == {
                (m.name, m.checksum) for m in expected
            }
    finally:
        await conn.close()

    assert await migrate_all(database_url) == {name: [] for name in SERVICE_NAMES}


async def test_schemas_are_separate(database_url: str):
    await migrate_all(database_url)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO coder.outbox (topic, value) VALUES ('encounter.coded', '\\x7b7d')"
        )
        assert await conn.fetchval("SELECT count(*) FROM coder.outbox") == 1
        assert await conn.fetchval("SELECT count(*) FROM biller.outbox") == 0
        assert "encounters" not in await _tables(conn, "biller")
    finally:
        await conn.close()


@pytest.fixture
async def conn(database_url: str):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def _advisory_locks_held(conn: asyncpg.Connection) -> int:
    """Advisory locks this session still holds (the runner must release its lock)."""
    return await conn.fetchval(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    )


def _write(folder: Path, name: str, sql: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(sql)


async def test_new_migrations_apply_in_order_and_only_once(
    conn: asyncpg.Connection, tmp_path: Path
):
    folder = tmp_path / "custom" / "migrations"
    _write(folder, "001_first.sql", "CREATE TABLE things (id int PRIMARY KEY);")

    assert await migrate(conn, "custom_schema", folder) == [*COMMON, "custom/001_first.sql"]

    # 002 depends on 001's table: they run in number order, and only the new one runs
    _write(folder, "002_second.sql", "ALTER TABLE things ADD COLUMN label text;")
    _write(folder, "010_tenth.sql", "INSERT INTO things (id, label) VALUES (1, 'one');")
    assert await migrate(conn, "custom_schema", folder) == [
        "custom/002_second.sql",
        "custom/010_tenth.sql",
    ]
    assert await migrate(conn, "custom_schema", folder) == []
    assert await conn.fetchval("SELECT label FROM custom_schema.things WHERE id = 1") == "one"
    # the migration ran with the service's schema first on the search path
    assert "things" not in await _tables(conn, "public")


async def test_a_migration_changed_after_it_was_applied_is_refused(
    conn: asyncpg.Connection, tmp_path: Path
):
    folder = tmp_path / "custom" / "migrations"
    _write(folder, "001_first.sql", "CREATE TABLE things (id int PRIMARY KEY);")
    await migrate(conn, "custom_schema", folder)

    _write(folder, "001_first.sql", "CREATE TABLE things (id bigint PRIMARY KEY);")
    _write(folder, "002_second.sql", "CREATE TABLE others (id int);")
    with pytest.raises(RuntimeError, match="custom/001_first.sql changed after it was applied"):
        await migrate(conn, "custom_schema", folder)

    assert "others" not in await _tables(conn, "custom_schema")
    assert await _advisory_locks_held(conn) == 0


async def test_a_failing_migration_leaves_nothing_behind(conn: asyncpg.Connection, tmp_path: Path):
    folder = tmp_path / "custom" / "migrations"
    _write(folder, "001_first.sql", "CREATE TABLE things (id int PRIMARY KEY);")
    _write(folder, "002_broken.sql", "CREATE TABLE half (id int); SELECT 1 / 0;")

    with pytest.raises(asyncpg.DivisionByZeroError):
        await migrate(conn, "custom_schema", folder)

    tables = await _tables(conn, "custom_schema")
    assert "things" in tables
    assert "half" not in tables
    assert await _advisory_locks_held(conn) == 0
    names = await conn.fetch("SELECT name FROM custom_schema.schema_migrations ORDER BY name")
    assert [r["name"] for r in names] == [*COMMON, "custom/001_first.sql"]

    _write(folder, "002_broken.sql", "CREATE TABLE half (id int);")
    assert await migrate(conn, "custom_schema", folder) == ["custom/002_broken.sql"]


async def test_the_coding_record_migration_drops_the_billing_block_of_stored_events(
    database_url: str, tmp_path: Path
):
    """coder/002 turns an encounter.coded event stored by 001 into the coding alone."""
    before = tmp_path / "coder" / "migrations"
    before.mkdir(parents=True)
    source = SERVICES_DIR / "coder" / "migrations"
    (before / "001_encounters.sql").write_text((source / "001_encounters.sql").read_text())
    event = {
        "event_id": "8a6e0804-2bd0-4672-b79d-d97027f9071a",
        "event_type": "encounter.coded",
        "data": {
            "encounter_id": "ENC-1",
            "diagnoses": [{"code": "I10"}],
            "billing": {"patient": {"last_name": "Smith"}},
        },
    }
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CREATE SCHEMA coder")
        await migrate(conn, "coder", before)
        await conn.execute(
            "INSERT INTO coder.encounters (encounter_id, patient_id, date_of_service,"
            " closed_event_id, status, coded) VALUES ('ENC-1', 'MRN-1', '2026-11-02',"
            " gen_random_uuid(), 'coded', $1::json), ('ENC-2', 'MRN-2', '2026-11-02',"
            " gen_random_uuid(), 'review', NULL)",
            json.dumps(event),
        )
        applied = await migrate(conn, "coder", source)
        assert applied[0] == "coder/002_coding_record.sql"
        rows = await conn.fetch(
            "SELECT encounter_id, coded::text AS coded, coded_event_id FROM coder.encounters"
            " ORDER BY encounter_id"
        )
    finally:
        await conn.close()

    assert json.loads(rows[0]["coded"]) == {"encounter_id": "ENC-1", "diagnoses": [{"code": "I10"}]}
    assert str(rows[0]["coded_event_id"]) == event["event_id"]
    assert (rows[1]["coded"], rows[1]["coded_event_id"]) == (None, None)

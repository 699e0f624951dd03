"""How the CLI names a database in what it prints: where it is, never its password."""

from __future__ import annotations

import pytest

from medbill.errors import describe_database


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://postgres:s3cret@db.example.org:6543/mb", "postgres@db.example.org:6543/mb"),
        ("postgresql://postgres@127.0.0.1/medbill_1a2b", "postgres@127.0.0.1:5432/medbill_1a2b"),
        ("postgresql://postgres:@/postgres?host=/srv/pgdata", "postgres@/srv/pgdata/postgres"),
        ("postgres://u:p%40ss@[::1]:5433/x?sslmode=require", "u@::1:5433/x"),
        ("postgresql://u:pw@host:notaport/x", "the PostgreSQL server in DATABASE_URL"),
    ],
)  # fmt: skip
def test_a_database_is_named_without_its_password(url: str, shown: str):
    assert describe_database(url) == shown
    assert "s3cret" not in describe_database(url) and "p%40ss" not in describe_database(url)

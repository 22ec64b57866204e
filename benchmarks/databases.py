"""The databases a benchmark measures: SQLite in a temporary folder, then PostgreSQL in a
throwaway database when `DULUAN_BENCH_POSTGRES_URL` names a server (created, then dropped)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from duluan.db.engine import create_db_engine


def each(name: str) -> Iterator[tuple[str, str]]:
    """(label, URL) of each database to measure, SQLite first; says when PostgreSQL is skipped."""
    with tempfile.TemporaryDirectory() as folder:
        yield "SQLite", f"sqlite:///{Path(folder) / f'{name}.sqlite3'}"
    postgres = os.environ.get("DULUAN_BENCH_POSTGRES_URL")
    if not postgres:
        print("PostgreSQL: skipped (set DULUAN_BENCH_POSTGRES_URL, see the benchmark's docstring)")
        return
    with _throwaway(postgres, name) as url:
        yield "PostgreSQL", url


@contextmanager
def _throwaway(server_url: str, name: str) -> Iterator[str]:
    admin = create_db_engine(
        make_url(server_url).set(database="postgres").render_as_string(hide_password=False)
    )
    database = f"duluan_bench_{name}_{datetime.now(UTC):%H%M%S}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(server_url).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()

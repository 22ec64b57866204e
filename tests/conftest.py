"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when
DULUAN_TEST_DATABASE_URL is set), settings, the app in-process, row factories and a local
HTTP server."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.settings import Settings, get_settings
from duluan.web.app import create_app
from tests.local_server import LocalServer

PG_URL = os.environ.get("DULUAN_TEST_DATABASE_URL", "")
PASSWORD = "mat-khau-thu-nghiem"


def _prepare(url: str) -> None:
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        units.load_administrative_map(session)
    engine.dispose()


def _admin_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _drop(admin: Engine, name: str, attempts: int = 40) -> None:
    """Drop a test database. FORCE ends the test's own connections, but a non-superuser cannot
    end an autovacuum worker that happens to be in it: wait for it (a moment) and try again."""
    try:
        for attempt in range(attempts):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.25)
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated and loaded with the 2025 map once per run; tests get copies of it."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _prepare(f"sqlite:///{path}")
        yield str(path)
        return
    admin = _admin_engine(PG_URL)
    name = f"duluan_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _prepare(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    yield name
    _drop(admin, name)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test, copied from the template."""
    if not PG_URL:
        path = tmp_path / "duluan.sqlite3"
        shutil.copy(template_database, path)
        yield f"sqlite:///{path}"
        return
    admin = _admin_engine(PG_URL)
    name = f"duluan_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _drop(admin, name)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        secret_key="k" * 48,
        database_url=database_url,
        data_dir=tmp_path,
        login_max_failures=3,
    )


@pytest.fixture
def cli_database(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Commands of `duluan` run against the test's database and data folder."""
    monkeypatch.setenv("DULUAN_DATABASE_URL", database_url)
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging and checking rows; tests commit what the app must see."""
    session = session_factory(engine)()
    yield session
    session.close()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def make_user(
    db: Session, username: str, role: str, unit_code: str, password: str = PASSWORD
) -> User:
    """Create and commit a user with one grant."""
    user = users.create_user(
        db,
        actor=None,
        username=username,
        password=password,
        role=role,
        unit=units.find_by_code(db, unit_code),
        display_name=username.title(),
    )
    db.commit()
    return user


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token the server put in the page at `path`."""
    html = client.get(path).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(
    client: TestClient, path: str, data: dict[str, str], page: str = "/"
) -> httpx.Response:
    """Submit a form the way a browser does: with the CSRF token from a page of the site."""
    return client.post(
        path, data={**data, "csrf_token": csrf_of(client, page)}, follow_redirects=False
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server on 127.0.0.1 serving the routes each test registers."""
    local = LocalServer()
    local.start()
    yield local
    local.stop()


@pytest.fixture
def local_fetching(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Process settings (what jobs read) that let the fetcher reach the local server at once."""
    monkeypatch.setenv("DULUAN_SOURCE_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("DULUAN_FETCH_HOST_INTERVAL_SECONDS", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()

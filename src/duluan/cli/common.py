"""What every command shares: plain command groups, one-line failures, a database session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session, sessionmaker

from duluan.auth import units
from duluan.auth.permissions import Actor, Scope
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.errors import DuluanError
from duluan.i18n import translate
from duluan.settings import get_settings


def group(help_text: str) -> typer.Typer:
    """A command group with plain output: usage errors end in one `Error: …` line, no boxes."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


def fail(message: str) -> typer.Exit:
    """Print `Error: message` on stderr; raise the result to exit with status 2."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)


def fail_with(error: DuluanError) -> typer.Exit:
    """`fail` with a domain error's message in the deployment's language."""
    return fail(translate(error.key, get_settings().default_locale, **error.params))


@contextmanager
def database_sessions() -> Iterator[sessionmaker[Session]]:
    """A session factory on the configured database, for work that commits in several
    transactions (collection, imports); its connections are closed at the end."""
    engine = create_db_engine(get_settings().effective_database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def database_session() -> Iterator[Session]:
    """A committed session on the configured database; domain errors become a one-line exit."""
    engine = create_db_engine(get_settings().effective_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    except DuluanError as exc:
        raise fail_with(exc) from None
    finally:
        engine.dispose()


def operator(session: Session) -> Actor:
    """The command line's actor: an administrator of the root unit (whoever can run commands
    on the server can already read its database)."""
    root = units.root(session)
    return Actor(0, "cli", "cli", "vi", (Scope("admin", root.id, root.path),))

"""Administration commands: database, accounts and organisation units."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from duluan.auth import units, users
from duluan.auth.models import OTHER_KINDS, OrgUnit, User
from duluan.auth.permissions import ROLES
from duluan.cli.common import database_session, group
from duluan.db import migrate
from duluan.settings import get_settings

db_app = group("Database: create or update the schema.")
users_app = group("Platform accounts: create, list, disable.")
units_app = group("Organisation units: the 2025 map and non-territorial units.")
console = Console()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema to the newest version and load the 2025 administrative map."""
    settings = get_settings()
    migrate.upgrade(settings.effective_database_url)
    with database_session() as session:
        created = units.load_administrative_map(session)
        total = session.query(OrgUnit).count()
    typer.echo(f"database up to date; {created} units added, {total} in all")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option(help="Login name: lower-case letters, digits, . _ -")],
    password: Annotated[str, typer.Option(help="At least 10 characters.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    unit: Annotated[
        str, typer.Option(help="Unit code, e.g. 15 for Lào Cai province, TW for central.")
    ],
    display_name: Annotated[str, typer.Option(help="Full name shown in the interface.")] = "",
) -> None:
    """Create an account with a role over a unit and everything below it."""
    with database_session() as session:
        user = users.create_user(
            session,
            actor=None,
            username=username,
            password=password,
            role=role,
            unit=units.find_by_code(session, unit),
            display_name=display_name,
        )
        typer.echo(f"created {user.username} ({role} of {unit})")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every account with its grants."""
    table = Table("username", "name", "active", "grants")
    rows = []
    with database_session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            grants = [{"role": g.role, "unit": g.unit.code} for g in user.grants]
            rows.append(
                {
                    "username": user.username,
                    "display_name": user.display_name,
                    "active": user.is_active,
                    "grants": grants,
                }
            )
            table.add_row(
                user.username,
                user.display_name,
                "yes" if user.is_active else "no",
                ", ".join(f"{g['role']}@{g['unit']}" for g in grants),
            )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        console.print(table)


def _set_active(username: str, active: bool) -> None:
    with database_session() as session:
        users.set_active(
            session, actor=None, user=users.find_by_username(session, username), active=active
        )
    typer.echo(f"{username} {'enabled' if active else 'disabled'}")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions and tokens stop working."""
    _set_active(username, False)


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled account again."""
    _set_active(username, True)


@users_app.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create the first administrator if there is no account yet, and print how to sign in."""
    settings = get_settings()
    with database_session() as session:
        created = users.ensure_first_admin(
            session, username=settings.admin_username, password=settings.admin_password
        )
    if created is None:
        typer.echo("accounts already exist; no administrator created")
        return
    user, password = created
    typer.echo("First administrator created / Đã tạo tài khoản quản trị đầu tiên:")
    typer.echo(f"  login / tên đăng nhập: {user.username}")
    if settings.admin_password:
        typer.echo("  password / mật khẩu: from DULUAN_ADMIN_PASSWORD")
    else:
        typer.echo(
            f"  password / mật khẩu:   {password}   (shown once; change it after signing in)"
        )


@units_app.command("list")
def units_list(
    parent: Annotated[str, typer.Option(help="Code of the parent unit.")] = units.ROOT_CODE,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the units directly under a parent (the provinces, by default)."""
    with database_session() as session:
        top = units.find_by_code(session, parent)
        query = select(OrgUnit).where(OrgUnit.parent_id == top.id).order_by(OrgUnit.code)
        rows = [{"code": u.code, "name": u.name, "kind": u.kind} for u in session.scalars(query)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("code", "name", "kind")
    for row in rows:
        table.add_row(row["code"], row["name"], row["kind"])
    console.print(table)


@units_app.command("add")
def units_add(
    parent: Annotated[str, typer.Option(help="Code of the parent unit, e.g. 15.")],
    code: Annotated[str, typer.Option(help="A new code, e.g. 15-BTGDV (letters required).")],
    name: Annotated[str, typer.Option(help="Full Vietnamese name.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(OTHER_KINDS)}.")],
) -> None:
    """Add a non-territorial unit (board, Fatherland Front, labour federation) under a parent."""
    with database_session() as session:
        unit = units.create_unit(
            session,
            actor=None,
            parent=units.find_by_code(session, parent),
            code=code,
            name=name,
            kind=kind,
        )
        typer.echo(f"created {unit.code}: {unit.name}")

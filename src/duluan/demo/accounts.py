"""Demo accounts, and the guard that keeps the demo out of a database holding real data.

Why a guard, and this one: demo accounts have published passwords, and demo documents would mix
with real ones in every count. So the demo refuses to load (accounts included) into a database
that has any source not labelled as the demo's — a deployment that collects anything has one —
unless the operator passes `--force`; and everything the demo creates stays labelled (sources
named `[Mô phỏng] …`, accounts `demo-…`, a strip on every page), so that a database holding demo
data cannot be taken for a production one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.demo import LABEL
from duluan.errors import Conflict
from duluan.ingest.models import Source

# Published in docs/demo.md and printed by `duluan demo`: never use demo accounts for real work.
PASSWORD = "mo-phong-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    display_name: str


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo-admin", "admin", "15", "Quản trị (mô phỏng) – Lào Cai"),
    DemoAccount("demo-analyst", "analyst", "15", "Chuyên viên phân tích (mô phỏng) – Lào Cai"),
    DemoAccount("demo-leader", "leader", "15", "Lãnh đạo (mô phỏng) – Lào Cai"),
    DemoAccount("demo-ctv", "collaborator", "03006", "Cộng tác viên (mô phỏng) – phường Sa Pa"),
)


def holds_demo_data(session: Session) -> bool:
    """Whether any demo source exists (one short query over the small sources table)."""
    found = select(Source.id).where(Source.name.startswith(LABEL, autoescape=True)).limit(1)
    return session.scalar(found) is not None


def check_no_real_data(session: Session) -> None:
    """Conflict if the database has a source that is not the demo's."""
    real = session.scalar(
        select(Source.name).where(~Source.name.startswith(LABEL, autoescape=True)).limit(1)
    )
    if real is not None:
        raise Conflict("demo.real_data", source=real[:80])


def ensure_accounts(session: Session) -> list[DemoAccount]:
    """Create the demo accounts that are missing; the ones created."""
    created = []
    for account in ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == account.username)):
            continue
        users.create_user(
            session,
            actor=None,
            username=account.username,
            password=PASSWORD,
            role=account.role,
            unit=units.find_by_code(session, account.unit_code),
            display_name=account.display_name,
        )
        created.append(account)
    return created

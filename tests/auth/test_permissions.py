from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import ACTIONS, ROLES, scope_filter
from tests.conftest import make_user

DOCS = Path(__file__).parents[2] / "docs" / "permissions.md"


def test_a_grant_covers_the_unit_and_its_descendants(db: Session) -> None:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    lao_cai, hanoi = units.find_by_code(db, "15"), units.find_by_code(db, "01")
    commune = db.scalars(select(OrgUnit).where(OrgUnit.parent_id == lao_cai.id)).first()
    assert commune is not None
    assert analyst.may("units.view", lao_cai.path)
    assert analyst.may("units.view", commune.path)
    assert not analyst.may("units.view", hanoi.path)
    assert not analyst.may("units.view", units.root(db).path)
    assert not analyst.may("users.manage")


def test_scope_filter_keeps_only_rows_inside_the_scope(db: Session) -> None:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    lao_cai = units.find_by_code(db, "15")
    visible = db.scalars(
        select(OrgUnit).where(scope_filter(analyst, "units.view", OrgUnit.path))
    ).all()
    expected = db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(lao_cai.path))).all()
    assert {u.id for u in visible} == {u.id for u in expected}
    assert len(visible) == 1 + len(list(units.children(db, actor=analyst, unit=lao_cai)))


def test_collaborator_has_no_listening_and_nothing_undeclared(db: Session) -> None:
    collaborator = users.actor_for(make_user(db, "ctv.01", "collaborator", "15"))
    assert collaborator.may("network.report")
    assert not collaborator.may("listening.view")
    assert not collaborator.may("units.view")
    assert collaborator.paths_for("audit.view") == ()


def test_every_action_and_role_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert [a for a in ACTIONS if f"`{a}`" not in text] == []
    assert [r for r in ROLES if f"`{r}`" not in text] == []

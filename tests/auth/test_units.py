import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import AuditEvent, OrgUnit
from duluan.errors import BadInput, Conflict, NotFound


def test_map_is_loaded_as_territorial_units(db: Session) -> None:
    kinds = dict(db.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind)).all())
    assert kinds["province"] + kinds["city"] == 34
    assert kinds["commune"] + kinds["ward"] + kinds["special_zone"] == 3321
    assert kinds["central"] == 1


def test_loading_again_adds_nothing(db: Session) -> None:
    before = db.scalar(select(func.count(OrgUnit.id)))
    assert units.load_administrative_map(db) == 0
    db.commit()
    assert db.scalar(select(func.count(OrgUnit.id))) == before


def test_materialised_path_nests_communes_under_their_province(db: Session) -> None:
    lao_cai = units.find_by_code(db, "15")
    root = units.root(db)
    assert lao_cai.path == f"{root.path}{lao_cai.id}/"
    communes = db.scalars(select(OrgUnit).where(OrgUnit.parent_id == lao_cai.id)).all()
    assert communes and all(c.path.startswith(lao_cai.path) and c.depth == 2 for c in communes)
    assert [a.code for a in units.ancestors(db, communes[0])] == ["TW", "15"]


def test_province_codes_accept_one_or_two_digits(db: Session) -> None:
    assert units.find_by_code(db, "1").code == "01"
    assert units.find_by_code(db, " 15 ").name == "Lào Cai"
    with pytest.raises(NotFound):
        units.find_by_code(db, "99")


def test_non_territorial_unit_is_added_under_a_province(db: Session) -> None:
    lao_cai = units.find_by_code(db, "15")
    board = units.create_unit(
        db,
        actor=None,
        parent=lao_cai,
        code="15-BTGDV",
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind="board",
    )
    db.commit()
    assert board.path.startswith(lao_cai.path) and not board.is_territorial
    assert (
        db.scalar(select(AuditEvent.action).where(AuditEvent.target == "15-BTGDV"))
        == "unit.created"
    )


@pytest.mark.parametrize(
    ("code", "kind", "error"),
    [
        ("12345", "board", BadInput),  # digits only would collide with official codes
        ("x y", "board", BadInput),
        ("15-LDLD", "province", BadInput),  # territorial kinds come only from the map
        ("TW", "front", Conflict),
    ],
)
def test_bad_unit_codes_and_kinds_are_refused(
    db: Session, code: str, kind: str, error: type
) -> None:
    before = db.scalar(select(func.count(OrgUnit.id)))
    with pytest.raises(error):
        units.create_unit(db, actor=None, parent=units.root(db), code=code, name="Tên", kind=kind)
    db.rollback()
    assert db.scalar(select(func.count(OrgUnit.id))) == before


def test_search_ignores_diacritics_and_case(db: Session) -> None:
    from duluan.auth import users
    from tests.conftest import make_user

    admin = users.actor_for(make_user(db, "root.admin", "admin", "TW"))
    for typed in ("lao cai", "LÀO CAI", "Lào Cai"):
        assert "Lào Cai" in [u.name for u in units.search(db, actor=admin, text=typed)]
    assert units.search(db, actor=admin, text="15")[0].code == "15"
    assert units.search(db, actor=admin, text="   ") == []

"""The collaborator roster: places on the 2025 map within the managing unit's area, lists of
sectors and strata, contacts kept apart and read by admins only (audited), logins, trainings,
and the scope of each role across two provinces."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent, User
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.network import roster
from duluan.network.models import Collaborator, TrainingAttendance
from duluan.network.roster import Contact, Place
from tests.conftest import make_user

SA_PA = "03006"  # Phường Sa Pa, Lào Cai (15)
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội (01)
JOINED = date(2026, 1, 15)


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _add(
    db: Session, actor: Actor, unit: str = "15", commune: str = SA_PA, **place: str
) -> Collaborator:
    where = Place(
        province_code=place.get("province", "15"),
        commune_code=commune,
        sector=place.get("sector", "economy"),
        stratum=place.get("stratum", "farmers"),
    )
    collaborator = roster.add(
        db,
        actor,
        units.find_by_code(db, unit),
        where,
        Contact("Nguyễn Văn An", phone="0912 345 678"),
        joined_on=JOINED,
    )
    db.commit()
    return collaborator


def test_an_analyst_adds_a_collaborator_whose_roster_entry_holds_no_name(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")

    collaborator = _add(db, analyst)

    assert (collaborator.province_code, collaborator.commune_code) == ("15", SA_PA)
    assert collaborator.status == "active" and collaborator.joined_on == JOINED
    assert "Nguyễn" not in repr(vars(collaborator))
    assert [c.id for c in roster.roster(db, analyst, units.find_by_code(db, "15"))] == [
        collaborator.id
    ]
    actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("network.%"))))
    assert actions == ["network.collaborator_added"]


def test_a_place_outside_the_map_or_the_unit_is_refused_by_name(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")
    contact = Contact("Lê Thị Bình")

    def add(province: str, commune: str, sector: str = "economy", stratum: str = "youth") -> None:
        roster.add(
            db,
            analyst,
            lao_cai,
            Place(province, commune, sector, stratum),
            contact,
            joined_on=JOINED,
        )

    with pytest.raises(BadInput) as unknown:
        add("99", "")
    assert unknown.value.key == "network.errors.province_unknown"
    with pytest.raises(BadInput) as wrong_commune:
        add("15", HOAN_KIEM)
    assert wrong_commune.value.key == "network.errors.commune_unknown"
    with pytest.raises(BadInput) as outside:
        add("01", HOAN_KIEM)
    assert outside.value.key == "network.errors.place_outside_unit"
    with pytest.raises(BadInput) as sector:
        add("15", SA_PA, sector="astrology")
    assert sector.value.key == "network.errors.sector_unknown"
    with pytest.raises(BadInput) as nameless:
        roster.add(
            db,
            analyst,
            lao_cai,
            Place("15", SA_PA, "economy", "youth"),
            Contact("  "),
            joined_on=JOINED,
        )
    assert nameless.value.key == "network.errors.name_required"
    db.rollback()
    assert db.scalar(select(Collaborator.id)) is None


def test_a_commune_unit_covers_only_its_own_commune(db: Session) -> None:
    ward_analyst = _actor(db, "sapa.analyst", "analyst", SA_PA)

    collaborator = _add(db, ward_analyst, unit=SA_PA)
    assert collaborator.commune_code == SA_PA
    with pytest.raises(BadInput) as province_wide:
        _add(db, ward_analyst, unit=SA_PA, commune="")
    assert province_wide.value.key == "network.errors.place_outside_unit"


def test_contacts_are_read_by_the_managing_units_admins_only_and_each_read_is_audited(
    db: Session,
) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    admin = _actor(db, "lc.admin", "admin", "15")
    other_admin = _actor(db, "hn.admin", "admin", "01")
    collaborator = _add(db, analyst)

    found = roster.contact(db, admin, collaborator)
    db.commit()

    assert (found.full_name, found.phone) == ("Nguyễn Văn An", "0912 345 678")
    reads = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "network.contact_read")))
    assert [(e.actor_name, e.target) for e in reads] == [("lc.admin", str(collaborator.id))]
    with pytest.raises(PermissionDenied):
        roster.contact(db, analyst, collaborator)
    with pytest.raises(PermissionDenied):
        roster.contact(db, other_admin, collaborator)


def test_scope_across_two_provinces(db: Session) -> None:
    lao_cai_analyst = _actor(db, "lc.analyst", "analyst", "15")
    hanoi_analyst = _actor(db, "hn.analyst", "analyst", "01")
    leader = _actor(db, "lc.leader", "leader", "15")
    collaborator = _add(db, lao_cai_analyst)
    lao_cai = units.find_by_code(db, "15")

    with pytest.raises(PermissionDenied):
        roster.roster(db, hanoi_analyst, lao_cai)
    with pytest.raises(NotFound):
        roster.get(db, hanoi_analyst, collaborator.id, "network.manage")
    assert roster.get(db, leader, collaborator.id, "network.view") is not None
    with pytest.raises(PermissionDenied):
        roster.get(db, leader, collaborator.id, "network.manage")
    with pytest.raises(PermissionDenied):
        _add(db, leader)


def test_ending_a_collaboration_closes_the_login_and_resuming_opens_it(db: Session) -> None:
    admin = _actor(db, "lc.admin", "admin", "15")
    collaborator = _add(db, admin)
    user = roster.create_login(db, admin, collaborator, "ctv.an", "mat-khau-ctv-an-2026")
    db.commit()
    assert roster.of_user(db, user.id) is collaborator
    assert [g.role for g in user.grants] == ["collaborator"]
    with pytest.raises(BadInput):
        roster.create_login(db, admin, collaborator, "ctv.an2", "mat-khau-ctv-an-2026")

    roster.set_status(db, admin, collaborator, "left", on=date(2026, 9, 1))
    db.commit()
    assert collaborator.left_on == date(2026, 9, 1)
    assert db.get(User, user.id).is_active is False  # type: ignore[union-attr]

    roster.set_status(db, admin, collaborator, "active", on=date(2026, 10, 1))
    assert collaborator.left_on is None and db.get(User, user.id).is_active  # type: ignore[union-attr]
    with pytest.raises(BadInput):
        roster.set_status(db, admin, collaborator, "retired", on=date(2026, 10, 1))


def test_lists_start_with_the_defaults_and_only_root_admins_change_them(db: Session) -> None:
    root_admin = _actor(db, "tw.admin", "admin", "TW")
    province_admin = _actor(db, "lc.admin", "admin", "15")

    strata = [c.code for c in roster.categories(db, "stratum")]
    assert {
        "workers",
        "farmers",
        "intellectuals",
        "ethnic_minorities",
        "religious",
        "veterans",
    } <= set(strata)

    roster.add_category(db, root_admin, "stratum", "fishers", "Ngư dân", "Fishers")
    assert roster.categories(db, "stratum")[-1].code == "fishers"
    with pytest.raises(BadInput):
        roster.add_category(db, root_admin, "stratum", "fishers", "Ngư dân", "")
    with pytest.raises(BadInput):
        roster.add_category(db, root_admin, "stratum", "ngư dân!", "Ngư dân", "")
    with pytest.raises(PermissionDenied):
        roster.add_category(db, province_admin, "sector", "tourism", "Du lịch", "Tourism")

    roster.set_category_active(db, root_admin, "stratum", "fishers", False)
    assert "fishers" not in [c.code for c in roster.categories(db, "stratum")]
    assert roster.category_names(db, "stratum", "vi")["fishers"] == "Ngư dân"  # old rosters


def test_a_training_records_who_of_the_units_network_attended(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    hanoi_analyst = _actor(db, "hn.analyst", "analyst", "01")
    first, second = _add(db, analyst), _add(db, analyst, stratum="youth")
    stranger = _add(db, hanoi_analyst, unit="01", province="01", commune=HOAN_KIEM)
    lao_cai = units.find_by_code(db, "15")

    training = roster.add_training(
        db,
        analyst,
        lao_cai,
        title="Kỹ năng nắm bắt dư luận",
        held_on=date(2026, 5, 20),
        attendees=[first.id, second.id, first.id],
    )
    db.commit()

    attended = db.scalars(
        select(TrainingAttendance.collaborator_id).where(
            TrainingAttendance.training_id == training.id
        )
    )
    assert sorted(attended) == [first.id, second.id]
    assert roster.trainings_attended(db, [first.id, stranger.id]) == {first.id: 1}
    with pytest.raises(BadInput) as foreign:
        roster.add_training(
            db, analyst, lao_cai, title="Lớp 2", held_on=date(2026, 6, 1), attendees=[stranger.id]
        )
    assert foreign.value.key == "network.errors.attendee_unknown"

"""Dialogue sessions and petitions: recorded without citizen names (numbers masked), answered
with status, overdue ones found, each role within its scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.network import petitions
from duluan.network.petitions import PetitionDraft, SessionDraft
from tests.conftest import make_user

SA_PA = "03006"


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def test_a_dialogue_records_petitions_that_are_answered_or_go_overdue(db: Session) -> None:
    analyst = _actor(db, "sapa.analyst", "analyst", SA_PA)
    province = _actor(db, "lc.leader", "leader", "15")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    sa_pa = units.find_by_code(db, SA_PA)
    dialogue = petitions.record_session(
        db,
        analyst,
        sa_pa,
        SessionDraft(
            held_on=date(2026, 9, 5),
            place="Nhà văn hóa tổ dân phố 3",
            units_present="UBND phường, MTTQ phường",
            attendees=86,
        ),
    )
    road = petitions.add_petition(
        db,
        analyst,
        sa_pa,
        PetitionDraft(
            "Đề nghị sửa đường lên bản Cát Cát; liên hệ ông Sơn 0987654321.",
            topic="traffic_safety",
            responsible="UBND phường Sa Pa",
            due_on=date(2026, 10, 5),
        ),
        dialogue=dialogue,
    )
    water = petitions.add_petition(
        db,
        analyst,
        sa_pa,
        PetitionDraft("Nước sinh hoạt yếu vào mùa khô.", due_on=date(2026, 12, 31)),
        dialogue=dialogue,
    )
    db.commit()

    assert (road.province_code, road.commune_code) == ("15", SA_PA)  # from the session
    assert "0987654321" not in road.content and "bản Cát Cát" in road.content
    today = date(2026, 11, 24)
    overdue = petitions.listing(db, province, units.find_by_code(db, "15"), overdue_on=today)
    assert [p.id for p in overdue] == [road.id]

    petitions.answer(db, analyst, water.id, "Đã khoan thêm giếng.", on=date(2026, 11, 1))
    petitions.answer(db, analyst, road.id, "Đã đưa vào kế hoạch 2027.", on=today, close=True)
    db.commit()
    assert (water.status, road.status) == ("answered", "closed")
    assert petitions.listing(db, province, units.find_by_code(db, "15"), overdue_on=today) == []

    with pytest.raises(PermissionDenied):
        petitions.listing(db, hanoi, units.find_by_code(db, "15"))
    with pytest.raises(NotFound):
        petitions.get(db, hanoi, road.id)
    with pytest.raises(PermissionDenied):
        petitions.answer(db, province, road.id, "x", on=today)
    assert [s.id for s in petitions.sessions(db, province, units.find_by_code(db, "15"))] == [
        dialogue.id
    ]


def test_bad_dialogue_and_petition_input_is_refused_by_name(db: Session) -> None:
    analyst = _actor(db, "sapa.analyst", "analyst", SA_PA)
    sa_pa = units.find_by_code(db, SA_PA)

    with pytest.raises(BadInput) as place:
        petitions.record_session(db, analyst, sa_pa, SessionDraft(date(2026, 9, 5), "  "))
    assert place.value.key == "network.errors.place_required"
    with pytest.raises(BadInput) as attendees:
        petitions.record_session(
            db, analyst, sa_pa, SessionDraft(date(2026, 9, 5), "Nhà văn hóa", attendees=-3)
        )
    assert attendees.value.key == "network.errors.attendees"
    with pytest.raises(BadInput) as empty:
        petitions.add_petition(db, analyst, sa_pa, PetitionDraft("   "))
    assert empty.value.key == "network.errors.petition_empty"
    with pytest.raises(BadInput) as outside:
        petitions.add_petition(
            db, analyst, sa_pa, PetitionDraft("Ý kiến", province_code="01", commune_code="00070")
        )
    assert outside.value.key == "network.errors.place_outside_unit"

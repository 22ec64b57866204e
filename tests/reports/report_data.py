"""A month of Lào Cai's data for the report tests, written through the domain services: roll-ups
of two sources (the province's and Sa Pa ward's), an alert escalated into a closed hotspot
case, a survey with a published margin of error, field reports from two wards, a dialogue
session with petitions, and a stored forecast. October 2026 is the period; September the one
before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from duluan.analysis import rollups
from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.ingest import sources
from duluan.network import field_reports, petitions
from duluan.network.field_reports import Draft, Stream
from duluan.network.petitions import PetitionDraft, SessionDraft
from duluan.surveys.publication_models import SurveyPublication
from duluan.warning import cases, forecast
from duluan.warning.forecast_fit import Outcome
from duluan.warning.models import Alert
from tests.conftest import make_user
from tests.surveys.analysis_survey import make_survey

SA_PA, BAO_YEN = "03006", "02947"
OCTOBER_NOON = datetime(2026, 10, 12, 5, tzinfo=UTC)  # 12:00 in Vietnam, 12 October
PHONE = "0912345678"


# A published frequency table in the shape `surveys/publication.py` freezes: the largest shown
# share is the headline; the suppressed cell (whatever it held) never is.
SATISFACTION = {
    "kind": "frequency",
    "wording": "Ông/bà có hài lòng không?",
    "rows": [
        [{"label": "Có", "share": 0.625, "ci_low": 0.55, "ci_high": 0.70, "suppressed": False}],
        [{"label": "Không", "share": 0.3, "ci_low": 0.23, "ci_high": 0.37, "suppressed": False}],
        [{"label": "Khác", "share": None, "ci_low": None, "ci_high": None, "suppressed": True}],
    ],
}


def actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def count(db: Session, unit: str, name: str, when: datetime, sentiment: str, topics: list[str],
          times: int, place: str = "15") -> None:  # fmt: skip
    """`times` documents of one source (made on first use) into the roll-ups."""
    source = sources.add_source(db, None, unit=units.find_by_code(db, unit), kind="push", name=name)
    counted = rollups.Counted(when, source.unit_id, source.id, "post", sentiment, topics, place)
    rollups.add(db, [counted] * times)


def listening(db: Session) -> None:
    """October: 10 land (6 negative), 4 economy (positive), 2 education (neutral, Sa Pa's
    source); September: 5 land (1 negative); Hà Nội's 50 are out of scope."""
    count(db, "15", "Báo Lào Cai", OCTOBER_NOON, "negative", ["land_projects"], 6)
    count(db, "15", "Báo Lào Cai 2", OCTOBER_NOON, "neutral", ["land_projects"], 4)
    count(db, "15", "Báo Lào Cai 3", OCTOBER_NOON + timedelta(days=3), "positive",
          ["economy_livelihood"], 4)  # fmt: skip
    count(db, SA_PA, "Trang Sa Pa", OCTOBER_NOON, "neutral", ["education"], 2)
    september = OCTOBER_NOON - timedelta(days=30)
    count(db, "15", "Báo Lào Cai 4", september, "negative", ["land_projects"], 1)
    count(db, "15", "Báo Lào Cai 5", september, "neutral", ["land_projects"], 4)
    count(db, "01", "Báo Hà Nội", OCTOBER_NOON, "negative", ["land_projects"], 50, place="01")
    db.commit()


def hotspot(db: Session) -> None:
    """Two October alerts on land in Lào Cai; one escalated into a case closed on 20 October."""
    lao_cai = units.find_by_code(db, "15").id
    made = []
    for hours in (0, 48):
        start = OCTOBER_NOON + timedelta(hours=hours)
        made.append(
            Alert(unit_id=lao_cai, detector="volume_burst", topic="land_projects",
                  province_code="15", window_start=start, window_end=start + timedelta(hours=2),
                  observed=24.0, expected=6.0, significance=1e-6, documents=24, state="open")
        )  # fmt: skip
    db.add_all(made)
    db.commit()
    analyst = actor(db, "lc.analyst", "analyst", "15")
    case = cases.escalate(db, analyst, made[0].id, title="Thu hồi đất ở Bảo Yên")
    cases.set_status(db, analyst, case.id, "closed", "Đã đối thoại với các hộ dân, điều chỉnh giá.")
    case.opened_at = OCTOBER_NOON
    case.closed_at = OCTOBER_NOON + timedelta(days=8)
    db.commit()


def survey(db: Session) -> None:
    """A survey of 30 responses, fieldwork 1–20 October, published with a 3.1 % margin."""
    found = make_survey(db, responses=30)
    found.fieldwork_start, found.fieldwork_end = date(2026, 10, 1), date(2026, 10, 20)
    db.add(
        SurveyPublication(
            survey_id=found.id,
            slug="khao-sat-thu",
            transparency={"margin_of_error": 0.031, "sample_size": 30},
            spec={},
            results={"tables": [SATISFACTION]},
        )
    )
    db.commit()


def reports(db: Session) -> None:
    """Sa Pa's monthly report for October (two streams, one with a phone number), Bảo Yên's
    urgent report of 12 October, and Bảo Yên's September report (another period)."""
    sa_pa, bao_yen = actor(db, "sapa", "analyst", SA_PA), actor(db, "baoyen", "analyst", BAO_YEN)
    field_reports.submit(db, sa_pa, units.find_by_code(db, SA_PA), Draft(
        instance_id="uuid:sapa-10", kind="periodic", cadence="monthly", period="2026-10",
        streams=(
            Stream("Khách du lịch đông, giá phòng tăng.", "many", "positive", "economy_livelihood"),
            Stream(f"Lo rác thải ở suối Mường Hoa, gọi {PHONE}.", "some", "negative",
                   "environment"),
        ),
    ))  # fmt: skip
    field_reports.submit(db, bao_yen, units.find_by_code(db, BAO_YEN), Draft(
        instance_id="uuid:baoyen-urgent", kind="urgent", title="Lũ quét",
        occurred_on=date(2026, 10, 12),
        streams=(Stream("Dân lo thiếu nước sạch sau lũ.", "widespread", "negative",
                        "disaster_epidemic"),),
    ))  # fmt: skip
    field_reports.submit(db, bao_yen, units.find_by_code(db, BAO_YEN), Draft(
        instance_id="uuid:baoyen-09", kind="periodic", cadence="monthly", period="2026-09",
        streams=(Stream("Bà con hỏi về giá lúa.", "some", "neutral", "economy_livelihood"),),
    ))  # fmt: skip
    db.commit()


def dialogue(db: Session) -> None:
    """A session in Sa Pa on 10 October (120 attendees, three petitions: one answered, one
    overdue since 15 October, one due later) and one in September with one petition."""
    analyst = actor(db, "sapa.petitions", "analyst", SA_PA)
    sa_pa = units.find_by_code(db, SA_PA)
    october = petitions.record_session(
        db,
        analyst,
        sa_pa,
        SessionDraft(held_on=date(2026, 10, 10), place="Nhà văn hoá", attendees=120),
    )
    road, _, _ = (
        petitions.add_petition(db, analyst, sa_pa, PetitionDraft(text, topic=topic, due_on=due),
                               dialogue=october)
        for text, topic, due in (
            ("Sửa đường lên bản Cát Cát.", "traffic_safety", date(2026, 10, 30)),
            ("Nước sinh hoạt yếu.", "social_welfare", date(2026, 10, 15)),
            ("Thêm lớp học mầm non.", "education", date(2026, 12, 31)),
        )
    )  # fmt: skip
    petitions.answer(db, analyst, road.id, "Đã đưa vào kế hoạch quý IV.", on=date(2026, 10, 25))
    september = petitions.record_session(
        db,
        analyst,
        sa_pa,
        SessionDraft(held_on=date(2026, 9, 5), place="Nhà văn hoá", attendees=40),
    )
    petitions.add_petition(db, analyst, sa_pa, PetitionDraft("Đèn đường hỏng."), dialogue=september)
    db.commit()


def stored_forecast(db: Session) -> None:
    """Lào Cai's forecast of all topics: 20 a day lately, 26 (22–30) expected over 7 days."""
    horizon = [
        {"day": (date(2026, 11, 1) + timedelta(days=i)).isoformat(), "mean": 26.0,
         "lo80": 22.0, "hi80": 30.0, "lo95": 20.0, "hi95": 32.0}
        for i in range(7)
    ]  # fmt: skip
    history = [((date(2026, 10, 31) - timedelta(days=i)).isoformat(), 20.0) for i in range(14)]
    outcome = Outcome(
        unit_id=units.find_by_code(db, "15").id, topic=rollups.ALL, measure="volume",
        last_day=date(2026, 10, 31), history=history[::-1], model_error=2.0, baseline_error=4.0,
        coverage={80: 0.8, 95: 0.95}, horizon=horizon,
    )  # fmt: skip
    forecast.store(db, [outcome], made_at=datetime(2026, 11, 1, 1, tzinfo=UTC))
    db.commit()


def load_october(db: Session) -> None:
    listening(db)
    hotspot(db)
    survey(db)
    reports(db)
    dialogue(db)
    stored_forecast(db)

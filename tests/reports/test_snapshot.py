"""The report snapshot: every figure of a unit and its sub-units for the period and the one
before, read through the domain tables; JSON-able, aggregate, and nothing about who said what."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.reports.periods import parse_period
from duluan.reports.snapshot import take_snapshot
from duluan.surveys.publication_models import SurveyPublication
from tests.reports.report_data import PHONE, SA_PA, SATISFACTION, load_october
from tests.surveys.analysis_survey import make_survey

OCTOBER = parse_period("monthly", "2026-10")


def test_the_snapshot_of_a_province_holds_the_month_and_the_one_before(db: Session) -> None:
    load_october(db)
    lao_cai = units.find_by_code(db, "15")

    found = take_snapshot(db, lao_cai.id, OCTOBER)

    assert found["version"] == 1 and found["taken_at"]
    assert found["period"]["label"] == "2026-10" and found["period"]["words"] == "tháng 10 năm 2026"
    assert found["previous_period"]["label"] == "2026-09"
    listening = found["listening"]
    assert (listening["documents"], listening["previous_documents"]) == (16, 5)  # Hà Nội's out
    negative = listening["tone"]["negative"]
    assert (negative["count"], negative["total"]) == (6, 16)
    assert negative["low"] < 6 / 16 < negative["high"]
    assert listening["previous_tone"]["negative"]["count"] == 1
    land = listening["topics"][0]
    assert (land["topic"], land["documents"], land["previous"]) == ("land_projects", 10, 5)
    assert land["name"].startswith("Đất đai") and land["negative"]["count"] == 6
    assert [t["topic"] for t in listening["topics"]] == [
        "land_projects",
        "economy_livelihood",
        "education",
    ]
    assert [(p["code"], p["documents"]) for p in listening["provinces"]] == [("15", 16)]
    assert listening["sources"][0]["name"] == "Báo Lào Cai"
    timeline = listening["timeline"]
    assert timeline["step"] == "day" and len(timeline["starts"]) == 31
    assert sum(timeline["documents"]) == 16 and timeline["documents"][11] == 12  # 12 October


def test_alerts_cases_surveys_reports_petitions_and_forecast(db: Session) -> None:
    load_october(db)
    found = take_snapshot(db, units.find_by_code(db, "15").id, OCTOBER)

    assert found["alerts"]["total"] == 2
    assert found["alerts"]["by_state"] == {"escalated": 1, "open": 1}
    case = found["cases"]["rows"][0]
    assert (found["cases"]["opened"], found["cases"]["closed"]) == (1, 1)
    assert (case["status"], case["opened_on"], case["closed_on"]) == (
        "closed",
        "2026-10-12",
        "2026-10-20",
    )
    assert case["summary"].startswith("Đã đối thoại")
    (survey,) = found["surveys"]
    assert (survey["responses"], survey["published"], survey["margin_of_error"]) == (
        30,
        True,
        0.031,
    )
    reports = found["field_reports"]
    assert (reports["reports"], reports["urgent"], reports["units_reporting"]) == (2, 1, 2)
    assert reports["streams"] == 3 and reports["by_tone"] == {"positive": 1, "negative": 2}
    petitions = found["petitions"]
    assert (petitions["sessions"], petitions["attendees"], petitions["received"]) == (1, 120, 3)
    assert petitions["by_status"] == {"answered": 1, "open": 2}
    assert (petitions["answered_in_period"], petitions["overdue"]) == (1, 1)
    (series,) = found["forecast"]["series"]
    assert (series["recent"], series["expected"], series["trend"]) == (20.0, 26.0, "rising")
    assert (series["lo80"], series["hi80"]) == (22.0, 30.0)
    assert found["forecast"]["horizon_days"] == 7 and found["forecast"]["model_version"]


def test_quotes_say_where_and_when_never_who_and_the_snapshot_is_json(db: Session) -> None:
    load_october(db)
    found = take_snapshot(db, units.find_by_code(db, "15").id, OCTOBER)

    quotes = found["field_reports"]["quotes"]
    assert len(quotes) == 3
    assert quotes[0]["text"] == "Dân lo thiếu nước sạch sau lũ."  # the most widespread first
    assert {q["unit"] for q in quotes} == {"Phường Sa Pa", "Xã Bảo Yên"}
    assert {q["date"] for q in quotes} >= {"2026-10-12"}
    written = json.dumps(found, ensure_ascii=False)
    assert json.loads(written) == found
    assert PHONE not in written
    for name in ("sapa", "baoyen", "Sapa", "Baoyen", "lc.analyst", "Lc.Analyst"):
        assert f'"{name}"' not in written and f" {name} " not in written


def test_a_ward_sees_only_its_own_data(db: Session) -> None:
    load_october(db)
    found = take_snapshot(db, units.find_by_code(db, SA_PA).id, OCTOBER)

    assert found["listening"]["documents"] == 2
    assert found["alerts"]["total"] == 0 and found["cases"]["total"] == 0
    assert found["surveys"] == []
    assert found["field_reports"]["reports"] == 1 and found["petitions"]["received"] == 3
    assert found["forecast"]["series"] == []


def test_an_empty_unit_gives_zeros_not_errors(db: Session) -> None:
    found = take_snapshot(db, units.find_by_code(db, "01").id, parse_period("annual", "2026"))
    assert found["listening"]["documents"] == 0 and found["listening"]["topics"] == []
    assert found["listening"]["timeline"]["step"] == "week"
    assert found["listening"]["tone"]["negative"]["share"] == 0.0
    assert found["cases"]["rows"] == [] and found["field_reports"]["quotes"] == []
    json.dumps(found)


@pytest.mark.parametrize("kind,text", [("quarterly", "2026-Q4"), ("urgent", "2026-10-12")])
def test_other_periods_take_the_reports_of_their_days(db: Session, kind: str, text: str) -> None:
    load_october(db)
    found = take_snapshot(db, units.find_by_code(db, "15").id, parse_period(kind, text))
    reports = found["field_reports"]
    if kind == "quarterly":  # October's monthly and urgent reports lie within Q4
        assert reports["reports"] == 2
    else:  # the day of the flood: only the urgent report
        assert (reports["reports"], reports["urgent"]) == (1, 1)


def test_a_survey_published_in_the_period_counts_without_fieldwork_dates(db: Session) -> None:
    found = make_survey(db, responses=12)
    found.fieldwork_start = found.fieldwork_end = None
    published = SurveyPublication(
        survey_id=found.id,
        slug="cong-bo-thang-10",
        transparency={"margin_of_error": 0.05, "sample_size": 12},
        spec={},
        results={"tables": [SATISFACTION]},
        published_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC),  # 23:30 on 31 October in Vietnam
    )
    db.add(published)
    db.commit()
    lao_cai = units.find_by_code(db, "15")

    (row,) = take_snapshot(db, lao_cai.id, OCTOBER)["surveys"]
    assert row["fieldwork_end"] is None and row["published"]
    assert row["findings"] == [
        {"question": "Ông/bà có hài lòng không?", "answer": "Có", "share": 0.625,
         "ci_low": 0.55, "ci_high": 0.70}
    ]  # fmt: skip
    assert take_snapshot(db, lao_cai.id, parse_period("monthly", "2026-11"))["surveys"] == []

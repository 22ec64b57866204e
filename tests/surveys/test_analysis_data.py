"""A survey's responses as the estimation engine's frame: one row per response that was not
rejected (approved only on request), choices as text, multiple choices as 0/1 columns, numbers as
floats, the facts beside them, free text left out."""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.ingest.dates import VIETNAM_TIME
from duluan.surveys import analysis_data
from duluan.surveys.models import Response
from tests.surveys.analysis_survey import make_survey


def test_one_row_per_response_with_typed_columns_and_facts(db: Session) -> None:
    survey = make_survey(db, responses=12)

    data = analysis_data.load(db, survey)

    frame = data.frame
    assert data.size == 12 and not data.approved_only
    assert list(frame.columns) == [
        "_response_id",
        "_channel",
        "_version",
        "_received_day",
        "_unit",
        "gioi_tinh",
        "nhom_tuoi",
        "tuoi",
        "hai_long",
        "dich_vu__ho_tich",
        "dich_vu__dat_dai",
        "dich_vu__y_te",
    ]  # the free-text comment is not analysed
    stored = db.scalars(select(Response).order_by(Response.id)).all()
    first = stored[0].answers
    assert frame["gioi_tinh"][0] == first["gioi_tinh"]
    assert frame["tuoi"].dtype == float and frame["tuoi"][0] == float(first["tuoi"])
    chosen = set(first.get("dich_vu", "").split())
    for choice in ("ho_tich", "dat_dai", "y_te"):
        value = frame[f"dich_vu__{choice}"][0]
        assert math.isnan(value) if not chosen else value == float(choice in chosen)
    assert set(frame["_channel"]) == {"web", "paper"}
    assert frame["_version"][0] == "1" and frame["_unit"][0] == survey.unit_id
    assert (
        frame["_received_day"][0]
        == stored[0].received_at.astimezone(VIETNAM_TIME).date().isoformat()
    )
    assert data.variables["hai_long"].label_of("co") == "Hài lòng"


def test_unanswered_multiple_choice_is_missing_not_zero(db: Session) -> None:
    survey = make_survey(db, responses=40)
    data = analysis_data.load(db, survey)
    answered = [bool(r.answers.get("dich_vu")) for r in db.scalars(select(Response))]

    missing = data.frame["dich_vu__y_te"].isna()

    assert not all(answered) and list(~missing) == answered


def test_rejected_responses_are_left_out_and_approved_only_on_request(db: Session) -> None:
    survey = make_survey(db, responses=10)
    stored = db.scalars(select(Response).order_by(Response.id)).all()
    stored[0].status = "rejected"
    stored[1].status = "approved"
    stored[2].status = "approved"
    db.commit()

    everyone = analysis_data.load(db, survey)
    approved = analysis_data.load(db, survey, approved_only=True)

    assert everyone.size == 9 and stored[0].id not in set(everyone.frame["_response_id"])
    assert list(approved.frame["_response_id"]) == [stored[1].id, stored[2].id]
    assert approved.approved_only

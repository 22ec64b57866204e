"""Publishing survey results: small cells and their complementary cells suppressed, the AAPOR
items required (a Vietnamese message naming each missing one), the saved spec re-running through
`duluan survey estimate` to the published numbers, the anonymised microdata (no free text, no
metadata, masked numbers, rare answers recoded), republishing and withdrawing."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import users
from duluan.auth.models import AuditEvent, User
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.i18n import translate
from duluan.surveys import publication, service, weighting
from duluan.surveys.publication_microdata import OTHER
from duluan.surveys.publication_suppression import suppress
from duluan.surveys.weighting_models import WeightingScheme
from tests.conftest import make_user
from tests.surveys.analysis_survey import SHARES, make_survey

ITEMS = {
    "sponsor": "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai",
    "conducted_by": "Trung tâm Dư luận xã hội",
    "fieldwork_start": "2026-10-01",
    "fieldwork_end": "2026-10-20",
    "population": "Người dân từ 18 tuổi ở Lào Cai",
    "sampling": "Mẫu hạn ngạch theo giới tính và nhóm tuổi",
    "modes": "Trực tuyến, phiếu giấy",
    "weighting": "Raking theo giới tính và nhóm tuổi (Điều tra dân số 2024)",
}


def _owner(db: Session) -> Actor:
    return users.actor_for(db.scalars(select(User).where(User.username == "lc.owner")).one())


def _scheme(db: Session, survey_id: int) -> WeightingScheme:
    request = weighting.SchemeInput(name="Dân số 2024", text=SHARES, kind="share")
    return weighting.compute_scheme(db, actor=_owner(db), survey_id=survey_id, request=request)


def _request(**changes: Any) -> publication.PublicationRequest:
    chosen: dict[str, Any] = {
        "questions": ["hai_long", "gioi_tinh"],
        "crosstabs": [("hai_long", "nhom_tuoi")],
        "transparency": dict(ITEMS),
        "microdata": True,
    }
    return publication.PublicationRequest(**(chosen | changes))


def _cells(n: list[list[int]]) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]]]:
    rows = [[{"n": v, "share": 0.5, "se": 0.1, "suppressed": False} for v in row] for row in n]
    columns = [{"n": sum(row[i] for row in n), "suppressed": False} for i in range(len(n[0]))]
    return rows, columns


def _hidden(rows: list[list[dict[str, Any]]]) -> list[list[bool]]:
    return [[cell["suppressed"] for cell in row] for row in rows]


def test_a_small_cell_and_its_complementary_cell_are_suppressed_and_blanked() -> None:
    rows, columns = _cells([[40], [4], [25], [0]])
    suppress(rows, columns, 10)
    # 4 < 10; alone it could be given back as 69 − 40 − 25, so the smallest other (25) goes too.
    assert _hidden(rows) == [[False], [True], [True], [False]]
    assert rows[1][0]["share"] is None and rows[1][0]["n"] is None
    assert rows[2][0]["share"] is None
    assert rows[3][0]["n"] == 0  # an empty cell singles nobody out
    assert columns[0]["n"] == 69


def test_crosstab_suppression_covers_columns_and_rows_until_no_cell_stands_alone() -> None:
    #          col A  col B  col C
    rows, columns = _cells([[30, 5, 40], [20, 25, 3], [50, 60, 70]])
    suppress(rows, columns, 10)
    hidden = _hidden(rows)
    for line in hidden + [list(col) for col in zip(*hidden, strict=True)]:
        assert line.count(True) != 1, hidden
    assert hidden[0][1] and hidden[1][2]
    # A column whose base is under the minimum is suppressed whole, its base too.
    rows, columns = _cells([[30, 5], [20, 3], [50, 0]])
    suppress(rows, columns, 10)
    assert columns[1]["suppressed"] and columns[1]["n"] is None
    assert [row[1]["suppressed"] for row in rows] == [True, True, True]
    # One respondent in a third group: its column goes, with one complementary cell per row
    # and column, and the largest group stays readable (its empty cell hides nothing more).
    rows, columns = _cells([[45, 55, 1], [28, 31, 0]])
    suppress(rows, columns, 10)
    assert _hidden(rows) == [[True, False, True], [True, False, True]]


def test_publishing_freezes_weighted_results_with_spec_and_transparency(db: Session) -> None:
    survey = make_survey(db, responses=150)
    scheme = _scheme(db, survey.id)
    found = publication.publish(
        db, actor=_owner(db), survey_id=survey.id, request=_request(scheme_id=scheme.id)
    )
    db.commit()

    assert len(found.slug) >= 24
    results = found.results
    assert results["weighted"] and results["scheme"] == "Dân số 2024"
    assert results["sample_size"] == 150
    frequency = results["tables"][0]
    assert frequency["wording"] == "Ông/bà có hài lòng không?"
    assert frequency["choices"] == [["co", "Hài lòng"], ["khong", "Chưa hài lòng"]]
    shares = [row[0]["share"] for row in frequency["rows"]]
    assert sum(shares) == pytest.approx(1.0)
    cell = frequency["rows"][0][0]
    assert cell["ci_low"] < cell["share"] < cell["ci_high"] and cell["se"] > 0
    assert cell["moe"] == pytest.approx(1.959964 * cell["se"], rel=1e-6)
    # The margin of error of the whole sample at 50 %, with Kish's design effect of the weights.
    weights = list(scheme.weights.values())
    deff = len(weights) * sum(w * w for w in weights) / sum(weights) ** 2
    assert results["design_effect"] == pytest.approx(deff)
    expected = 1.959964 * math.sqrt(deff * 0.25 / 150)
    assert found.transparency["margin_of_error"] == pytest.approx(expected, rel=1e-6)
    assert found.transparency["sponsor"] == ITEMS["sponsor"]
    assert found.transparency["sample_size"] == 150
    assert found.spec["adjust"][0]["method"] == "rake"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "survey.published")).one()
    assert event.detail["slug"] == found.slug and event.unit_id == survey.unit_id


def test_missing_transparency_items_are_refused_naming_each_item(db: Session) -> None:
    survey = make_survey(db, responses=30)
    items = dict(ITEMS, sponsor="  ", fieldwork_end="")
    with pytest.raises(BadInput) as refused:
        publication.publish(
            db, actor=_owner(db), survey_id=survey.id, request=_request(transparency=items)
        )
    assert refused.value.params["items"] == "sponsor,fieldwork_end"
    message = publication.missing_message(refused.value, "vi")
    assert "Đơn vị đặt hàng, tài trợ; Ngày" in message and "Ngày kết thúc khảo sát" in message
    assert publication.publication_of(db, survey) is None


def test_the_saved_spec_reruns_through_the_cli_to_the_published_numbers(
    db: Session, tmp_path: Path
) -> None:
    survey = make_survey(db, responses=150)
    scheme = _scheme(db, survey.id)
    found = publication.publish(
        db, actor=_owner(db), survey_id=survey.id, request=_request(scheme_id=scheme.id)
    )
    db.commit()
    (tmp_path / "spec.json").write_text(json.dumps(found.spec), encoding="utf-8")
    (tmp_path / "data.csv").write_text(found.microdata_csv or "", encoding="utf-8")

    result = CliRunner().invoke(
        app,
        ["survey", "estimate", str(tmp_path / "data.csv"), "--spec", str(tmp_path / "spec.json"),
         "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    rerun = json.loads(result.output)["estimates"]
    by_key = {
        (r["stat"], r["var"], json.dumps(r["by"], sort_keys=True), str(r["level"])): r
        for r in rerun
    }
    compared = 0
    for table in found.results["tables"]:
        for row in table["rows"]:
            for column, cell in zip(table["columns"], row, strict=True):
                if cell["suppressed"] or cell["n"] == 0:
                    continue
                stat = "crosstab" if table["by"] else "proportion"
                by = {table["by"]: column["level"]} if table["by"] else None
                key = (stat, table["question"], json.dumps(by, sort_keys=True), cell["level"])
                assert by_key[key]["estimate"] == pytest.approx(cell["share"], abs=1e-12)
                assert by_key[key]["se"] == pytest.approx(cell["se"], abs=1e-12)
                compared += 1
    assert compared >= 8


def test_microdata_holds_no_free_text_metadata_or_rare_answers(db: Session) -> None:
    survey = make_survey(db, responses=40)
    version = service.current_version(db, survey)
    phone = "0912 345 678"
    rare = {"gioi_tinh": "nu", "nhom_tuoi": "gia", "hai_long": "co", "y_kien": f"Gọi {phone}"}
    for index in range(3):
        service.store_response(
            db, survey, version, dict(rare, gioi_tinh="khac"), instance_id=f"uuid:r{index}",
            channel="web", unit_id=survey.unit_id,
        )  # fmt: skip
    db.commit()
    found = publication.publish(db, actor=_owner(db), survey_id=survey.id, request=_request())
    db.commit()

    text = found.microdata_csv or ""
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["stt", "hai_long", "gioi_tinh", "nhom_tuoi"]
    assert [row["stt"] for row in rows] == [str(i) for i in range(1, 44)]
    assert "Nhanh hơn" not in text and "0912" not in text and "uuid" not in text
    assert "khac" not in {row["gioi_tinh"] for row in rows}  # 3 answers < 10: recoded
    assert sum(row["gioi_tinh"] == OTHER for row in rows) == 3


def test_calculated_values_that_look_like_phone_numbers_are_masked() -> None:
    import numpy as np
    import pandas as pd

    from duluan.surveys.analysis_data import Variable
    from duluan.surveys.publication_microdata import build

    frame = pd.DataFrame({"ma": ["0912345678"] * 12 + ["A"] * 12})
    variables = {"ma": Variable("ma", "Mã", "calculate")}
    text = build(frame, variables, ["ma"], np.ones(24), 10)
    assert "0912345678" not in text and "[SĐT]" in text
    assert text.splitlines()[0] == "stt,ma,trong_so"


def test_republish_replaces_and_withdraw_takes_the_page_down(db: Session) -> None:
    survey = make_survey(db, responses=60)
    owner = _owner(db)
    first = publication.publish(db, actor=owner, survey_id=survey.id, request=_request())
    slug = first.slug
    again = publication.publish(
        db, actor=owner, survey_id=survey.id, request=_request(questions=["gioi_tinh"])
    )
    db.commit()
    assert again.id == first.id and again.slug == slug
    assert [t["question"] for t in again.results["tables"]] == ["gioi_tinh", "hai_long"]
    assert publication.live(db, slug)[0].id == first.id

    publication.withdraw(db, actor=owner, survey_id=survey.id)
    db.commit()
    with pytest.raises(NotFound):
        publication.live(db, slug)
    with pytest.raises(NotFound):
        publication.live(db, "khong-co-trang-nay")
    back = publication.publish(db, actor=owner, survey_id=survey.id, request=_request())
    assert back.slug != slug  # a withdrawn address stays gone
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.pub%")))
    assert sorted(actions) == [
        "survey.publication_withdrawn",
        "survey.published",
        "survey.published",
        "survey.published",
    ]


def test_another_units_staff_cannot_publish(db: Session) -> None:
    survey = make_survey(db, responses=20)
    other = users.actor_for(make_user(db, "hn.owner", "analyst", "01"))
    with pytest.raises((PermissionDenied, NotFound)):
        publication.publish(db, actor=other, survey_id=survey.id, request=_request())


def test_bad_choices_get_clear_messages(db: Session) -> None:
    survey = make_survey(db, responses=20)
    owner = _owner(db)
    for request, key in (
        (_request(questions=["tuoi"], crosstabs=[]), "not_single_choice"),
        (_request(questions=[], crosstabs=[]), "no_tables"),
        (_request(crosstabs=[("hai_long", "hai_long")]), "same_question"),
        (_request(min_cell_count=1), "min_cell"),
        (_request(transparency=dict(ITEMS, fieldwork_start="20/10/2026")), "bad_date"),
    ):
        with pytest.raises(BadInput) as refused:
            publication.publish(db, actor=owner, survey_id=survey.id, request=request)
        assert refused.value.key == f"survey_publication.errors.{key}"
        assert translate(refused.value.key, "vi", **refused.value.params) != refused.value.key

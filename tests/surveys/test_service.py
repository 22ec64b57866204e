"""Surveys as staff manage them: created from an XLSForm within scope, versions that responses
can tell apart, responses stored once per instance, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.cli import app
from duluan.errors import BadInput, Conflict, NotFound, PermissionDenied
from duluan.surveys import service
from duluan.surveys.models import Response, ResponseChange, SurveyVersion
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_form, opinion_xlsx

ANSWERS = {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co", "nhom_tuoi": "trung_nien"}


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def test_an_analyst_creates_a_survey_of_their_unit_from_an_xlsform(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    lao_cai = units.find_by_code(db, "15")

    survey = service.create_survey(db, analyst, lao_cai, opinion_form(), filename="y_kien.xlsx")
    db.commit()

    assert survey.status == "draft" and survey.unit_id == lao_cai.id
    assert survey.title == "Ý kiến về dịch vụ công" and len(survey.access_token) >= 32
    version = service.current_version(db, survey)
    assert version.number == 1 and version.form_version == "1"  # none in the file: its number
    assert 'version="1"' in version.xform
    form = service.form_of(version)
    assert form.find("xa") is not None and form.version == "1"
    assert service.form_of(version) is form  # parsed once
    events = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.%")))
    assert list(events) == ["survey.created"]
    assert [s.id for s in service.visible_surveys(db, analyst)] == [survey.id]
    hanoi = _actor(db, "hn.analyst", "analyst", "01")
    assert service.visible_surveys(db, hanoi) == []
    with pytest.raises(NotFound):
        service.get_survey(db, hanoi, survey.id)


def test_only_staff_who_manage_may_create_and_form_ids_are_unique(db: Session) -> None:
    lao_cai = units.find_by_code(db, "15")
    leader = _actor(db, "lc.leader", "leader", "15")
    with pytest.raises(PermissionDenied):
        service.create_survey(db, leader, lao_cai, opinion_form())
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    with pytest.raises(PermissionDenied):  # another province
        service.create_survey(db, analyst, units.find_by_code(db, "01"), opinion_form())
    service.create_survey(db, analyst, lao_cai, opinion_form())
    with pytest.raises(Conflict) as taken:
        service.create_survey(db, analyst, lao_cai, opinion_form())
    assert taken.value.params["form_id"] == "y_kien_dich_vu_cong"


def test_versions_are_numbered_and_told_apart(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    survey = service.create_survey(
        db, analyst, units.find_by_code(db, "15"), opinion_form(version="2026-11")
    )

    second = service.add_version(db, analyst, survey.id, opinion_form(version="2026-12"))

    assert (second.number, second.form_version) == (2, "2026-12")
    assert service.current_version(db, survey).id == second.id
    with pytest.raises(BadInput) as used:
        service.add_version(db, analyst, survey.id, opinion_form(version="2026-11"))
    assert used.value.key == "surveys.errors.version_used"
    with pytest.raises(BadInput) as other:
        service.add_version(db, analyst, survey.id, opinion_form(form_id="khac", version="3"))
    assert other.value.params == {"expected": "y_kien_dich_vu_cong", "found": "khac"}
    assert db.scalar(select(func.count()).select_from(SurveyVersion)) == 2


def test_a_response_is_stored_once_per_instance(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    version = service.current_version(db, survey)

    first = service.store_response(
        db, survey, version, ANSWERS, instance_id="uuid:a1", channel="web", unit_id=survey.unit_id
    )
    again = service.store_response(
        db,
        survey,
        version,
        {**ANSWERS, "tuoi": "99"},
        instance_id=" uuid:a1 ",
        channel="web",
        unit_id=survey.unit_id,
    )
    db.commit()

    assert first.created and not again.created and again.response.id == first.response.id
    assert again.response.answers["tuoi"] == "34"  # the resend changed nothing
    assert db.scalar(select(func.count()).select_from(Response)) == 1
    assert db.scalar(select(func.count()).select_from(ResponseChange)) == 1
    for bad in ("", "x" * 101):
        with pytest.raises(BadInput):
            service.store_response(
                db, survey, version, ANSWERS, instance_id=bad, channel="web", unit_id=1
            )


@pytest.mark.usefixtures("cli_database")
def test_the_command_line_imports_an_xlsform(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "y_kien.xlsx"
    path.write_bytes(opinion_xlsx(version="v1"))
    runner = CliRunner()

    done = runner.invoke(app, ["survey", "import-xlsform", str(path), "--unit", "15", "--json"])

    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["form_id"] == "y_kien_dich_vu_cong" and result["version"] == "v1"
    assert result["questions"] == 6 and isinstance(result["survey_id"], int)
    again = runner.invoke(app, ["survey", "import-xlsform", str(path), "--json"])
    assert again.exit_code == 2 and "y_kien_dich_vu_cong" in again.stderr
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    refused = runner.invoke(app, ["survey", "import-xlsform", str(broken)])
    assert refused.exit_code == 2 and "hong.xlsx" in refused.stderr


@pytest.mark.usefixtures("cli_database")
def test_the_command_line_exports_answers_for_statistics_packages(
    db: Session, tmp_path: Path
) -> None:
    import pyreadstat

    analyst = _actor(db, "lc.analyst", "analyst", "15")
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    version = service.current_version(db, survey)
    for i, (age, happy) in enumerate((("34", "co"), ("61", "khong"))):
        answers = {**ANSWERS, "tuoi": age, "hai_long": happy}
        service.store_response(
            db, survey, version, answers, instance_id=f"uuid:{i}", channel="odk", unit_id=1
        )
    db.commit()
    runner = CliRunner()

    for kind in ("sav", "dta", "csv", "xlsx"):
        out = tmp_path / f"y_kien.{kind}"
        done = runner.invoke(
            app, ["survey", "export", str(survey.id), "--format", kind, "-o", str(out)]
        )
        assert done.exit_code == 0, done.output
        assert out.stat().st_size > 0 and "2 responses" in done.stdout
    frame, meta = pyreadstat.read_sav(str(tmp_path / "y_kien.sav"))
    assert list(frame["tuoi"]) == [34.0, 61.0]
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["tuoi"] == "Tuổi"
    assert list(frame["tinh"]) == [15.0, 15.0]  # provinces are coded by numbers: labelled
    assert meta.variable_value_labels["tinh"][15] == "Lào Cai"
    frame, meta = pyreadstat.read_dta(str(tmp_path / "y_kien.dta"))
    assert list(frame["hai_long"]) == ["co", "khong"]  # coded by words: kept as text
    refused = runner.invoke(app, ["survey", "export", str(survey.id), "--format", "pdf", "-o", "x"])
    assert refused.exit_code == 2 and "pdf" in refused.stderr
    exported = db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "survey.exported"))
    assert [d["format"] for d in exported] == ["sav", "dta", "csv", "xlsx"]


def test_contact_data_is_kept_apart_and_shown_to_admins_only(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst", "15")
    admin = _actor(db, "lc.admin", "admin", "15")
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    version = service.current_version(db, survey)
    response = service.store_response(
        db, survey, version, ANSWERS, instance_id="uuid:c", channel="web", unit_id=1
    ).response
    given = {"name": "  Nguyễn Văn A ", "phone": "0912 345 678", "address": "not kept"}

    assert service.store_contact(db, survey, response, given) is False  # the survey does not ask
    survey.collects_contact = True
    assert service.store_contact(db, survey, response, given) is True
    assert service.store_contact(db, survey, response, {"name": "B"}) is False  # first stays

    assert service.contact_of(db, admin, survey, response) == {
        "name": "Nguyễn Văn A",
        "phone": "0912 345 678",
    }
    assert service.contact_of(db, analyst, survey, response) is None
    assert "Nguyễn" not in json.dumps(response.answers, ensure_ascii=False)

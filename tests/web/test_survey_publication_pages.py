"""The publishing pages: the owner previews and publishes (CSRF, audited, missing transparency
items refused by name, nothing stored), an anonymous visitor reads /p/{slug}, its spec and the
microdata with no session and sees no staff navigation, cannot reach the owner's pages, and
another unit's staff cannot publish; a withdrawn or unknown address is 404."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth.models import AuditEvent
from duluan.cli import app
from duluan.surveys.models import Survey
from duluan.surveys.publication_models import SurveyPublication
from tests.conftest import login, make_user, post_form
from tests.surveys.analysis_survey import make_survey
from tests.surveys.test_publication import ITEMS


def _form(survey: Survey, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "questions": ["hai_long", "gioi_tinh"],
        "crosstab_q": ["hai_long", ""],
        "crosstab_by": ["nhom_tuoi", ""],
        "scheme": "",
        "min_cell": "10",
        "microdata": "1",
        "step": "publish",
        **ITEMS,
    }
    return base | changes


def _post(client: TestClient, survey: Survey, **changes: object) -> object:
    page = f"/surveys/{survey.id}/publish"
    return post_form(client, page, _form(survey, **changes), page=page)  # type: ignore[arg-type]


def _published(db: Session) -> SurveyPublication | None:
    db.expire_all()
    return db.scalars(select(SurveyPublication)).first()


def test_owner_previews_then_publishes_and_anyone_reads_the_page(
    client: TestClient, db: Session, tmp_path: Path
) -> None:
    survey = make_survey(db, responses=120)
    login(client, "lc.owner")
    page = client.get(f"/surveys/{survey.id}/publish")
    assert page.status_code == 200
    assert "Đơn vị đặt hàng, tài trợ" in page.text and "chưa công bố kết quả" in page.text

    preview = _post(client, survey, step="preview", sponsor="")
    assert preview.status_code == 200  # type: ignore[attr-defined]
    assert "Xem trước — chưa công bố" in preview.text  # type: ignore[attr-defined]
    assert "Ông/bà có hài lòng không?" in preview.text  # type: ignore[attr-defined]
    assert _published(db) is None

    done = _post(client, survey)
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    found = _published(db)
    assert found is not None
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "survey.published")).one()
    assert event.detail["slug"] == found.slug

    client.cookies.clear()  # a visitor who never signed in
    public = client.get(f"/p/{found.slug}")
    assert public.status_code == 200
    html = public.text
    for text in (survey.title, ITEMS["sponsor"], ITEMS["population"], "Ông/bà có hài lòng không?"):
        assert text in html
    assert "Sai số tối đa" in html and "120 người trả lời" in html
    assert 'href="/surveys' not in html and 'href="/api' not in html and "sidebar" not in html
    assert 'href="/"' not in html

    spec = client.get(f"/p/{found.slug}/spec.json")
    assert spec.status_code == 200 and spec.json()["estimates"][0]["var"] == "hai_long"
    microdata = client.get(f"/p/{found.slug}/microdata.csv")
    assert microdata.status_code == 200
    assert microdata.text.lstrip("\ufeff").splitlines()[0] == "stt,hai_long,gioi_tinh,nhom_tuoi"
    # What a visitor downloads re-runs through the command line (the BOM does not get in the way).
    (tmp_path / "m.csv").write_bytes(microdata.content)
    (tmp_path / "s.json").write_bytes(spec.content)
    rerun = CliRunner().invoke(
        app, ["survey", "estimate", str(tmp_path / "m.csv"), "--spec", str(tmp_path / "s.json"),
              "--json"],
    )  # fmt: skip
    assert rerun.exit_code == 0, rerun.output
    first = json.loads(rerun.output)["estimates"][0]
    shown = found.results["tables"][0]["rows"][0][0]
    assert first["estimate"] == shown["share"]


def test_missing_items_are_named_and_nothing_is_published(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=30)
    login(client, "lc.owner")
    refused = _post(client, survey, sponsor="", population=" ")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "còn thiếu thông tin minh bạch bắt buộc" in refused.text  # type: ignore[attr-defined]
    assert "Đơn vị đặt hàng, tài trợ; Tổng thể nghiên cứu" in refused.text  # type: ignore[attr-defined]
    assert ITEMS["sampling"] in refused.text  # type: ignore[attr-defined]  # what was entered stays
    assert _published(db) is None


def test_anonymous_and_other_units_cannot_reach_the_owner_pages(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=30)
    anonymous = client.get(f"/surveys/{survey.id}/publish", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]

    make_user(db, "hn.owner", "analyst", "01")
    login(client, "hn.owner")
    assert client.get(f"/surveys/{survey.id}/publish").status_code in (403, 404)
    refused = post_form(client, f"/surveys/{survey.id}/publish", _form(survey))  # type: ignore[arg-type]
    assert refused.status_code in (403, 404)
    assert _published(db) is None


def test_publishing_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=30)
    login(client, "lc.owner")
    forged = client.post(f"/surveys/{survey.id}/publish", data=_form(survey))  # type: ignore[arg-type]
    assert forged.status_code == 403
    assert _published(db) is None


def test_withdrawn_unknown_and_closed_microdata_addresses_are_404(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=60)
    login(client, "lc.owner")
    assert _post(client, survey, microdata="").status_code == 303  # type: ignore[attr-defined]
    found = _published(db)
    assert found is not None
    slug = found.slug
    assert client.get(f"/p/{slug}/microdata.csv").status_code == 404
    page = f"/surveys/{survey.id}/publish"
    withdrawn = post_form(client, f"{page}/withdraw", {}, page=page)
    assert withdrawn.status_code == 303
    client.cookies.clear()
    for path in (f"/p/{slug}", f"/p/{slug}/spec.json", "/p/khong-co-trang-nay"):
        assert client.get(path).status_code == 404, path


def test_suppressed_cells_show_a_dash_and_their_numbers_are_nowhere(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=120)
    login(client, "lc.owner")
    done = _post(client, survey, questions=["nhom_tuoi"], min_cell="40", microdata="")
    assert done.status_code == 303  # type: ignore[attr-defined]
    found = _published(db)
    assert found is not None
    table = found.results["tables"][0]
    hidden = [row[0] for row in table["rows"] if row[0]["suppressed"]]
    assert hidden and all(c["share"] is None and c["n"] is None for c in hidden)
    client.cookies.clear()
    html = client.get(f"/p/{found.slug}").text
    assert "sp-hidden" in html and "ít hơn 40 người trả lời" in html

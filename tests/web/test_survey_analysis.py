"""The weighting and analysis pages of a survey: who may open them, targets entered or uploaded
(with CSRF), diagnostics shown, frequencies and crosstabs equal to the engine's numbers on the
same frame, the Rao–Scott verdict in words, and the CSV/XLSX downloads."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth.models import AuditEvent
from duluan.surveys import analysis_data
from duluan.surveys.estimation import analyse, parse_spec
from duluan.surveys.models import Survey
from duluan.surveys.weighting import adjust_step, stored_trim
from duluan.surveys.weighting_models import WeightingScheme
from tests.conftest import csrf_of, login, make_user, post_form
from tests.surveys.analysis_survey import SHARES, make_survey


def _weigh(client: TestClient, survey: Survey, **fields: str) -> object:
    data = {"name": "Dân số 2024", "targets": SHARES, "kind": "share", **fields}
    return post_form(client, f"/surveys/{survey.id}/weighting", data)


def _scheme(db: Session) -> WeightingScheme:
    return db.scalars(select(WeightingScheme)).one()


def _csv(client: TestClient, path: str) -> list[list[str]]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_a_manager_weights_the_responses_and_sees_the_diagnostics(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=120)
    login(client, "lc.owner")

    page = client.get(f"/surveys/{survey.id}/weighting")
    done = _weigh(client, survey)

    assert page.status_code == 200 and "Tính bộ trọng số mới" in page.text
    assert "gioi_tinh" in page.text and "Hài lòng" in page.text  # the codes to type
    assert done.status_code == 303  # type: ignore[attr-defined]
    shown = client.get(done.headers["location"]).text  # type: ignore[attr-defined]
    scheme = _scheme(db)
    assert "Đã tính trọng số." in shown and "Cỡ mẫu hiệu dụng (Kish)" in shown
    assert 'id="sa-weights-chart"' in shown and "data-bins=" in shown
    assert scheme.diagnostics["converged"] and len(scheme.weights) == 120
    assert "cân chỉnh lặp (raking)" in shown and "<script>" not in shown
    detail = client.get(f"/surveys/{survey.id}").text
    assert f'href="/surveys/{survey.id}/weighting"' in detail
    assert f'href="/surveys/{survey.id}/analysis"' in detail


def test_bad_targets_come_back_with_the_message_and_what_was_typed(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=40)
    login(client, "lc.owner")
    typed = "gioi_tinh,nam,0.5\ngioi_tinh,nu,0.5\ngioi_tinh,ong,0"

    refused = _weigh(client, survey, targets=typed)

    assert refused.status_code == 400  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert "“ong” không phải là phương án của câu hỏi “gioi_tinh”" in text
    assert "gioi_tinh,ong,0" in text  # the targets stay in the box
    assert db.scalar(select(func.count()).select_from(WeightingScheme)) == 0


def test_targets_can_be_uploaded_as_a_csv_file(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=60)
    login(client, "lc.owner")
    upload = "question;level;share\nnhom_tuoi;tre;0,3\nnhom_tuoi;trung;0,45\nnhom_tuoi;gia;0,25\n"

    sent = client.post(
        f"/surveys/{survey.id}/weighting",
        data={"csrf_token": csrf_of(client), "name": "Theo tuổi", "targets": "", "kind": "share"},
        files={"upload": ("muc_tieu.csv", upload.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )

    assert sent.status_code == 303
    scheme = _scheme(db)
    assert scheme.name == "Theo tuổi" and scheme.diagnostics["method"] == "poststratify"
    assert scheme.targets["margins"][0]["levels"] == pytest.approx(
        {"tre": 0.3, "trung": 0.45, "gia": 0.25}
    )


def test_who_may_open_the_pages_and_csrf(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=30)
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "hn.analyst", "analyst", "01")
    base = f"/surveys/{survey.id}"

    assert client.get(f"{base}/analysis", follow_redirects=False).status_code in (303, 401)
    login(client, "lc.leader")
    assert client.get(f"{base}/analysis?q=hai_long").status_code == 200
    assert client.get(f"{base}/analysis.csv?q=hai_long").status_code == 200
    assert client.get(f"{base}/weighting").status_code == 403
    assert _weigh(client, survey).status_code == 403  # type: ignore[attr-defined]
    login(client, "hn.analyst")
    assert client.get(f"{base}/analysis").status_code == 404
    assert client.get(f"{base}/analysis.csv?q=hai_long").status_code == 404
    assert client.get(f"{base}/weighting").status_code == 404
    login(client, "lc.owner")
    no_token = client.post(f"{base}/weighting", data={"name": "x", "targets": SHARES})
    assert no_token.status_code == 403
    assert db.scalar(select(func.count()).select_from(WeightingScheme)) == 0
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "survey.weights_computed")
        )
        == 0
    )


def test_a_weighted_crosstab_equals_the_engine_on_the_same_frame(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=200)
    login(client, "lc.owner")
    _weigh(client, survey)
    scheme = _scheme(db)
    query = f"q=hai_long&by=gioi_tinh&scheme={scheme.id}"

    page = client.get(f"/surveys/{survey.id}/analysis?{query}")
    rows = _csv(client, f"/surveys/{survey.id}/analysis.csv?{query}")

    frame = analysis_data.load(db, survey).frame
    spec = {
        "design": {},
        "adjust": [adjust_step(scheme.targets, stored_trim(scheme))],
        "estimates": [{"stat": "crosstab", "var": "hai_long", "col": "gioi_tinh"}],
    }
    expected = analyse(frame, parse_spec(spec))
    cells = {(r[1], r[3]): r for r in rows[1:] if len(r) > 5}
    assert len(cells) == 4
    for estimate in expected["estimates"]:
        got = cells[(estimate["level"], estimate["by"]["gioi_tinh"])]
        assert float(got[7]) == pytest.approx(100 * estimate["estimate"], abs=1e-4)
        assert float(got[8]) == pytest.approx(100 * estimate["se"], abs=1e-4)
        assert float(got[9]) == pytest.approx(100 * estimate["ci_low"], abs=1e-4)
        assert float(got[10]) == pytest.approx(100 * estimate["ci_high"], abs=1e-4)
        assert float(got[11]) == pytest.approx(196 * estimate["se"], rel=1e-3)
    counts = frame.groupby(["hai_long", "gioi_tinh"]).size()
    assert {k: int(v[5]) for k, v in cells.items()} == {k: int(n) for k, n in counts.items()}
    test = expected["tests"][0]
    significant = test["p_value_f"] < 0.05
    verdict = "khác biệt có ý nghĩa thống kê ở mức 5 %"
    assert page.status_code == 200
    assert (verdict in page.text) == significant
    assert ("khác biệt không có ý nghĩa thống kê ở mức 5 %" in page.text) == (not significant)
    assert "Gia quyền theo bộ trọng số “Dân số 2024”" in page.text
    assert 'id="sa-chart"' in page.text and 'id="sa-chart-png"' in page.text


def test_frequencies_mark_small_cells_and_download_as_xlsx(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=50)
    login(client, "lc.owner")

    page = client.get(f"/surveys/{survey.id}/analysis?q=nhom_tuoi")
    book = client.get(f"/surveys/{survey.id}/analysis.xlsx?q=nhom_tuoi")
    multiple = client.get(f"/surveys/{survey.id}/analysis?q=dich_vu")

    frame = analysis_data.load(db, survey).frame
    counts = frame["nhom_tuoi"].value_counts()
    assert page.status_code == 200 and "Không gia quyền" in page.text
    assert page.text.count("ước lượng kém tin cậy") >= int((counts < 30).sum())
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    lines = [row for row in sheet.iter_rows(values_only=True) if row[0] == "nhom_tuoi"]
    assert [(row[1], row[3]) for row in lines] == [
        (level, int(counts[level])) for level in ("tre", "trung", "gia")
    ]
    assert sum(row[5] for row in lines) == pytest.approx(100)
    flagged = {row[1] for row in lines if row[10] == "ước lượng kém tin cậy"}
    assert flagged == {level for level, n in counts.items() if n < 30}
    assert multiple.status_code == 200 and "Câu hỏi nhiều lựa chọn" in multiple.text


def test_a_question_that_cannot_be_tabulated_is_explained(client: TestClient, db: Session) -> None:
    survey = make_survey(db, responses=20)
    login(client, "lc.owner")

    page = client.get(f"/surveys/{survey.id}/analysis?q=y_kien")
    same = client.get(f"/surveys/{survey.id}/analysis?q=hai_long&by=hai_long")
    file = client.get(f"/surveys/{survey.id}/analysis.pdf?q=hai_long")

    assert page.status_code == 400 and "không phải là câu hỏi có phương án" in page.text
    assert same.status_code == 400 and "hai câu hỏi khác nhau" in same.text
    assert file.status_code == 400

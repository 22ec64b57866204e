"""The analysis page's means, sample design and wave comparison: the design is stated above the
table and kept by the downloads, the numbers in the files are the engine's, only surveys of the
same unit can be chosen as the earlier wave, and bad choices come back in Vietnamese."""

from __future__ import annotations

import csv
import io
import math
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from duluan.surveys import analysis_data
from duluan.surveys.estimation import analyse, parse_spec
from tests.conftest import login
from tests.surveys.analysis_survey import make_survey
from tests.surveys.analysis_wave_survey import make_wave

DESIGN_LINE = "Thiết kế: phân tầng theo “Tỉnh (cũ)”, cụm theo “Xã, phường”."


def _csv(client: TestClient, path: str) -> list[list[str]]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_means_by_group_with_the_design_stated_and_downloaded(
    client: TestClient, db: Session
) -> None:
    survey = make_wave(db, responses=120)
    login(client, "lc.owner")
    query = "q=tuoi&by=gioi_tinh&strata=tinh&cluster=xa"

    page = client.get(f"/surveys/{survey.id}/analysis?{query}")
    rows = _csv(client, f"/surveys/{survey.id}/analysis.csv?{query}")

    assert page.status_code == 200, page.text
    assert DESIGN_LINE in page.text and 'id="sa-chart"' in page.text
    assert "Trung vị" in page.text and "Hệ số thiết kế" in page.text
    assert "analysis.csv?by=gioi_tinh&amp;cluster=xa&amp;q=tuoi&amp;strata=tinh" in page.text
    frame = analysis_data.load(db, survey).frame
    spec = {
        "design": {"strata": "tinh", "ids": "xa"},
        "estimates": [{"stat": "mean", "var": "tuoi", "by": "gioi_tinh"}],
    }
    expected = {e["by"]["gioi_tinh"]: e for e in analyse(frame, parse_spec(spec))["estimates"]}
    lines = {r[1]: r for r in rows[1:] if len(r) > 5 and r[0] == "tuoi"}
    assert set(lines) == {"", "nam", "nu"} and lines[""][2] == "Chung"
    for level in ("nam", "nu"):
        assert float(lines[level][4]) == pytest.approx(expected[level]["estimate"], abs=1e-6)
        assert float(lines[level][5]) == pytest.approx(expected[level]["se"], abs=1e-6)
        ages = frame.loc[frame["gioi_tinh"] == level, "tuoi"]
        deff = expected[level]["se"] ** 2 / (ages.var() / len(ages))
        assert float(lines[level][9]) == pytest.approx(deff, abs=1e-4)
        assert int(lines[level][3]) == int((frame["gioi_tinh"] == level).sum())
    assert [DESIGN_LINE] in rows


def test_crosstab_keeps_its_controls_and_states_the_simple_design(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=60)
    login(client, "lc.owner")

    page = client.get(f"/surveys/{survey.id}/analysis?q=hai_long&by=gioi_tinh")

    assert page.status_code == 200
    assert "Thiết kế: mẫu ngẫu nhiên đơn giản (không phân tầng, không chia cụm)." in page.text
    for control in ('name="q"', 'name="by"', 'name="scheme"', 'name="approved"'):
        assert control in page.text
    assert "sa-verdict" in page.text and "Đơn vị chưa có cuộc điều tra nào khác" in page.text


def test_a_wave_comparison_on_the_page_and_as_files(client: TestClient, db: Session) -> None:
    first = make_survey(db, responses=100)
    second = make_wave(db, responses=100, reworded=True)
    login(client, "lc.owner")
    base = f"/surveys/{second.id}/analysis"

    chosen = client.get(f"{base}?wave={first.id}")
    page = client.get(f"{base}?wave={first.id}&wq=hai_long")
    rows = _csv(client, f"/surveys/{second.id}/analysis/waves.csv?wave={first.id}&wq=hai_long")
    book = client.get(f"/surveys/{second.id}/analysis/waves.xlsx?wave={first.id}&wq=tuoi")

    assert chosen.status_code == 200 and "4 câu hỏi có ở cả hai đợt" in chosen.text
    offered = re.search(r'<select name="wq">(.*?)</select>', chosen.text, re.S)
    assert offered is not None
    assert re.findall(r'value="(\w+)"', offered.group(1)) == [
        "gioi_tinh",
        "nhom_tuoi",
        "tuoi",
        "hai_long",
    ]
    assert page.status_code == 200, page.text
    assert "So sánh hai đợt: Ông/bà có hài lòng không?" in page.text
    assert 'id="sa-wave-chart"' in page.text and "Có ý nghĩa" in page.text
    assert "phương án trả lời của hai bảng hỏi không giống nhau" in page.text
    first_rows = analysis_data.load(db, first).frame["hai_long"]
    second_rows = analysis_data.load(db, second).frame["hai_long"]
    line = next(r for r in rows if r[:2] == ["hai_long", "co"])
    then, now = (first_rows == "co").mean(), (second_rows == "co").mean()
    assert float(line[3]) == pytest.approx(100 * then, abs=1e-4)
    assert float(line[5]) == pytest.approx(100 * now, abs=1e-4)
    assert float(line[7]) == pytest.approx(100 * (now - then), abs=1e-4)
    assert float(line[8]) == pytest.approx(math.hypot(float(line[4]), float(line[6])), abs=1e-3)
    assert ["Phương án chỉ có ở đợt này: Hài lòng một phần."] in rows
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "tuoi" and values[1][7] == pytest.approx(values[1][5] - values[1][3])


def test_only_a_survey_of_the_same_unit_can_be_the_earlier_wave(
    client: TestClient, db: Session
) -> None:
    survey = make_survey(db, responses=20)
    other_unit = make_wave(db, form_id="ha_noi_dot_1", title="Hà Nội", responses=5, unit_code="01")
    login(client, "lc.owner")
    base = f"/surveys/{survey.id}/analysis"

    page = client.get(base)
    refused = client.get(f"{base}?wave={other_unit.id}&wq=hai_long")
    nonsense = client.get(f"{base}?wave=abc")
    file = client.get(f"/surveys/{survey.id}/analysis/waves.csv?wave={other_unit.id}&wq=hai_long")

    assert f'value="{other_unit.id}"' not in page.text and "Hà Nội" not in page.text
    message = "Chỉ so sánh được với một cuộc điều tra khác của cùng đơn vị"
    assert refused.status_code == 400 and message in refused.text
    assert "Hà Nội" not in refused.text and "So sánh hai đợt" not in refused.text
    assert nonsense.status_code == 400 and message in nonsense.text
    assert file.status_code == 400


def test_bad_choices_come_back_in_vietnamese(client: TestClient, db: Session) -> None:
    first = make_survey(db, responses=30)
    second = make_wave(db, responses=30)
    login(client, "lc.owner")
    base = f"/surveys/{second.id}/analysis"

    unknown = client.get(f"{base}?q=khong_co")
    fpc = client.get(f"{base}?q=tuoi&fpc=hai_long")
    strata = client.get(f"{base}?q=tuoi&strata=tuoi")
    not_shared = client.get(f"{base}?wave={first.id}&wq=xa")
    means_file = client.get(f"/surveys/{second.id}/analysis.xlsx?q=tuoi&population=0")

    assert unknown.status_code == 400
    assert "“khong_co” không phải là câu hỏi có phương án để lập bảng." in unknown.text
    assert fpc.status_code == 400 and "“hai_long” không phải là câu hỏi dạng số" in fpc.text
    assert strata.status_code == 400 and "không dùng làm tầng hay cụm được" in strata.text
    assert not_shared.status_code == 400
    assert "“xa” không có ở cả hai đợt" in not_shared.text
    assert means_file.status_code == 400
    assert 'name="strata"' in fpc.text  # the page still offers the form

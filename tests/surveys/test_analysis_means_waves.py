"""Means of number questions, the declared sample design and the wave-to-wave comparison, on two
real surveys stored through the services: every number equals what the estimation engine gives
for the same frame and spec, and bad choices are refused with a message naming the problem."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import users
from duluan.auth.models import User
from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import (
    analysis_data,
    analysis_means,
    analysis_tables,
    analysis_waves,
    weighting,
)
from duluan.surveys.analysis_design import SampleDesign, checked, described
from duluan.surveys.estimation import analyse, parse_spec
from duluan.surveys.weighting import adjust_step, stored_trim
from tests.surveys.analysis_survey import SHARES, make_survey
from tests.surveys.analysis_wave_survey import make_wave

CLUSTERED = SampleDesign(strata="tinh", cluster="xa")


def t(key: str, **params: object) -> str:
    return translate(key, "vi", **params)


def _engine(frame: object, design: dict[str, object], estimates: list[dict[str, object]]) -> list:
    spec = {"design": design, "estimates": estimates}
    return analyse(frame, parse_spec(spec))["estimates"]  # type: ignore[arg-type,no-any-return]


def test_means_by_group_under_a_stratified_cluster_design_equal_the_engine(db: Session) -> None:
    data = analysis_data.load(db, make_wave(db, responses=150))
    design = checked(CLUSTERED, data)

    table = analysis_means.means(data, "tuoi", "gioi_tinh", design=design)

    expected = _engine(
        data.frame,
        {"strata": "tinh", "ids": "xa"},
        [
            {"stat": "mean", "var": "tuoi"},
            {"stat": "quantile", "var": "tuoi"},
            {"stat": "mean", "var": "tuoi", "by": "gioi_tinh"},
            {"stat": "quantile", "var": "tuoi", "by": "gioi_tinh"},
        ],
    )
    overall, men, women = table.rows
    assert (overall.group, men.group, women.group) == (None, "nam", "nu")
    assert men.group_label == "Nam" and overall.count == 150
    assert men.count + women.count == 150
    for row, by in ((overall, None), (men, {"gioi_tinh": "nam"}), (women, {"gioi_tinh": "nu"})):
        mean = next(e for e in expected if e["stat"] == "mean" and e["by"] == by)
        median = next(e for e in expected if e["stat"] == "quantile" and e["by"] == by)
        assert row.mean == pytest.approx(mean["estimate"], rel=1e-12)
        assert row.se == pytest.approx(mean["se"], rel=1e-12)
        assert (row.ci_low, row.ci_high) == pytest.approx((mean["ci_low"], mean["ci_high"]))
        # Unit weights: no population size, so the design effect is against sampling with
        # replacement (R's deff="replace"): variance ÷ (s² / n).
        members = (
            data.frame if by is None else data.frame[data.frame["gioi_tinh"] == by["gioi_tinh"]]
        )
        answers = members["tuoi"].dropna()
        assert mean["deff"] is None
        assert row.deff == pytest.approx(mean["se"] ** 2 / (answers.var() / len(answers)))
        assert (row.median, row.median_low, row.median_high) == pytest.approx(
            (median["estimate"], median["ci_low"], median["ci_high"])
        )
    assert overall.mean == pytest.approx(data.frame["tuoi"].mean())
    simple = analysis_means.means(data, "tuoi")
    assert simple.rows[0].mean == pytest.approx(overall.mean)
    assert simple.rows[0].se != pytest.approx(overall.se)  # the design changes the error
    line = described(design, t)
    assert line == "Thiết kế: phân tầng theo “Tỉnh (cũ)”, cụm theo “Xã, phường”."
    assert analysis_means.notes(table, t)[0] == line
    assert described(SampleDesign(), t).startswith("Thiết kế: mẫu ngẫu nhiên đơn giản")


def test_a_population_size_gives_the_finite_population_correction(db: Session) -> None:
    data = analysis_data.load(db, make_wave(db, responses=80))
    design = checked(SampleDesign(fpc="400"), data)

    table = analysis_tables.frequencies(data, "hai_long", design=design)

    frame = data.frame.assign(_fpc=400.0)
    expected = _engine(frame, {"fpc": "_fpc"}, [{"stat": "proportion", "var": "hai_long"}])
    plain = analysis_tables.frequencies(data, "hai_long")
    for cell, want, srs in zip(table.cells, expected, plain.cells, strict=True):
        assert cell.share == pytest.approx(want["estimate"])
        assert cell.se == pytest.approx(want["se"])
        assert cell.se == pytest.approx(srs.se * math.sqrt(1 - 80 / 400), rel=1e-9)
    assert "cỡ tổng thể 400" in analysis_tables.notes(table, t)[0]


@pytest.mark.parametrize(
    ("design", "message"),
    [
        (SampleDesign(strata="tuoi"), "“tuoi” không phải là câu hỏi chọn một phương án"),
        (SampleDesign(strata="tinh", cluster="tinh"), "hai câu hỏi khác nhau"),
        (SampleDesign(fpc="hai_long"), "“hai_long” không phải là câu hỏi dạng số"),
        (SampleDesign(fpc="-5"), "Cỡ tổng thể “-5” không hợp lệ"),
        (SampleDesign(strata="tinh", fpc="900"), "mỗi tầng có cỡ tổng thể riêng"),
    ],
)
def test_a_design_that_cannot_describe_the_sample_is_refused(
    db: Session, design: SampleDesign, message: str
) -> None:
    data = analysis_data.load(db, make_wave(db, responses=20))

    with pytest.raises(BadInput) as refused:
        checked(design, data)

    assert message in translate(refused.value.key, "vi", **refused.value.params)


def test_unanswered_design_questions_and_single_cluster_strata_are_named(db: Session) -> None:
    data = analysis_data.load(db, make_wave(db, responses=40))
    data.frame.loc[[0, 1], "xa"] = None
    one_commune = data.frame[data.frame["xa"].isin(["cam_duong", "nghia_lo"])]
    single = analysis_data.AnalysisData(one_commune.reset_index(drop=True), data.variables, False)

    with pytest.raises(BadInput) as unanswered:
        analysis_tables.frequencies(data, "hai_long", design=checked(CLUSTERED, data))
    with pytest.raises(BadInput) as lonely:
        analysis_means.means(single, "tuoi", design=checked(CLUSTERED, single))

    said = translate(unanswered.value.key, "vi", **unanswered.value.params)
    assert said.startswith("2 phiếu không trả lời câu hỏi thiết kế “Xã, phường”")
    said = translate(lonely.value.key, "vi", **lonely.value.params)
    assert "chỉ có một cụm" in said and "Tỉnh (cũ)" in said
    one = one_commune[one_commune["xa"] == "cam_duong"].reset_index(drop=True)
    alone = analysis_data.AnalysisData(one, data.variables, False)
    clusters_only = checked(SampleDesign(cluster="xa"), alone)
    with pytest.raises(BadInput) as single:
        analysis_means.means(alone, "tuoi", design=clusters_only)
    said = translate(single.value.key, "vi", **single.value.params)
    assert said.startswith("Mẫu chỉ có một cụm theo “Xã, phường”")


def test_means_of_a_question_with_choices_are_refused(db: Session) -> None:
    data = analysis_data.load(db, make_survey(db, responses=20))

    with pytest.raises(BadInput) as refused:
        analysis_means.means(data, "hai_long")

    said = translate(refused.value.key, "vi", **refused.value.params)
    question = "“Ông/bà có hài lòng không?”"
    assert said == f"{question} không phải là câu hỏi dạng số nên không tính trung bình được."


def _waves(db: Session, reworded: bool = False) -> tuple[analysis_waves.Wave, analysis_waves.Wave]:
    first = make_survey(db, responses=150)
    second = make_wave(db, responses=160, reworded=reworded)
    earlier_data = analysis_data.load(db, first)
    later_data = analysis_data.load(db, second)
    design = checked(CLUSTERED, later_data)
    later = analysis_waves.Wave(second.title, later_data, None, design)
    earlier_design = analysis_waves.earlier_design(design, earlier_data)
    earlier = analysis_waves.Wave(first.title, earlier_data, None, earlier_design)
    return later, earlier


def test_a_wave_comparison_of_percentages_equals_the_engine(db: Session) -> None:
    later, earlier = _waves(db)

    comparison = analysis_waves.compare_waves(later, earlier, "hai_long")

    assert earlier.design == SampleDesign()  # the first wave has no province question
    now = _engine(later.data.frame, {"strata": "tinh", "ids": "xa"}, [_share("hai_long")])
    then = _engine(earlier.data.frame, {}, [_share("hai_long")])
    assert [r.level for r in comparison.rows] == ["co", "khong"]
    for row, a, b in zip(comparison.rows, now, then, strict=True):
        assert row.later == pytest.approx(a["estimate"]) and row.earlier == pytest.approx(
            b["estimate"]
        )
        assert row.change == pytest.approx(a["estimate"] - b["estimate"])
        assert row.se == pytest.approx(math.hypot(a["se"], b["se"]))
        assert row.ci_low == pytest.approx(row.change - 1.959964 * row.se, rel=1e-6)
        z = abs(row.change / row.se)
        assert row.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert comparison.rows[0].change > 0.1 and comparison.rows[0].significant
    assert not comparison.choices_differ
    notes = analysis_waves.notes(comparison, t)
    assert "Thiết kế: mẫu ngẫu nhiên đơn giản" in notes[0]
    assert "phân tầng theo “Tỉnh (cũ)”" in notes[1] and "mẫu độc lập" in notes[2]
    chart = comparison.chart()
    assert chart["categories"] == ["Hài lòng", "Chưa hài lòng"]
    assert chart["series"][1]["values"][0] == pytest.approx(100 * comparison.rows[0].later)


def _share(name: str) -> dict[str, object]:
    return {"stat": "proportion", "var": name}


def test_reworded_choices_are_said_and_not_compared(db: Session) -> None:
    later, earlier = _waves(db, reworded=True)

    comparison = analysis_waves.compare_waves(later, earlier, "hai_long")

    new = next(r for r in comparison.rows if r.level == "mot_phan")
    assert new.earlier is None and new.change is None and new.significant is None
    assert new.later is not None and new.later > 0
    assert comparison.choices_differ and comparison.only_later == ["Hài lòng một phần"]
    notes = analysis_waves.notes(comparison, t)
    assert "Phương án chỉ có ở đợt này: Hài lòng một phần." in notes
    rows = analysis_waves.rows_of(comparison, t)
    assert rows[0][:3] == ["Câu hỏi", "Mã phương án", "Phương án"]
    line = next(r for r in rows if r[:2] == ["hai_long", "mot_phan"])
    assert line[3] is None and line[-1] == "Không so sánh được"


def test_a_wave_comparison_of_means_and_what_both_waves_share(db: Session) -> None:
    later, earlier = _waves(db)

    comparison = analysis_waves.compare_waves(later, earlier, "tuoi")
    shared = [v.name for v in analysis_waves.shared_questions(later.data, earlier.data)]

    assert shared == ["gioi_tinh", "nhom_tuoi", "tuoi", "hai_long"]  # not tinh/xa, not free text
    (row,) = comparison.rows
    means_now = analysis_means.means(later.data, "tuoi", design=later.design).rows[0]
    means_then = analysis_means.means(earlier.data, "tuoi").rows[0]
    assert row.change == pytest.approx(means_now.mean - means_then.mean)
    assert row.se == pytest.approx(math.hypot(means_now.se, means_then.se))
    assert not comparison.percent and comparison.chart()["unit"] == ""
    with pytest.raises(BadInput) as refused:
        analysis_waves.compare_waves(later, earlier, "xa")
    assert refused.value.key == "survey_analysis_waves.errors.not_shared"


def test_weighted_means_repeat_the_scheme_in_the_engine(db: Session) -> None:
    survey = make_survey(db, responses=160)
    owner = users.actor_for(db.scalars(select(User).where(User.username == "lc.owner")).one())
    request = weighting.SchemeInput(name="Dân số", text=SHARES, kind="share")
    scheme = weighting.compute_scheme(db, actor=owner, survey_id=survey.id, request=request)
    data = analysis_data.load(db, survey)

    table = analysis_means.means(data, "tuoi", "gioi_tinh", scheme)

    step = adjust_step(scheme.targets, stored_trim(scheme))
    spec = {"design": {}, "adjust": [step], "estimates": [{"stat": "mean", "var": "tuoi"}]}
    (expected,) = analyse(data.frame, parse_spec(spec))["estimates"]
    overall = table.rows[0]
    weights = data.frame["_response_id"].map(lambda i: scheme.weights[str(i)])
    assert overall.mean == pytest.approx((weights * data.frame["tuoi"]).sum() / weights.sum())
    assert overall.mean == pytest.approx(expected["estimate"])
    assert overall.se == pytest.approx(expected["se"])
    assert overall.mean != pytest.approx(data.frame["tuoi"].mean())  # the weighting moved it
    assert overall.deff is not None and overall.deff > 0
    assert "Gia quyền theo bộ trọng số “Dân số”" in analysis_means.notes(table, t)[1]

"""Weighting schemes: targets read from CSV text and checked against the questionnaire and the
responses (clear messages, nothing stored), raking and post-stratification through the engine
meeting the targets, diagnostics kept, the computation audited."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import users
from duluan.auth.models import AuditEvent, User
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import analysis_data, service, weighting
from duluan.surveys.models import Survey
from duluan.surveys.weighting_models import WeightingScheme
from tests.surveys.analysis_survey import SHARES, make_survey


def _owner(db: Session) -> Actor:
    user = db.scalars(select(User).where(User.username == "lc.owner")).one()
    return users.actor_for(user)


def _compute(db: Session, survey: Survey, text: str, **options: object) -> WeightingScheme:
    request = weighting.SchemeInput(name=str(options.pop("name", "Dân số")), text=text, **options)  # type: ignore[arg-type]
    return weighting.compute_scheme(db, actor=_owner(db), survey_id=survey.id, request=request)


def _weighted_counts(db: Session, survey: Survey, scheme: WeightingScheme, question: str) -> dict:
    frame = analysis_data.load(db, survey).frame
    weights = frame["_response_id"].map(lambda i: scheme.weights[str(i)])
    return weights.groupby(frame[question]).sum().to_dict()


def test_raking_makes_the_weighted_margins_equal_the_targets(db: Session) -> None:
    survey = make_survey(db, responses=200)

    scheme = _compute(db, survey, SHARES, kind="share")
    db.commit()

    sexes = _weighted_counts(db, survey, scheme, "gioi_tinh")
    ages = _weighted_counts(db, survey, scheme, "nhom_tuoi")
    assert sexes == pytest.approx({"nam": 0.49 * 200, "nu": 0.51 * 200}, rel=1e-9)
    assert ages == pytest.approx({"tre": 60, "trung": 90, "gia": 50}, rel=1e-9)
    report = scheme.diagnostics
    weights = np.array(list(scheme.weights.values()))
    assert report["method"] == "rake" and report["converged"] and report["responses"] == 200
    assert report["effective_sample_size"] == pytest.approx(weights.sum() ** 2 / (weights**2).sum())
    assert report["weighting_deff"] == pytest.approx(200 / report["effective_sample_size"])
    assert report["effective_sample_size"] < 200
    assert report["weight_min"] <= report["weight_q1"] <= report["weight_median"]
    assert report["weight_median"] <= report["weight_q3"] <= report["weight_max"]
    assert report["weight_mean"] == pytest.approx(1.0)
    audited = db.scalars(select(AuditEvent).where(AuditEvent.action == "survey.weights_computed"))
    assert [e.detail["scheme"] for e in audited] == ["Dân số"]


def test_one_margin_of_totals_is_post_stratification_to_the_population(db: Session) -> None:
    survey = make_survey(db, responses=120)
    totals = "question,level,total\nnhom_tuoi,tre,30000\nnhom_tuoi,trung,45000\nnhom_tuoi,gia,25000"

    scheme = _compute(db, survey, totals, kind="total")

    assert scheme.diagnostics["method"] == "poststratify"
    counts = _weighted_counts(db, survey, scheme, "nhom_tuoi")
    assert counts == pytest.approx({"tre": 30000, "trung": 45000, "gia": 25000})
    assert scheme.targets["population"] == 100000


def test_computing_again_under_the_same_name_replaces_the_scheme(db: Session) -> None:
    survey = make_survey(db, responses=60)

    first = _compute(db, survey, SHARES, kind="share")
    again = _compute(db, survey, SHARES.replace("0.49", "0.5").replace("0.51", "0.5"))

    assert again.id == first.id
    assert db.scalar(select(func.count()).select_from(WeightingScheme)) == 1


def test_trimming_keeps_the_adjustment_factors_within_bounds(db: Session) -> None:
    survey = make_survey(db, responses=200)
    skewed = (
        "gioi_tinh,nam,0.2\ngioi_tinh,nu,0.8\n"
        "nhom_tuoi,tre,0.1\nnhom_tuoi,trung,0.3\nnhom_tuoi,gia,0.6"
    )

    scheme = _compute(db, survey, skewed, kind="share", trim_lower=0.5, trim_upper=2.0)

    weights = np.array(list(scheme.weights.values()))
    assert weights.min() >= 0.5 - 1e-9 and weights.max() <= 2.0 + 1e-9
    assert scheme.diagnostics["trimmed"] > 0 and not scheme.diagnostics["converged"]


CHECKS = [
    ("gioi_tinh,nam,0.5\ngioi_tinh,nu,0.5\ngioi_tinh,ba,0", "kind", "“ba” không phải là phương án"),
    ("gioi_tinh,nam,1", "share", "thiếu mục tiêu cho phương án “nu”"),
    (
        "gioi_tinh,nam,0.6\ngioi_tinh,nu,-0.1",
        "share",
        "Dòng 2: mục tiêu của gioi_tinh = nu là số âm",
    ),
    ("gioi_tinh,nam,0.6\ngioi_tinh,nu,0.6", "share", "cộng lại bằng 1.2"),
    ("gioi_tinh,nam,0.5\ngioi_tinh,nu,0.5\ngioi_tinh,khac,0.1", "share", "“khac” có mục tiêu"),
    ("tuoi,25,1", "share", "“tuoi” không phải là câu hỏi chọn một phương án"),
    ("y_kien,a,1", "share", "“y_kien” không phải là câu hỏi chọn một phương án"),
    (
        "gioi_tinh,nam,50\ngioi_tinh,nu,50\nnhom_tuoi,tre,90\nnhom_tuoi,trung,60\nnhom_tuoi,gia,50",
        "total",
        "khác tổng",
    ),
    ("gioi_tinh,nam,0.5\ngioi_tinh,nu", "share", "Dòng 2: cần đúng 3 cột"),
    ("gioi_tinh,nam,một nửa\ngioi_tinh,nu,0.5", "share", "Dòng 1: “một nửa” không phải là một số"),
    ("question,level,share\n", "share", "Chưa có mục tiêu nào"),
]


@pytest.mark.parametrize(("text", "kind", "message"), CHECKS)
def test_bad_targets_are_explained_and_nothing_is_stored(
    db: Session, text: str, kind: str, message: str
) -> None:
    survey = make_survey(db, responses=30)
    kind = "share" if kind == "kind" else kind

    with pytest.raises(BadInput) as refused:
        _compute(db, survey, text, kind=kind)

    db.rollback()
    assert message in translate(refused.value.key, "vi", **refused.value.params)
    assert db.scalar(select(func.count()).select_from(WeightingScheme)) == 0


def test_a_weighting_question_someone_did_not_answer_is_refused(db: Session) -> None:
    survey = make_survey(db, responses=30)
    version = service.current_version(db, survey)
    given = {"nhom_tuoi": "tre", "hai_long": "co"}  # stored as sent, without a sex
    service.store_response(
        db, survey, version, given, instance_id="uuid:x", channel="web", unit_id=survey.unit_id
    )
    db.commit()

    with pytest.raises(BadInput) as refused:
        _compute(db, survey, SHARES, kind="share")

    message = translate(refused.value.key, "vi", **refused.value.params)
    assert message.startswith("1 phiếu không có câu trả lời cho câu hỏi “gioi_tinh”")


def test_csv_files_from_spreadsheets_are_read() -> None:
    semicolons = "\ufeffquestion;level;share\ngioi_tinh;nam;0,49\ngioi_tinh;nu;0,51\n"
    totals = "question,level,total\n\nnhom_tuoi,tre,300\n"

    read = weighting.parse_targets(semicolons, "total")
    counted = weighting.parse_targets(totals, "share")

    assert [(m.question, m.kind, m.levels) for m in read] == [
        ("gioi_tinh", "share", {"nam": 0.49, "nu": 0.51})
    ]
    assert counted[0].kind == "total" and counted[0].levels == {"tre": 300.0}


def test_a_scheme_rebuilds_the_same_weights_through_the_spec(db: Session) -> None:
    """The analysis pages rebuild a scheme's adjustment from its stored targets; the engine must
    give the stored weights back."""
    survey = make_survey(db, responses=150)
    scheme = _compute(db, survey, SHARES, kind="share", trim_lower=0.4, trim_upper=3)
    data = analysis_data.load(db, survey)

    step = weighting.adjust_step(scheme.targets, weighting.stored_trim(scheme))
    weights, _ = weighting.adjusted_weights(data, step)

    stored = data.frame["_response_id"].map(lambda i: scheme.weights[str(i)]).to_numpy()
    assert np.allclose(weights, stored, rtol=1e-12)

"""Demo loader of surveys: one SYNTHETIC opinion survey of Lào Cai, collecting, with responses
from the web, ODK and paper over the last two weeks, so that a new user finds fieldwork to
follow, quotas filling, responses to review and data to export.

The questionnaire goes through the real import path (a `Form` written as an XLSForm file, read
back, the province → commune lists filled in, converted by pyxform); every response is checked
by `answers.validate` and stored by `service.store_response`, with deterministic instance ids,
so loading again stores nothing twice. A few responses are made to be flagged for review (too
fast, straight-lining, a copy).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.db.engine import transaction
from duluan.demo import LABEL
from duluan.demo.plan import DemoPlan
from duluan.surveys import answers, service
from duluan.surveys.form import Choice, Form, Question
from duluan.surveys.models import Survey
from duluan.surveys.xlsform import read_xlsform, write_xlsform

FORM_ID = "demo_dich_vu_cong_xa"
OWNER = "demo-analyst"
RESPONSES = 160
DAYS = 14
COPIED = 99  # this response repeats the one before, answer for answer (flagged `duplicate`)
VI = "Tiếng Việt (vi)"
# Communes of Lào Cai (2025 map) the synthetic respondents live in, busiest first.
COMMUNES = ("02647", "02674", "04252", "03006", "02839", "02947", "02680", "03043")
REASONS = (
    "Thủ tục còn rườm rà, phải đi lại nhiều lần",
    "Chờ lâu, cán bộ một cửa ít",
    "Dịch vụ công trực tuyến hay lỗi, khó dùng",
    "Không được hướng dẫn rõ giấy tờ cần nộp",
)
QUESTIONS = (
    ("danh_gia_thu_tuc", "Thủ tục đơn giản, dễ hiểu"),
    ("danh_gia_thoi_gian", "Thời gian giải quyết đúng hẹn"),
    ("danh_gia_thai_do", "Thái độ cán bộ tiếp dân"),
    ("danh_gia_truc_tuyen", "Dịch vụ công trực tuyến dễ dùng"),
    ("danh_gia_chi_phi", "Chi phí hợp lý, công khai"),
)


def _label(text: str) -> dict[str, str]:
    return {VI: text}


def questionnaire() -> Form:
    """The demo questionnaire: place, sex, age (and age group), a five-question battery on a
    1–5 scale, overall satisfaction with a follow-up when unsatisfied, and a suggestion."""
    scale = tuple(
        Choice(str(n), _label(text))
        for n, text in enumerate(
            ("Rất không đồng ý", "Không đồng ý", "Bình thường", "Đồng ý", "Rất đồng ý"), start=1
        )
    )
    battery = tuple(
        Question(name, "select_one", _label(text), required=True, choice_list="thang_5")
        for name, text in QUESTIONS
    )
    return Form(
        form_id=FORM_ID,
        title=f"{LABEL} Ý kiến người dân về dịch vụ hành chính công cấp xã",
        version="2026.1",
        default_language=VI,
        languages=(VI,),
        questions=(
            Question(
                "tinh",
                "select_one",
                _label("Tỉnh, thành phố"),
                required=True,
                choice_list="dvhc_tinh",
            ),
            Question(
                "xa",
                "select_one",
                _label("Xã, phường nơi ông/bà sống"),
                required=True,
                choice_list="dvhc_xa",
                choice_filter="tinh=${tinh}",
            ),
            Question(
                "gioi_tinh",
                "select_one",
                _label("Giới tính"),
                required=True,
                choice_list="gioi_tinh",
            ),
            Question(
                "tuoi",
                "integer",
                _label("Tuổi"),
                required=True,
                constraint=". >= 16 and . <= 110",
                constraint_message=_label("Tuổi từ 16 đến 110"),
            ),
            Question(
                "nhom_tuoi",
                "calculate",
                calculation="if(${tuoi} < 30, 'duoi_30', if(${tuoi} < 60, '30_59', 'tu_60'))",
            ),
            Question(
                "danh_gia",
                "group",
                _label("Ông/bà đánh giá thế nào về các ý sau?"),
                children=battery,
            ),
            Question(
                "hai_long",
                "select_one",
                _label("Nhìn chung ông/bà có hài lòng không?"),
                required=True,
                choice_list="co_khong",
            ),
            Question(
                "ly_do",
                "text",
                _label("Vì sao ông/bà chưa hài lòng?"),
                required=True,
                relevant="${hai_long} = 'khong'",
            ),
            Question("de_xuat", "text", _label("Đề xuất của ông/bà (nếu có)")),
        ),
        choice_lists={
            "gioi_tinh": (
                Choice("nam", _label("Nam")),
                Choice("nu", _label("Nữ")),
                Choice("khac", _label("Khác")),
            ),
            "thang_5": scale,
            "co_khong": (Choice("co", _label("Có")), Choice("khong", _label("Không"))),
        },
    )


def load(plan: DemoPlan) -> dict[str, int]:
    """Create the demo survey (once) and store its responses; the responses new."""
    with transaction(plan.factory, write=True) as session:
        owner = session.scalars(select(User).where(User.username == OWNER)).one_or_none()
        if owner is None:
            return {"survey_responses_new": 0}
        actor = users.actor_for(owner)
        survey = session.scalars(select(Survey).where(Survey.form_id == FORM_ID)).one_or_none()
        if survey is None:
            data = write_xlsform(questionnaire())
            imported = read_xlsform(data, f"{FORM_ID}.xlsx")
            unit = units.find_by_code(session, "15")
            survey = service.create_survey(
                session, actor, unit, imported, data=data, filename=f"{FORM_ID}.xlsx"
            )
            _set_up(survey)
        return {"survey_responses_new": _respond(session, survey, owner.id, plan)}


def _set_up(survey: Survey) -> None:
    survey.status = "open"
    survey.modes = ["web", "odk", "paper"]
    survey.access = "token"
    survey.target_population = "Người dân từ 16 tuổi trở lên sống ở tỉnh Lào Cai."
    survey.sample_design = (
        "Mẫu hạn ngạch theo giới tính và nhóm tuổi; phỏng vấn tại bộ phận một cửa của 8 xã, "
        "phường (dữ liệu mô phỏng)."
    )
    survey.consent_text = (
        "Phiếu hỏi không ghi tên người trả lời. Ông/bà có thể dừng bất cứ lúc nào. "
        "Đây là dữ liệu mô phỏng."
    )
    survey.quotas = [
        {"question": "gioi_tinh", "value": "nam", "target": 100},
        {"question": "gioi_tinh", "value": "nu", "target": 100},
        {"question": "nhom_tuoi", "value": "duoi_30", "target": 60},
        {"question": "nhom_tuoi", "value": "tu_60", "target": 50},
    ]


def _respond(session: Session, survey: Survey, collector: int, plan: DemoPlan) -> int:
    version = service.current_version(session, survey)
    form = service.form_of(version)
    rng = random.Random(f"{FORM_ID}:{plan.anchor.isoformat()}")  # noqa: S311 - synthetic
    created, given = 0, dict[str, Any]()
    for index in range(RESPONSES):
        given = given if index == COPIED else _answers(rng, index)
        checked = answers.validate(form, given)
        if not checked.ok:  # never expected: the generator follows the questionnaire
            continue
        channel = rng.choices(("web", "odk", "paper"), (5, 3, 2))[0]
        ended = plan.now - timedelta(days=rng.uniform(0, DAYS))
        minutes = 2.0 if index % 40 == 7 else rng.uniform(6, 15)  # a few far too fast
        stored = service.store_response(
            session,
            survey,
            version,
            checked.answers,
            instance_id=f"demo:{plan.anchor:%Y%m%d}:{index:04d}",
            channel=channel,
            unit_id=survey.unit_id,
            collector_id=None if channel == "web" else collector,
            started_at=ended - timedelta(minutes=minutes),
            completed_at=ended,
        )
        if stored.created:
            stored.response.received_at = ended  # received as the fieldwork went
            created += 1
    return created


def _answers(rng: random.Random, index: int) -> dict[str, Any]:
    """One synthetic respondent: a satisfaction level drives the battery and the overall
    answer; every 50th straight-lines the battery."""
    level = rng.choice((2, 3, 3, 4, 4, 4, 5))
    given: dict[str, Any] = {
        "tinh": "15",
        "xa": rng.choices(COMMUNES, (8, 6, 5, 4, 3, 3, 2, 2))[0],
        "gioi_tinh": rng.choices(("nam", "nu", "khac"), (48, 50, 2))[0],
        "tuoi": str(rng.randint(18, 78)),
    }
    straight = index % 50 == 13
    for name, _ in QUESTIONS:
        score = 5 if straight else min(5, max(1, level + rng.choice((-1, 0, 0, 1))))
        given[name] = str(score)
    given["hai_long"] = "co" if level >= 4 else "khong"
    if given["hai_long"] == "khong":
        given["ly_do"] = rng.choice(REASONS)
    if rng.random() < 0.2:
        given["de_xuat"] = "Nên có thêm hướng dẫn bằng tiếng dân tộc tại bộ phận một cửa."
    return given

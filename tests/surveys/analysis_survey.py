"""A small survey for the weighting and analysis tests: sex, age group, satisfaction (single
choice), services used (multiple choice), age (integer) and a free-text comment, with generated
responses whose sex and age mix is deliberately far from the population's."""

from __future__ import annotations

import random
from functools import cache

from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Survey
from duluan.surveys.xlsform import ImportedForm, read_xlsform
from tests.conftest import make_user
from tests.surveys.workbooks import VI, xlsx

SURVEY = [
    ["type", "name", f"label::{VI}", "required"],
    ["select_one gioi", "gioi_tinh", "Giới tính", "yes"],
    ["select_one nhom", "nhom_tuoi", "Nhóm tuổi", "yes"],
    ["integer", "tuoi", "Tuổi", "no"],
    ["select_one muc_do", "hai_long", "Ông/bà có hài lòng không?", "yes"],
    ["select_multiple dich_vu", "dich_vu", "Dịch vụ đã dùng", "no"],
    ["text", "y_kien", "Ý kiến khác", "no"],
]
CHOICES = [
    ["list_name", "name", f"label::{VI}"],
    ["gioi", "nam", "Nam"],
    ["gioi", "nu", "Nữ"],
    ["gioi", "khac", "Khác"],
    ["nhom", "tre", "Dưới 30"],
    ["nhom", "trung", "30–59"],
    ["nhom", "gia", "Từ 60"],
    ["muc_do", "co", "Hài lòng"],
    ["muc_do", "khong", "Chưa hài lòng"],
    ["dich_vu", "ho_tich", "Hộ tịch"],
    ["dich_vu", "dat_dai", "Đất đai"],
    ["dich_vu", "y_te", "Y tế"],
]
FORM_ID = "phan_tich_thu"


@cache
def imported() -> ImportedForm:
    settings = [["form_id", "form_title", "default_language"], [FORM_ID, "Thử phân tích", VI]]
    return read_xlsform(xlsx(SURVEY, CHOICES, settings), f"{FORM_ID}.xlsx")


def answers(rng: random.Random) -> dict[str, str]:
    """One respondent: men and young people are over-represented (60 % men, 50 % under 30), and
    satisfaction depends on both, so weighting changes the estimate."""
    sex = "nam" if rng.random() < 0.6 else "nu"
    group = rng.choices(("tre", "trung", "gia"), (50, 35, 15))[0]
    happy = rng.random() < 0.3 + 0.3 * (sex == "nu") + 0.2 * (group == "gia")
    given = {
        "gioi_tinh": sex,
        "nhom_tuoi": group,
        "tuoi": str({"tre": 25, "trung": 45, "gia": 70}[group]),
        "hai_long": "co" if happy else "khong",
        "y_kien": "Nhanh hơn trước.",
    }
    used = [c for c in ("ho_tich", "dat_dai", "y_te") if rng.random() < 0.5]
    if used:
        given["dich_vu"] = " ".join(used)
    return given


def make_survey(db: Session, responses: int = 200, seed: int = 7) -> Survey:
    """The survey owned by Lào Cai (unit 15), with `responses` stored responses."""
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), imported())
    survey.status = "open"
    version = service.current_version(db, survey)
    rng = random.Random(seed)  # noqa: S311 - synthetic answers
    for index in range(responses):
        service.store_response(
            db,
            survey,
            version,
            answers(rng),
            instance_id=f"uuid:{index}",
            channel="web" if index % 3 else "paper",
            unit_id=survey.unit_id,
        )
    db.commit()
    return survey


SHARES = """question,level,share
gioi_tinh,nam,0.49
gioi_tinh,nu,0.51
nhom_tuoi,tre,0.3
nhom_tuoi,trung,0.45
nhom_tuoi,gia,0.25
"""

"""A second wave of the analysis test survey (`analysis_survey.make_survey`), for the sample-design,
means and wave-comparison tests: the same questions plus the province (`tinh`, the strata) and
commune (`xa`, the clusters) each response came from, with satisfaction about 25 points higher than
in the first wave and, optionally, a reworded questionnaire (a new satisfaction choice)."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.surveys import service
from duluan.surveys.models import Survey
from duluan.surveys.xlsform import read_xlsform
from tests.conftest import make_user
from tests.surveys.analysis_survey import CHOICES, SURVEY
from tests.surveys.workbooks import VI, xlsx

COMMUNES = {"lao_cai": ("cam_duong", "bac_ha", "sa_pa"), "yen_bai": ("nghia_lo", "mu_cang_chai")}
PLACE_QUESTIONS = [
    ["select_one tinh", "tinh", "Tỉnh (cũ)", "yes"],
    ["select_one xa", "xa", "Xã, phường", "yes"],
]
PLACE_CHOICES = [
    ["tinh", "lao_cai", "Lào Cai"],
    ["tinh", "yen_bai", "Yên Bái"],
    *[
        ["xa", commune, commune.replace("_", " ").title()]
        for c in COMMUNES.values()
        for commune in c
    ],
]
NEW_CHOICE = ["muc_do", "mot_phan", "Hài lòng một phần"]


def _owner(db: Session, unit_code: str) -> User:
    """Lào Cai's analyst of the first wave, or an analyst of the other unit."""
    username = "lc.owner" if unit_code == "15" else f"u{unit_code}.owner"
    found = db.scalar(select(User).where(User.username == username))
    return found or make_user(db, username, "analyst", unit_code)


def make_wave(
    db: Session,
    *,
    form_id: str = "phan_tich_dot_2",
    title: str = "Thử phân tích — đợt 2",
    responses: int = 200,
    seed: int = 11,
    unit_code: str = "15",
    reworded: bool = False,
) -> Survey:
    """A survey of unit `unit_code` with the first wave's questions, the places, and responses."""
    choices = CHOICES + PLACE_CHOICES + ([NEW_CHOICE] if reworded else [])
    settings = [["form_id", "form_title", "default_language"], [form_id, title, VI]]
    imported = read_xlsform(xlsx(SURVEY + PLACE_QUESTIONS, choices, settings), f"{form_id}.xlsx")
    owner = users.actor_for(_owner(db, unit_code))
    survey = service.create_survey(db, owner, units.find_by_code(db, unit_code), imported)
    survey.status = "open"
    version = service.current_version(db, survey)
    rng = random.Random(seed)  # noqa: S311 - synthetic answers
    for index in range(responses):
        service.store_response(
            db,
            survey,
            version,
            _answers(rng, reworded),
            instance_id=f"uuid:{form_id}:{index}",
            channel="web",
            unit_id=survey.unit_id,
        )
    db.commit()
    return survey


def _answers(rng: random.Random, reworded: bool) -> dict[str, str]:
    province = rng.choice(tuple(COMMUNES))
    sex = "nam" if rng.random() < 0.5 else "nu"
    group = rng.choices(("tre", "trung", "gia"), (35, 40, 25))[0]
    happy = rng.random() < 0.6 + 0.2 * (sex == "nu") + 0.1 * (group == "gia")
    answer = "co" if happy else "khong"
    if reworded and not happy and rng.random() < 0.3:
        answer = "mot_phan"
    return {
        "tinh": province,
        "xa": rng.choice(COMMUNES[province]),
        "gioi_tinh": sex,
        "nhom_tuoi": group,
        "tuoi": str(rng.randint(18, 80)),
        "hai_long": answer,
    }

"""XLSForm workbooks for the survey tests, built with openpyxl: a small opinion questionnaire
with skip logic, a constraint, a calculation and the province → commune cascade."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

import openpyxl

from duluan.surveys.xlsform import ImportedForm, read_xlsform

Rows = Sequence[Sequence[object]]
VI = "Tiếng Việt (vi)"

SURVEY = [
    [
        "type",
        "name",
        f"label::{VI}",
        "required",
        "relevant",
        "constraint",
        f"constraint_message::{VI}",
        "calculation",
        "choice_filter",
    ],
    ["select_one dvhc_tinh", "tinh", "Tỉnh, thành phố nơi ông/bà sống", "yes", "", "", "", "", ""],
    ["select_one dvhc_xa", "xa", "Xã, phường", "yes", "", "", "", "", "tinh=${tinh}"],
    [
        "integer",
        "tuoi",
        "Tuổi",
        "yes",
        "",
        ". >= 16 and . <= 110",
        "Tuổi phải từ 16 đến 110",
        "",
        "",
    ],
    [
        "select_one muc_do",
        "hai_long",
        "Ông/bà hài lòng với dịch vụ công ở địa phương?",
        "yes",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "text",
        "ly_do",
        "Vì sao ông/bà chưa hài lòng?",
        "yes",
        "${hai_long} = 'khong'",
        "",
        "",
        "",
        "",
    ],
    [
        "calculate",
        "nhom_tuoi",
        "",
        "",
        "",
        "",
        "",
        "if(${tuoi} < 30, 'tre', if(${tuoi} < 60, 'trung_nien', 'cao_tuoi'))",
        "",
    ],
]
CHOICES = [
    ["list_name", "name", f"label::{VI}"],
    ["muc_do", "co", "Hài lòng"],
    ["muc_do", "khong", "Chưa hài lòng"],
]


def xlsx(survey: Rows, choices: Rows = (), settings: Rows = (), **other: Rows) -> bytes:
    """An .xlsx with the survey, choices and settings sheets and any `other` (the first row of
    each, its header); empty ones are left out."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    sheets = {"survey": survey, "choices": choices, "settings": settings, **other}
    for name, rows in sheets.items():
        if rows:
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def opinion_xlsx(form_id: str = "y_kien_dich_vu_cong", version: str = "") -> bytes:
    settings = [
        ["form_id", "form_title", "version", "default_language"],
        [form_id, "Ý kiến về dịch vụ công", version, VI],
    ]
    return xlsx(SURVEY, CHOICES, settings)


@cache  # pyxform takes most of a second over the 3,321 communes; the result is frozen
def opinion_form(form_id: str = "y_kien_dich_vu_cong", version: str = "") -> ImportedForm:
    return read_xlsform(opinion_xlsx(form_id, version), f"{form_id}.xlsx")

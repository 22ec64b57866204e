"""XLSForm import: time to read a 7,000-row questionnaire into a Form and its XForm (issue 6 target:
≤ 10 s), and to write it back.

    .venv/bin/python -m benchmarks xlsform
    DULUAN_BENCH_XLSFORM_ROWS=20000 .venv/bin/python -m benchmarks xlsform   (another size)

The questionnaire is generated: ROWS survey rows in groups of 50 (one repeat among them), labels
in Vietnamese and English, questions of every common type cycling through text, integer (with a
constraint and its message), select_one, decimal, select_multiple, date, calculate and geopoint,
every third one with skip logic on the one before, five choice lists of its own, and the province
→ commune cascade on the built-in lists (34 provinces, 3,321 communes filled by the importer).
`read_xlsform` runs end to end: bytes → openpyxl → checks → Form → pyxform → XForm XML.
"""

from __future__ import annotations

import io
import os
import statistics
import time

import openpyxl

from duluan.surveys.xlsform import read_xlsform, to_xform, write_xlsform

COMMAND = ".venv/bin/python -m benchmarks xlsform"
ROWS = int(os.environ.get("DULUAN_BENCH_XLSFORM_ROWS", "7000"))
RUNS = 3
GROUP_SIZE = 50
VI, EN = "Tiếng Việt (vi)", "English (en)"
HEADER = (
    "type",
    "name",
    f"label::{VI}",
    f"label::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{VI}",
    f"constraint_message::{EN}",
    "calculation",
    "choice_filter",
)
LISTS = {"agree": 5, "yes_no": 2, "media": 8, "trust": 4, "sex": 2}


def _question(number: int, previous: str) -> list[str]:
    kind = number % 8
    name = f"q{number}"
    row = ["", name, f"Câu hỏi số {number}", f"Question {number}", "", "", "", "", "", "", ""]
    row[0] = [
        "text",
        "integer",
        "select_one agree",
        "decimal",
        "select_multiple media",
        "date",
        "calculate",
        "geopoint",
    ][kind]
    if kind == 1:
        row[4] = "yes"
        row[6:9] = [". >= 0 and . <= 150", "Giá trị từ 0 đến 150", "Between 0 and 150"]
    if kind == 6:
        row[2:4] = ["", ""]
        row[9] = f"string-length(${{{previous}}})"
    elif number % 3 == 0 and previous:
        row[5] = f"${{{previous}}} != ''"
    return row


def generate(rows: int = ROWS) -> bytes:
    """An .xlsx XLSForm of about `rows` survey rows (see the module docstring)."""
    survey: list[list[str]] = [list(HEADER)]
    survey.append(["select_one dvhc_tinh", "tinh", "Tỉnh/thành phố", "Province", "yes"])
    survey.append(["select_one dvhc_xa", "xa", "Xã/phường", "Commune", "yes"])
    survey[-1] += ["", "", "", "", "", "tinh=${tinh}"]
    number, previous, group = 0, "", 0
    while len(survey) < rows:
        kind = "repeat" if group == 1 else "group"
        survey.append([f"begin {kind}", f"g{group}", f"Phần {group}", f"Part {group}"])
        for _ in range(min(GROUP_SIZE, rows - len(survey) - 1)):
            survey.append(_question(number, previous))
            previous = f"q{number}" if number % 8 != 6 else previous
            number += 1
        survey.append([f"end {kind}"])
        group += 1
        previous = ""  # skip logic stays inside its group (and outside the repeat)
    choices = [["list_name", "name", f"label::{VI}", f"label::{EN}"]]
    for list_name, size in LISTS.items():
        choices += [[list_name, f"c{i}", f"Lựa chọn {i}", f"Option {i}"] for i in range(size)]
    settings = [["form_title", "form_id", "default_language"], ["Bảng hỏi lớn", "lon", VI]]
    workbook = openpyxl.Workbook()  # not write-only: like Excel, it records each sheet's size
    workbook.remove(workbook.active)
    for name, table in (("survey", survey), ("choices", choices), ("settings", settings)):
        sheet = workbook.create_sheet(name)
        for row in table:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    print(f"# {COMMAND}")
    data = generate()
    reads, conversions, writes = [], [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        imported = read_xlsform(data, "lon.xlsx")
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        to_xform(imported.form)
        conversions.append(time.perf_counter() - started)
        started = time.perf_counter()
        write_xlsform(imported.form)
        writes.append(time.perf_counter() - started)
    questions = sum(1 for _ in imported.form.walk())
    communes = len(imported.form.choices("dvhc_xa"))
    print(
        f"XLSForm of {ROWS} survey rows ({len(data) / 1024:.0f} KiB, {questions} questions and "
        f"groups, {communes} communes in the cascade); XForm {len(imported.xform) / 1e6:.1f} MB"
    )
    print(
        f"read_xlsform end to end: median {statistics.median(reads):.2f} s of {RUNS} runs "
        f"(target ≤ 10 s); of which Form → XForm (pyxform) {statistics.median(conversions):.2f} s"
    )
    print(f"write_xlsform: median {statistics.median(writes):.2f} s")


if __name__ == "__main__":
    main()

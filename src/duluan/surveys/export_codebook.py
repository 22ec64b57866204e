"""The codebook of an export: for each variable its name, Vietnamese label, type, value labels,
when the question is asked and what answers it accepts (in words), and how many answered it.

The counts come from the same pass over the responses that writes the data (`Tally`), so a
codebook costs no second read. `export_writers` puts it into the XLSX export as the sheet `Biến`
and writes it on its own, as CSV or XLSX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy

from duluan.surveys.export_rows import Batch, Layout, Variable

MAIN_TABLE = "Dữ liệu"  # the sheet, and the codebook's name, of the one-row-per-response table
HEADER = (
    "Biến",
    "Nhãn",
    "Kiểu",
    "Nhãn giá trị",
    "Bảng",
    "Điều kiện hỏi",
    "Ràng buộc",
    "Công thức",
    "Số trả lời",
)


@dataclass(frozen=True)
class Entry:
    """One line of the codebook."""

    table: str
    variable: Variable
    answered: int

    def texts(self) -> list[str]:
        """The line's text cells; the count, `answered`, comes after them."""
        v = self.variable
        constraint = in_words(v.constraint)
        if constraint and v.constraint_message:
            constraint = f"{constraint} ({v.constraint_message})"
        return [
            v.name,
            v.label,
            v.type,
            v.values,
            self.table,
            in_words(v.relevant),
            constraint,
            in_words(v.calculation),
        ]


class Tally:
    """Counts the non-empty cells of each column as records go by (a repeat counts as answered
    when it has at least one item)."""

    def __init__(self, shape: Layout) -> None:
        self.shape = shape
        self.rows = 0
        self._main = numpy.zeros(len(shape.variables), dtype=numpy.int64)
        self._repeats = {
            name: numpy.zeros(len(inner), dtype=numpy.int64)
            for name, inner in shape.repeats.items()
        }
        self._with_items = dict.fromkeys(shape.repeats, 0)  # responses with ≥ 1 item, by repeat

    def add(self, batch: Batch) -> None:
        width = len(self.shape.variables)
        self.rows += len(batch.rows)
        for row in batch.rows:
            self._main += numpy.fromiter(map(bool, row), numpy.int64, width)
        for name, rows in batch.repeat_rows.items():
            counts = self._repeats[name]
            self._with_items[name] += len({row[0] for row in rows})
            for row in rows:
                counts += numpy.fromiter(map(bool, row[2:]), numpy.int64, len(counts))

    def entries(self) -> list[Entry]:
        """The codebook: the main table's variables, then each repeat's."""
        found = [
            Entry(MAIN_TABLE, v, self._with_items.get(v.name, int(n)))
            for v, n in zip(self.shape.variables, self._main, strict=True)
        ]
        for name, inner in self.shape.repeats.items():
            found += [
                Entry(name, v, int(n)) for v, n in zip(inner, self._repeats[name], strict=True)
            ]
        return found


# XLSForm expressions read aloud: `${tuoi} >= 16 and selected(${nghe}, 'nong_dan')` becomes
# "tuoi ≥ 16 và nghe có chọn 'nong_dan'". Only the common forms are rewritten; anything else is
# kept as written, so nothing is lost.
_WORDS: tuple[tuple[str, str], ...] = (
    (r"not\(\s*selected\(\s*\$\{(\w+)\}\s*,\s*('[^']*'|\"[^\"]*\")\s*\)\s*\)", r"\1 không chọn \2"),
    (r"selected\(\s*\$\{(\w+)\}\s*,\s*('[^']*'|\"[^\"]*\")\s*\)", r"\1 có chọn \2"),
    (r"selected\(\s*\.\s*,\s*('[^']*'|\"[^\"]*\")\s*\)", r"câu trả lời có chọn \1"),
    (r"count-selected\(\s*\$\{(\w+)\}\s*\)", r"số lựa chọn của \1"),
    (r"count-selected\(\s*\.\s*\)", "số lựa chọn"),
    (r"string-length\(\s*\.\s*\)", "độ dài câu trả lời"),
    (r"\$\{(\w+)\}", r"\1"),
    (r"(?<![\w.'])\.(?![\w.'])", "câu trả lời"),
    (r"\s*>=\s*", " ≥ "),
    (r"\s*<=\s*", " ≤ "),
    (r"\s*!=\s*", " ≠ "),
    (r"\s+and\s+", " và "),
    (r"\s+or\s+", " hoặc "),
)


def in_words(expression: str) -> str:
    """An XLSForm expression as a Vietnamese reader would say it ("" for none)."""
    text = expression.strip()
    for pattern, replacement in _WORDS:
        text = re.sub(pattern, replacement, text)
    return text

"""Consolidation: a parent unit's report with its child units' reports of the same kind and
period merged in, as offices roll reports up (ward → province → centre).

Rules:
1. The parent's own sections stay as they are. Its snapshot already covers every unit below it
   (`snapshot.py`), so the children's figures are never added into the parent's sections: that
   would count the same documents, cases and petitions twice.
2. A new section "TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ TRỰC THUỘC" (key `children`) compares the
   children side by side, with a total row. Only counts are summed (documents, negative
   documents, cases opened, field reports, petitions received); the total's negative share is
   recomputed from the summed counts, never averaged. A child whose report lacks a figure shows
   "—" and adds nothing. The totals can be below the parent's own figures: the parent also
   counts its own sources and units that sent no report.
3. One section per child (key `child:<code>`, `code` as given) with its key paragraphs: the
   opening paragraphs of its situation, hotspots, field-report and petition sections, its
   analyst's proposals, and up to two of its quotes; placeholders (text in square brackets) are
   left out. The figures those paragraphs quote come with them, named `<section>.<figure>`.
4. Sections are numbered again (I, II, …): the summary and the children's sections come just
   before the proposals, which stay last.
"""

from __future__ import annotations

import copy
import re

from duluan.reports.document import Quote, ReportDocument, Section, Table
from duluan.reports.figures import Figures, count_text, percent_text

KEY_SECTIONS = ("situation", "hotspots", "field_reports", "petitions", "proposals")
OPENING = {"situation": 2, "hotspots": 2, "field_reports": 1, "petitions": 1, "proposals": 99}
QUOTES_PER_CHILD = 2
SUMMED = (  # (column title, section key, figure name) of the summary table
    ("Tin, bài", "situation", "documents"),
    ("Tin, bài tiêu cực", "situation", "negative"),
    ("Vụ việc điểm nóng mở", "hotspots", "cases_opened"),
    ("Báo cáo của cộng tác viên", "field_reports", "reports"),
    ("Ý kiến, kiến nghị tiếp nhận", "petitions", "received"),
)
_NUMBERED = re.compile(r"^[IVXLC]+\.\s+")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def consolidate(
    parent: ReportDocument, children: list[tuple[str, ReportDocument]]
) -> ReportDocument:
    """`parent` with `children` (child unit code, its report) merged in by the rules above."""
    merged = copy.deepcopy(parent)
    if not children:
        return merged
    proposals = [s for s in merged.sections if s.key == "proposals"]
    body = [s for s in merged.sections if s.key != "proposals"]
    added = [summary(children)] + [
        child_section(i, code, doc) for i, (code, doc) in enumerate(children, 1)
    ]
    merged.sections = renumber(body + added[:1]) + added[1:] + renumber(proposals, len(body) + 2)
    return merged


def _figure(doc: ReportDocument, key: str, name: str) -> int | None:
    for section in doc.sections:
        if section.key == key:
            value = section.figures.get(name)
            return int(value) if isinstance(value, int | float) else None
    return None


def summary(children: list[tuple[str, ReportDocument]]) -> Section:
    """The side-by-side table of the children's counts, with a total row (rule 2)."""
    f = Figures()
    found = [(doc.header.issuer, [_figure(doc, key, name) for _, key, name in SUMMED])
             for _, doc in children]  # fmt: skip
    totals = [sum(values[i] or 0 for _, values in found) for i in range(len(SUMMED))]
    rows = [_row(name, values) for name, values in found]
    rows.append(_row("Cộng", list(totals)))
    documents, negative = totals[0], totals[1]
    text = (
        f"Tổng hợp {f.count('children', len(children))} báo cáo của các đơn vị trực thuộc: "
        f"{f.count('documents', documents)} tin, bài được theo dõi"
    )
    if documents:
        text += f", trong đó {f.count('negative', negative)} tin, bài tiêu cực "
        text += f"({f.percent('negative_share', negative / documents)})"
    text += (
        f"; {f.count('cases_opened', totals[2])} vụ việc điểm nóng được mở; "
        f"{f.count('reports', totals[3])} báo cáo của cộng tác viên; "
        f"{f.count('received', totals[4])} ý kiến, kiến nghị được tiếp nhận."
    )
    titles = [title for title, _, _ in SUMMED]
    table = Table(
        title="Số liệu chính theo báo cáo của các đơn vị",
        columns=["Đơn vị", *titles[:2], "Tỷ lệ tiêu cực", *titles[2:]],
        rows=rows,
    )
    return Section(
        "children",
        "TỔNG HỢP BÁO CÁO CỦA CÁC ĐƠN VỊ TRỰC THUỘC",
        paragraphs=[text],
        tables=[table],
        figures=f.values,
    )


def _row(name: str, values: list[int | None]) -> list[str]:
    """A table row: the counts, with the negative share (from the two counts) after them."""
    cells = ["—" if v is None else count_text(v) for v in values]
    documents, negative = values[0], values[1]
    share = f"{percent_text(negative / documents)} %" if documents and negative is not None else "—"
    return [name, cells[0], cells[1], share, *cells[2:]]


def child_section(position: int, code: str, doc: ReportDocument) -> Section:
    """The key paragraphs of one child's report (rule 3)."""
    section = Section(f"child:{code}", f"{position}. {doc.header.issuer}")
    for part in doc.sections:
        if part.key not in KEY_SECTIONS:
            continue
        kept = [p for p in part.paragraphs if not _placeholder(p)][: OPENING[part.key]]
        if part.key == "proposals" and kept:
            kept = ["Đề xuất, kiến nghị của đơn vị: " + kept[0], *kept[1:]]
        section.paragraphs.extend(kept)
        section.figures.update({f"{part.key}.{k}": v for k, v in part.figures.items()})
        if part.key == "field_reports":
            section.quotes.extend(Quote(q.text, q.source) for q in part.quotes[:QUOTES_PER_CHILD])
    if not section.paragraphs:
        section.paragraphs.append("Báo cáo của đơn vị không có nội dung để tổng hợp.")
    return section


def _placeholder(paragraph: str) -> bool:
    text = paragraph.strip()
    return not text or (text.startswith("[") and text.endswith("]"))


def renumber(sections: list[Section], first: int = 1) -> list[Section]:
    """Number the sections I, II, … from `first`, replacing any number they had."""
    for i, section in enumerate(sections, first):
        bare = _NUMBERED.sub("", section.title)
        section.title = f"{_ROMAN[i - 1]}. {bare}" if i <= len(_ROMAN) else bare
    return sections

"""Sections III–V of the first draft, what people themselves said: survey results, what
collaborators and units reported (with representative quotes), and petitions with their status.
See `compose.py` for the rules every section follows."""

from __future__ import annotations

from datetime import date
from typing import Any

from duluan.reports.document import Chart, ChartSeries, Quote, Section, Table
from duluan.reports.figures import Figures, percent_text

TONES = {
    "negative": "tiêu cực",
    "mixed": "trái chiều",
    "positive": "tích cực",
    "neutral": "trung tính",
}
PETITION_STATUSES = {
    "open": "đang chờ trả lời",
    "answered": "đã được trả lời",
    "closed": "đã giải quyết xong",
}
TOPICS_WRITTEN = 5


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def surveys(snapshot: dict[str, Any]) -> Section:
    """III. Surveys whose fieldwork ended or whose results were published in the period, with
    their margins of error and published headlines."""
    f = Figures()
    section = Section("surveys", "III. KẾT QUẢ ĐIỀU TRA DƯ LUẬN XÃ HỘI")
    found = snapshot["surveys"]
    if not found:
        section.paragraphs.append(
            "Trong kỳ không có cuộc điều tra dư luận xã hội nào kết thúc thu thập thông tin hoặc "
            "công bố kết quả."
        )
        return section
    section.paragraphs.append(
        f"Trong kỳ có {f.count('surveys', len(found))} cuộc điều tra dư luận xã hội kết thúc "
        "thu thập thông tin hoặc công bố kết quả:"
    )
    findings = 0
    for i, survey in enumerate(found, 1):
        section.paragraphs.append(_survey_paragraph(f, i, survey))
        for finding in survey.get("findings", []):
            findings += 1
            section.paragraphs.append(_finding(f, f"finding_{findings}", finding))
    section.figures = f.values
    return section


def _survey_paragraph(f: Figures, i: int, survey: dict[str, Any]) -> str:
    key = f"survey_{i}"
    text = f"- “{f.text(f'{key}_title', survey['title'])}”"
    if survey["fieldwork_start"] or survey["fieldwork_end"]:
        text += (
            f" (thu thập từ ngày {f.text(f'{key}_start', _day(survey['fieldwork_start']))} "
            f"đến ngày {f.text(f'{key}_end', _day(survey['fieldwork_end']))})"
        )
    text += f": {f.count(f'{key}_responses', survey['responses'])} phiếu hợp lệ"
    margin = survey["margin_of_error"]
    if survey["published"] and margin is not None:
        share = margin if margin <= 1 else margin / 100  # stored as 0.031 or as 3.1
        sample = survey["sample_size"]
        if sample is not None:
            text += f", mẫu công bố {f.count(f'{key}_sample_size', int(sample))} người"
        return (
            f"{text}; kết quả đã công bố, sai số tối đa ±{f.percent(f'{key}_margin', share)} ở "
            f"độ tin cậy {f.count('confidence', 95)} %."
        )
    if survey["published"]:
        return f"{text}; kết quả đã công bố nhưng chưa ghi sai số."
    return f"{text}; kết quả chưa được công bố, chưa tính sai số."


def _finding(f: Figures, key: str, finding: dict[str, Any]) -> str:
    """One published headline: "+ «question»: 62,5 % chọn «Có» (khoảng tin cậy 95 %: …)"."""
    low, high = float(finding["ci_low"]), float(finding["ci_high"])
    f.values[f"{key}_share_low"], f.values[f"{key}_share_high"] = low, high
    return (
        f"+ Câu hỏi “{f.text(f'{key}_question', finding['question'])}”: "
        f"{f.percent(f'{key}_share', finding['share'])} chọn "
        f"“{f.text(f'{key}_answer', finding['answer'])}” (khoảng tin cậy "
        f"{f.count('confidence', 95)} %: {percent_text(low)}–{percent_text(high)} %)."
    )


def field_reports(snapshot: dict[str, Any]) -> Section:
    """IV. What collaborators and units reported: counts, tone, topics and quotes."""
    data, f = snapshot["field_reports"], Figures()
    section = Section("field_reports", "IV. DƯ LUẬN QUA ĐỘI NGŨ CỘNG TÁC VIÊN VÀ CÁC ĐƠN VỊ")
    network = (
        f"mạng lưới hiện có {f.count('collaborators_active', data['collaborators_active'])} "
        "cộng tác viên đang hoạt động"
        if data["collaborators_active"]
        else ""
    )
    if data["reports"] == 0:
        section.paragraphs.append(
            "Trong kỳ chưa có báo cáo nào của cộng tác viên và các đơn vị trực thuộc"
            + (f" ({network})." if network else ".")
        )
        f.count("reports", 0)
        section.figures = f.values
        return section
    section.paragraphs.append(
        f"Trong kỳ, {f.count('units_reporting', data['units_reporting'])} đơn vị gửi "
        f"{f.count('reports', data['reports'])} báo cáo (trong đó "
        f"{f.count('urgent', data['urgent'])} báo cáo đột xuất), phản ánh "
        f"{f.count('streams', data['streams'])} luồng ý kiến của nhân dân"
        + (f"; {network}." if network else ".")
    )
    tones = ", ".join(
        f"{f.count(f'streams_{tone}', data['by_tone'][tone])} {words}"
        for tone, words in TONES.items()
        if data["by_tone"].get(tone)
    )
    topics = f.ranking("topic", data["by_topic"], "streams", TOPICS_WRITTEN)
    section.paragraphs.append(f"Về sắc thái, các luồng ý kiến gồm: {tones}.")
    section.paragraphs.append(f"Các vấn đề được phản ánh nhiều (số luồng ý kiến): {topics}.")
    section.paragraphs.append("Một số ý kiến tiêu biểu:")
    section.quotes = [Quote(q["text"], _source(q)) for q in data["quotes"]]
    section.figures = f.values
    return section


def _source(quote: dict[str, Any]) -> str:
    """Where a quote came from: unit, commune, date; never who said it."""
    parts = [
        quote["unit"],
        quote["commune"],
        f"ngày {_day(quote['date'])}" if quote["date"] else "",
    ]
    return ", ".join(part for part in parts if part)


def petitions(snapshot: dict[str, Any]) -> Section:
    """V. Dialogue sessions and petitions: received, answered, overdue; a table by topic."""
    data, f = snapshot["petitions"], Figures()
    section = Section("petitions", "V. Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN VÀ KẾT QUẢ GIẢI QUYẾT")
    if data["received"] == 0 and data["sessions"] == 0 and not data["answered_in_period"]:
        section.paragraphs.append(
            "Trong kỳ không có buổi tiếp xúc, đối thoại nào được ghi nhận và không tiếp nhận ý "
            "kiến, kiến nghị mới."
        )
        f.count("received", 0)
        if data["overdue"]:
            section.paragraphs.append(_overdue(f, data))
        section.figures = f.values
        return section
    sessions = (
        f"Trong kỳ tổ chức {f.count('sessions', data['sessions'])} buổi tiếp xúc, đối thoại với "
        f"{f.count('attendees', data['attendees'])} lượt người dân tham dự; tiếp nhận"
        if data["sessions"]
        else "Trong kỳ tiếp nhận"
    )
    received = f"{sessions} {f.count('received', data['received'])} ý kiến, kiến nghị"
    if not data["received"] and not data["sessions"]:
        received = "Trong kỳ không tiếp nhận ý kiến, kiến nghị mới"
    statuses = ", ".join(
        f"{f.count(f'received_{status}', data['by_status'][status])} {words}"
        for status, words in PETITION_STATUSES.items()
        if data["by_status"].get(status)
    )
    section.paragraphs.append(f"{received}, trong đó {statuses}." if statuses else f"{received}.")
    section.paragraphs.append(
        f"Trong kỳ đã trả lời {f.count('answered_in_period', data['answered_in_period'])} ý "
        "kiến, kiến nghị (kể cả kiến nghị nhận từ các kỳ trước)."
    )
    if data["overdue"]:
        section.paragraphs.append(_overdue(f, data))
    if data["by_topic"]:
        section.tables.append(
            Table(
                title="Ý kiến, kiến nghị tiếp nhận trong kỳ theo lĩnh vực",
                columns=["Lĩnh vực", "Số ý kiến, kiến nghị"],
                rows=[[row["name"], str(row["petitions"])] for row in data["by_topic"]],
            )
        )
        section.charts.append(
            Chart(
                key="petitions_topics",
                title="Ý kiến, kiến nghị theo lĩnh vực",
                kind="barh",
                labels=[row["name"] for row in data["by_topic"]],
                series=[
                    ChartSeries("Số ý kiến", [float(r["petitions"]) for r in data["by_topic"]])
                ],
            )
        )
    section.figures = f.values
    return section


def _overdue(f: Figures, data: dict[str, Any]) -> str:
    return (
        f"Đến cuối kỳ còn {f.count('overdue', data['overdue'])} ý kiến, kiến nghị đã quá hạn "
        "mà chưa được trả lời, cần đôn đốc cơ quan có trách nhiệm."
    )

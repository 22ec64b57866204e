"""The first draft of a report: its sections written from the data snapshot, in the order and
official style of the periodic reports in the seeds (seed 004 §III: analyse each opinion stream,
forecast, propose).

`compose` is a pure function of the snapshot and the header: the same snapshot always gives the
same draft, which is how a saved report is reproduced and audited. Every number a paragraph
prints is put in through the section's `Figures` (`figures.py`), so it is kept in the section's
`figures` by name. Where the snapshot has nothing, the section says so in a plain sentence.

Sections: I situation, II hotspots, III surveys, IV field reports, V petitions, VI forecast,
VII proposals (left for the analyst). III–V are written in `compose_voices.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from duluan.reports import compose_voices
from duluan.reports.document import Chart, ChartSeries, Header, ReportDocument, Section, Table
from duluan.reports.figures import Figures, count_text, percent_text

TOPICS_WRITTEN = 5  # opinion streams described one by one; the chart shows them all
PLACES_WRITTEN = 5
SOURCES_WRITTEN = 3
CONFIDENCE = 95
ALERT_STATES = {
    "open": "chưa xử lý",
    "acknowledged": "đã tiếp nhận",
    "escalated": "đã chuyển thành vụ việc",
    "dismissed": "đã loại bỏ sau kiểm tra",
}
CASE_STATUSES = {
    "open": "mới mở",
    "in_progress": "đang xử lý",
    "resolved": "đã giải quyết",
    "closed": "đã kết thúc",
}
TRENDS = {"rising": "có xu hướng tăng", "falling": "có xu hướng giảm", "stable": "ổn định"}


def compose(snapshot: dict[str, Any], header: Header) -> ReportDocument:
    """The draft report of `snapshot` under `header`."""
    return ReportDocument(
        header=header,
        sections=[
            situation(snapshot),
            hotspots(snapshot),
            compose_voices.surveys(snapshot),
            compose_voices.field_reports(snapshot),
            compose_voices.petitions(snapshot),
            forecast(snapshot),
            proposals(),
        ],
    )


def vn_date(iso: str | None) -> str:
    """ "14/10/2026" from "2026-10-14"; "—" when there is no date."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def change_words(f: Figures, name: str, now: int, before: int, before_words: str) -> str:
    """ "tăng 25,0 % so với …" / "giảm …" / "bằng …" / "kỳ trước chưa có số liệu"."""
    if before == 0:
        return f"{before_words} chưa có số liệu để so sánh"
    if now == before:
        return f"bằng {before_words}"
    change = f.percent(name, abs(now - before) / before)
    return f"{'tăng' if now > before else 'giảm'} {change} so với {before_words}"


def _interval(f: Figures, name: str, figure: dict[str, Any]) -> str:
    low, high = percent_text(figure["low"]), percent_text(figure["high"])
    f.values[f"{name}_low"], f.values[f"{name}_high"] = figure["low"], figure["high"]
    return f"khoảng tin cậy {f.count('confidence', CONFIDENCE)} %: {low}–{high} %"


def situation(snapshot: dict[str, Any]) -> Section:
    """I. Volumes and tone, the main opinion streams by topic compared with the previous
    period, the places and sources, a bar chart by topic and a line chart over time."""
    data, f = snapshot["listening"], Figures()
    section = Section("situation", "I. TÌNH HÌNH DƯ LUẬN XÃ HỘI")
    words = f.text("period", _period_words(snapshot))
    before_words = f.text(
        "previous_period", "kỳ trước (" + snapshot["previous_period"]["words"] + ")"
    )
    total, before = data["documents"], data["previous_documents"]
    if total == 0:
        section.paragraphs.append(
            f"Trong {words}, hệ thống theo dõi chưa ghi nhận tin, bài, ý kiến nào trên báo chí và "
            "mạng xã hội thuộc phạm vi đơn vị (chưa có nguồn được theo dõi, hoặc các nguồn không "
            "đăng tải nội dung nào trong kỳ)."
        )
        f.count("documents", 0)  # kept for consolidation, which sums it
        section.figures = f.values
        return section
    section.paragraphs.append(
        f"Trong {words}, hệ thống theo dõi ghi nhận {f.count('documents', total)} tin, bài, ý "
        f"kiến trên báo chí và mạng xã hội liên quan đến địa bàn, "
        f"{change_words(f, 'documents_change', total, before, before_words)}."
    )
    f.count("previous_documents", before)
    section.paragraphs.append(_tone_paragraph(f, data))
    section.paragraphs.append(
        "Các luồng dư luận chính theo lĩnh vực (số tin, bài trong kỳ; tỷ lệ tiêu cực):"
    )
    for i, row in enumerate(data["topics"][:TOPICS_WRITTEN], 1):
        section.paragraphs.append(_topic_paragraph(f, i, row, before_words))
    section.paragraphs.append(
        "[Phân tích nguyên nhân của từng luồng dư luận: cán bộ tổng hợp viết bổ sung.]"
    )
    section.paragraphs.extend(_where_paragraphs(f, data))
    section.charts = _situation_charts(data, snapshot)
    section.figures = f.values
    return section


def _period_words(snapshot: dict[str, Any]) -> str:
    """ "tháng 11 năm 2026", with "(số liệu đến ngày 25/11/2026)" while the period is not over."""
    words, until = snapshot["period"]["words"], snapshot.get("data_until")
    if until and until < snapshot["period"]["end"]:
        return f"{words} (số liệu đến ngày {vn_date(until)})"
    return str(words)


def _tone_paragraph(f: Figures, data: dict[str, Any]) -> str:
    tone, before = data["tone"], data["previous_tone"]
    negative = tone["negative"]
    text = (
        f"Về sắc thái, {f.count('negative', negative['count'])} tin, bài mang sắc thái tiêu cực, "
        f"chiếm {f.percent('negative_share', negative['share'])} "
        f"({_interval(f, 'negative_share', negative)})"
    )
    if before["negative"]["total"]:
        previous = f.percent("previous_negative_share", before["negative"]["share"])
        text += f", kỳ trước là {previous}"
    positive, neutral = tone["positive"], tone["neutral"]
    return (
        f"{text}; {f.count('positive', positive['count'])} tin, bài tích cực "
        f"({f.percent('positive_share', positive['share'])}) và "
        f"{f.count('neutral', neutral['count'])} tin, bài trung tính "
        f"({f.percent('neutral_share', neutral['share'])})."
    )


def _topic_paragraph(f: Figures, i: int, row: dict[str, Any], before_words: str) -> str:
    key = f"topic_{i}"
    f.text(f"{key}_name", row["name"])
    documents = f.count(f"{key}_documents", row["documents"])
    f.count(f"{key}_previous", row["previous"])
    change = change_words(f, f"{key}_change", row["documents"], row["previous"], before_words)
    negative = row["negative"]
    return (
        f"- {row['name']}: {documents} tin, bài, {change}; tỷ lệ tiêu cực "
        f"{f.percent(f'{key}_negative_share', negative['share'])} "
        f"({_interval(f, f'{key}_negative_share', negative)})."
    )


def _where_paragraphs(f: Figures, data: dict[str, Any]) -> list[str]:
    """The places most discussed (communes when known, else provinces) and the busiest sources."""
    found: list[str] = []
    places = data["communes"] or data["provinces"]
    if places:
        named = f.ranking("place", places, "documents", PLACES_WRITTEN)
        found.append(f"Các địa bàn được nhắc đến nhiều nhất (số tin, bài): {named}.")
    if data["sources"]:
        named = f.ranking("source", data["sources"], "documents", SOURCES_WRITTEN)
        found.append(f"Các nguồn đăng tải nhiều nhất (số tin, bài): {named}.")
    return found


def _situation_charts(data: dict[str, Any], snapshot: dict[str, Any]) -> list[Chart]:
    topics = data["topics"]
    by_topic = Chart(
        key="situation_topics",
        title="Số tin, bài theo lĩnh vực",
        kind="barh",
        labels=[row["name"] for row in topics],
        series=[
            ChartSeries("Kỳ này", [float(row["documents"]) for row in topics]),
            ChartSeries("Kỳ trước", [float(row["previous"]) for row in topics]),
        ],
        unit="tin, bài",
    )
    timeline = data["timeline"]
    step = "tuần (từ ngày)" if timeline["step"] == "week" else "ngày"
    over_time = Chart(
        key="situation_timeline",
        title=f"Số tin, bài theo {step}",
        kind="line",
        labels=[vn_date(start)[:5] for start in timeline["starts"]],
        series=[
            ChartSeries("Tổng số", [float(n) for n in timeline["documents"]]),
            ChartSeries("Tiêu cực", [float(n) for n in timeline["negative"]]),
        ],
        unit="tin, bài",
    )
    return [by_topic, over_time] if topics else [over_time]


def hotspots(snapshot: dict[str, Any]) -> Section:
    """II. The alerts of the period and the hotspot cases opened or closed in it, with a table
    of how each case was handled."""
    alerts, cases, f = snapshot["alerts"], snapshot["cases"], Figures()
    section = Section("hotspots", "II. TÌNH HÌNH ĐIỂM NÓNG VÀ KẾT QUẢ XỬ LÝ")
    if alerts["total"] == 0 and cases["total"] == 0:
        section.paragraphs.append(
            "Trong kỳ không phát sinh cảnh báo sớm hay vụ việc điểm nóng nào trên địa bàn."
        )
        f.count("alerts", 0)
        f.count("cases_opened", 0)
        section.figures = f.values
        return section
    if alerts["total"]:
        states = ", ".join(
            f"{f.count(f'alerts_{state}', alerts['by_state'][state])} {words}"
            for state, words in ALERT_STATES.items()
            if alerts["by_state"].get(state)
        )
        topics = f.ranking("alert_topic", alerts["by_topic"], "alerts", TOPICS_WRITTEN)
        section.paragraphs.append(
            f"Hệ thống cảnh báo sớm phát hiện {f.count('alerts', alerts['total'])} dấu hiệu bất "
            f"thường (dư luận tăng đột biến hoặc chuyển sang tiêu cực), trong đó {states}. Các "
            f"lĩnh vực có cảnh báo: {topics}."
        )
    else:
        section.paragraphs.append(
            "Trong kỳ hệ thống cảnh báo sớm không phát hiện dấu hiệu bất thường."
        )
    if cases["total"]:
        still = sum(n for s, n in cases["by_status"].items() if s in ("open", "in_progress"))
        now = (
            f"còn {f.count('cases_active', still)} vụ việc đang theo dõi, xử lý"
            if still
            else "không còn vụ việc nào đang xử lý"
        )
        section.paragraphs.append(
            f"Trong kỳ mở {f.count('cases_opened', cases['opened'])} vụ việc điểm nóng, kết thúc "
            f"{f.count('cases_closed', cases['closed'])} vụ việc; đến thời điểm lập báo cáo "
            f"{now} (chi tiết ở bảng dưới)."
        )
        section.tables.append(_cases_table(cases["rows"]))
    else:
        section.paragraphs.append("Trong kỳ không có vụ việc điểm nóng nào được mở hoặc kết thúc.")
        f.count("cases_opened", 0)
    section.figures = f.values
    return section


def _cases_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        title="Các vụ việc điểm nóng trong kỳ",
        columns=["Vụ việc", "Lĩnh vực", "Địa bàn", "Ngày mở", "Tình trạng", "Các bước đã làm",
                 "Kết quả xử lý"],
        rows=[
            [
                row["title"],
                row["topic_name"],
                row["province"] or "—",
                vn_date(row["opened_on"]),
                CASE_STATUSES.get(row["status"], row["status"])
                + (f" ({vn_date(row['closed_on'])})" if row["closed_on"] else ""),
                _steps(row),
                row["summary"] or "—",
            ]
            for row in rows
        ],
    )  # fmt: skip


def _steps(row: dict[str, Any]) -> str:
    """ "3/5 – Kịch bản tranh chấp đất đai": the playbook steps done, or "—" without one."""
    if not row["steps_total"]:
        return "—"
    done = f"{count_text(row['steps_done'])}/{count_text(row['steps_total'])}"
    return f"{done} – {row['playbook']}" if row["playbook"] else done


def forecast(snapshot: dict[str, Any]) -> Section:
    """VI. The stored forecasts that beat their baseline, per topic, with their 80 % range."""
    data, f = snapshot["forecast"], Figures()
    section = Section("forecast", "VI. DỰ BÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI THỜI GIAN TỚI")
    if not data["series"]:
        section.paragraphs.append(
            "Chưa có dự báo đủ tin cậy cho thời gian tới: mô hình dự báo chưa chạy, hoặc chưa "
            "dự báo tốt hơn cách ước lượng đơn giản khi kiểm tra lại trên số liệu đã qua."
        )
    else:
        model = f.text("model", f"{data['model']} {data['model_version']}".strip())
        made_on = f.text("made_on", vn_date(data["made_on"]))
        section.paragraphs.append(
            f"Theo mô hình dự báo ({model}, lập ngày {made_on}), "
            f"trong {f.count('horizon_days', data['horizon_days'])} ngày tới:"
        )
        for i, row in enumerate(data["series"], 1):
            section.paragraphs.append(_forecast_paragraph(f, i, row, data))
        if data["not_shown"]:
            section.paragraphs.append(
                f"Với {f.count('not_shown', data['not_shown'])} lĩnh vực khác, mô hình chưa dự "
                "báo tốt hơn cách ước lượng đơn giản nên không nêu số dự báo."
            )
    section.paragraphs.append(
        "[Nhận định của cán bộ tổng hợp về xu hướng dư luận, các vấn đề có thể trở thành điểm "
        "nóng trong thời gian tới.]"
    )
    section.figures = f.values
    return section


def _forecast_paragraph(f: Figures, i: int, row: dict[str, Any], data: dict[str, Any]) -> str:
    key = f"forecast_{i}"
    name = "Toàn bộ các lĩnh vực" if row["topic"] == "*" else row["name"]
    return (
        f"- {f.text(f'{key}_name', name)}: bình quân khoảng "
        f"{f.decimal(f'{key}_expected', row['expected'])} tin, bài mỗi ngày (khoảng dự báo "
        f"{f.count('interval_level', data['interval_level'])} %: "
        f"{f.decimal(f'{key}_lo80', row['lo80'])}–"
        f"{f.decimal(f'{key}_hi80', row['hi80'])}), {TRENDS[row['trend']]} so với mức "
        f"{f.decimal(f'{key}_recent', row['recent'])} tin, bài mỗi ngày của "
        f"{f.count('recent_days', data['recent_days'])} ngày gần nhất."
    )


def proposals() -> Section:
    """VII. Left for the analyst: the platform does not propose policy."""
    return Section(
        "proposals",
        "VII. ĐỀ XUẤT, KIẾN NGHỊ",
        paragraphs=[
            "[Cán bộ tổng hợp viết phần này: đề xuất, kiến nghị với cấp uỷ, chính quyền các giải "
            "pháp định hướng dư luận, giải quyết những vấn đề nhân dân quan tâm, bức xúc và xử lý "
            "các điểm nóng đã nêu ở trên.]"
        ],
    )

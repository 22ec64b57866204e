"""Report drafts from the unit's data, the analyst's edits, finalising, consolidation, printing
and letterheads, through the service as the pages and the command line call it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, PermissionDenied
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from duluan.reports import edits, service
from duluan.reports.models import Report
from tests.conftest import make_user

SA_PA = "03006"  # Phường Sa Pa, Lào Cai
BAT_XAT = "03037"  # Xã Tả Van, Lào Cai
PERIOD = "2026-10"
TEXTS = [
    "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc.",
    "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp trong đêm.",
    "Giá điện tăng làm nhiều gia đình ở Lào Cai lo lắng về chi phí sinh hoạt.",
]
LETTERHEAD = service.LetterheadFields(
    layout="party",
    superior="TỈNH UỶ LÀO CAI",
    issuer="BAN TUYÊN GIÁO VÀ DÂN VẬN",
    number_code="BC/BTGDVTU",
    place="Lào Cai",
    signer_authority="K/T TRƯỞNG BAN",
    signer_title="PHÓ TRƯỞNG BAN",
    signer_name="Nguyễn Văn A",
    recipients="- Ban Tuyên giáo và Dân vận Trung ương,\n\n- Lưu VP.",
)


def actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def unit_id(db: Session, code: str) -> int:
    return units.find_by_code(db, code).id


def seed_documents(db: Session) -> None:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="push", name="Báo Lào Cai"
    )
    day = datetime(2026, 10, 12, 9, tzinfo=UTC)
    items = [
        Item(text=text, external_id=str(i), published_at=day + timedelta(days=i))
        for i, text in enumerate(TEXTS)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()


def generate(db: Session, analyst: Actor, code: str = "15", kind: str = "monthly") -> Report:
    report = service.generate(
        db,
        analyst,
        unit_id=unit_id(db, code),
        kind=kind,
        period_text=PERIOD,
        issued_on=date(2026, 11, 5),
    )
    db.commit()
    return report


def audited(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def all_edits(report: Report, **header: str) -> edits.ReportEdits:
    """The editor's form as sent unchanged: every section, every item kept."""
    doc = edits.full(report.document)
    fields = {
        "subject": doc.header.subject,
        "number": doc.header.number,
        "issued_on": doc.header.issued_on.isoformat(),
        "signer_authority": doc.header.signer_authority,
        "signer_title": doc.header.signer_title,
        "signer_name": doc.header.signer_name,
        "recipients": "\n".join(doc.header.recipients),
        **header,
    }
    return edits.ReportEdits(
        header=edits.HeaderEdits(**fields),
        sections={s.key: edits.SectionEdits(s.title, edits.section_text(s)) for s in doc.sections},
        kept=frozenset(i for s in doc.sections for i, _, _ in edits.items_of(s)),
    )


def test_a_draft_keeps_its_snapshot_and_figures_and_is_headed_by_the_letterhead(
    db: Session,
) -> None:
    seed_documents(db)
    analyst = actor(db, "lc.analyst", "analyst", "15")
    service.save_letterhead(db, analyst, unit_id(db, "15"), LETTERHEAD)
    report = generate(db, analyst)

    assert (report.status, report.kind, report.period_label) == ("draft", "monthly", PERIOD)
    assert (report.period_start, report.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert report.snapshot["unit"]["code"] == "15"
    doc = edits.full(report.document)
    assert doc.header.issuer == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert doc.header.recipients == ["Ban Tuyên giáo và Dân vận Trung ương,", "Lưu VP."]
    assert doc.header.issued_on == date(2026, 11, 5)
    keys = [s.key for s in doc.sections]
    assert keys[0] == "situation" and "proposals" in keys
    assert any(s.figures for s in doc.sections)  # every number quoted is kept by name
    assert [e.target for e in audited(db, "report.generated")] == [str(report.id)]
    assert audited(db, "report.letterhead_saved")


@pytest.mark.parametrize(
    ("kind", "period", "key"),
    [
        ("weekly", PERIOD, "report_editor.errors.kind"),
        ("monthly", "", "report_editor.errors.period_required"),
        ("monthly", "2026-13", "report_periods.errors.monthly"),
        ("quarterly", "2026-10", "report_periods.errors.quarterly"),
    ],
)
def test_a_wrong_kind_or_period_is_named_and_nothing_is_stored(
    db: Session, kind: str, period: str, key: str
) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    with pytest.raises(BadInput) as error:
        service.generate(db, analyst, unit_id=unit_id(db, "15"), kind=kind, period_text=period)
    assert error.value.key == key
    db.rollback()
    assert db.scalar(select(Report.id)) is None


def test_reports_stay_within_the_unit_scope(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    hanoi = actor(db, "hn.analyst", "analyst", "01")
    leader = actor(db, "lc.leader", "leader", "15")
    report = generate(db, analyst)

    with pytest.raises(PermissionDenied):
        service.generate(db, hanoi, unit_id=unit_id(db, "15"), kind="monthly", period_text=PERIOD)
    with pytest.raises(PermissionDenied):
        service.get_report(db, hanoi, report.id)
    with pytest.raises(PermissionDenied):  # a leader reads reports but does not edit them
        service.finalize(db, leader, report.id)
    assert service.visible_reports(db, hanoi) == []
    assert [r.id for r in service.visible_reports(db, leader)] == [report.id]


def test_edits_change_text_and_header_and_left_out_items_can_come_back(db: Session) -> None:
    seed_documents(db)
    analyst = actor(db, "lc.analyst", "analyst", "15")
    report = generate(db, analyst)
    doc = edits.full(report.document)
    with_items = next(s for s in doc.sections if edits.items_of(s))
    dropped = edits.items_of(with_items)[0][0]
    unchanged = all_edits(
        report, number="15-BC/BTGDVTU", recipients="- Thường trực Tỉnh uỷ,\n- Lưu VP."
    )
    sections = dict(unchanged.sections)
    sections["proposals"] = edits.SectionEdits(
        "Kiến nghị, đề xuất",
        "Đề nghị tăng cường đối thoại.\n\n  Thứ hai:   <b>rà soát</b>  giá điện.",
    )
    changes = edits.ReportEdits(unchanged.header, sections, unchanged.kept - {dropped})
    service.save_edits(db, analyst, report.id, changes)
    db.commit()

    saved = edits.full(report.document)
    proposals = next(s for s in saved.sections if s.key == "proposals")
    assert proposals.paragraphs == [
        "Đề nghị tăng cường đối thoại.",
        "Thứ hai: <b>rà soát</b> giá điện.",
    ]
    assert saved.header.number == "15-BC/BTGDVTU"
    assert saved.header.recipients == ["Thường trực Tỉnh uỷ,", "Lưu VP."]
    printed = edits.printed(report.document)
    printed_items = {i for s in printed.sections for i, _, _ in edits.items_of(s)}
    assert (
        len(printed_items) == len({i for s in saved.sections for i, _, _ in edits.items_of(s)}) - 1
    )
    assert edits.omitted(report.document) == {dropped}

    service.save_edits(db, analyst, report.id, all_edits(report))  # ticked again
    assert edits.omitted(report.document) == set()
    assert len(audited(db, "report.saved")) == 2


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ({"issued_on": "05/11/2026"}, "report_editor.errors.issued_on"),
        ({"subject": "  "}, "report_editor.errors.subject_required"),
        ({"signer_name": "A" * 400}, "report_editor.errors.long.signer_name"),
    ],
)
def test_a_wrong_header_field_is_named_and_the_draft_is_unchanged(
    db: Session, header: dict[str, str], key: str
) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    report = generate(db, analyst)
    before = dict(report.document)
    with pytest.raises(BadInput) as error:
        service.save_edits(db, analyst, report.id, all_edits(report, **header))
    assert error.value.key == key
    db.rollback()
    assert db.get(Report, report.id).document == before  # type: ignore[union-attr]


def test_a_final_report_is_read_only_and_a_new_draft_can_be_made_from_it(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    report = generate(db, analyst)
    service.finalize(db, analyst, report.id)
    db.commit()
    with pytest.raises(BadInput) as error:
        service.save_edits(db, analyst, report.id, all_edits(report))
    assert error.value.key == "report_editor.errors.final"
    db.rollback()

    copy = service.redraft(db, analyst, report.id)
    db.commit()
    assert copy.id != report.id and copy.status == "draft"
    assert copy.document == report.document and copy.period_label == PERIOD
    assert db.get(Report, report.id).status == "final"  # type: ignore[union-attr]


def test_child_units_reports_are_consolidated_into_a_new_parent_draft(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    parent = generate(db, analyst)
    with pytest.raises(BadInput) as error:
        service.consolidate(db, analyst, parent.id)
    assert error.value.key == "report_editor.errors.no_children"
    db.rollback()

    sa_pa, bat_xat = generate(db, analyst, SA_PA), generate(db, analyst, BAT_XAT)
    service.finalize(db, analyst, sa_pa.id)
    merged = service.consolidate(db, analyst, parent.id)
    db.commit()

    assert merged.id not in (parent.id, sa_pa.id, bat_xat.id) and merged.status == "draft"
    assert sorted(merged.consolidated_from) == sorted([sa_pa.id, bat_xat.id])
    keys = [s.key for s in edits.full(merged.document).sections]
    assert f"child:{SA_PA}" in keys and f"child:{BAT_XAT}" in keys
    children = service.child_reports(db, analyst, parent)
    assert {c.unit.code for c in children if c.report} == {SA_PA, BAT_XAT}
    assert audited(db, "report.consolidated")


def test_printing_gives_docx_and_pdf_and_each_download_is_audited(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    leader = actor(db, "lc.leader", "leader", "15")
    report = generate(db, analyst)
    docx = service.export(db, leader, report.id, "docx")
    pdf = service.export(db, leader, report.id, "pdf")
    assert docx.body[:2] == b"PK" and docx.filename == f"bao-cao-monthly-15-{PERIOD}.docx"
    assert pdf.body[:5] == b"%PDF-" and pdf.media_type == "application/pdf"
    assert len(audited(db, "report.downloaded")) == 2
    with pytest.raises(BadInput) as error:
        service.export(db, leader, report.id, "odt")
    assert error.value.key == "report_editor.errors.format"


def test_letterhead_fields_are_checked_and_saved_once_per_unit(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    lao_cai = unit_id(db, "15")
    default, stored = service.letterhead_of(db, analyst, lao_cai)
    assert not stored and default.issuer  # drafts are headed even before the unit keeps one
    bad = [
        (service.LetterheadFields(**{**LETTERHEAD.__dict__, "layout": "x"}), "layout"),
        (service.LetterheadFields(**{**LETTERHEAD.__dict__, "issuer": " "}), "issuer_required"),
        (service.LetterheadFields(**{**LETTERHEAD.__dict__, "place": "x" * 101}), "long.place"),
    ]
    for fields, key in bad:
        with pytest.raises(BadInput) as error:
            service.save_letterhead(db, analyst, lao_cai, fields)
        assert error.value.key == f"report_editor.errors.{key}"
    service.save_letterhead(db, analyst, lao_cai, LETTERHEAD)
    service.save_letterhead(
        db,
        analyst,
        lao_cai,
        service.LetterheadFields(**{**LETTERHEAD.__dict__, "place": "Yên Bái"}),
    )
    db.commit()
    row, stored = service.letterhead_of(db, analyst, lao_cai)
    assert stored and row.place == "Yên Bái" and row.recipients[-1] == "Lưu VP."
    with pytest.raises(PermissionDenied):
        service.save_letterhead(db, actor(db, "lc.leader", "leader", "15"), lao_cai, LETTERHEAD)


def test_an_urgent_report_covers_the_days_written(db: Session) -> None:
    analyst = actor(db, "lc.analyst", "analyst", "15")
    report = service.generate(
        db, analyst, unit_id=unit_id(db, "15"), kind="urgent", period_text="2026-10-14..2026-10-20"
    )
    db.commit()
    assert report.period_label == "2026-10-14..2026-10-20"
    assert (report.period_start, report.period_end) == (date(2026, 10, 14), date(2026, 10, 20))
    assert service.export(db, analyst, report.id, "docx").body[:2] == b"PK"

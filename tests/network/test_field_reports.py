"""Field reports: filed by a collaborator for their own unit, stored once per instance id, PII
masked and read by the models, urgent ones notified at once up the hierarchy, and seen by each
role as the design says (collaborators their own, analysts their subtree, reads audited)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.db.engine import session_factory
from duluan.errors import BadInput, Conflict, NotFound, PermissionDenied
from duluan.network import field_reports, roster
from duluan.network.field_reports import Attachment, Draft, Stream
from duluan.network.models import FieldReport, OpinionStream
from duluan.network.roster import Contact, Place
from duluan.settings import Settings, get_settings
from duluan.warning import mail
from duluan.warning.notifications import DeliveryRule, Notification
from tests.conftest import make_user
from tests.local_smtp import SmtpServer

SA_PA = "03006"
PASSWORD = "mat-khau-ctv-2026"


def _actor(db: Session, username: str, role: str, unit: str) -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _collaborator(db: Session) -> Actor:
    """A collaborator of Phường Sa Pa with a login."""
    admin = _actor(db, "sapa.admin", "admin", SA_PA)
    collaborator = roster.add(
        db,
        admin,
        units.find_by_code(db, SA_PA),
        Place("15", SA_PA, "economy", "farmers"),
        Contact("Hoàng Văn Cường"),
        joined_on=date(2026, 1, 1),
    )
    user = roster.create_login(db, admin, collaborator, "ctv.cuong", PASSWORD)
    db.commit()
    return users.actor_for(user)


MONTHLY = Draft(
    instance_id="uuid:thang-10-sapa",
    kind="periodic",
    cadence="monthly",
    period="2026-10",
    topics=("economy_livelihood",),
    streams=(
        Stream(
            "Bà con phấn khởi vì giá thảo quả tăng, nhưng lo đường lên thôn sạt lở; "
            "anh Tuấn (SĐT 0912345678) nói đã báo xã.",
            spread="many",
            tone="mixed",
            topic="economy_livelihood",
        ),
    ),
    causes="Mưa lớn kéo dài.",
    forecast="Nếu chưa sửa đường trước Tết, dư luận sẽ bức xúc.",
    proposals="Đề nghị sửa đường liên thôn.",
)
URGENT = Draft(
    instance_id="uuid:sat-lo-sapa",
    kind="urgent",
    title="Sạt lở vùi hai nhà tại phường Sa Pa",
    occurred_on=date(2026, 10, 28),
    streams=(
        Stream("Người dân lo lắng, đề nghị di dời khẩn cấp.", spread="widespread", tone="negative"),
    ),
)


def test_a_collaborator_files_a_monthly_report_stored_once_masked_and_read_by_the_models(
    db: Session,
) -> None:
    collaborator = _collaborator(db)
    sa_pa = units.find_by_code(db, SA_PA)

    report, created = field_reports.submit(db, collaborator, sa_pa, MONTHLY)
    db.commit()
    again, created_again = field_reports.submit(db, collaborator, sa_pa, MONTHLY)

    assert created and not created_again and again.id == report.id
    assert db.scalar(select(func.count(FieldReport.id))) == 1
    assert (report.province_code, report.commune_code, report.period) == ("15", SA_PA, "2026-10")
    assert report.collaborator_id == roster.of_user(db, collaborator.user_id).id  # type: ignore[union-attr]
    stream = db.scalars(select(OpinionStream)).one()
    assert "0912345678" not in stream.content and "giá thảo quả" in stream.content
    assert (stream.spread, stream.tone) == ("many", "mixed")
    analysis = report.analysis
    assert analysis["sentiment"]["label"] in {"negative", "neutral", "positive"}
    assert "sentiment" in analysis["models"] and analysis["topics"]


def test_an_urgent_report_reaches_the_province_analysts_at_once(db: Session) -> None:
    collaborator = _collaborator(db)
    province_analyst = _actor(db, "lc.analyst", "analyst", "15")
    hanoi_analyst = _actor(db, "hn.analyst", "analyst", "01")

    report, _ = field_reports.submit(db, collaborator, units.find_by_code(db, SA_PA), URGENT)
    db.commit()

    told = {
        n.user_id: n for n in db.scalars(select(Notification).where(Notification.kind == "report"))
    }
    assert province_analyst.user_id in told and hanoi_analyst.user_id not in told
    assert collaborator.user_id not in told
    note = told[province_analyst.user_id]
    assert note.link == f"/network/reports/{report.id}" and "Sạt lở" in note.text
    assert report.period == "2026-10"  # an urgent report counts in its event's month


def test_each_role_sees_what_the_design_says(db: Session) -> None:
    collaborator = _collaborator(db)
    other = _actor(db, "sapa.analyst", "analyst", SA_PA)
    province_analyst = _actor(db, "lc.analyst", "analyst", "15")
    leader = _actor(db, "lc.leader", "leader", "15")
    hanoi_analyst = _actor(db, "hn.analyst", "analyst", "01")
    sa_pa = units.find_by_code(db, SA_PA)
    mine, _ = field_reports.submit(db, collaborator, sa_pa, MONTHLY)
    theirs, _ = field_reports.submit(db, other, sa_pa, URGENT)
    db.commit()

    assert [r.id for r in field_reports.listing(db, collaborator)] == [mine.id]
    with pytest.raises(NotFound):
        field_reports.read(db, collaborator, theirs.id)
    assert {r.id for r in field_reports.listing(db, province_analyst)} == {mine.id, theirs.id}
    assert {r.id for r in field_reports.listing(db, leader, kind="urgent")} == {theirs.id}
    assert field_reports.listing(db, hanoi_analyst) == []
    with pytest.raises(NotFound):
        field_reports.read(db, hanoi_analyst, mine.id)

    field_reports.read(db, leader, mine.id)
    db.commit()
    reads = db.scalars(
        select(AuditEvent.actor_name).where(AuditEvent.action == "network.report_read")
    )
    assert list(reads) == ["lc.leader"]
    with pytest.raises(PermissionDenied):
        field_reports.submit(db, leader, sa_pa, MONTHLY)


def test_a_collaborator_files_only_to_their_own_unit_and_an_instance_id_is_theirs(
    db: Session,
) -> None:
    collaborator = _collaborator(db)
    analyst = _actor(db, "sapa.analyst", "analyst", SA_PA)
    field_reports.submit(db, collaborator, units.find_by_code(db, SA_PA), MONTHLY)
    db.commit()

    with pytest.raises(Conflict):
        field_reports.submit(db, analyst, units.find_by_code(db, SA_PA), MONTHLY)
    with pytest.raises(PermissionDenied):
        field_reports.submit(db, collaborator, units.find_by_code(db, "15"), URGENT)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"period": "10/2026"}, "network.errors.period"),
        ({"cadence": "weekly"}, "network.errors.cadence"),
        ({"streams": ()}, "network.errors.streams_required"),
        ({"streams": (Stream("  "),)}, "network.errors.stream_empty"),
        ({"streams": (Stream("x", spread="everyone"),)}, "network.errors.spread"),
        ({"topics": ("astrology",)}, "network.errors.topic_unknown"),
        ({"commune_code": "00070"}, "network.errors.commune_unknown"),
        ({"causes": "x" * 20_001}, "network.errors.text_too_long"),
        ({"instance_id": ""}, "network.errors.instance_id"),
        (
            {"attachments": (Attachment("anh.jpg", "image/jpeg", b"x" * (10 * 1024 * 1024 + 1)),)},
            "network.errors.attachment_too_large",
        ),
        (
            {
                "attachments": (
                    Attachment("a.jpg", "image/jpeg", b"1"),
                    Attachment("a.jpg", "image/jpeg", b"2"),
                )
            },
            "network.errors.attachment_twice",
        ),
    ],
)
def test_a_bad_report_is_refused_by_name_and_stores_nothing(
    db: Session, change: dict[str, object], key: str
) -> None:
    collaborator = _collaborator(db)
    draft = Draft(**{**MONTHLY.__dict__, **change})  # type: ignore[arg-type]

    with pytest.raises(BadInput) as error:
        field_reports.submit(db, collaborator, units.find_by_code(db, SA_PA), draft)
    db.rollback()

    assert error.value.key == key
    assert db.scalar(select(func.count(FieldReport.id))) == 0


def test_html_in_a_report_is_kept_as_text(db: Session) -> None:
    collaborator = _collaborator(db)
    draft = Draft(
        **{
            **MONTHLY.__dict__,
            "instance_id": "uuid:xss",
            "streams": (Stream("<script>alert(1)</script> dân hỏi"),),
        }  # type: ignore[arg-type]
    )
    report, _ = field_reports.submit(db, collaborator, units.find_by_code(db, SA_PA), draft)
    stream = field_reports.streams_of(db, [report.id])[report.id][0]
    assert stream.content.startswith("<script>")  # stored as typed; pages escape it


def test_an_urgent_report_is_emailed_where_the_units_rule_asks_for_email(
    db: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    collaborator = _collaborator(db)
    analyst = make_user(db, "lc.analyst", "analyst", "15")
    analyst.email = "chuyenvien@laocai.gov.vn"
    make_user(db, "lc.leader", "leader", "15")  # no address: in the app only
    db.add(
        DeliveryRule(
            unit_id=units.find_by_code(db, "15").id,
            detectors=[],
            topics=[],
            provinces=[],
            max_significance=1.0,
            in_app=True,
            email=True,
            max_per_hour=6,
            cooldown_hours=24,
        )
    )
    db.commit()
    smtp = SmtpServer()
    smtp.start()
    try:
        monkeypatch.setenv("DULUAN_SMTP_HOST", "127.0.0.1")
        get_settings.cache_clear()
        report, _ = field_reports.submit(db, collaborator, units.find_by_code(db, SA_PA), URGENT)
        db.commit()
        mailing = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "smtp_from": "canhbao@laocai.gov.vn",
                "public_url": "https://duluan.laocai.gov.vn/",
                "smtp_timeout_seconds": 5.0,
            }
        )
        result = mail.send_pending(session_factory(engine), mailing)
    finally:
        smtp.stop()
        get_settings.cache_clear()

    assert result == {"sent": 1, "failed": 0}
    [received] = smtp.received
    assert received.recipients == ["chuyenvien@laocai.gov.vn"]
    body = received.message.get_content()
    assert received.message["Subject"].startswith("[duluan] Báo cáo nhanh từ Phường Sa Pa")
    assert f"https://duluan.laocai.gov.vn/network/reports/{report.id}\n" in body

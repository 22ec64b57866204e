"""Alert delivery: who is notified (scope), the rules' filters, rate limit and cool-down, running
twice, and e-mail through a real SMTP server on loopback (accepting, refusing, absent)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import User
from duluan.auth.permissions import Actor
from duluan.auth.users import actor_for
from duluan.db.engine import session_factory
from duluan.jobs.models import Job
from duluan.jobs.runner import Outcome, create_job, run_job
from duluan.settings import Settings, get_settings
from duluan.warning import inbox, mail
from duluan.warning.delivery import deliver, undelivered
from duluan.warning.models import Alert
from duluan.warning.notifications import DeliveryDecision, DeliveryRule, Notification
from tests.conftest import make_user
from tests.local_smtp import SmtpServer
from tests.warning.conftest import END, Loader
from tests.warning.test_alerts import WINDOW_END, add_alert
from tests.warning.test_detect import BURST, LAND, SCHOOLS

NOW = WINDOW_END + timedelta(minutes=5)
LAO_CAI_WARD = "04465"  # Xã Khao Mang, in Lào Cai


def _actor(db: Session, username: str) -> Actor:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for(user)


def _notified(db: Session, alert: Alert) -> set[str]:
    rows = db.scalars(
        select(User.username)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.alert_id == alert.id)
    )
    return set(rows)


def _rule(db: Session, code: str, **values: object) -> None:
    fields: dict[str, object] = {
        "detectors": [],
        "topics": [],
        "provinces": [],
        "max_significance": 1.0,
        "in_app": True,
        "email": False,
        "max_per_hour": 6,
        "cooldown_hours": 24,
        **values,
    }
    db.add(DeliveryRule(unit_id=units.find_by_code(db, code).id, **fields))
    db.commit()


def _outcomes(db: Session) -> list[str]:
    return list(db.scalars(select(DeliveryDecision.outcome).order_by(DeliveryDecision.id)))


def test_staff_whose_scope_covers_the_alert_are_notified_and_no_one_else(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "lc.leader", "leader", "15")
    make_user(db, "tw.admin", "admin", "TW")
    make_user(db, "lc.ward", "analyst", LAO_CAI_WARD)  # below the province: not its scope
    make_user(db, "lc.ctv", "collaborator", "15")  # collaborators are never notified
    make_user(db, "hn.analyst", "analyst", "01")
    gone = make_user(db, "lc.gone", "analyst", "15")
    gone.is_active = False
    lao_cai = add_alert(db)
    ha_noi = add_alert(db, unit="01", province_code="01", topic="education")

    deliver(db, [lao_cai, ha_noi], NOW)
    db.commit()

    assert _notified(db, lao_cai) == {"lc.analyst", "lc.leader", "tw.admin"}
    assert _notified(db, ha_noi) == {"hn.analyst", "tw.admin"}
    ward = add_alert(db, unit=LAO_CAI_WARD, topic="environment")
    deliver(db, [ward], NOW)
    db.commit()
    assert _notified(db, ward) == {"lc.ward", "lc.analyst", "lc.leader", "tw.admin"}
    note = db.scalar(select(Notification).where(Notification.alert_id == lao_cai.id))
    assert note is not None and note.link == f"/warning/alerts/{lao_cai.id}"
    assert note.text == "Đột biến lượng thảo luận: Đất đai, giải phóng mặt bằng, dự án — Lào Cai"
    assert note.in_app and note.email_state == "none" and note.read_at is None


def test_delivering_the_same_alerts_again_delivers_nothing_twice(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "tw.admin", "admin", "TW")
    alert = add_alert(db)

    first = deliver(db, [alert], NOW)
    db.commit()
    second = deliver(db, [alert], NOW + timedelta(hours=1))
    db.commit()

    assert (first.notifications, second.notifications) == (2, 0)
    assert db.scalar(select(func.count()).select_from(Notification)) == 2
    assert _outcomes(db) == ["delivered", "delivered"]  # one decision per unit


def test_the_rate_limit_keeps_the_strongest_alerts_and_counts_the_rest(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    _rule(db, "15", max_per_hour=2)
    topics = ("land_projects", "environment", "education", "healthcare")
    weak_to_strong = [
        add_alert(db, topic=topic, significance=10.0 ** -(5 + i)) for i, topic in enumerate(topics)
    ]

    done = deliver(db, weak_to_strong, NOW)
    db.commit()

    notified = [a.topic for a in weak_to_strong if _notified(db, a)]
    assert notified == ["education", "healthcare"]  # the two strongest
    assert done.held_back == {"rate_limited": 2}
    actor = _actor(db, "lc.analyst")
    assert inbox.held_back(db, actor, NOW) == {"rate_limited": 2}
    assert inbox.unread_count(db, actor) == 2
    later = add_alert(db, topic="traffic_safety", window_end=WINDOW_END + timedelta(hours=1))
    deliver(db, [later], NOW + timedelta(minutes=30))  # the hour is still full
    deliver(db, [add_alert(db, topic="corruption")], NOW + timedelta(hours=1, minutes=1))
    db.commit()
    assert _outcomes(db)[-2:] == ["rate_limited", "delivered"]


def test_a_series_delivered_once_is_quiet_for_the_cooldown(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    _rule(db, "15", cooldown_hours=6)
    burst = add_alert(db)
    deliver(db, [burst], NOW)
    db.commit()

    same_series = add_alert(db, detector="negative_share", observed=0.6, expected=0.2)
    deliver(db, [same_series], NOW + timedelta(hours=2))
    other_topic = add_alert(db, topic="environment")
    deliver(db, [other_topic], NOW + timedelta(hours=2))
    db.commit()
    assert not _notified(db, same_series) and _notified(db, other_topic)

    again = add_alert(db, window_end=WINDOW_END + timedelta(hours=7))
    deliver(db, [again], NOW + timedelta(hours=7))
    db.commit()
    assert _notified(db, again) == {"lc.analyst"}
    assert inbox.held_back(db, _actor(db, "lc.analyst"), NOW + timedelta(hours=7)) == {
        "cooled_down": 1
    }


def test_a_rule_filters_what_it_does_not_ask_for_without_counting_it_held_back(
    db: Session,
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "tw.admin", "admin", "TW")
    _rule(db, "15", topics=["education"], max_significance=1e-9)
    land = add_alert(db)  # land, p = 1e-6
    strong_education = add_alert(db, topic="education", significance=1e-12)

    deliver(db, [land, strong_education], NOW)
    db.commit()

    assert _notified(db, land) == {"tw.admin"}  # the centre keeps the default rule
    assert _notified(db, strong_education) == {"lc.analyst", "tw.admin"}
    assert inbox.held_back(db, _actor(db, "lc.analyst"), NOW) == {}


# --- E-mail --------------------------------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _mail_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_from": "canhbao@laocai.gov.vn",
            "public_url": "https://duluan.laocai.gov.vn/",
            "smtp_timeout_seconds": 5.0,
        }
    )


def _emailing(db: Session) -> tuple[Alert, User]:
    user = make_user(db, "lc.analyst", "analyst", "15")
    user.email = "chuyenvien@laocai.gov.vn"
    make_user(db, "lc.leader", "leader", "15")  # no address: in the app only
    _rule(db, "15", email=True)
    alert = add_alert(db)
    deliver(db, [alert], NOW, email=True)
    db.commit()
    return alert, user


def _note(db: Session, alert: Alert, username: str) -> Notification:
    db.expire_all()
    note = db.scalar(
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(Notification.alert_id == alert.id, User.username == username)
    )
    assert note is not None
    return note


def test_alert_emails_go_to_the_smtp_server_in_vietnamese_with_a_link(
    db: Session, engine: Engine, settings: Settings, smtp: SmtpServer
) -> None:
    alert, _ = _emailing(db)

    result = mail.send_pending(session_factory(engine), _mail_settings(settings, smtp.port))

    assert result == {"sent": 1, "failed": 0}
    [received] = smtp.received
    assert received.recipients == ["chuyenvien@laocai.gov.vn"]
    assert received.sender == "canhbao@laocai.gov.vn"
    message = received.message
    assert message["Subject"] == (
        "[duluan] Cảnh báo sớm: Đột biến lượng thảo luận — "
        "Đất đai, giải phóng mặt bằng, dự án, Lào Cai"
    )
    body = message.get_content()
    assert body.startswith("Kính gửi Lc.Analyst,")
    assert "thuộc phạm vi đơn vị Lào Cai" in body and "Số bài viết trong khoảng: 24" in body
    assert f"https://duluan.laocai.gov.vn/warning/alerts/{alert.id}\n" in body
    sent = _note(db, alert, "lc.analyst")
    assert sent.email_state == "sent" and sent.emailed_at is not None and sent.in_app
    assert _note(db, alert, "lc.leader").email_state == "none"
    again = mail.send_pending(session_factory(engine), _mail_settings(settings, smtp.port))
    assert again == {"sent": 0, "failed": 0} and len(smtp.received) == 1


def test_a_refusing_smtp_server_is_recorded_and_the_notification_stays(
    db: Session, engine: Engine, settings: Settings
) -> None:
    refusing = SmtpServer(refuse="554 5.7.1 Relay access denied")
    refusing.start()
    try:
        alert, user = _emailing(db)
        result = mail.send_pending(session_factory(engine), _mail_settings(settings, refusing.port))
    finally:
        refusing.stop()

    assert result == {"sent": 0, "failed": 1} and refusing.received == []
    note = _note(db, alert, "lc.analyst")
    assert note.email_state == "failed" and "554" in note.email_error
    assert "Relay access denied" in note.email_error
    assert note.in_app and note.read_at is None
    assert inbox.unread_count(db, actor_for(user)) == 1


def test_an_unreachable_smtp_server_is_recorded_too(
    db: Session, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    alert, _ = _emailing(db)

    result = mail.send_pending(session_factory(engine), _mail_settings(settings, port))

    assert result == {"sent": 0, "failed": 1}
    note = _note(db, alert, "lc.analyst")
    assert note.email_state == "failed" and "ConnectionRefusedError" in note.email_error
    assert note.in_app


def test_without_an_smtp_host_no_email_is_queued(db: Session) -> None:
    user = make_user(db, "lc.analyst", "analyst", "15")
    user.email = "chuyenvien@laocai.gov.vn"
    _rule(db, "15", email=True, in_app=False)
    alert = add_alert(db)

    deliver(db, [alert], NOW, email=False)
    db.commit()

    note = _note(db, alert, "lc.analyst")
    assert note.email_state == "none" and note.in_app  # e-mail-only, but e-mail is off


def test_the_hourly_detection_job_notifies_and_emails_once(
    engine: Engine, db: Session, load: Loader, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DULUAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DULUAN_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("DULUAN_PUBLIC_URL", "https://duluan.laocai.gov.vn")
    get_settings.cache_clear()
    user = make_user(db, "lc.analyst", "analyst", "15")
    user.email = "chuyenvien@laocai.gov.vn"
    _rule(db, "15", email=True)
    load([LAND, SCHOOLS], [BURST])
    factory = session_factory(engine)
    at = {"at": END.isoformat()}

    jobs = [create_job(factory, "warning.detect", at) for _ in range(2)]
    try:
        assert all(run_job(factory, job) is Outcome.DONE for job in jobs)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    with factory() as session:
        first, again = (session.get_one(Job, job).result for job in jobs)
    assert first["notifications"] == 1 and first["emails"] == {"sent": 1, "failed": 0}
    assert again["notifications"] == 0 and again["emails"] == {"sent": 0, "failed": 0}
    [received] = smtp.received
    assert "Lào Cai" in received.message["Subject"]
    assert inbox.unread_count(db, _actor(db, "lc.analyst")) == 1


def test_alerts_stored_without_delivery_are_caught_up_within_a_day(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    recent = add_alert(db)  # as `duluan alerts detect` stores them: no delivery
    stale = add_alert(db, topic="environment", window_end=WINDOW_END - timedelta(days=2))
    make_user(db, "nobody.here", "analyst", "01")
    unheard = add_alert(db, unit="01", province_code="01")

    assert [a.id for a in undelivered(db, NOW)] == [recent.id, unheard.id]
    deliver(db, undelivered(db, NOW), NOW)
    db.commit()

    assert _notified(db, recent) == {"lc.analyst"} and not _notified(db, stale)
    assert undelivered(db, NOW + timedelta(hours=1)) == []

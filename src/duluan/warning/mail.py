"""Notification e-mails (alerts, urgent field reports): a plain-text message in the recipient's
language, and the job step that sends the queued ones over SMTP (never a web request: a slow
server must not hold a page).

The in-app notification is stored before any e-mail is tried, in its own transaction; sending
only moves `email_state` from pending to sent or failed (with the server's answer), so a failing
server loses nothing. A crash between sending and recording may send one e-mail twice; it never
drops one.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from duluan.auth.models import OrgUnit, User
from duluan.db.engine import transaction
from duluan.db.types import utcnow
from duluan.i18n import LOCALES, stored_text, translate
from duluan.ingest.dates import VIETNAM_TIME
from duluan.settings import Settings, get_settings
from duluan.warning.delivery import describe
from duluan.warning.models import Alert
from duluan.warning.notifications import Notification

BATCH = 200  # e-mails sent per job run; the rest wait for the next run
ERROR_CHARS = 500


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    message: EmailMessage


def compose(
    alert: Alert, *, unit: str, user: User, address: str, settings: Settings
) -> EmailMessage:
    """The e-mail telling `user` of `alert` (of the unit named `unit`), with a link to its page."""
    locale = user.locale if user.locale in LOCALES else settings.default_locale
    names = describe(alert, locale)
    start = alert.window_start.astimezone(VIETNAM_TIME)
    end = alert.window_end.astimezone(VIETNAM_TIME)
    facts = {
        **names,
        "unit": unit,
        "name": user.display_name or user.username,
        "window": f"{start:%H:%M %d/%m/%Y} – {end:%H:%M %d/%m/%Y}",
        "documents": alert.documents,
        "significance": f"{alert.significance:.1e}",
        "link": f"{settings.public_url.rstrip('/')}/warning/alerts/{alert.id}",
        "account": f"{settings.public_url.rstrip('/')}/account",
    }
    message = EmailMessage()
    message["Subject"] = translate("notifications.email_subject", locale, **facts)
    message["From"] = formataddr(("duluan", settings.smtp_from))
    message["To"] = address
    message.set_content(translate("notifications.email_body", locale, **facts))
    return message


def compose_note(
    note: Notification, *, unit: str, user: User, address: str, settings: Settings
) -> EmailMessage:
    """The e-mail of a notification that is not an alert (an urgent field report): its stored
    text and a link to its page."""
    locale = user.locale if user.locale in LOCALES else settings.default_locale
    base = settings.public_url.rstrip("/")
    facts = {
        "name": user.display_name or user.username,
        "unit": unit,
        "text": note.text,
        "link": f"{base}{note.link}",
        "account": f"{base}/account",
    }
    message = EmailMessage()
    message["Subject"] = translate("notifications.note_subject", locale, **facts)
    message["From"] = formataddr(("duluan", settings.smtp_from))
    message["To"] = address
    message.set_content(translate("notifications.note_body", locale, **facts))
    return message


def pending(session: Session, settings: Settings, limit: int = BATCH) -> list[Outgoing]:
    """The queued e-mails, oldest first, composed; a user who removed their address since is
    marked failed rather than left pending."""
    rows = session.execute(
        select(Notification, User, Alert, OrgUnit.name)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Alert, Alert.id == Notification.alert_id)
        .join(OrgUnit, OrgUnit.id == Notification.unit_id)
        .where(Notification.email_state == "pending")
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    found = []
    for note, user, alert, unit in rows:
        if not user.email:
            note.email_state = "failed"
            note.email_error = stored_text("notifications.no_address")
            continue
        if alert is not None:
            message = compose(alert, unit=unit, user=user, address=user.email, settings=settings)
        else:
            message = compose_note(
                note, unit=unit, user=user, address=user.email, settings=settings
            )
        found.append(Outgoing(note.id, message))
    return found


def transmit(outgoing: Sequence[Outgoing], settings: Settings) -> dict[int, str]:
    """Send over one SMTP connection; for each notification id, "" or why it failed."""
    results: dict[int, str] = {}
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for item in outgoing:
                try:
                    smtp.send_message(item.message)
                    results[item.notification_id] = ""
                except smtplib.SMTPException as exc:  # this recipient refused; try the others
                    results[item.notification_id] = _reason(exc)
    except (OSError, smtplib.SMTPException) as exc:  # no connection, TLS or login refused
        for item in outgoing:
            results.setdefault(item.notification_id, _reason(exc))
    return results


def record(session: Session, results: dict[int, str], now: datetime) -> None:
    for note in session.scalars(select(Notification).where(Notification.id.in_(results))):
        error = results[note.id]
        note.email_state = "failed" if error else "sent"
        note.email_error = error
        note.emailed_at = now


def send_pending(
    factory: sessionmaker[Session], settings: Settings | None = None
) -> dict[str, int]:
    """Job step: send the queued e-mails (none when no SMTP host is set); counts sent and failed."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        return {"sent": 0, "failed": 0}
    with transaction(factory, write=True) as session:
        outgoing = pending(session, settings)
    results = transmit(outgoing, settings) if outgoing else {}
    with transaction(factory, write=True) as session:
        record(session, results, utcnow())
    failed = sum(bool(error) for error in results.values())
    return {"sent": len(results) - failed, "failed": failed}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
        return f"{exc.smtp_code} {text}"[:ERROR_CHARS]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {answer.decode('utf-8', 'replace')}"
            for code, answer in exc.recipients.values()
        )[:ERROR_CHARS]
    return f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]

"""Deliver new alerts to the staff of the units above them, as each unit's rule says.

For an alert of unit U, every unit on U's path (U itself and its ancestors) whose active staff
(admins, analysts, leaders; never collaborators) hold a grant there decides once, by its rule
(`delivery_rules`, or `DEFAULT_RULE` when it has none):

- *filtered*: the rule does not ask for this detector, topic, province or significance;
- *cooled_down*: the rule delivered an alert of the same series (unit × topic × province, or
  × commune) less than `cooldown_hours` ago;
- *rate_limited*: the rule already delivered `max_per_hour` alerts in the hour before `now`;
- *delivered*: each of the unit's staff gets one notification (in the app, and an e-mail queued
  when the rule asks for it and the user has an address).

Alerts are taken strongest first, so a rate limit holds back the weakest. Decisions are stored
(`delivery_decisions`, one per unit and alert) and notifications are unique per user and alert,
so delivering the same alerts again decides and stores nothing new. E-mails are sent later,
outside the transaction, by `mail.send_pending`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import ALL
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth.models import Grant, OrgUnit, User
from duluan.geo import admin_map
from duluan.i18n import stored_text, translate
from duluan.settings import get_settings
from duluan.warning.models import Alert
from duluan.warning.notifications import DeliveryDecision, DeliveryRule, Notification

STAFF_ROLES = ("admin", "analyst", "leader")
RATE_WINDOW = timedelta(hours=1)
MAX_COOLDOWN_HOURS = 168  # a week: the longest cool-down a rule may ask for
CATCH_UP = timedelta(hours=24)  # alerts older than this are not delivered late


@dataclass(frozen=True)
class Rule:
    """A unit's delivery rule as the decision reads it (empty tuples mean all)."""

    detectors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    max_significance: float = 1.0  # every alert a detector raises
    in_app: bool = True
    email: bool = False
    max_per_hour: int = 6
    cooldown_hours: int = 24

    @classmethod
    def of(cls, row: DeliveryRule) -> Rule:
        return cls(
            tuple(row.detectors),
            tuple(row.topics),
            tuple(row.provinces),
            row.max_significance,
            row.in_app,
            row.email,
            row.max_per_hour,
            row.cooldown_hours,
        )

    def matches(self, alert: Alert) -> bool:
        return (
            (not self.detectors or alert.detector in self.detectors)
            and (not self.topics or alert.topic in self.topics)
            and (not self.provinces or alert.province_code in self.provinces)
            and alert.significance <= self.max_significance
        )


# What a unit without a rule gets: every alert in the app, at most six an hour, one per series
# a day (the detectors' own cool-down is a day per detector; this one spans detectors).
DEFAULT_RULE = Rule()


@dataclass
class Delivered:
    """What one `deliver` run did (the job stores it on its row)."""

    notifications: int = 0
    emails_queued: int = 0
    held_back: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class Recipient:
    user_id: int
    has_email: bool


def series_of(alert: Alert) -> str:
    series = f"{alert.unit_id}/{alert.topic}/{alert.province_code}"
    return f"{series}/{alert.commune_code}" if alert.commune_code else series


def rule_for(session: Session, unit_id: int) -> Rule:
    row = session.scalar(select(DeliveryRule).where(DeliveryRule.unit_id == unit_id))
    return DEFAULT_RULE if row is None else Rule.of(row)


def undelivered(session: Session, now: datetime) -> list[Alert]:
    """Alerts whose window ended in the CATCH_UP hours before `now` and that no unit has decided
    about yet: those just stored, and any stored without delivery (by `duluan alerts detect`, or
    a run that failed after detecting)."""
    decided = select(DeliveryDecision.id).where(DeliveryDecision.alert_id == Alert.id)
    statement = select(Alert).where(
        Alert.window_end > now - CATCH_UP, Alert.window_end <= now, ~decided.exists()
    )
    return list(session.scalars(statement.order_by(Alert.id)))


def deliver(
    session: Session, alerts: Sequence[Alert], now: datetime, *, email: bool | None = None
) -> Delivered:
    """Decide and store the notifications for `alerts` (in the caller's transaction).

    `email` says whether e-mail can be sent at all (default: an SMTP host is configured);
    without it no e-mail is queued, whatever the rules ask.
    """
    can_email = bool(get_settings().smtp_host) if email is None else email
    done = Delivered()
    budget = _Budget(session, now)
    rules: dict[int, Rule] = {}
    for alert in sorted(alerts, key=lambda a: (a.significance, a.id)):
        chosen: dict[int, Notification] = {}
        for unit_id, recipients in _recipients(session, alert).items():
            if _decided(session, unit_id, alert):
                continue
            if unit_id not in rules:
                rules[unit_id] = rule_for(session, unit_id)
            rule = rules[unit_id]
            outcome = budget.decide(unit_id, rule, alert)
            session.add(
                DeliveryDecision(
                    unit_id=unit_id,
                    alert_id=alert.id,
                    series=series_of(alert),
                    outcome=outcome,
                    decided_at=now,
                )
            )
            if outcome == "delivered":
                _notify(session, alert, recipients, rule, can_email, chosen, now)
            elif outcome != "filtered":
                done.held_back[outcome] += 1
        done.notifications += len(chosen)
        done.emails_queued += sum(n.email_state == "pending" for n in chosen.values())
    session.flush()
    return done


class _Budget:
    """Each unit's rate limit and cool-down, read once from the stored decisions and kept up to
    date as this run decides."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.sent: dict[int, int] = {}
        self.last: dict[int, dict[str, datetime]] = {}

    def decide(self, unit_id: int, rule: Rule, alert: Alert) -> str:
        if not rule.matches(alert):
            return "filtered"
        if unit_id not in self.sent:
            self._load(unit_id)
        series = series_of(alert)
        last = self.last[unit_id].get(series)
        if last is not None and last > self.now - timedelta(hours=rule.cooldown_hours):
            return "cooled_down"
        if self.sent[unit_id] >= rule.max_per_hour:
            return "rate_limited"
        self.sent[unit_id] += 1
        self.last[unit_id][series] = self.now
        return "delivered"

    def _load(self, unit_id: int) -> None:
        delivered = (
            DeliveryDecision.unit_id == unit_id,
            DeliveryDecision.outcome == "delivered",
            DeliveryDecision.decided_at <= self.now,
        )
        self.sent[unit_id] = (
            self.session.scalar(
                select(func.count()).where(
                    *delivered, DeliveryDecision.decided_at > self.now - RATE_WINDOW
                )
            )
            or 0
        )
        horizon = self.now - timedelta(hours=MAX_COOLDOWN_HOURS)
        rows = self.session.execute(
            select(DeliveryDecision.series, func.max(DeliveryDecision.decided_at))
            .where(*delivered, DeliveryDecision.decided_at > horizon)
            .group_by(DeliveryDecision.series)
        )
        self.last[unit_id] = {series: at for series, at in rows}


def _recipients(session: Session, alert: Alert) -> dict[int, list[Recipient]]:
    """Active staff with a grant on the alert's unit or one above it, by the grant's unit."""
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == alert.unit_id)) or ""
    return staff(session, [int(part) for part in path.strip("/").split("/") if part])


def staff(session: Session, unit_ids: list[int]) -> dict[int, list[Recipient]]:
    """Active staff (admins, analysts, leaders) with a grant on one of the units, by unit."""
    rows = session.execute(
        select(Grant.unit_id, User.id, User.email)
        .join(User, User.id == Grant.user_id)
        .where(
            Grant.unit_id.in_(unit_ids),
            Grant.role.in_(STAFF_ROLES),
            User.is_active.is_(True),
        )
        .order_by(Grant.unit_id, User.id)
        .distinct()
    )
    found: dict[int, list[Recipient]] = defaultdict(list)
    for unit_id, user_id, address in rows:
        found[unit_id].append(Recipient(user_id, bool(address)))
    return found


def remind_once(session: Session, unit_id: int, link: str, text: str) -> int:
    """A `reminder` notification about `link` for each active staff member of the unit not yet
    reminded of it (reminder jobs run hourly; each person hears once); the number made."""
    told = set(
        session.scalars(
            select(Notification.user_id).where(
                Notification.kind == "reminder",
                Notification.unit_id == unit_id,
                Notification.link == link,
            )
        )
    )
    made = 0
    for recipients in staff(session, [unit_id]).values():
        for recipient in recipients:
            if recipient.user_id in told:
                continue
            told.add(recipient.user_id)
            session.add(
                Notification(
                    user_id=recipient.user_id,
                    unit_id=unit_id,
                    kind="reminder",
                    text=text[:500],
                    link=link,
                )
            )
            made += 1
    return made


def _decided(session: Session, unit_id: int, alert: Alert) -> bool:
    statement = select(DeliveryDecision.id).where(
        DeliveryDecision.unit_id == unit_id, DeliveryDecision.alert_id == alert.id
    )
    return session.scalar(statement) is not None


def _notify(
    session: Session,
    alert: Alert,
    recipients: list[Recipient],
    rule: Rule,
    can_email: bool,
    chosen: dict[int, Notification],
    now: datetime,
) -> None:
    """One notification per recipient (a user reached through two units gets one, with the
    channels of both rules); users notified by an earlier run are left as they are."""
    earlier = set(
        session.scalars(
            select(Notification.user_id).where(
                Notification.kind == "alert", Notification.alert_id == alert.id
            )
        )
    )
    for recipient in recipients:
        if recipient.user_id in earlier:
            continue
        emailed = rule.email and can_email and recipient.has_email
        note = chosen.get(recipient.user_id)
        if note is None:
            note = Notification(
                user_id=recipient.user_id,
                unit_id=alert.unit_id,
                kind="alert",
                alert_id=alert.id,
                text=alert_text(alert)[:500],
                link=f"/warning/alerts/{alert.id}",
                in_app=False,
                email_state="none",
                created_at=now,
            )
            session.add(note)
            chosen[recipient.user_id] = note
        # Never lose an alert silently: an e-mail-only rule still shows it to users it can't mail.
        note.in_app = note.in_app or rule.in_app or not emailed
        if emailed:
            note.email_state = "pending"


def describe(alert: Alert, locale: str) -> dict[str, str]:
    """The alert's detector, topic and place by their names in `locale`."""
    topics = {t.code: t.name_vi if locale == "vi" else t.name_en for t in DEFAULT_TOPICS}
    topics.setdefault("other", translate("listening.topic_other", locale))
    if alert.topic == ALL:
        topic = translate("notifications.all_topics", locale)
    else:
        topic = topics.get(alert.topic, alert.topic)
    provinces = {p.code: p.name for p in admin_map.provinces()}
    place = provinces.get(alert.province_code) or translate("notifications.no_place", locale)
    if alert.commune_code:
        place = f"{admin_map.commune_names().get(alert.commune_code, alert.commune_code)}, {place}"
    return {
        "detector": translate(f"warning.detectors.{alert.detector}", locale),
        "topic": topic,
        "place": place,
    }


def alert_text(alert: Alert) -> str:
    """The short text of an alert's notification, in the deployment's language."""
    names = describe(alert, get_settings().default_locale)
    return stored_text("notifications.alert_text", **names)

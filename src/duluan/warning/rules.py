"""A unit's alert delivery rule as its admins and analysts read and change it: parsed from what a
form sends, checked with a message naming the problem, saved or reset to the default, and each
change written to the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.warning.delivery import DEFAULT_RULE, MAX_COOLDOWN_HOURS, Rule
from duluan.warning.detectors import DETECTORS
from duluan.warning.notifications import DeliveryRule

ACTION = "alerts.rules"
SIGNIFICANCE_CHOICES = (1.0, 1e-4, 1e-6, 1e-9)  # all alerts, then ever stronger ones
MAX_PER_HOUR = 100


@dataclass(frozen=True)
class RuleForm:
    """What the rule form sends, before checking."""

    detectors: Sequence[str] = ()
    topics: Sequence[str] = ()
    provinces: Sequence[str] = ()
    max_significance: str = "1"
    in_app: bool = False
    email: bool = False
    max_per_hour: str = ""
    cooldown_hours: str = ""


def topic_codes() -> tuple[str, ...]:
    return (*(t.code for t in DEFAULT_TOPICS), "other")


def current(session: Session, actor: Actor, unit: OrgUnit) -> tuple[Rule, bool]:
    """The unit's rule and whether it is its own (False: the default applies)."""
    actor.require(ACTION, unit.path)
    row = _row(session, unit)
    return (DEFAULT_RULE, False) if row is None else (Rule.of(row), True)


def parse(form: RuleForm) -> Rule:
    """The rule a form describes; BadInput naming the first problem found."""
    _known(form.detectors, tuple(DETECTORS), "notifications.errors.unknown_detector")
    _known(form.topics, topic_codes(), "notifications.errors.unknown_topic")
    provinces = tuple(p.code for p in admin_map.provinces())
    _known(form.provinces, provinces, "notifications.errors.unknown_province")
    try:
        significance = float(form.max_significance)
    except ValueError:
        significance = -1.0
    if significance not in SIGNIFICANCE_CHOICES:
        raise BadInput("notifications.errors.significance", value=form.max_significance)
    if not (form.in_app or form.email):
        raise BadInput("notifications.errors.no_channel")
    per_hour = _whole(form.max_per_hour, 1, MAX_PER_HOUR, "notifications.errors.max_per_hour")
    cooldown = _whole(
        form.cooldown_hours, 0, MAX_COOLDOWN_HOURS, "notifications.errors.cooldown_hours"
    )
    return Rule(
        tuple(dict.fromkeys(form.detectors)),
        tuple(dict.fromkeys(form.topics)),
        tuple(dict.fromkeys(form.provinces)),
        significance,
        form.in_app,
        form.email,
        per_hour,
        cooldown,
    )


def save(session: Session, actor: Actor, unit: OrgUnit, rule: Rule) -> DeliveryRule:
    """Store `rule` as the unit's own (audited with the new values)."""
    actor.require(ACTION, unit.path)
    row = _row(session, unit)
    if row is None:
        row = DeliveryRule(unit_id=unit.id)
        session.add(row)
    row.detectors, row.topics, row.provinces = (
        list(rule.detectors),
        list(rule.topics),
        list(rule.provinces),
    )
    row.max_significance, row.in_app, row.email = rule.max_significance, rule.in_app, rule.email
    row.max_per_hour, row.cooldown_hours = rule.max_per_hour, rule.cooldown_hours
    row.updated_at, row.updated_by = utcnow(), actor.user_id
    audit.record(
        session,
        actor=actor,
        action="delivery_rule.saved",
        target=f"unit:{unit.code}",
        unit_id=unit.id,
        detail=asdict(rule),
    )
    session.flush()
    return row


def reset(session: Session, actor: Actor, unit: OrgUnit) -> None:
    """Drop the unit's own rule, so the default applies again (audited)."""
    actor.require(ACTION, unit.path)
    row = _row(session, unit)
    if row is None:
        return
    session.delete(row)
    audit.record(
        session,
        actor=actor,
        action="delivery_rule.reset",
        target=f"unit:{unit.code}",
        unit_id=unit.id,
    )
    session.flush()


def _row(session: Session, unit: OrgUnit) -> DeliveryRule | None:
    return session.scalar(select(DeliveryRule).where(DeliveryRule.unit_id == unit.id))


def _known(values: Sequence[str], known: Sequence[str], key: str) -> None:
    for value in values:
        if value not in known:
            raise BadInput(key, value=value[:64])


def _whole(text: str, low: int, high: int, key: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise BadInput(key, value=text[:32], low=low, high=high) from None
    if not low <= value <= high:
        raise BadInput(key, value=value, low=low, high=high)
    return value

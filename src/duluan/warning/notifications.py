"""Tables of alert delivery: notifications to users, each unit's delivery rule, and the record of
what each rule decided about each alert (delivered or held back)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import duluan.auth.models
import duluan.warning.models  # noqa: F401 - registers alerts, which notifications point at
from duluan.db.base import Base, one_of
from duluan.db.types import UTCDateTime, utcnow

# an alert delivered; a hotspot case assigned to the user's unit; an urgent field report; a
# reporting deadline coming
KINDS = ("alert", "case", "report", "reminder")
EMAIL_STATES = ("none", "pending", "sent", "failed")
OUTCOMES = ("delivered", "rate_limited", "cooled_down", "filtered")
HELD_BACK = ("rate_limited", "cooled_down")


class Notification(Base):
    """One message to one user about one thing that happened in a unit within their scope: an
    alert (`alert_id`), a hotspot case assigned to their unit (`case_id`), an urgent field
    report filed in their unit or below, or a reporting deadline their unit has not met yet
    (`link` points at the report, or at the form for the period).

    `text` is written once, in the deployment's language, when the notification is made; `link`
    is a path of the site. `in_app` says whether the bell shows it (a rule may ask for e-mail
    only); `email_state` follows its e-mail: none (not asked or no address), pending, sent or
    failed (with the server's answer in `email_error`). The unique key makes delivering the same
    alert twice store nothing new.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "alert_id"),
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("email_state", EMAIL_STATES), name="email_state"),
        # The bell's count: one user's unread notifications.
        Index("ix_notifications_user_unread", "user_id", "read_at", "in_app"),
        Index("ix_notifications_email_state", "email_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("hotspot_cases.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(255), default="")
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email_state: Mapped[str] = mapped_column(String(16), default="none")
    email_error: Mapped[str] = mapped_column(Text, default="")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryRule(Base):
    """How the staff of one unit are told of alerts within it (one rule per unit; a unit without
    one follows `delivery.DEFAULT_RULE`).

    Empty `detectors`, `topics` and `provinces` lists mean all. `max_significance` is the largest
    p-value that is delivered (smaller is stronger). At most `max_per_hour` alerts are delivered
    in any hour, and a series (unit × topic × province or commune) delivered once is quiet for
    `cooldown_hours`; what these hold back is recorded in `delivery_decisions`.
    """

    __tablename__ = "delivery_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), unique=True)
    detectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_significance: Mapped[float] = mapped_column(Float)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    max_per_hour: Mapped[int] = mapped_column(Integer)
    cooldown_hours: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DeliveryDecision(Base):
    """What the rule of `unit_id` decided about one alert: delivered to the unit's staff, held
    back by the rate limit or the cool-down, or filtered out. One row per unit and alert, so a
    second delivery run decides nothing twice."""

    __tablename__ = "delivery_decisions"
    __table_args__ = (
        UniqueConstraint("unit_id", "alert_id"),
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
        Index("ix_delivery_decisions_unit_decided", "unit_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    series: Mapped[str] = mapped_column(String(120))  # "unit_id/topic/province[/commune]"
    outcome: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

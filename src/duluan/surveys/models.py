"""Tables of surveys: the survey and its settings, each version of its questionnaire, and the
responses with their review history, contact data (kept apart) and attachments.

A response is stored once per `instance_id` (the id every channel gives a filled questionnaire:
ODK Collect's `uuid:…`, the web form's, the paper entry's), so a resend stores nothing new. It
records the questionnaire version it answered. No IP address or device id is stored with it; the
collector is recorded only for responses entered by a platform account (ODK, paper), for
monitoring fieldwork, never shown beside the answers of a public web form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from duluan.db.base import Base, one_of
from duluan.db.types import UTCDateTime, utcnow

SURVEY_STATUSES = ("draft", "open", "closed")
ACCESS_MODES = ("public", "token", "accounts")  # who may open the web form
CHANNELS = ("web", "odk", "paper")
RESPONSE_STATUSES = ("submitted", "approved", "rejected")
CHANGE_ACTIONS = ("submitted", "resubmitted", "approved", "rejected", "corrected")


class Survey(Base):
    """A survey owned by a unit. `form_id` is its questionnaire's XLSForm `form_id`, which ODK
    Collect lists and submits against, so it is unique on the platform. `quotas` is a list of
    `{"question": name, "value": choice name, "target": count}`; `modes` lists the channels the
    fieldwork uses. The web form is open to anyone with the link (`public`), to those whose link
    carries `access_token` (`token`), or to signed-in collectors only (`accounts`)."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(one_of("status", SURVEY_STATUSES), name="status"),
        CheckConstraint(one_of("access", ACCESS_MODES), name="access"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    fieldwork_start: Mapped[date | None] = mapped_column(Date)
    fieldwork_end: Mapped[date | None] = mapped_column(Date)
    target_population: Mapped[str] = mapped_column(Text, default="")
    sample_design: Mapped[str] = mapped_column(Text, default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    quotas: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    access: Mapped[str] = mapped_column(String(16), default="token")
    access_token: Mapped[str] = mapped_column(String(64))
    collects_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # Paper questionnaires keyed in twice, by two people, and compared (`surveys/paper.py`).
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyVersion(Base):
    """One version of a survey's questionnaire: the `Form` as JSON (`schema`), the XForm that ODK
    Collect downloads, and the XLSForm file it came from when it was imported. Versions are kept;
    responses point at the one they answered. `form_version` is the XForm `version` attribute."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    form_version: Mapped[str] = mapped_column(String(64))
    # Large (the commune list alone is 3,321 choices): loaded only when read, so that finding a
    # version per submission costs no JSON decoding (`service.form_of` keeps the parsed form).
    schema: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    xform: Mapped[str] = mapped_column(Text, deferred=True)
    xlsform: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Response(Base):
    """One filled questionnaire. `answers` follow `surveys/answers.py` (question name → XForm
    text value; repeats as lists of objects). `flags` name what monitoring found suspicious
    (`too_short`, `straight_lining`, `duplicate`), for a reviewer to look at."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "instance_id"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("status", RESPONSE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    instance_id: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)


class ResponseChange(Base):
    """The history of a response: received, resubmitted (an edited copy from ODK), approved,
    rejected or corrected by a reviewer, with the answers before and after a correction."""

    __tablename__ = "survey_response_changes"
    __table_args__ = (CheckConstraint(one_of("action", CHANGE_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ResponseEdit(Base):
    """An edited copy of a response that ODK Collect sent (its `meta/deprecatedID` names the copy
    it replaces): the edit's own instance id, unique in the survey, so that a resend of the edit,
    or of any copy before it, stores nothing new. The response keeps the instance id it was first
    stored under; its history (`ResponseChange`, "resubmitted") holds the answers before and after.
    """

    __tablename__ = "survey_response_edits"
    __table_args__ = (UniqueConstraint("survey_id", "instance_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    instance_id: Mapped[str] = mapped_column(String(100))
    deprecated_id: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseContact(Base):
    """Contact data a respondent chose to leave for follow-up, where the survey asks for it:
    kept apart from the answers and shown only to the owner unit's admins."""

    __tablename__ = "survey_response_contacts"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, str]] = mapped_column(JSON)


class ResponseAttachment(Base):
    """A file sent with a response (a photo taken in ODK Collect), stored in the database so that
    it commits, or not, with its response."""

    __tablename__ = "survey_attachments"
    __table_args__ = (UniqueConstraint("response_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PaperEntry(Base):
    """One keying of a paper questionnaire (`paper_ref`: the number written on it). With double
    entry a questionnaire is keyed twice (`pass_number` 1 and 2) by two people; the response is
    stored once both agree, or once a reviewer settles where they differ."""

    __tablename__ = "survey_paper_entries"
    __table_args__ = (UniqueConstraint("survey_id", "paper_ref", "pass_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    paper_ref: Mapped[str] = mapped_column(String(64))
    pass_number: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="SET NULL")
    )

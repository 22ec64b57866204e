"""The field-report form as the browser sends it: fields to a `Draft`, and back to the values the
form shows again when the service refuses a draft.

One parser serves the plain form post (no JavaScript), and the script of the page
(static/js/field-report.js), which sends the same fields as multipart with the files attached.
Opinion streams arrive as parallel lists (`stream_content`, `stream_spread`, `stream_tone`,
`stream_topic`, one entry per row); rows left empty are dropped, so a form shown with blank rows
posts cleanly. The place arrives as one `locality` value, "province/commune" ("15/" for the
whole province).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest
from typing import Any

from starlette.datastructures import FormData, UploadFile

from duluan.errors import BadInput
from duluan.network.field_reports import MAX_ATTACHMENTS, Attachment, Draft, Stream

BLANK_STREAM_ROWS = 2  # rows a new form shows; the script adds more


@dataclass
class FormValues:
    """What the form shows: a new report's defaults, or what the reporter typed."""

    instance_id: str
    kind: str = "periodic"
    cadence: str = "monthly"
    period: str = ""
    title: str = ""
    occurred_on: str = ""
    locality: str = ""
    topics: list[str] = field(default_factory=list)
    streams: list[dict[str, str]] = field(default_factory=list)
    causes: str = ""
    forecast: str = ""
    proposals: str = ""
    unit_id: int | None = None

    def rows(self) -> list[dict[str, str]]:
        """The stream rows to draw: those typed, and at least one blank row."""
        blank = {"content": "", "spread": "some", "tone": "neutral", "topic": ""}
        shown = [s for s in self.streams if s.get("content", "").strip()]
        return shown + [dict(blank) for _ in range(max(1, BLANK_STREAM_ROWS - len(shown)))]


def new_instance_id() -> str:
    """An instance id made on the server for a form filled without JavaScript, so a second click
    on the send button stores the report once."""
    return f"uuid:{uuid.uuid4()}"


def locality_value(province_code: str, commune_code: str) -> str:
    return f"{province_code}/{commune_code}" if province_code else ""


def values_of(form: FormData) -> FormValues:
    """The submitted fields, as typed (nothing checked yet)."""
    streams = [
        {"content": c or "", "spread": s or "some", "tone": t or "neutral", "topic": p or ""}
        for c, s, t, p in zip_longest(
            _texts(form, "stream_content"),
            _texts(form, "stream_spread"),
            _texts(form, "stream_tone"),
            _texts(form, "stream_topic"),
        )
    ]
    unit = _text(form, "unit_id")
    return FormValues(
        instance_id=_text(form, "instance_id"),
        kind=_text(form, "kind"),
        cadence=_text(form, "cadence"),
        period=_text(form, "period"),
        title=_text(form, "title"),
        occurred_on=_text(form, "occurred_on"),
        locality=_text(form, "locality"),
        topics=[t for t in _texts(form, "topics") if t],
        streams=[s for s in streams if s["content"].strip()],
        causes=_text(form, "causes"),
        forecast=_text(form, "forecast"),
        proposals=_text(form, "proposals"),
        unit_id=int(unit) if unit.isdigit() else None,
    )


async def draft_of(form: FormData, values: FormValues) -> Draft:
    """The draft the service checks; BadInput for a date or place it cannot read."""
    province, _, commune = values.locality.partition("/")
    return Draft(
        instance_id=values.instance_id,
        kind=values.kind,
        cadence=values.cadence if values.kind == "periodic" else "",
        period=values.period if values.kind == "periodic" else "",
        title=values.title if values.kind == "urgent" else "",
        occurred_on=_day(values.occurred_on) if values.kind == "urgent" else None,
        province_code=province,
        commune_code=commune,
        topics=tuple(values.topics),
        streams=tuple(
            Stream(s["content"], s["spread"], s["tone"], s["topic"]) for s in values.streams
        ),
        causes=values.causes,
        forecast=values.forecast,
        proposals=values.proposals,
        attachments=tuple(await _attachments(form)),
    )


async def _attachments(form: FormData) -> list[Attachment]:
    files = [f for f in form.getlist("attachments") if isinstance(f, UploadFile) and f.filename]
    if len(files) > MAX_ATTACHMENTS:  # refused before reading them all
        raise BadInput("network.errors.too_many_attachments", maximum=MAX_ATTACHMENTS)
    found = []
    for upload in files:
        data = await upload.read()
        found.append(Attachment(upload.filename or "", upload.content_type or "", data))
    return found


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput("field_reports.errors.date", value=text) from exc


def _text(form: FormData, name: str) -> str:
    value: Any = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in form.getlist(name)]

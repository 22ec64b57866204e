"""Listening pages: search over collected documents, and one document with its enrichment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from duluan.analysis import registry, topics
from duluan.analysis.registry import ModelCard
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import audit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.i18n import translate
from duluan.ingest import search
from duluan.ingest.models import DOCUMENT_KINDS
from duluan.warning import cases
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import DISPLAY_ZONE, error_text, render

router = APIRouter(prefix="/listening", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
Reader = Annotated[Actor, Depends(need("documents.read"))]
SENTIMENTS = ("negative", "neutral", "positive")
LANGUAGES = ("vi", "en")
SNIPPET_CHARS = 280
MAX_QUERY = 500


@cache
def province_names() -> dict[str, str]:
    return {p.code: p.name for p in admin_map.provinces()}


def topic_names(locale: str, session: Session | None = None) -> dict[str, str]:
    """{code: name} of the topics, `other` included: the deployment's own (analysis.topics)
    when a session is at hand, the shipped defaults otherwise."""
    if session is not None:
        names = topics.names(session, locale)
    else:
        names = {t.code: t.name_vi if locale == "vi" else t.name_en for t in DEFAULT_TOPICS}
    return {**names, "other": translate("listening.topic_other", locale)}


@cache
def _shipped_cards() -> tuple[ModelCard, ...]:
    return tuple(ModelCard.load(registry.shipped(task)) for task in registry.TASKS)


@dataclass(frozen=True)
class Score:
    """How a shipped model scored on held-out data: per text (with macro-F1) or per syllable."""

    accuracy: float
    n: int
    macro_f1: float | None = None


def _score(card: ModelCard) -> Score | None:
    metrics = card.metrics
    if "accuracy" in metrics and "macro_f1" in metrics:
        return Score(metrics["accuracy"], int(metrics.get("n", 0)), metrics["macro_f1"])
    held_out = metrics.get("held_out_tenth", {})
    if "syllable_accuracy" in held_out:
        return Score(held_out["syllable_accuracy"], int(held_out.get("syllables", 0)))
    return None


def model_notes(versions: dict[str, str]) -> list[tuple[str, str, Score | None]]:
    """(task, version, score) of each model that read a document; the score is the shipped
    model's measured one, when that is the version used."""
    notes = []
    for task, version in versions.items():
        card = next((c for c in _shipped_cards() if c.version in version), None)
        notes.append((task, version, _score(card) if card else None))
    return notes


def distinct_places(places: list[dict[str, Any]]) -> list[tuple[str, str | None, int]]:
    """(mention, province code, times mentioned) of a document's places, in first-seen order."""
    counts: dict[tuple[str, str | None], int] = {}
    for place in places:
        key = (str(place.get("mention", "")), place.get("province_code"))
        counts[key] = counts.get(key, 0) + 1
    return [(mention, code, count) for (mention, code), count in counts.items()]


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a text on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def _day(value: str, *, end: bool = False) -> datetime | None:
    """A `YYYY-MM-DD` date as the start (or the end) of that day in Vietnam; None if unreadable."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), DISPLAY_ZONE)


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _filters(params: dict[str, str]) -> search.Filters:
    return search.Filters(
        query=params.get("q", "")[:MAX_QUERY],
        since=_day(params.get("since", "")),
        until=_day(params.get("until", ""), end=True),
        source_id=_int(params.get("source_id", "")),
        kind=params.get("kind") if params.get("kind") in DOCUMENT_KINDS else None,
        lang=params.get("lang") if params.get("lang") in LANGUAGES else None,
        topic=params.get("topic") or None,
        province_code=params.get("province") or None,
        sentiment=params.get("sentiment") if params.get("sentiment") in SENTIMENTS else None,
        cluster_id=_int(params.get("cluster_id", "")),
    )


def _choices(request: Request, db: SessionDep, actor: Actor) -> dict[str, Any]:
    locale = locale_of(request)

    def labelled(values: tuple[str, ...], group: str) -> list[tuple[str, str]]:
        return [(v, translate(f"listening.{group}.{v}", locale)) for v in values]

    return {
        "sources": search.sources_in_scope(db, actor),
        "kind_choices": labelled(DOCUMENT_KINDS, "kinds"),
        "language_choices": labelled(LANGUAGES, "languages"),
        "sentiment_choices": labelled(SENTIMENTS, "sentiments"),
        "topics": topic_names(locale, db),
        "provinces": province_names(),
    }


@router.get("")
def search_page(request: Request, db: SessionDep, actor: Viewer, page: int = 1) -> HTMLResponse:
    params = {k: v for k, v in request.query_params.items() if k != "page" and v.strip()}
    filters = _filters(params)
    context: dict[str, Any] = {"form": params, **_choices(request, db, actor)}
    try:
        found = search.search(db, actor, filters, page=page)
    except BadInput as exc:
        db.rollback()
        context.update(error=error_text(request, exc), found=None)
        return render(request, "listening/search.html", context, status=400)
    if filters.query.strip():
        audit.record(
            db,
            actor=actor,
            action="documents.searched",
            target=filters.query[:200],
            detail={"total": found.total},
        )
    context.update(found=found, page_query=urlencode(params), snippet=snippet)
    return render(request, "listening/search.html", context)


@router.get("/documents/{document_id}")
def document_page(
    request: Request, db: SessionDep, actor: Reader, document_id: int
) -> HTMLResponse:
    document = search.visible_document(db, actor, document_id)
    if document is None:
        raise HTTPException(status_code=404)
    audit.record(
        db,
        actor=actor,
        action="document.read",
        target=f"document:{document.id}",
        unit_id=document.unit_id,
    )
    near_copies = 0
    if document.cluster_id is not None:
        cluster = search.Filters(cluster_id=document.cluster_id)
        near_copies = search.search(db, actor, cluster, per_page=1).total - 1
    enrichment = document.enrichment
    context = {
        "document": document,
        "places": distinct_places(enrichment.places) if enrichment else [],
        "model_notes": model_notes(enrichment.models) if enrichment else [],
        "paragraphs": [p.strip() for p in document.text.split("\n") if p.strip()],
        "near_copies": near_copies,
        "topics": topic_names(locale_of(request), db),
        "provinces": province_names(),
        "open_cases": cases.open_cases(db, actor),
    }
    return render(request, "listening/document.html", context)

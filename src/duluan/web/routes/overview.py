"""The listening overview: the dashboard an analyst or leader opens each morning, read from the
roll-ups only; each figure drills into the documents behind it and downloads as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from duluan.analysis import overview
from duluan.analysis.overview import MAX_DAYS, SENTIMENTS, Filters, Overview, Share
from duluan.auth.permissions import Actor
from duluan.geo import admin_map
from duluan.ingest.models import DOCUMENT_KINDS
from duluan.warning import alerts
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import DISPLAY_ZONE, render
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/listening", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
PERIODS = (7, 30, 90)  # preset periods, in days, ending today
DEFAULT_PERIOD = 30
FIGURES = ("by_day", "topics", "places", "sources", "keywords", "communes")
_COMMUNE_TYPE = re.compile(r"^(Xã|Phường|Đặc khu)\s+")


def commune_names(province_code: str | None) -> dict[str, str]:
    """{commune code: name} of one province of the 2025 map; empty for none or an unknown one."""
    for province in admin_map.provinces():
        if province.code == province_code:
            return {c.code: c.name for c in province.communes}
    return {}


def search_phrase(text: str) -> str:
    """A search query for the exact phrase (a commune without its `Xã`/`Phường`, a keyword)."""
    bare = _COMMUNE_TYPE.sub("", text).replace('"', " ").strip()
    return f'"{bare}"'


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def filters_of(params: dict[str, str], today: date) -> Filters:
    """The filters of the query string; a missing or unreadable period is the last 30 days."""
    until = _date(params.get("until")) or today
    since = _date(params.get("since"))
    if params.get("period", "").isdigit():
        since = until - timedelta(days=int(params["period"]) - 1)
    if since is None or since > until:
        since = until - timedelta(days=DEFAULT_PERIOD - 1)
    since = max(since, until - timedelta(days=MAX_DAYS - 1))
    kind = params.get("kind")
    return Filters(
        since=since,
        until=until,
        topic=params.get("topic") or None,
        province_code=params.get("province") or None,
        kind=kind if kind in DOCUMENT_KINDS else None,
    )


def _today() -> date:
    return datetime.now(DISPLAY_ZONE).date()


def _percent(share: Share) -> dict[str, float]:
    low, high = share.interval
    return {
        "value": round(share.value * 100, 1),
        "low": round(low * 100, 1),
        "high": round(high * 100, 1),
    }


def chart_data(figures: Overview, topics: dict[str, str]) -> dict[str, Any]:
    """What the charts draw (the page's JSON data block)."""
    return {
        "days": [d.isoformat() for d in figures.days],
        "by_day": figures.by_day,
        "topics": [
            {
                "code": r.topic,
                "name": topics.get(r.topic, r.topic),
                "documents": r.documents,
                "previous": r.previous,
            }
            for r in figures.topics
        ],
        "shares": {s: _percent(share) for s, share in figures.shares.items()},
    }


@router.get("/overview")
def overview_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    params = {k: v for k, v in request.query_params.items() if v.strip()}
    filters = filters_of(params, _today())
    figures = overview.overview(db, actor, filters)
    locale = locale_of(request)
    topics, provinces = topic_names(locale, db), province_names()
    watching = actor.may("warning.view")
    context = {
        "figures": figures,
        "form": params,
        "periods": PERIODS,
        "topics": topics,
        "provinces": provinces,
        "communes": commune_names(filters.province_code),
        "phrase": search_phrase,
        "rising_min": overview.RISING_MIN_DOCUMENTS,
        "rising_prior": overview.RISING_PRIOR,
        "kinds": DOCUMENT_KINDS,
        "sentiments": SENTIMENTS,
        "chart": chart_data(figures, topics),
        "query": _query(filters),
        "percent": _percent,
        "open_alerts": alerts.open_count(db, actor) if watching else None,
        "active_alerts": (
            alerts.active_alerts(
                db, actor, topic=filters.topic, province_code=filters.province_code
            )
            if watching
            else []
        ),
    }
    return render(request, "listening/overview.html", context)


def _query(filters: Filters) -> dict[str, str]:
    """The filters as query parameters (for drill-down links and CSV downloads)."""
    query = {"since": filters.since.isoformat(), "until": filters.until.isoformat()}
    if filters.topic:
        query["topic"] = filters.topic
    if filters.province_code:
        query["province"] = filters.province_code
    if filters.kind:
        query["kind"] = filters.kind
    return query


@router.get("/overview.csv")
def overview_csv(
    request: Request, db: SessionDep, actor: Viewer, figure: str = "by_day"
) -> Response:
    """One figure of the overview as CSV (UTF-8 with a BOM, so spreadsheets read the accents)."""
    params = {k: v for k, v in request.query_params.items() if v.strip()}
    filters = filters_of(params, _today())
    figures = overview.overview(db, actor, filters)
    chosen = figure if figure in FIGURES else "by_day"
    names = {
        "topics": topic_names(locale_of(request)),
        "provinces": province_names(),
        "communes": commune_names(filters.province_code),
    }
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_csv_rows(chosen, figures, names))
    name = f"duluan-{chosen}-{filters.since.isoformat()}-{filters.until.isoformat()}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


SHARE_COLUMNS = ["negative_share", "negative_low", "negative_high"]


def _csv_rows(
    figure: str, figures: Overview, names: dict[str, dict[str, str]]
) -> list[list[object]]:
    """The header and rows of one figure; shares as proportions with their 95 % interval."""
    header: list[object]
    rows: list[list[object]]
    topics, provinces = names["topics"], names["provinces"]
    if figure == "keywords":
        header = ["keyword", "documents", "previous_period", "rise_score"]
        rows = [[r.keyword, r.documents, r.previous, f"{r.score:.4f}"] for r in figures.keywords]
    elif figure == "communes":
        header = ["commune_code", "commune", "province_code", "documents", *SHARE_COLUMNS]
        rows = [
            [
                r.commune_code,
                names["communes"].get(r.commune_code, ""),
                figures.filters.province_code or "",
                r.documents,
                *_cells(r.negative),
            ]
            for r in figures.communes
        ]
    elif figure == "topics":
        header = ["topic", "name", "documents", "previous_period", *SHARE_COLUMNS]
        rows = [
            [r.topic, topics.get(r.topic, r.topic), r.documents, r.previous, *_cells(r.negative)]
            for r in figures.topics
        ]
    elif figure == "places":
        header = ["province_code", "province", "documents", *SHARE_COLUMNS]
        rows = [
            [p.province_code, provinces.get(p.province_code, ""), p.documents, *_cells(p.negative)]
            for p in figures.places
        ]
    elif figure == "sources":
        header = ["source_id", "source", "kind", "documents", *SHARE_COLUMNS]
        rows = [
            [r.source_id, r.name, r.kind, r.documents, *_cells(r.negative)] for r in figures.sources
        ]
    else:
        header = ["day", *SENTIMENTS, "total"]
        rows = []
        for i, day in enumerate(figures.days):
            counts = [figures.by_day[s][i] for s in SENTIMENTS]
            rows.append([day.isoformat(), *counts, sum(counts)])
    return [header, *rows]


def _cells(share: Share) -> list[str]:
    low, high = share.interval
    return [f"{share.value:.4f}", f"{low:.4f}", f"{high:.4f}"]

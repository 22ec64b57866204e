"""Listening commands: sources, collection, file import and search of collected documents.

The command line acts as the server's operator: it sees every unit. Reads of document text
and imports are written to the audit log under the name `cli`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from duluan.analysis import rollups
from duluan.auth import audit, units
from duluan.cli.common import (
    database_session,
    database_sessions,
    fail,
    fail_with,
    group,
    operator,
)
from duluan.errors import DuluanError
from duluan.ingest import collect, files, search, sources
from duluan.ingest.models import SOURCE_KINDS, Document

sources_app = group("Sources of collected documents: feeds, sitemaps, pages, forums.")
import_app = group("Import documents from files.")
rollups_app = group("Counts of documents by time, topic, province and sentiment (dashboards).")
console = Console(stderr=True)


@sources_app.command("add")
def sources_add(
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(SOURCE_KINDS)}.")],
    name: Annotated[str, typer.Option(help="Name shown in the interface.")],
    url: Annotated[str, typer.Option(help="Feed, sitemap, page or listing address.")] = "",
    unit: Annotated[str, typer.Option(help="Owner unit code (TW, 15, …).")] = "TW",
    interval: Annotated[int, typer.Option(help="Minutes between collections.")] = 60,
    province: Annotated[str, typer.Option(help="Province code the source covers.")] = "",
    config: Annotated[
        str, typer.Option(help='Connector options as JSON, e.g. {"link_selector": "a.title"}.')
    ] = "{}",
) -> None:
    """Add a source; it is collected at its interval by `duluan serve` or `duluan collect`."""
    try:
        options = json.loads(config)
    except json.JSONDecodeError as exc:
        raise fail(f"--config is not JSON ({exc.msg})") from None
    if not isinstance(options, dict):
        raise fail("--config must be a JSON object")
    with database_session() as session:
        source = sources.add_source(
            session,
            None,
            unit=units.find_by_code(session, unit),
            kind=kind,
            name=name,
            url=url or None,
            interval_minutes=interval,
            province_code=province or None,
            config=options,
        )
        typer.echo(f"source {source.id} added: {source.name} ({source.kind})")


@sources_app.command("list")
def sources_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every source with its health: last fetch, failures, documents stored."""
    with database_session() as session:
        rows = [
            {
                "id": s.id,
                "kind": s.kind,
                "name": s.name,
                "url": s.url,
                "enabled": s.enabled,
                "healthy": s.healthy,
                "interval_minutes": s.interval_minutes,
                "last_fetch_at": s.last_fetch_at.isoformat() if s.last_fetch_at else None,
                "consecutive_failures": s.consecutive_failures,
                "last_error": s.last_error,
                "documents": s.documents_total,
            }
            for s in sources.visible_sources(session, None)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "kind", "name", "enabled", "health", "last fetch", "documents")
    for row in rows:
        health = "ok" if row["healthy"] else f"failing ({row['consecutive_failures']})"
        table.add_row(
            str(row["id"]),
            str(row["kind"]),
            str(row["name"]),
            "yes" if row["enabled"] else "no",
            health,
            str(row["last_fetch_at"] or "never"),
            str(row["documents"]),
        )
    Console().print(table)


@sources_app.command("disable")
def sources_disable(source_id: int) -> None:
    """Stop collecting a source (its documents stay)."""
    with database_session() as session:
        source = sources.set_enabled(session, None, source_id, False)
        typer.echo(f"source {source.id} disabled")


@sources_app.command("enable")
def sources_enable(source_id: int) -> None:
    """Collect a disabled source again."""
    with database_session() as session:
        source = sources.set_enabled(session, None, source_id, True)
        typer.echo(f"source {source.id} enabled")


@rollups_app.command("rebuild")
def rollups_rebuild() -> None:
    """Recount every roll-up from the stored documents (after a re-analysis, or to check)."""
    with database_session() as session:
        counted = rollups.rebuild(session)
    typer.echo(f"{counted} documents counted")


def collect_command(
    once: Annotated[
        bool, typer.Option("--once", help="Collect every due source once, then exit.")
    ] = False,
) -> None:
    """Collect due sources (`--once`); without it, `duluan serve` schedules collection."""
    if not once:
        raise fail("use --once here; `duluan serve` collects continuously")
    try:
        with database_sessions() as factory:
            results = collect.collect_due(factory)
    except DuluanError as exc:
        raise fail_with(exc) from None
    for result in results:
        typer.echo(json.dumps(result, ensure_ascii=False))
    failed = sum(1 for r in results if r["status"] == "failed")
    typer.echo(f"{len(results)} sources collected, {failed} failed", err=True)


@import_app.command("posts")
def import_posts(
    path: Annotated[Path, typer.Argument(help="A .jsonl or .csv export.")],
    unit: Annotated[str, typer.Option(help="Owner unit code.")] = "TW",
    source_name: Annotated[str, typer.Option("--source", help="Import source name.")] = "Nhập tệp",
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="field=column, when a column has another name (repeatable)."),
    ] = None,
) -> None:
    """Import posts or articles; bad lines are reported with their number and skipped."""
    try:
        columns = files.parse_mapping(mapping or [])
        with database_session() as session:
            source = sources.import_source(
                session, None, units.find_by_code(session, unit), source_name
            )
            source_id = source.id
        with database_sessions() as factory:
            summary = files.import_file(factory, source_id, path, mapping=columns)
    except DuluanError as exc:
        raise fail_with(exc) from None
    with database_session() as session:
        audit.record(
            session,
            actor=None,
            actor_name="cli",
            action="documents.imported",
            target=f"source:{source_id}",
            detail={"file": path.name, "new": summary.stored.new},
        )
    for number, reason in summary.bad_lines:
        typer.echo(f"line {number}: {reason}", err=True)
    stored = summary.stored
    typer.echo(
        f"{stored.new} new, {stored.duplicate} already stored, "
        f"{stored.rejected + len(summary.bad_lines)} rejected"
    )


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"not a date: {value!r} (use YYYY-MM-DD)") from None
    return parsed if parsed.tzinfo else parsed.astimezone()


def search_command(
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, AND, OR, NOT.')] = "",
    topic: Annotated[str, typer.Option(help="Topic code.")] = "",
    province: Annotated[str, typer.Option(help="Province code.")] = "",
    sentiment: Annotated[str, typer.Option(help="negative, neutral or positive.")] = "",
    since: Annotated[str, typer.Option(help="From this date (YYYY-MM-DD).")] = "",
    until: Annotated[str, typer.Option(help="Before this date (YYYY-MM-DD).")] = "",
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search collected documents, accent-insensitively (`tham nhung` finds `tham nhũng`)."""
    filters = search.Filters(
        query=query,
        topic=topic or None,
        province_code=province or None,
        sentiment=sentiment or None,
        since=_date(since),
        until=_date(until),
    )
    with database_session() as session:
        found = search.search(session, operator(session), filters, per_page=limit)
        rows = [_row(d) for d in found.documents]
        audit.record(
            session,
            actor=None,
            actor_name="cli",
            action="documents.searched",
            target=query[:200],
            detail={"results": len(rows)},
        )
    if as_json:
        typer.echo(
            json.dumps({"total": found.total, "documents": rows}, ensure_ascii=False, indent=2)
        )
        return
    for row in rows:
        typer.echo(
            f"{row['published_at'][:16]}  {row['sentiment']:<8}  {row['title'] or row['text'][:80]}"
        )
    typer.echo(f"{found.total} documents", err=True)


def _row(document: Document) -> dict[str, Any]:
    enrichment = document.enrichment
    return {
        "id": document.id,
        "source": document.source.name,
        "kind": document.kind,
        "url": document.url,
        "title": document.title,
        "text": document.text,
        "lang": document.lang,
        "published_at": document.published_at.isoformat(),
        "cluster_id": document.cluster_id,
        "sentiment": enrichment.sentiment if enrichment else None,
        "sentiment_score": enrichment.sentiment_score if enrichment else None,
        "topics": enrichment.topics if enrichment else [],
        "places": enrichment.places if enrichment else [],
        "province_code": enrichment.province_code if enrichment else None,
        "keywords": enrichment.keywords if enrichment else [],
        "models": enrichment.models if enrichment else {},
    }

"""`duluan demo`: load the labelled synthetic demo data set, then serve it (or exit)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from duluan.cli.common import database_sessions, fail_with
from duluan.db import migrate
from duluan.db.types import utcnow
from duluan.demo import accounts
from duluan.demo.hotspots import HOTSPOTS
from duluan.demo.plan import DEFAULT_DAYS
from duluan.demo.registry import DemoLoader
from duluan.demo.service import DemoProgress, DemoSummary, load_demo
from duluan.errors import DuluanError
from duluan.ingest.dates import VIETNAM_TIME
from duluan.settings import get_settings

console = Console(stderr=True)


def demo_command(
    load_only: Annotated[
        bool, typer.Option("--load-only", help="Load the demo data, then exit (do not serve).")
    ] = False,
    days: Annotated[int, typer.Option(help="Days of data, ending today.")] = DEFAULT_DAYS,
    scale: Annotated[
        float, typer.Option(help="Volume multiplier (1: about 32 documents a weekday).")
    ] = 1.0,
    force: Annotated[
        bool,
        typer.Option("--force", help="Load even though the database has sources of real data."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    host: Annotated[str | None, typer.Option(help="Address to serve on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to serve on.")] = None,
) -> None:
    """Load the clearly labelled SYNTHETIC demo data (Lào Cai and its wards, 90 days, injected
    hotspots) through the real pipeline, create the demo accounts, then serve."""
    settings = get_settings()
    migrate.upgrade(settings.effective_database_url)
    try:
        with database_sessions() as factory, _progress() as bars:
            summary = load_demo(
                factory,
                now=utcnow(),
                days=days,
                scale=scale,
                force=force,
                progress=_reporter(bars),
            )
    except DuluanError as exc:
        raise fail_with(exc) from None
    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}/"
    if as_json:
        typer.echo(json.dumps(_as_json(summary, url), ensure_ascii=False, indent=2))
    else:
        _print(summary, url)
    if load_only:
        return
    import uvicorn

    from duluan.web.app import create_app

    typer.echo(f"duluan demo: {url}  (Ctrl+C to stop)")
    uvicorn.run(create_app(settings, schedule=True), host=host, port=port, log_level="info")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _reporter(bars: Progress) -> DemoProgress:
    """Progress of each demo loader as a bar of its own."""
    tasks: dict[str, TaskID] = {}

    def report(loader: DemoLoader, done: int, total: int | None) -> None:
        if loader.name not in tasks:
            tasks[loader.name] = bars.add_task(loader.label, total=total)
        bars.update(tasks[loader.name], completed=done, total=total)

    return report


def _as_json(summary: DemoSummary, url: str) -> dict[str, Any]:
    return {
        "url": url,
        "counts": summary.counts,
        "accounts": [a.username for a in accounts.ACCOUNTS],
        "accounts_created": summary.accounts_created,
        "password": accounts.PASSWORD,
        "hotspots": [{"code": h.code, "title": h.title, "topic": h.topic} for h in HOTSPOTS],
    }


def _print(summary: DemoSummary, url: str) -> None:
    counts = summary.counts
    typer.echo(
        f"Dữ liệu MÔ PHỎNG đã nạp: {counts.get('documents_new', 0)} tài liệu mới, "
        f"{counts.get('documents_already_stored', 0)} đã có từ trước; "
        f"{counts.get('alerts_new', 0)} cảnh báo mới; {counts.get('cases_new', 0)} hồ sơ điểm "
        f"nóng; {counts.get('emerging_clusters', 0)} vấn đề mới nổi; "
        f"{counts.get('survey_responses_new', 0)} phiếu điều tra mới; "
        f"{counts.get('field_reports_new', 0)} báo cáo dư luận và "
        f"{counts.get('petitions_new', 0)} kiến nghị của mạng lưới cộng tác viên; "
        f"{counts.get('plan_tasks_new', 0)} nhiệm vụ của kế hoạch mẫu; "
        f"{counts.get('reports_new', 0)} báo cáo soạn sẵn."
    )
    typer.echo("Điểm nóng được cài sẵn:")
    anchor = utcnow().astimezone(VIETNAM_TIME).date()
    for hotspot in summary.hotspots:
        start = hotspot.start(anchor)
        typer.echo(f"  - {start:%d/%m %H:%M}, {hotspot.hours} giờ: {hotspot.title}")
    typer.echo(f"Địa chỉ: {url}")
    typer.echo(f"Tài khoản mô phỏng (mật khẩu: {accounts.PASSWORD}):")
    for account in accounts.ACCOUNTS:
        typer.echo(f"  - {account.username}: {account.display_name}")

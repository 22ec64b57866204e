"""The listening commands as an operator runs them: add a feed, collect once, search, import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duluan.cli import app
from tests.local_server import LocalServer

cli = CliRunner()


pytestmark = pytest.mark.usefixtures("cli_database", "local_fetching")


def _run(*args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_add_a_feed_collect_once_and_search_without_accents(server: LocalServer) -> None:
    server.file("/rss", "feed_rss.xml", "application/rss+xml; charset=utf-8")
    _run(
        "sources",
        "add",
        "--kind",
        "rss",
        "--name",
        "Báo thử",
        "--url",
        server.url("/rss"),
        "--unit",
        "15",
        "--interval",
        "10",
    )

    collected = [json.loads(line) for line in _run("collect", "--once").splitlines()]
    again = [json.loads(line) for line in _run("collect", "--once").splitlines()]
    found = json.loads(_run("search", "cat dien", "--json"))

    assert [(r["status"], r["new"]) for r in collected] == [("ok", 3)]
    assert again == []  # not due again before its interval
    assert found["total"] == 1
    document = found["documents"][0]
    assert document["title"] == "Lịch cắt điện tuần tới tại Lào Cai"
    assert document["sentiment"] in ("negative", "neutral", "positive")
    assert document["topics"] and document["province_code"] == "15"
    listed = json.loads(_run("sources", "list", "--json"))
    assert [(s["name"], s["documents"]) for s in listed] == [("Báo thử", 3)]
    assert "3 documents counted" in _run("rollups", "rebuild")


def test_import_posts_reports_broken_lines_and_stores_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "bai.jsonl"
    lines = [
        json.dumps({"message": "Dân phản ánh đường ngập sau mưa lớn.", "id": "p1"}),
        "{hỏng",
        json.dumps({"noi_dung_bai": "Giá điện tăng làm dân lo lắng.", "id": "p2"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")

    first = cli.invoke(
        app, ["import", "posts", str(path), "--unit", "15", "--map", "text=noi_dung_bai"]
    )
    second = cli.invoke(
        app, ["import", "posts", str(path), "--unit", "15", "--map", "text=noi_dung_bai"]
    )

    assert first.exit_code == 0, first.output
    assert "line 2: không phải JSON" in first.stderr
    assert first.stdout.strip() == "1 new, 0 already stored, 2 rejected"
    assert second.stdout.strip() == "0 new, 1 already stored, 2 rejected"

"""Export of 150,000 responses × 500 questions to SPSS .sav (issue 7): time end to end and peak
memory of the exporting process.

    .venv/bin/python -m benchmarks survey_export                    (SQLite)
    DULUAN_BENCH_EXPORT_ROWS=20000 .venv/bin/python -m benchmarks survey_export   (smaller)
    DULUAN_BENCH_POSTGRES_URL="$(bash scripts/test-postgres.sh url)" \\
        .venv/bin/python -m benchmarks survey_export                (SQLite, then PostgreSQL)

A throwaway database gets one survey whose questionnaire has QUESTIONS questions of mixed types
(choices coded by integers and by words, multiple choices, integers, decimals, free text,
dates, some asked only when an earlier answer allows). Its ROWS responses are inserted directly
with SQLAlchemy Core `executemany`, not through the survey service: the service's per-response
checks are measured by the `submissions` benchmark, not here. Answers are drawn from a pool of
POOL distinct answer sets (seeded), each response storing its own JSON.

The export itself runs in a fresh process (`export.write_export`, exactly what the background
job runs), which reports its wall time, the time until every batch was read, and its peak
resident memory (`getrusage` maxrss) against the same process's memory before exporting.
Set DULUAN_BENCH_EXPORT_FORMATS (default `sav`) to time other formats too (`csv,xlsx,sav,dta`).
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import insert, select

from benchmarks import databases
from duluan.auth import units, users
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from duluan.surveys.xlsform import read_xlsform

COMMAND = ".venv/bin/python -m benchmarks survey_export"
ROWS = int(os.environ.get("DULUAN_BENCH_EXPORT_ROWS", "150000"))
QUESTIONS = int(os.environ.get("DULUAN_BENCH_EXPORT_QUESTIONS", "500"))
FORMATS = os.environ.get("DULUAN_BENCH_EXPORT_FORMATS", "sav").split(",")
POOL = 5_000  # distinct answer sets
INSERT_CHUNK = 2_000
FORM_ID = "xuat_du_lieu_lon"
# Question types in turn, and how many of each in a block of 50 (500 questions: 10 blocks).
MIX = (
    ("select_one muc_do", 15),  # integer codes: numeric in SPSS, with value labels
    ("select_one co_khong", 10),  # word codes: text in SPSS
    ("select_multiple kenh", 5),
    ("integer", 8),
    ("decimal", 5),
    ("text", 5),
    ("date", 2),
)
CHOICES = {
    "muc_do": (
        ("1", "Rất không hài lòng"),
        ("2", "Không hài lòng"),
        ("3", "Bình thường"),
        ("4", "Hài lòng"),
        ("5", "Rất hài lòng"),
    ),
    "co_khong": (("co", "Có"), ("khong", "Không"), ("khong_biet", "Không biết")),
    "kenh": (
        ("bao", "Báo chí"),
        ("mxh", "Mạng xã hội"),
        ("tv", "Truyền hình"),
        ("ban_be", "Bạn bè, người thân"),
    ),
}
TEXTS = ("Thủ tục còn chậm", "Cần công khai hơn", "Cán bộ nhiệt tình", "Đường xá xuống cấp")


def _questions() -> list[tuple[str, str]]:
    """(type, name) of each question, the mix repeated until QUESTIONS."""
    found: list[tuple[str, str]] = []
    while len(found) < QUESTIONS:
        for kind, n in MIX:
            found += [(kind, f"q{len(found) + i + 1:03d}") for i in range(n)]
    return found[:QUESTIONS]


def _workbook(questions: list[tuple[str, str]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    survey = book.create_sheet("survey")
    survey.append(["type", "name", "label::Tiếng Việt (vi)", "relevant"])
    for number, (kind, name) in enumerate(questions):
        # Every tenth question is asked only when the first one was answered 4 or 5.
        relevant = "${q001} >= 4" if number and number % 10 == 0 else ""
        survey.append([kind, name, f"Câu hỏi số {number + 1} ({kind.split()[0]})", relevant])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Tiếng Việt (vi)"])
    for list_name, items in CHOICES.items():
        for code, label in items:
            choices.append([list_name, code, label])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "default_language"])
    settings.append([FORM_ID, "Khảo sát lớn để đo xuất dữ liệu", "Tiếng Việt (vi)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _answer(kind: str, chance: random.Random) -> str | None:
    if chance.random() < 0.05:
        return None  # skipped
    if kind == "select_one muc_do":
        return str(chance.randint(1, 5))
    if kind == "select_one co_khong":
        return chance.choice(("co", "khong", "khong_biet"))
    if kind == "select_multiple kenh":
        return " ".join(chance.sample(("bao", "mxh", "tv", "ban_be"), chance.randint(1, 3)))
    if kind == "integer":
        return str(chance.randint(0, 120))
    if kind == "decimal":
        return f"{chance.uniform(0, 100):.2f}"
    if kind == "date":
        return (date(2026, 1, 1) + timedelta(days=chance.randint(0, 330))).isoformat()
    return chance.choice(TEXTS) if chance.random() < 0.4 else ""


def _pool(questions: list[tuple[str, str]]) -> list[dict[str, str]]:
    chance = random.Random(7)  # noqa: S311 - synthetic answers, not secrets
    pool = []
    for _ in range(POOL):
        answers = {name: _answer(kind, chance) for kind, name in questions}
        pool.append({k: v for k, v in answers.items() if v is not None})
    return pool


def _prepare(url: str) -> tuple[int, float]:
    """The survey with ROWS responses; its id and the seconds the insert took."""
    migrate.upgrade(url)
    engine = create_db_engine(url)
    questions = _questions()
    with transaction(session_factory(engine)) as session:
        units.load_administrative_map(session)
        lao_cai = units.find_by_code(session, "15")
        analyst = users.create_user(
            session, actor=None, username="bench.analyst", password="x" * 12, role="analyst",
            unit=lao_cai,
        )  # fmt: skip
        form = read_xlsform(_workbook(questions), f"{FORM_ID}.xlsx")
        survey = service.create_survey(session, users.actor_for(analyst), lao_cai, form)
        ids = (survey.id, service.current_version(session, survey).id, lao_cai.id)
    pool = _pool(questions)
    started = time.perf_counter()
    received = datetime(2026, 11, 1, tzinfo=UTC)
    for first in range(0, ROWS, INSERT_CHUNK):
        rows = [
            {
                "survey_id": ids[0],
                "version_id": ids[1],
                "instance_id": f"uuid:bench-{n:08d}",
                "channel": "odk",
                "unit_id": ids[2],
                "answers": pool[n % POOL],
                "received_at": received + timedelta(seconds=n),
                "status": "submitted",
                "flags": [],
            }
            for n in range(first, min(first + INSERT_CHUNK, ROWS))
        ]
        with transaction(session_factory(engine)) as session:
            session.execute(insert(Response), rows)
    engine.dispose()
    return ids[0], time.perf_counter() - started


def _child(url: str, survey_id: int, out: str, kind: str) -> None:
    """Run in a fresh process: export, then print the figures as JSON."""
    from duluan.surveys import export

    engine = create_db_engine(url)
    before = _max_rss_mb()
    read_at: list[float] = []
    started = time.perf_counter()

    def progress(done: int, total: int | None) -> None:
        if total and done >= total:
            read_at.append(time.perf_counter())

    with transaction(session_factory(engine)) as session:
        survey = session.scalars(select(Survey).where(Survey.id == survey_id)).one()
        written = export.write_export(
            session, survey, kind, Path(out), progress=progress, end_reads=True
        )
    seconds = time.perf_counter() - started
    figures = {
        "rows": written.rows,
        "seconds": seconds,
        "read_seconds": (read_at[0] if read_at else time.perf_counter()) - started,
        "bytes": Path(out).stat().st_size,
        "rss_before_mb": before,
        "peak_rss_mb": _max_rss_mb(),
    }
    print(json.dumps(figures))
    engine.dispose()


def _max_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, whereas
    getrusage's maxrss would still count the parent's memory inherited through fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _export(url: str, survey_id: int, kind: str, folder: str) -> dict[str, Any]:
    out = str(Path(folder) / f"export.{kind}")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.survey_export", url, str(survey_id), out, kind],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    Path(out).unlink()
    return figures


def measure(url: str, label: str) -> None:
    survey_id, insert_seconds = _prepare(url)
    print(f"{label}: {ROWS:,} responses × {QUESTIONS} questions inserted in {insert_seconds:.0f} s")
    with tempfile.TemporaryDirectory() as folder:
        for kind in FORMATS:
            f = _export(url, survey_id, kind, folder)
            print(
                f"{label}: .{kind} export of {f['rows']:,} responses: {f['seconds']:.1f} s "
                f"({f['rows'] / f['seconds']:,.0f} responses/s; all batches read at "
                f"{f['read_seconds']:.1f} s), file {f['bytes'] / 2**20:,.0f} MB, "
                f"peak memory {f['peak_rss_mb']:,.0f} MB "
                f"(+{f['peak_rss_mb'] - f['rss_before_mb']:,.0f} MB over the process at start)"
            )


def main() -> None:
    for label, url in databases.each("survey_export"):
        measure(url, label)
    print(f"command: {COMMAND}  (DULUAN_BENCH_EXPORT_ROWS={ROWS}, QUESTIONS={QUESTIONS})")


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])

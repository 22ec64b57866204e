"""Items per second through the whole listening pipeline: the inline runner, Celery workers.

    .venv/bin/python -m benchmarks pipeline        (make bench runs every benchmark)

Options, as environment variables: BENCH_FEEDS, BENCH_ITEMS, BENCH_PARALLEL (below) and
BENCH_MODES (`inline,celery`, the default, or one of them).

The data. A local HTTP server on 127.0.0.1 (a thread per request) serves BENCH_FEEDS RSS feeds
(default 8) of BENCH_ITEMS entries each (default 250) and a robots.txt. Entries are articles of
12-30 sentences (about 230-600 words) drawn with a fixed seed from the project's own
corpus/news_reports.jsonl, most from one topic, full text in content:encoded, with a byline; one
in sixteen gives a hotline number (masked at ingest). About one entry in ten is a syndicated
near-copy of another outlet's article (its own URL and headline, a credit line, a sentence cut, a
footer): stored, and linked to the original's cluster. About one in ten lists again an article
already listed, under a tracking, AMP, mobile-host or fragment variant of its URL: a duplicate,
not stored. Links point at invented outlets and are never fetched (`fetch_articles` is off).

A run, per mode. A fresh SQLite database (a copy of one made by `duluan db upgrade`), one rss
source per feed, one `ingest.collect_source` job per source submitted through the runner; the
clock runs from the first submission until every job has ended, so each figure covers fetch →
parse → normalise + mask → dedup → analyse → store, and loading the shipped models once per
process (about 1.3 s), as the first collection after a start does. BENCH_PARALLEL (default 2)
jobs run at once:

- inline: `jobs.runner.InlineRunner` with that many threads (2 is what `duluan serve` uses), in
  this process; peak RSS is this process's high-water mark, reset before the run where Linux
  allows;
- celery: a private redis-server on a free loopback port and that many `duluan worker
  --pool=solo --concurrency=1` processes (one job at a time each), started before the clock
  and stopped after; peak RSS of each worker.

Settings given to this process and the workers: DULUAN_SOURCE_ALLOWED_NETWORKS=127.0.0.0/8 (the
fetcher refuses loopback otherwise), DULUAN_FETCH_HOST_INTERVAL_SECONDS=0 (every feed is on one
host: the default 1 s between requests would measure the pacer), DULUAN_FETCH_MAX_BYTES=64 MiB
(larger sizes make feeds above the 5 MiB default), a random secret, a temporary data directory.

Checked before a figure is printed, so that a broken pipeline cannot report a fast one: every
job done with status ok; the fetch runs found every entry, stored exactly the unique articles,
counted every re-listed entry as a duplicate and rejected none; as many rows stored and
enriched; the documents with a number masked exactly those generated with one. A mode that
fails prints why instead of a figure, and the command exits non-zero.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import patch
from xml.sax.saxutils import escape

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis.pipeline import default_analyzer
from duluan.auth import units
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.ingest import sources
from duluan.ingest.models import Document, Enrichment, FetchRun
from duluan.jobs.celery_app import CeleryRunner, create_celery
from duluan.jobs.models import Job
from duluan.jobs.runner import InlineRunner, Runner
from duluan.settings import get_settings
from duluan.text.fold import fold
from tests import local_processes

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "corpus" / "news_reports.jsonl"
COMMAND = ".venv/bin/python -m benchmarks pipeline"
JOB_KIND = "ingest.collect_source"
MODES = ("inline", "celery")
NEAR_COPIES, RELISTED, NUMBERS = 0.10, 0.10, 1 / 16  # shares of the entries of a feed
TIMEOUT = 900.0  # seconds for all jobs of one mode to end
OUTLETS = "bao-song-hong tin-mien-trung nhip-song-tay-nguyen bao-dong-bang thoi-su-thu-do".split()
OUTLETS += "tin-ven-bien bao-cao-nguyen nhip-cau-phuong-nam".split()
BYLINES = "Minh Anh|Thu Hà|Quốc Huy|Ngọc Lan|Văn Toàn|Hải Yến|Đức Thịnh|Phương Thảo".split("|")
MOBILE = "090 091 093 094 096 097 098 086 088 032 035 038".split()  # prefixes in use
HOTLINE = "Mọi phản ánh của người dân xin gọi đường dây nóng {} của ban biên tập."
_PHONE = re.compile(r"\b0\d{3} \d{3} \d{3}\b")


@dataclass(frozen=True)
class Article:
    url: str
    title: str
    sentences: tuple[str, ...]
    author: str
    published_at: datetime

    @property
    def has_number(self) -> bool:
        return any(_PHONE.search(s) for s in self.sentences)


@dataclass
class Plan:
    """The feeds' entries, and what the pipeline must make of them."""

    feeds: list[list[Article]]
    unique: list[Article] = field(default_factory=list)  # to be stored, near-copies included
    near_copies: int = 0
    relisted: int = 0  # entries naming an article listed before: duplicates

    @property
    def entries(self) -> int:
        return sum(len(feed) for feed in self.feeds)


def _outlet(feed: int) -> str:
    name = OUTLETS[feed % len(OUTLETS)]
    return f"{name}-{feed // len(OUTLETS) + 1}.vn" if feed >= len(OUTLETS) else f"{name}.vn"


def _url(feed: int, slot: int, title: str) -> str:
    slug = "-".join(re.findall(r"[a-z0-9]+", fold(title).lower())[:8])
    return f"https://www.{_outlet(feed)}/{slug}-{feed:02d}{slot:05d}.html"


def _headline(sentence: str, rng: random.Random) -> str:
    return " ".join(sentence.split()[: rng.randint(8, 14)]).rstrip(",.;:")


def _original(rng: random.Random, pools: dict[str, list[str]], feed: int, slot: int) -> Article:
    topic = rng.choice(sorted(set(pools) - {""}))
    count = rng.randint(12, 30)
    mine = round(count * 0.7)
    chosen = rng.sample(pools[topic], mine) + rng.sample(pools[""], count - mine)
    rest = chosen[1:]
    rng.shuffle(rest)
    if rng.random() < NUMBERS:
        phone = f"{rng.choice(MOBILE)}{rng.randint(0, 9)} {rng.randint(100, 999)} "
        rest.insert(rng.randrange(len(rest)), HOTLINE.format(f"{phone}{rng.randint(100, 999)}"))
    title = _headline(chosen[0], rng)
    published = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 30 * 24 * 60))
    return Article(
        _url(feed, slot, title), title, (chosen[0], *rest), rng.choice(BYLINES), published
    )


def _near_copy(rng: random.Random, origin: Article, feed: int, slot: int) -> Article:
    """Another outlet's copy: new headline, credit line, one sentence cut, a footer."""
    body = list(origin.sentences)
    del body[rng.randrange(1, len(body))]
    credit = f"Theo {_outlet(rng.randrange(len(OUTLETS)))}, {body[0][0].lower()}{body[0][1:]}"
    footer = f"Bài viết được {_outlet(feed)} tổng hợp từ các cơ quan báo chí địa phương."
    title = _headline(body[1], rng)
    sentences = (credit, *body[1:], footer)
    return replace(origin, url=_url(feed, slot, title), title=title, sentences=sentences)


def _variant(rng: random.Random, url: str) -> str:
    """The same article's address as shares and apps write it (one canonical URL)."""
    token = secrets.token_hex(6)
    match rng.randrange(5):
        case 0:
            return f"{url}?utm_source=facebook&utm_medium=social&fbclid=IwAR{token}"
        case 1:
            return f"{url}?zarsrc=30&utm_source=zalo&gidzl={token}"
        case 2:
            return url.replace("https://www.", "http://m.")
        case 3:
            return url.replace(".html", ".amp.html")
        case _:
            return f"{url}#binh-luan"


def _pools() -> dict[str, list[str]]:
    """Corpus sentences by topic; every sentence under the empty name too."""
    pools: dict[str, list[str]] = defaultdict(list)
    with SENTENCES.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            pools[record["topic"]].append(record["text"])
            pools[""].append(record["text"])
    return pools


def plan_feeds(feeds: int, items: int, seed: int = 4) -> Plan:
    """The entries of every feed: originals, near-copies of earlier feeds' articles, re-lists."""
    rng = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    pools = _pools()
    plan = Plan([[] for _ in range(feeds)])
    originals: list[list[Article]] = [[] for _ in range(feeds)]
    for feed in range(feeds):
        for slot in range(items):
            roll = rng.random()
            if plan.unique and roll < RELISTED:
                target = rng.choice(plan.unique)
                article = replace(target, url=_variant(rng, target.url))
                plan.relisted += 1
            elif feed and roll < RELISTED + NEAR_COPIES:
                article = _near_copy(rng, rng.choice(originals[rng.randrange(feed)]), feed, slot)
                plan.near_copies += 1
                plan.unique.append(article)
            else:
                article = _original(rng, pools, feed, slot)
                originals[feed].append(article)
                plan.unique.append(article)
            plan.feeds[feed].append(article)
    if len({a.sentences for a in plan.unique}) != len(plan.unique):
        raise ValueError("two generated articles have the same text: change the seed")
    return plan


def _item_xml(article: Article) -> str:
    sentences = article.sentences
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    link = escape(article.url)
    return (
        f"<item><title>{escape(article.title)}</title><link>{link}</link>"
        f'<guid isPermaLink="true">{link}</guid>'
        f"<dc:creator>{escape(article.author)}</dc:creator>"
        f"<pubDate>{format_datetime(article.published_at, usegmt=True)}</pubDate>"
        f"<description>{escape(sentences[0])}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def feed_xml(number: int, entries: list[Article]) -> bytes:
    items = "".join(_item_xml(article) for article in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Tin mới - {_outlet(number)}</title><link>https://www.{_outlet(number)}/</link>"
        f"<language>vi</language>{items}</channel></rss>"
    ).encode()


class FeedServer:
    """Fixed pages on 127.0.0.1 and a free port, a thread per request; 404 for the rest."""

    def __init__(self, pages: dict[str, tuple[str, bytes]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                content_type, body = pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()


def _pages(plan: Plan) -> dict[str, tuple[str, bytes]]:
    pages = {"/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n")}
    for number, entries in enumerate(plan.feeds):
        pages[f"/feeds/{number}.xml"] = ("application/rss+xml", feed_xml(number, entries))
    return pages


def _settings(folder: Path, database_url: str) -> dict[str, str]:
    return {
        "DULUAN_ENVIRONMENT": "production",
        "DULUAN_SECRET_KEY": secrets.token_urlsafe(48),
        "DULUAN_DATA_DIR": str(folder),
        "DULUAN_DATABASE_URL": database_url,
        "DULUAN_REDIS_URL": "",
        "DULUAN_SOURCE_ALLOWED_NETWORKS": "127.0.0.0/8",
        "DULUAN_FETCH_HOST_INTERVAL_SECONDS": "0",
        "DULUAN_FETCH_MAX_BYTES": str(64 * 1024 * 1024),
    }


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ (and settings read afresh) for the block, the old ones after."""
    with patch.dict(os.environ, values):
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


def _duluan() -> list[str]:
    """The `duluan` command of this virtual environment."""
    script = Path(sys.executable).with_name("duluan")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from duluan.cli import app; app()"]


def _upgraded_database(folder: Path) -> Path:
    """A database made by `duluan db upgrade` (schema and the 2025 map), to copy per mode."""
    path = folder / "template.sqlite3"
    environment = {**os.environ, **_settings(folder, f"sqlite:///{path}")}
    subprocess.run(  # noqa: S603 - our own command line
        [*_duluan(), "db", "upgrade"], cwd=folder, env=environment, check=True, capture_output=True
    )
    return path


def _add_sources(factory: sessionmaker[Session], base: str, feeds: int) -> list[tuple[int, int]]:
    with transaction(factory) as session:
        unit = units.find_by_code(session, "TW")
        added = [
            sources.add_source(
                session,
                None,
                unit=unit,
                kind="rss",
                name=f"Tin mới {_outlet(n)}",
                url=f"{base}/feeds/{n}.xml",
                language="vi",
            )
            for n in range(feeds)
        ]
        return [(source.id, unit.id) for source in added]


def _submit_all(runner: Runner, jobs: list[tuple[int, int]]) -> None:
    for source_id, unit_id in jobs:
        runner.submit(JOB_KIND, {"source_id": source_id}, unit_id=unit_id)


def _all_ended(factory: sessionmaker[Session], count: int) -> bool:
    with factory() as session:
        ended = session.scalar(select(func.count()).where(Job.state.in_(("done", "failed"))))
        return ended == count


def _peak_mib(pid: int | None = None) -> float:
    """VmHWM (Linux) of `pid`, else of this process by getrusage."""
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024  # type: ignore[index]
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_inline(
    factory: sessionmaker[Session], jobs: list[tuple[int, int]], threads: int
) -> tuple[float, str]:
    default_analyzer.cache_clear()  # its models are loaded inside the clock, as in a worker
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM: this run's peak only
        scope = "this process"
    except OSError:
        scope = "this process since its start"
    runner = InlineRunner(factory, max_workers=threads)
    started = time.perf_counter()
    _submit_all(runner, jobs)
    runner.shutdown(wait=True)  # returns when every submitted job has ended
    return time.perf_counter() - started, f"peak RSS {_peak_mib():,.0f} MiB ({scope})"


def _until(
    done: Callable[[], bool], timeout: float, what: str, alive: Callable[[], None] | None = None
) -> None:
    """Return when `done()`; raise after `timeout` seconds, or when `alive()` raises."""
    deadline = time.monotonic() + timeout
    while not done():
        if alive:
            alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


class Workers:
    """`duluan worker` processes, one job at a time each (solo pool: the job runs in the
    process whose memory is measured)."""

    def __init__(self, folder: Path, environment: dict[str, str], count: int) -> None:
        self.logs = [folder / f"worker{n}.log" for n in range(1, count + 1)]
        self.processes: list[subprocess.Popen[bytes]] = []
        command = [*_duluan(), "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO"]
        for log in self.logs:
            with log.open("wb") as out:
                process = subprocess.Popen(  # noqa: S603 - our own command line
                    command, cwd=folder, env=environment, stdout=out, stderr=subprocess.STDOUT
                )
            self.processes.append(process)

    def check(self) -> None:
        """Raise, with its log, when a worker has exited."""
        for process, log in zip(self.processes, self.logs, strict=True):
            if process.poll() is not None:
                raise RuntimeError(f"{log.name} exited:\n{log.read_text(errors='replace')}")

    def ready(self) -> bool:
        return all(" ready." in log.read_text(errors="replace") for log in self.logs)

    def stop(self) -> None:
        for process in self.processes:
            local_processes.stop(process)


def run_celery(
    factory: sessionmaker[Session], jobs: list[tuple[int, int]], processes: int, folder: Path
) -> tuple[float, str]:
    with local_processes.redis_server(folder) as broker:
        workers = Workers(folder, {**os.environ, "DULUAN_REDIS_URL": broker}, processes)
        try:
            _until(workers.ready, 120, "the workers to be ready", workers.check)
            runner = CeleryRunner(factory, create_celery(broker))
            started = time.perf_counter()
            _submit_all(runner, jobs)
            _until(partial(_all_ended, factory, len(jobs)), TIMEOUT, "the jobs", workers.check)
            elapsed = time.perf_counter() - started
            runner.shutdown()
            peaks = " + ".join(f"{_peak_mib(p.pid):,.0f}" for p in workers.processes)
        finally:
            workers.stop()
    return elapsed, f"peak RSS {peaks} MiB (each worker)"


def _stored(factory: sessionmaker[Session]) -> dict[str, int]:
    """What the jobs did, by the fetch runs' figures and by the rows; raise if a job failed."""
    with factory() as session:
        jobs = session.execute(select(Job.id, Job.state, Job.error, Job.result)).all()
        failed = [j for j in jobs if j.state != "done" or j.result.get("status") != "ok"]
        problems = [f"job {j.id}: {j.error or j.result.get('error')}" for j in failed]
        if problems:
            raise AssertionError("jobs did not all succeed:\n" + "\n".join(problems))
        runs = (FetchRun.items_found, FetchRun.items_new, FetchRun.items_duplicate)
        found, new, duplicate, rejected = session.execute(
            select(*(func.sum(c) for c in (*runs, FetchRun.items_rejected)))
        ).one()
        documents = select(func.count()).select_from(Document)
        return {
            "entries found": found,
            "stored (fetch runs)": new,
            "duplicates": duplicate,
            "rejected": rejected,
            "stored (rows)": session.scalar(documents) or 0,
            "enriched": session.scalar(select(func.count()).select_from(Enrichment)) or 0,
            "with a number masked": session.scalar(documents.where(Document.pii_masked)) or 0,
            "linked": session.scalar(documents.where(Document.cluster_id != Document.id)) or 0,
        }


def check(stored: dict[str, int], plan: Plan) -> None:
    """Raise unless the pipeline stored exactly what the plan says it must."""
    unique = len(plan.unique)
    expected = {
        "entries found": plan.entries,
        "stored (fetch runs)": unique,
        "duplicates": plan.relisted,
        "rejected": 0,
        "stored (rows)": unique,
        "enriched": unique,
        "with a number masked": sum(a.has_number for a in plan.unique),
    }
    wrong = [f"{k}: {stored[k]}, expected {v}" for k, v in expected.items() if stored[k] != v]
    if wrong:
        raise AssertionError("the pipeline's result is wrong:\n" + "\n".join(wrong))


def measure(mode: str, plan: Plan, parallel: int, base: str, folder: Path, template: Path) -> str:
    """Run the plan's jobs in `mode`, check what was stored; the line of figures."""
    database = folder / f"{mode}.sqlite3"
    shutil.copy(template, database)
    with _environment(_settings(folder, f"sqlite:///{database}")):
        engine = create_db_engine(get_settings().effective_database_url)
        factory = session_factory(engine)
        jobs = _add_sources(factory, base, len(plan.feeds))
        if mode == "inline":
            elapsed, memory = run_inline(factory, jobs, parallel)
        else:
            elapsed, memory = run_celery(factory, jobs, parallel, folder)
        stored = _stored(factory)
        engine.dispose()
    check(stored, plan)
    found, new = stored["entries found"], stored["stored (rows)"]
    return (
        f"{found:,} entries in {elapsed:.1f} s, {found / elapsed:,.1f} items/s "
        f"({new / elapsed:,.1f} stored/s); stored {new:,}, duplicates {stored['duplicates']:,}, "
        f"near-copies linked {stored['linked']:,} of {plan.near_copies:,}; {memory}"
    )


def _size(name: str, default: int) -> int:
    value = int(os.environ.get(name) or default)
    if value < 1:
        raise SystemExit(f"{name} must be a positive whole number")
    return value


def _title(mode: str, parallel: int) -> str:
    plural = "s" if parallel > 1 else ""
    if mode == "inline":
        return f"inline runner, {parallel} thread{plural} in this process"
    return f"{parallel} Celery worker{plural} (`duluan worker --pool=solo`, Redis on loopback)"


def main() -> None:
    feeds, items = _size("BENCH_FEEDS", 8), _size("BENCH_ITEMS", 250)
    parallel = _size("BENCH_PARALLEL", 2)
    modes = [m.strip() for m in os.environ.get("BENCH_MODES", ",".join(MODES)).split(",")]
    if set(modes) - set(MODES):
        raise SystemExit(f"BENCH_MODES: one or more of {', '.join(MODES)}")
    if "celery" in modes and local_processes.REDIS_SERVER is None:
        print("Celery mode skipped: no redis-server (scripts/system-deps.sh installs it)")
        modes.remove("celery")
    print(f"# {COMMAND}   (BENCH_FEEDS={feeds} BENCH_ITEMS={items} BENCH_PARALLEL={parallel})")
    plan = plan_feeds(feeds, items)
    failed = []
    with (
        tempfile.TemporaryDirectory(prefix="duluan-bench-") as temp,
        FeedServer(_pages(plan)) as server,
    ):
        folder = Path(temp)
        template = _upgraded_database(folder)
        print(
            f"{feeds} feeds x {items} entries served from {server.base}: {len(plan.unique):,} "
            f"articles to store ({plan.near_copies:,} of them syndicated near-copies), "
            f"{plan.relisted:,} entries listing one again under another URL; host pacing 0 s"
        )
        for mode in modes:
            try:
                figures = measure(mode, plan, parallel, server.base, folder, template)
            except AssertionError as error:  # the other mode is still worth running
                failed.append(mode)
                figures = f"FAILED, no figure: {error}"
            print(f"{_title(mode, parallel)}: {figures}", flush=True)
    if failed:
        raise SystemExit(f"pipeline benchmark failed in mode(s) {', '.join(failed)}")

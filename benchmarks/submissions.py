"""OpenRosa submissions per second, sustained, over real HTTP (issue 6 target: ≥ 200/s on
PostgreSQL), with resends mixed in, then a count proving none was lost or stored twice.

    .venv/bin/python -m benchmarks submissions                      (SQLite)
    DULUAN_BENCH_POSTGRES_URL="$(bash scripts/test-postgres.sh url)" \\
        .venv/bin/python -m benchmarks submissions                  (SQLite, then PostgreSQL)

The app runs under uvicorn in its own process on loopback (one worker, as `duluan serve`; more
with `DULUAN_BENCH_WORKERS`, as a production deployment runs: report both), over
a throwaway database holding one open survey: a small questionnaire with a choice, a constraint,
skip logic, a calculation and the `start`/`end` times, so each submission is read, validated and
stored as ODK Collect's would be. CLIENTS threads with httpx send INSTANCES distinct submissions
(`DULUAN_BENCH_SUBMISSIONS`) plus a resend of RESEND_SHARE of them, in a shuffled order, each as
multipart/form-data with HTTP Basic (the collector's password is checked with argon2 once, then
remembered). Afterwards the responses are counted in the database: exactly INSTANCES, every
instance once, every new one answered 201 and every resend 202.
"""

from __future__ import annotations

import io
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import openpyxl
from sqlalchemy import func, select

from benchmarks import databases
from duluan.auth import units, users
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.surveys import service
from duluan.surveys.models import Response
from duluan.surveys.xlsform import read_xlsform

COMMAND = ".venv/bin/python -m benchmarks submissions"
INSTANCES = int(os.environ.get("DULUAN_BENCH_SUBMISSIONS", "2000"))
RESEND_SHARE = 0.25
CLIENTS = 8
WORKERS = int(os.environ.get("DULUAN_BENCH_WORKERS", "1"))  # uvicorn worker processes
PASSWORD = "mat-khau-do-hieu-nang"  # noqa: S105 - a throwaway benchmark account
FORM_ID = "do_hieu_nang"
SECRET = "b" * 48
OPENROSA = {"X-OpenRosa-Version": "1.0"}
SURVEY = [
    ["type", "name", "label", "required", "relevant", "constraint", "calculation"],
    ["start", "start", "", "", "", "", ""],
    ["end", "end", "", "", "", "", ""],
    ["integer", "tuoi", "Tuổi", "yes", "", ". >= 16 and . <= 110", ""],
    ["select_one muc_do", "hai_long", "Mức độ hài lòng", "yes", "", "", ""],
    ["text", "ly_do", "Vì sao chưa hài lòng?", "yes", "${hai_long} = 'khong'", "", ""],
    ["calculate", "nhom_tuoi", "", "", "", "", "if(${tuoi} < 30, 'tre', 'lon')"],
]
CHOICES = [["list_name", "name", "label"], ["muc_do", "co", "Có"], ["muc_do", "khong", "Không"]]
SETTINGS = [["form_id", "form_title", "version"], [FORM_ID, "Đo hiệu năng", "1"]]


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in (("survey", SURVEY), ("choices", CHOICES), ("settings", SETTINGS)):
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _prepare(url: str) -> None:
    """Migrate, load the map, create the collector and the open survey."""
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        units.load_administrative_map(session)
        lao_cai = units.find_by_code(session, "15")
        analyst = users.create_user(
            session,
            actor=None,
            username="bench.analyst",
            password=PASSWORD,
            role="analyst",
            unit=lao_cai,
        )
        users.create_user(
            session,
            actor=None,
            username="bench.ctv",
            password=PASSWORD,
            role="collaborator",
            unit=lao_cai,
        )
        imported = read_xlsform(_workbook(), "do_hieu_nang.xlsx")
        survey = service.create_survey(session, users.actor_for(analyst), lao_cai, imported)
        survey.status = "open"
    engine.dispose()


def _document(number: int) -> bytes:
    age = 16 + number % 80
    answer = "co" if number % 3 else "khong"
    reason = "<ly_do>Thủ tục còn chậm</ly_do>" if answer == "khong" else "<ly_do/>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{FORM_ID}" version="1">'
        f"<start>2026-11-24T09:00:00.000+07:00</start><end>2026-11-24T09:06:30.000+07:00</end>"
        f"<tuoi>{age}</tuoi><hai_long>{answer}</hai_long>{reason}<nhom_tuoi/>"
        f"<meta><instanceID>uuid:bench-{number:08d}</instanceID></meta></data>"
    ).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(url: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    environment = {
        **os.environ,
        "DULUAN_ENVIRONMENT": "test",
        "DULUAN_DATABASE_URL": url,
        "DULUAN_DATA_DIR": str(folder),
        "DULUAN_SECRET_KEY": SECRET,
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "duluan.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(WORKERS),
        ],
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start within 60 s")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants so far, from Linux's /proc; 0
    where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _send(base: str, jobs: queue.Queue[int], statuses: list[tuple[int, int]]) -> None:
    with httpx.Client(base_url=base, auth=("bench.ctv", PASSWORD), headers=OPENROSA) as client:
        while True:
            try:
                number = jobs.get_nowait()
            except queue.Empty:
                return
            files = {"xml_submission_file": ("submission.xml", _document(number), "text/xml")}
            answer = client.post("/openrosa/submission", files=files, timeout=60)
            statuses.append((number, answer.status_code))


def measure(url: str, label: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _prepare(url)
        server, base = _serve(url, Path(folder))
        try:
            probe = httpx.head(f"{base}/openrosa/submission", auth=("bench.ctv", PASSWORD))
            assert probe.status_code == 204, probe.status_code
            assert len(probe.headers.get_list("date")) == 1, "one Date header, from uvicorn"
            order = list(range(INSTANCES))
            order += random.Random(6).sample(order, int(INSTANCES * RESEND_SHARE))  # noqa: S311
            random.Random(7).shuffle(order)  # noqa: S311 - an order, not a secret
            jobs: queue.Queue[int] = queue.Queue()
            for number in order:
                jobs.put(number)
            statuses: list[tuple[int, int]] = []
            threads = [
                threading.Thread(target=_send, args=(base, jobs, statuses)) for _ in range(CLIENTS)
            ]
            cpu_before = _cpu_seconds(server.pid)
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            server_cpu = _cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(30)
    _check(url, order, statuses)
    rate = len(order) / elapsed
    print(
        f"{label}: {len(order)} OpenRosa submissions ({INSTANCES} distinct, "
        f"{len(order) - INSTANCES} resends) by {CLIENTS} clients to {WORKERS} server process(es) "
        f"in {elapsed:.1f} s = "
        f"{rate:.0f} submissions/s; {INSTANCES} responses stored, none lost or duplicated"
    )
    if server_cpu:
        per = server_cpu / len(order) * 1000
        print(
            f"  the app used {per:.1f} ms of CPU per submission ({1000 / per:.0f} submissions/s "
            f"per fully used core; the database server and the clients are not counted)"
        )


def _check(url: str, order: list[int], statuses: list[tuple[int, int]]) -> None:
    """Every instance stored once; each answered 201 the first time and 202 after."""
    wrong = [status for _, status in statuses if status not in (201, 202)]
    if wrong:
        raise SystemExit(f"{len(wrong)} submissions failed, e.g. HTTP {wrong[0]}")
    created = sum(1 for _, status in statuses if status == 201)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Response.__table__))
        distinct = connection.scalar(
            select(func.count(func.distinct(Response.__table__.c.instance_id)))
        )
    engine.dispose()
    if not (stored == distinct == created == INSTANCES and len(statuses) == len(order)):
        raise SystemExit(
            f"count mismatch: stored {stored}, distinct {distinct}, 201s {created}, "
            f"expected {INSTANCES}"
        )


def main() -> None:
    for label, url in databases.each("submissions"):
        measure(url, label)
    settings = f"DULUAN_BENCH_WORKERS={WORKERS} DULUAN_BENCH_SUBMISSIONS={INSTANCES}"
    print(
        f"repeat with: {settings} {COMMAND}  (with DULUAN_BENCH_POSTGRES_URL for PostgreSQL; "
        f"measure 1 and 2 workers back to back, the machine's other load moves the figures)"
    )


if __name__ == "__main__":
    main()

"""Browser tests: the real app under uvicorn on loopback, driven by Debian's Chromium.

Every test in this folder is marked `browser` (the PostgreSQL run of `make test` leaves them
out with `-m "not browser"`). A failed test leaves a screenshot in test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from duluan.settings import Settings
from duluan.web.app import create_app

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("DULUAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 10.0
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def artifacts_dir(config: pytest.Config) -> Path:
    """test-artifacts/screenshots/ at the repository root (ignored by git)."""
    path = config.rootpath / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _in_this_folder(item: pytest.Item) -> bool:
    return item.path.is_relative_to(HERE)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report: pytest.TestReport = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The app under uvicorn in a background thread on 127.0.0.1, on a free port."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; we hold it, so no race
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="duluan-live-server", daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, server, thread)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()  # uvicorn closes it on shutdown; this covers a failed start
        app.state.engine.dispose()
    assert not thread.is_alive(), "the live server did not stop within 15 s"


def _wait_until_healthy(base_url: str, server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the live server thread exited during startup")
        if time.monotonic() > deadline:
            pytest.fail(f"the live server did not start within {STARTUP_TIMEOUT_S} s")
        time.sleep(0.01)
    with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:  # noqa: S310
        assert response.status == 200, f"/healthz answered {response.status}"


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the tests of this folder, closed when they are done.

    Not session-wide on purpose: while Playwright's sync API is started it leaves its event loop
    marked as running in the main thread, so any later test calling asyncio.run() would fail
    with "cannot be called from a running event loop".
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Run `make test` (it installs Debian's chromium "
            "via scripts/system-deps.sh), or point DULUAN_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test, addressed relative to the live server.

    Uncaught JavaScript errors and console errors (a CSP violation, a missing script) fail the
    test at teardown; "Failed to load resource" is left out because the 401/403 pages the tests
    ask for on purpose log it. A failed test leaves a full-page screenshot behind.
    """
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 800}, locale="vi-VN"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
    try:
        yield page
        report = request.node.stash.get(REPORTS, {}).get("call")
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        path = artifacts_dir(request.config) / f"{name}.png"
        if report is not None and report.failed:
            page.screenshot(path=path, full_page=True)
            print(f"\nscreenshot of the failed test: {path}")
        else:
            path.unlink(missing_ok=True)  # not a stale one from an earlier failed run
    finally:
        context.close()
    assert not problems, "\n".join(problems)

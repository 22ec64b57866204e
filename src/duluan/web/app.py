"""The application factory: middleware, error pages, routers, and the deny-by-default check."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute

from duluan import __version__
from duluan.db.engine import create_db_engine, session_factory
from duluan.errors import DuluanError, NotAuthenticated
from duluan.i18n import translate
from duluan.jobs.runner import Runner, runner_from_settings
from duluan.jobs.schedule import (
    Scheduler,
    daily_forecasts,
    due_collections,
    hourly,
    hourly_detection,
)
from duluan.settings import Settings, get_settings
from duluan.web.csrf import csrf_guard
from duluan.web.deps import declared_action, locale_of
from duluan.web.headers import SecurityHeaders
from duluan.web.limits import BodySizeLimit
from duluan.web.render import error_text, render
from duluan.web.routes import (
    account,
    admin,
    alerts,
    api,
    cases,
    demo,
    emerging,
    field_reports,
    forecast,
    health,
    jobs,
    listening,
    login,
    network,
    notifications,
    openrosa,
    overview,
    petitions,
    plans,
    push,
    report_board,
    reports,
    shell,
    sources,
    survey_analysis,
    survey_editor,
    survey_exports,
    survey_forms,
    survey_publication,
    surveys,
    topics,
    units,
)

STATIC_DIR = Path(__file__).parent / "static"
ROUTERS = (
    openrosa.router,  # first: matched on every phone's submission, before ~100 routes
    health.router,
    login.router,
    shell.router,
    units.router,
    overview.router,
    listening.router,
    sources.router,
    jobs.router,
    alerts.router,
    forecast.router,
    emerging.router,
    demo.router,
    notifications.router,
    cases.router,
    network.router,
    field_reports.router,
    report_board.router,
    reports.router,
    petitions.router,
    plans.router,
    topics.router,
    surveys.router,
    survey_forms.router,
    survey_editor.router,
    survey_analysis.router,
    survey_exports.router,
    survey_publication.router,
    survey_publication.public_router,
    admin.router,
    account.router,
    api.router,
    push.router,
)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _error_response(request: Request, status: int, code: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": code, "message": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


async def _on_domain_error(request: Request, exc: DuluanError) -> Response:
    if isinstance(exc, NotAuthenticated) and not _wants_json(request):
        target = request.url.path if request.method == "GET" else "/"
        if request.method == "GET" and request.url.query:
            target = f"{target}?{request.url.query}"
        return RedirectResponse(f"/login?next={quote(target)}&reason={exc.key}", status_code=303)
    message = error_text(request, exc)
    return _error_response(request, exc.status, exc.code, message)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    key = {404: "errors.page_not_found", 405: "errors.method_not_allowed"}.get(exc.status_code)
    message = translate(key, locale_of(request)) if key else str(exc.detail)
    return _error_response(request, exc.status_code, "http_error", message)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> Response:
    fields = ", ".join(str(e["loc"][-1]) for e in exc.errors())
    message = translate("errors.request_invalid", locale_of(request), fields=fields)
    return _error_response(request, 400, "bad_input", message)


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every endpoint, including those of included routers (newer FastAPI nests them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from api_routes(nested.routes)


def check_every_route_declares_an_action(app: FastAPI) -> None:
    """Deny by default: a route that declares neither an action nor `public` stops the app."""
    missing = [r.path for r in api_routes(app.routes) if declared_action(r.dependant) is None]
    if missing:
        raise RuntimeError(f"routes without a declared action: {', '.join(missing)}")


SCHEDULE_SECONDS = 60.0  # how often a serving app looks for due sources


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Serving: recover jobs a crashed process left behind, tick the scheduler; stop both after."""
    runner: Runner = app.state.runner
    scheduler: Scheduler | None = app.state.scheduler
    if scheduler is not None:
        runner.recover()  # jobs are idempotent: running them again stores nothing twice
        scheduler.start()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.stop()
        runner.shutdown()


def create_app(settings: Settings | None = None, *, schedule: bool = False) -> FastAPI:
    """The web application with its job runner (inline, or Celery when DULUAN_REDIS_URL is set);
    with `schedule` (what `duluan serve` asks for) sources are also collected when due."""
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="duluan",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_guard)],
        exception_handlers={
            DuluanError: _on_domain_error,
            StarletteHTTPException: _on_http_error,
            RequestValidationError: _on_validation_error,
        },
    )
    engine = create_db_engine(settings.effective_database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.runner = runner_from_settings(settings, app.state.sessions)
    app.state.scheduler = (
        Scheduler(
            app.state.runner,
            [
                due_collections(app.state.sessions),
                hourly_detection(),
                hourly("analysis.emerging"),
                hourly("reminders.send"),
                daily_forecasts(app.state.sessions),
            ],
            interval=SCHEDULE_SECONDS,
        )
        if schedule
        else None
    )

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="duluan_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)  # outermost, as the `@app.middleware` it replaces was

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    check_every_route_declares_an_action(app)
    return app

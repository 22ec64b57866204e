"""Page rendering: Jinja2 templates with the translator, the actor, CSRF token and navigation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from duluan import __version__
from duluan.auth.permissions import Actor
from duluan.errors import DuluanError
from duluan.geo import admin_map
from duluan.i18n import translate
from duluan.ingest.dates import VIETNAM_TIME
from duluan.web import csrf, navigation
from duluan.web.deps import locale_of

TEMPLATE_DIR = Path(__file__).parent / "templates"
DISPLAY_ZONE = VIETNAM_TIME  # pages show times as in Vietnam

templates = Jinja2Templates(directory=TEMPLATE_DIR)


def _local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return value.astimezone(DISPLAY_ZONE).strftime(fmt) if value else "—"


def _number(value: float, locale: str, digits: int = 0) -> str:
    """`value` with thousands grouped and `digits` decimals, in the locale's punctuation
    (Vietnamese: 1.234,5)."""
    text = f"{value:,.{digits}f}"
    if locale != "vi":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _commune_name(code: str) -> str:
    return admin_map.commune_names().get(code, code)


templates.env.filters["local_time"] = _local_time
templates.env.filters["commune_name"] = _commune_name


def error_text(request: Request, error: DuluanError) -> str:
    """The message of a domain error in the request's language."""
    return translate(error.key, locale_of(request), **error.params)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """The page `template` in the request's locale, with everything the layout needs."""
    locale = locale_of(request)
    actor: Actor | None = getattr(request.state, "actor", None)

    def t(key: str, **params: object) -> str:
        return translate(key, locale, **params)

    base = {
        "t": t,
        "locale": locale,
        "actor": actor,
        "csrf_token": csrf.token_for(request),
        "pillars": [s for s in navigation.PILLARS if actor and actor.may(s.action)],
        "admin_sections": [s for s in navigation.ADMIN if actor and actor.may(s.action)],
        "current_path": request.url.path,
        "version": __version__,
        "number": lambda value, digits=0: _number(value, locale, digits),
    }
    return templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status
    )


def render_form(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    """A page holding a form: 400 when `context` carries the `error` of a refused submission,
    so a refusal is never mistaken for success; 200 otherwise."""
    return render(request, template, context, status=400 if "error" in context else 200)

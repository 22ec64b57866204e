"""CSRF protection: one random token per session, required on unsafe requests with cookies."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.datastructures import FormData

from duluan.errors import CsrfFailed

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FIELD = "csrf_token"
HEADER = "x-csrf-token"
OPENROSA_HEADER = "x-openrosa-version"
MAX_FORM_FIELDS = 50_000  # a questionnaire editor post can hold many choices


async def read_form(request: Request) -> FormData:
    """The posted form, parsed once per request (Starlette keeps it), within the app's own body
    limit rather than Starlette's defaults (1,000 fields, 1 MB a field): whoever reads it first —
    this guard, for a plain form post — sets the limits every later reader gets."""
    limit = request.app.state.settings.max_request_bytes
    return await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=limit)


def token_for(request: Request) -> str:
    """The session's token, created on first use; templates put it in every form."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_guard(request: Request) -> None:
    """App-wide dependency: unsafe requests authenticated by cookie must echo the session token.

    Requests carrying an API token in the Authorization header are not cookie-authenticated, so a
    forged cross-site request cannot carry one; they are exempt. So are the OpenRosa endpoints
    (ODK Collect, signed in with HTTP Basic, web/routes/openrosa.py) when the request carries the
    custom header X-OpenRosa-Version, which a cross-site form cannot send and a cross-site script
    could only send after a CORS preflight that this app never grants.
    """
    if request.method in SAFE_METHODS or request.headers.get("authorization", "").startswith(
        "Bearer "
    ):
        return
    if OPENROSA_HEADER in request.headers and request.url.path.startswith("/openrosa/"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await read_form(request)).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfFailed("errors.csrf_failed")

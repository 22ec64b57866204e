"""Sign in, sign out and choose the interface language."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth import audit, users
from duluan.errors import NotAuthenticated, TooManyAttempts
from duluan.i18n import LOCALES
from duluan.web.deps import SessionDep, SettingsDep, client_ip, current_actor, public
from duluan.web.render import error_text, render

router = APIRouter(dependencies=[Depends(public)], include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    same_site = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if same_site else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/", reason: str = "") -> HTMLResponse:
    notices = ("errors.login_required", "errors.session_invalid", "login.logged_out")
    notice = reason if reason in notices else ""
    return render(request, "login.html", {"next": _safe_next(next), "notice": notice})


@router.post("/login")
def login(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=256)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    try:
        user = users.authenticate(
            db,
            username=username,
            password=password,
            ip=client_ip(request),
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_failure_window_seconds,
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        db.commit()  # the failed attempt must count even though the request fails
        message = error_text(request, exc)
        context = {"next": _safe_next(next), "error": message, "username": username[:64]}
        return render(request, "login.html", context, status=exc.status)
    request.session.clear()  # a new session (and CSRF token) on login, against session fixation
    request.session.update({"uid": user.id, "signed_in_at": time.time(), "locale": user.locale})
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> Response:
    try:
        actor = current_actor(request, db)
    except NotAuthenticated:
        actor = None  # signing out of an expired session still clears the cookie
    if actor is not None:
        audit.record(db, actor=actor, action="logout", target=actor.username, ip=client_ip(request))
    request.session.clear()
    return RedirectResponse("/login?reason=login.logged_out", status_code=303)


@router.post("/locale")
def choose_locale(
    request: Request,
    db: SessionDep,
    locale: Annotated[str, Form()],
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    if locale in LOCALES:
        request.session["locale"] = locale
        user_id = request.session.get("uid")
        if isinstance(user_id, int):
            users.set_locale(db, user_id=user_id, locale=locale)
    return RedirectResponse(_safe_next(next), status_code=303)

"""One's own account: password, e-mail for alerts, interface language and API tokens."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth import tokens, users
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render

router = APIRouter(prefix="/account", include_in_schema=False)
Self = Annotated[Actor, Depends(need("account.manage"))]


def _page(
    request: Request, db: SessionDep, actor: Actor, status: int = 200, **extra: object
) -> HTMLResponse:
    user = users.get_manageable(db, actor=None, user_id=actor.user_id)
    context = {"tokens": tokens.list_own(db, actor=actor), "email": user.email or "", **extra}
    return render(request, "account.html", context, status=status)


@router.get("")
def account(request: Request, db: SessionDep, actor: Self) -> HTMLResponse:
    return _page(request, db, actor, saved=request.query_params.get("saved", ""))


@router.post("/password")
def password_change(
    request: Request,
    db: SessionDep,
    actor: Self,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    confirm: Annotated[str, Form(max_length=1024)],
) -> Response:
    user = users.get_manageable(db, actor=None, user_id=actor.user_id)
    try:
        if new != confirm:
            raise BadInput("errors.password_mismatch")
        users.change_password(db, actor=actor, user=user, current=current, new=new)
    except BadInput as exc:
        return _page(
            request,
            db,
            actor,
            400,
            password_error=error_text(request, exc),
        )
    request.session["signed_in_at"] = time.time()  # this session stays; all others end
    return RedirectResponse("/account?saved=password", status_code=303)


@router.post("/email")
def email_change(
    request: Request, db: SessionDep, actor: Self, email: Annotated[str, Form(max_length=1000)] = ""
) -> Response:
    """The address alert e-mails go to (empty: none)."""
    try:
        users.set_email(db, actor=actor, address=email)
    except BadInput as exc:
        return _page(request, db, actor, 400, email_error=error_text(request, exc), email=email)
    return RedirectResponse("/account?saved=email", status_code=303)


@router.post("/tokens")
def token_create(
    request: Request, db: SessionDep, actor: Self, name: Annotated[str, Form(max_length=1000)]
) -> HTMLResponse:
    try:
        _, clear = tokens.issue(db, actor=actor, name=name)
    except BadInput as exc:
        return _page(request, db, actor, 400, token_error=error_text(request, exc))
    return _page(request, db, actor, new_token=clear)


@router.post("/tokens/{token_id}/revoke")
def token_revoke(db: SessionDep, actor: Self, token_id: int) -> Response:
    tokens.revoke(db, actor=actor, token_id=token_id)
    return RedirectResponse("/account?saved=token", status_code=303)

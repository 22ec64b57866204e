"""Administration: users and their grants, and the audit log, each within the admin's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth import audit, units, users
from duluan.auth.audit import AUDITED_ACTIONS
from duluan.auth.permissions import ROLES, Actor
from duluan.errors import BadInput, Conflict, NotFound, PermissionDenied
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[Actor, Depends(need("users.manage"))]
Auditor = Annotated[Actor, Depends(need("audit.view"))]
FORM_ERRORS = (BadInput, Conflict, NotFound, PermissionDenied)


@router.get("/users")
def user_list(request: Request, db: SessionDep, actor: Admin) -> HTMLResponse:
    return render(request, "admin/users.html", {"users": users.visible_users(db, actor=actor)})


@router.get("/users/new")
def user_new(request: Request, actor: Admin) -> HTMLResponse:
    return render(request, "admin/user_new.html", {"roles": ROLES, "form": {}})


@router.post("/users")
def user_create(
    request: Request,
    db: SessionDep,
    actor: Admin,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[str, Form(max_length=40)],
    unit_code: Annotated[str, Form(max_length=100)],
    display_name: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        unit = units.find_by_code(db, unit_code)
        user = users.create_user(
            db,
            actor=actor,
            username=username,
            password=password,
            role=role,
            unit=unit,
            display_name=display_name,
        )
    except FORM_ERRORS as exc:
        db.rollback()
        form = {
            "username": username,
            "role": role,
            "unit_code": unit_code,
            "display_name": display_name,
        }
        context = {
            "roles": ROLES,
            "form": form,
            "error": error_text(request, exc),
        }
        return render(request, "admin/user_new.html", context, status=exc.status)
    return RedirectResponse(f"/admin/users/{user.id}", status_code=303)


def _user_page(
    request: Request, db: SessionDep, actor: Actor, user_id: int, error: str = ""
) -> HTMLResponse:
    user = users.get_manageable(db, actor=actor, user_id=user_id)
    saved = request.query_params.get("saved") == "password"
    context = {"user": user, "roles": ROLES, "error": error, "saved": saved}
    return render(request, "admin/user_detail.html", context, status=400 if error else 200)


@router.get("/users/{user_id}")
def user_detail(request: Request, db: SessionDep, actor: Admin, user_id: int) -> HTMLResponse:
    return _user_page(request, db, actor, user_id)


@router.post("/users/{user_id}/active")
def user_set_active(
    request: Request, db: SessionDep, actor: Admin, user_id: int, active: Annotated[bool, Form()]
) -> Response:
    user = users.get_manageable(db, actor=actor, user_id=user_id)
    try:
        users.set_active(db, actor=actor, user=user, active=active)
    except BadInput as exc:
        return _user_page(request, db, actor, user_id, error_text(request, exc))
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/users/{user_id}/password")
def user_reset_password(
    request: Request,
    db: SessionDep,
    actor: Admin,
    user_id: int,
    new: Annotated[str, Form(max_length=1024)],
) -> Response:
    """An administrator sets a new password for someone who forgot theirs; their sessions end."""
    user = users.get_manageable(db, actor=actor, user_id=user_id)
    try:
        users.change_password(db, actor=actor, user=user, current=None, new=new)
    except BadInput as exc:
        return _user_page(request, db, actor, user_id, error_text(request, exc))
    return RedirectResponse(f"/admin/users/{user_id}?saved=password", status_code=303)


@router.post("/users/{user_id}/grants")
def grant_add(
    request: Request,
    db: SessionDep,
    actor: Admin,
    user_id: int,
    role: Annotated[str, Form(max_length=40)],
    unit_code: Annotated[str, Form(max_length=100)],
) -> Response:
    user = users.get_manageable(db, actor=actor, user_id=user_id)
    try:
        users.add_grant(
            db, actor=actor, user=user, role=role, unit=units.find_by_code(db, unit_code)
        )
    except FORM_ERRORS as exc:
        db.rollback()
        return _user_page(request, db, actor, user_id, error_text(request, exc))
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/users/{user_id}/grants/{grant_id}/delete")
def grant_remove(
    request: Request, db: SessionDep, actor: Admin, user_id: int, grant_id: int
) -> Response:
    user = users.get_manageable(db, actor=actor, user_id=user_id)
    try:
        users.remove_grant(db, actor=actor, user=user, grant_id=grant_id)
    except FORM_ERRORS as exc:
        db.rollback()
        return _user_page(request, db, actor, user_id, error_text(request, exc))
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.get("/audit")
def audit_log(request: Request, db: SessionDep, actor: Auditor, action: str = "") -> HTMLResponse:
    action = action if action in AUDITED_ACTIONS else ""
    events = audit.list_events(db, actor=actor, action=action)
    return render(
        request,
        "admin/audit.html",
        {"events": events, "actions": AUDITED_ACTIONS, "action": action},
    )

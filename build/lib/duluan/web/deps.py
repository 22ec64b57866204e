"""Request dependencies: database session, the acting user, declared actions, locale.

Every route declares the action it needs with `need("action")` or is listed as public with
`public`; the app refuses to start if a route does neither (deny by default).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from duluan.auth import tokens, users
from duluan.auth.permissions import ACTIONS, Actor
from duluan.db.engine import transaction
from duluan.errors import NotAuthenticated
from duluan.i18n import LOCALES
from duluan.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, committed when the handler returns without error."""
    with transaction(request.app.state.sessions) as session:
        yield session


# scope="function": commit before the response leaves, so a failed commit is an error page, never
# a success the data does not back.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_actor(request: Request, db: SessionDep) -> Actor:
    """The user behind a bearer token or the session cookie; NotAuthenticated if none."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("Bearer "):
        actor = users.actor_for(tokens.resolve(db, authorization.removeprefix("Bearer ").strip()))
    else:
        user_id, signed_in_at = request.session.get("uid"), request.session.get("signed_in_at")
        if not isinstance(user_id, int) or not isinstance(signed_in_at, float):
            raise NotAuthenticated("errors.login_required")
        try:
            actor = users.load_actor(db, user_id, signed_in_at)
        except NotAuthenticated:
            request.session.clear()
            raise
    request.state.actor = actor
    return actor


def need(action: str) -> Callable[..., Actor]:
    """A dependency that yields the actor if they may perform `action` somewhere in their scope.

    Unit-level checks (is *this* unit within scope) happen in the services.
    """
    if action not in ACTIONS:
        raise ValueError(f"undeclared action {action!r}")

    def dependency(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        actor.require(action)
        return actor

    dependency.duluan_action = action  # type: ignore[attr-defined]
    return dependency


def public() -> None:
    """Marks a route that anyone may call (login page, health check, static files)."""


def declared_action(dependant: Any) -> str | None:
    """The action a route declared through `need`, 'public', or None if it declared nothing."""
    for sub in dependant.dependencies:
        call = sub.call
        if call is public:
            return "public"
        action = getattr(call, "duluan_action", None)
        if isinstance(action, str):
            return action
        found = declared_action(sub)
        if found:
            return found
    return None


def locale_of(request: Request) -> str:
    """Session choice first, then the signed-in user's preference, then the deployment default."""
    chosen = request.session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is not None and actor.locale in LOCALES:
        return actor.locale
    return get_settings(request).default_locale


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""

"""Users and their grants: create, list, disable, change passwords, authenticate."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from duluan.auth import audit, passwords
from duluan.auth.models import Grant, OrgUnit, User
from duluan.auth.permissions import ROLES, Actor, Scope, scope_filter
from duluan.db.types import utcnow
from duluan.errors import (
    BadInput,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def actor_for(user: User) -> Actor:
    """The service-level view of a user: identity and grant scopes."""
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        locale=user.locale,
        scopes=tuple(Scope(g.role, g.unit_id, g.unit.path) for g in user.grants),
    )


def load_actor(session: Session, user_id: int, signed_in_at: float) -> Actor:
    """The user of a login session as an Actor.

    NotAuthenticated if the user is gone or disabled, or changed their password after
    `signed_in_at` (a Unix time): changing a password ends every other session.
    """
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("errors.session_invalid")
    changed = user.password_changed_at
    if changed is not None and signed_in_at < changed.timestamp():
        raise NotAuthenticated("errors.session_invalid")
    return actor_for(user)


def _check_grant(actor: Actor | None, role: str, unit: OrgUnit) -> None:
    if role not in ROLES:
        raise BadInput("errors.role_invalid", role=role, roles=", ".join(ROLES))
    if actor is not None and not actor.may("users.manage", unit.path):
        raise PermissionDenied("errors.unit_out_of_scope")


def create_user(
    session: Session,
    *,
    actor: Actor | None,
    username: str,
    password: str,
    role: str,
    unit: OrgUnit,
    display_name: str = "",
) -> User:
    """A new active user with one grant. `actor` None means the command line (a local operator)."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise BadInput("errors.username_invalid")
    _check_grant(actor, role, unit)
    passwords.check_policy(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("errors.username_taken", username=username)
    user = User(
        username=username,
        display_name=" ".join(display_name.split())[:255],
        password_hash=passwords.hash_password(password),
    )
    user.grants.append(Grant(role=role, unit=unit))
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.created",
        target=username,
        unit_id=unit.id,
        detail={"role": role, "unit": unit.code},
    )
    return user


def visible_users(session: Session, *, actor: Actor) -> list[User]:
    """Users holding at least one grant inside the actor's user-management scope."""
    in_scope = exists().where(
        Grant.user_id == User.id,
        Grant.unit_id == OrgUnit.id,
        scope_filter(actor, "users.manage", OrgUnit.path),
    )
    return list(session.scalars(select(User).where(in_scope).order_by(User.username)))


def get_manageable(session: Session, *, actor: Actor | None, user_id: int) -> User:
    """The user if all their grants lie within the actor's scope (no one above is touched)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("errors.user_not_found", username=str(user_id))
    if actor is not None and not all(actor.may("users.manage", g.unit.path) for g in user.grants):
        raise PermissionDenied("errors.user_out_of_scope")
    return user


def find_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound("errors.user_not_found", username=username)
    return user


def set_active(session: Session, *, actor: Actor | None, user: User, active: bool) -> None:
    if actor is not None and actor.user_id == user.id and not active:
        raise BadInput("errors.cannot_disable_self")
    user.is_active = active
    audit.record(
        session,
        actor=actor,
        action="user.enabled" if active else "user.disabled",
        target=user.username,
        unit_id=_home_unit_id(user),
    )


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    """Remember a user's interface language (`vi` or `en`)."""
    user = session.get(User, user_id)
    if user is not None:
        user.locale = locale


def set_email(session: Session, *, actor: Actor, address: str) -> None:
    """Set (or, with an empty value, remove) the actor's own e-mail address for alert e-mails."""
    address = address.strip()
    if address and (len(address) > 254 or not _EMAIL.match(address)):
        raise BadInput("account_email.invalid", address=address[:80])
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("errors.user_not_found", username=actor.username)
    if (user.email or "") == address:
        return
    user.email = address or None
    audit.record(
        session,
        actor=actor,
        action="user.email_changed",
        target=user.username,
        unit_id=_home_unit_id(user),
        detail={"removed": not address},
    )


def change_password(
    session: Session, *, actor: Actor, user: User, current: str | None, new: str
) -> None:
    """Set a new password; a user changing their own must give the current one."""
    if actor.user_id == user.id and not passwords.verify_password(
        user.password_hash, current or ""
    ):
        raise BadInput("errors.current_password_wrong")
    passwords.check_policy(new)
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="user.password_changed",
        target=user.username,
        unit_id=_home_unit_id(user),
    )


def add_grant(
    session: Session, *, actor: Actor | None, user: User, role: str, unit: OrgUnit
) -> Grant:
    _check_grant(actor, role, unit)
    if any(g.role == role and g.unit_id == unit.id for g in user.grants):
        raise Conflict("errors.grant_exists")
    grant = Grant(role=role, unit=unit)
    user.grants.append(grant)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="grant.added",
        target=user.username,
        unit_id=unit.id,
        detail={"role": role, "unit": unit.code},
    )
    return grant


def remove_grant(session: Session, *, actor: Actor, user: User, grant_id: int) -> None:
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound("errors.grant_not_found")
    _check_grant(actor, grant.role, grant.unit)
    if len(user.grants) == 1:
        raise BadInput("errors.last_grant")
    user.grants.remove(grant)
    audit.record(
        session,
        actor=actor,
        action="grant.removed",
        target=user.username,
        unit_id=grant.unit_id,
        detail={"role": grant.role, "unit": grant.unit.code},
    )


def _home_unit_id(user: User) -> int | None:
    return user.grants[0].unit_id if user.grants else None


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str,
    max_failures: int,
    window_seconds: int,
) -> User:
    """The user if the password matches; throttled after `max_failures` failures in the window.

    Every outcome is written to the audit log. The caller commits even on failure, so that
    failed attempts are counted.
    """
    name = username.strip().lower()[:64]
    since = utcnow() - timedelta(seconds=window_seconds)
    if audit.count_since(session, action="login.failed", target=name, since=since) >= max_failures:
        audit.record(
            session, actor=None, actor_name=name, action="login.throttled", target=name, ip=ip
        )
        raise TooManyAttempts("errors.login_throttled", minutes=window_seconds // 60)
    user = session.scalar(select(User).where(User.username == name))
    valid = passwords.verify_password(
        user.password_hash if user else passwords.DUMMY_HASH, password
    )
    if user is None or not valid or not user.is_active:
        audit.record(
            session,
            actor=None,
            actor_name=name,
            action="login.failed",
            target=name,
            ip=ip,
            unit_id=_home_unit_id(user) if user else None,
        )
        raise NotAuthenticated("errors.login_failed")
    user.last_login_at = utcnow()
    audit.record(
        session,
        actor=actor_for(user),
        action="login.succeeded",
        target=name,
        ip=ip,
        unit_id=_home_unit_id(user),
    )
    return user


def ensure_first_admin(
    session: Session, *, username: str, password: str
) -> tuple[User, str] | None:
    """Create an administrator over the root unit if there is no user at all.

    Returns the user and the password (generated when `password` is empty), or None if users exist.
    """
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    from duluan.auth.units import root

    password = password or passwords.generate_password()
    user = create_user(
        session,
        actor=None,
        username=username,
        password=password,
        role="admin",
        unit=root(session),
        display_name="Quản trị hệ thống",
    )
    return user, password

"""API tokens for machine clients: issued once in clear, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import ApiToken, User
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotAuthenticated, NotFound

PREFIX = "dl_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, *, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the clear value is returned once and never stored."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise BadInput("errors.token_name_invalid")
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.user_id, name=name, token_hash=_digest(clear))
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="token.created", target=name)
    return token, clear


def list_own(session: Session, *, actor: Actor) -> list[ApiToken]:
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == actor.user_id)
        .order_by(ApiToken.created_at.desc())
    )
    return list(session.scalars(query))


def revoke(session: Session, *, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound("errors.token_not_found")
    token.revoked_at = token.revoked_at or utcnow()
    audit.record(session, actor=actor, action="token.revoked", target=token.name)


def resolve(session: Session, clear: str) -> User:
    """The active user owning a valid, unrevoked token; NotAuthenticated otherwise."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear)))
    if token is None or token.revoked_at is not None:
        raise NotAuthenticated("errors.token_invalid")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("errors.token_invalid")
    token.last_used_at = utcnow()
    return user

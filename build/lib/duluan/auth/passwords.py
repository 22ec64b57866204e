"""Password hashing with argon2id, and the password rules users see."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from duluan.errors import BadInput

MIN_LENGTH = 10
MAX_LENGTH = 256

_hasher = PasswordHasher()


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise BadInput("errors.password_too_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise BadInput("errors.password_too_long", max=MAX_LENGTH)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password that is easy to type once (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


# Verifying against this when the user does not exist keeps response time the same either way.
DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

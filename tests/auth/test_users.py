import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent, User
from duluan.errors import BadInput, Conflict, NotAuthenticated, PermissionDenied, TooManyAttempts
from tests.conftest import PASSWORD, make_user


def _authenticate(db: Session, username: str, password: str) -> User:
    return users.authenticate(
        db, username=username, password=password, ip="127.0.0.1", max_failures=3, window_seconds=900
    )


def test_passwords_are_stored_as_argon2id(db: Session) -> None:
    user = make_user(db, "lc.analyst", "analyst", "15")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_authenticate_accepts_the_right_password_only(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    assert _authenticate(db, "LC.Analyst ", PASSWORD).username == "lc.analyst"
    with pytest.raises(NotAuthenticated):
        _authenticate(db, "lc.analyst", "wrong-password")
    with pytest.raises(NotAuthenticated):
        _authenticate(db, "nobody", PASSWORD)


def test_login_is_throttled_after_repeated_failures(db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            _authenticate(db, "lc.analyst", "wrong-password")
    with pytest.raises(TooManyAttempts):
        _authenticate(db, "lc.analyst", PASSWORD)  # even the right password waits
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target == "lc.analyst")).all()
    assert actions.count("login.failed") == 3 and "login.throttled" in actions


def test_disabled_user_cannot_sign_in(db: Session) -> None:
    user = make_user(db, "lc.analyst", "analyst", "15")
    users.set_active(db, actor=None, user=user, active=False)
    with pytest.raises(NotAuthenticated):
        _authenticate(db, "lc.analyst", PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "role", "error"),
    [
        ("ab", PASSWORD, "analyst", BadInput),
        ("Nguyễn Văn A", PASSWORD, "analyst", BadInput),
        ("'; drop table users;--", PASSWORD, "analyst", BadInput),
        ("new.user", "short", "analyst", BadInput),
        ("new.user", PASSWORD, "boss", BadInput),
        ("lc.analyst", PASSWORD, "analyst", Conflict),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(
    db: Session, username: str, password: str, role: str, error: type
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    with pytest.raises(error):
        users.create_user(
            db,
            actor=None,
            username=username,
            password=password,
            role=role,
            unit=units.find_by_code(db, "15"),
        )
    db.rollback()
    assert db.scalar(select(func.count(User.id))) == 1


def test_province_admin_cannot_grant_outside_or_touch_central_admin(db: Session) -> None:
    central = make_user(db, "central.admin", "admin", "TW")
    province_admin = users.actor_for(make_user(db, "lc.admin", "admin", "15"))
    with pytest.raises(PermissionDenied):
        users.create_user(
            db,
            actor=province_admin,
            username="hn.analyst",
            password=PASSWORD,
            role="analyst",
            unit=units.find_by_code(db, "01"),
        )
    with pytest.raises(PermissionDenied):
        users.get_manageable(db, actor=province_admin, user_id=central.id)
    visible = [u.username for u in users.visible_users(db, actor=province_admin)]
    assert visible == ["lc.admin"]


def test_first_admin_is_created_once(db: Session) -> None:
    created = users.ensure_first_admin(db, username="admin", password="")
    assert created is not None
    user, password = created
    db.commit()
    assert len(password) >= 16 and _authenticate(db, "admin", password).id == user.id
    assert users.ensure_first_admin(db, username="admin", password="") is None

import time

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import AuditEvent
from duluan.settings import Settings
from tests.conftest import PASSWORD, csrf_of, login, make_user


def test_unauthenticated_pages_redirect_to_login(client: TestClient) -> None:
    response = client.get("/surveys", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/surveys")
    filtered = client.get("/admin/audit?action=login.failed", follow_redirects=False)
    assert "next=/admin/audit%3Faction%3Dlogin.failed" in filtered.headers["location"]


def test_login_then_logout(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    home = client.get("/")
    assert home.status_code == 200 and "Xin chào, Lc.Analyst" in home.text
    response = client.post(
        "/logout", data={"csrf_token": csrf_of(client, "/")}, follow_redirects=False
    )
    assert response.headers["location"] == "/login?reason=login.logged_out"
    assert "Bạn đã đăng xuất." in client.get(response.headers["location"]).text
    assert client.get("/", follow_redirects=False).status_code == 303
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["login.succeeded", "logout"]


def test_wrong_password_is_refused_in_vietnamese(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    response = client.post(
        "/login", data={"username": "lc.analyst", "password": "sai", "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert "uid" not in client.cookies.get("duluan_session", "")


def test_repeated_failures_throttle_the_login(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    for _ in range(3):
        client.post(
            "/login",
            data={"username": "lc.analyst", "password": "x", "csrf_token": csrf_of(client)},
        )
    response = client.post(
        "/login",
        data={"username": "lc.analyst", "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_forged_csrf_token_is_refused_and_nothing_changes(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    for token in ("forged", ""):
        response = client.post(
            "/admin/users",
            data={
                "username": "evil",
                "password": PASSWORD,
                "role": "admin",
                "unit_code": "15",
                "csrf_token": token,
            },
        )
        assert response.status_code == 403
        assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in response.text
    assert "evil" not in client.get("/admin/users").text


def test_login_form_itself_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    response = client.post("/login", data={"username": "lc.analyst", "password": PASSWORD})
    assert response.status_code == 403


def test_expired_session_is_sent_back_to_login(
    client: TestClient, db: Session, settings: Settings
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    payload = client.cookies["duluan_session"].rsplit(".", 2)[0]

    def resign(issued_at: float) -> None:
        signer = TimestampSigner(settings.secret_key)
        signer.get_timestamp = lambda: int(issued_at)  # type: ignore[method-assign]
        client.cookies.clear()
        client.cookies.set("duluan_session", signer.sign(payload.encode()).decode())

    resign(time.time() - 60)  # the same session, recently issued: still valid
    assert client.get("/", follow_redirects=False).status_code == 200
    resign(time.time() - settings.session_max_age_seconds - 60)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_disabling_a_user_ends_their_session(client: TestClient, db: Session) -> None:
    user = make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    user.is_active = False
    db.commit()
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and "session_invalid" in response.headers["location"]


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example"])
def test_login_redirect_stays_on_this_site(client: TestClient, db: Session, target: str) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    response = client.post(
        "/login",
        data={
            "username": "lc.analyst",
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    "body",
    [
        b"username=%FF%FE%C3&password=x&csrf_token={token}",  # not UTF-8 once decoded
        b"\xff\xfe\x00garbage",  # not a form at all
    ],
)
def test_malformed_form_bodies_are_refused_cleanly(
    client: TestClient, db: Session, body: bytes
) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        content=body.replace(b"{token}", token.encode()),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (401, 403)
    assert '<html lang="vi">' in response.text
    assert db.scalars(select(AuditEvent.action)).all() in ([], ["login.failed"])

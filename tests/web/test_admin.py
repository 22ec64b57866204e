from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import User
from tests.conftest import PASSWORD, csrf_of, login, make_user, post_form


def test_admin_creates_a_user_who_can_then_sign_in(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    response = post_form(
        client,
        "/admin/users",
        {
            "username": "lc.leader",
            "password": PASSWORD,
            "role": "leader",
            "unit_code": "15",
            "display_name": "Nguyễn Thị Lãnh Đạo",
        },
        page="/admin/users/new",
    )
    assert response.status_code == 303
    assert "Nguyễn Thị Lãnh Đạo" in client.get(response.headers["location"]).text
    client.cookies.clear()
    login(client, "lc.leader")
    assert "Theo dõi dư luận trên mạng" in client.get("/").text


def test_duplicate_username_keeps_the_form_and_stores_nothing(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    data = {"username": "lc.admin", "password": PASSWORD, "role": "analyst", "unit_code": "15"}
    response = post_form(client, "/admin/users", data, page="/admin/users/new")
    assert response.status_code == 409 and "đã tồn tại" in response.text
    assert db.scalars(select(User.username)).all() == ["lc.admin"]


def test_province_admin_cannot_create_users_elsewhere(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    data = {"username": "hn.analyst", "password": PASSWORD, "role": "analyst", "unit_code": "01"}
    response = post_form(client, "/admin/users", data, page="/admin/users/new")
    assert response.status_code == 403 and "ngoài phạm vi" in response.text
    assert db.scalar(select(User).where(User.username == "hn.analyst")) is None


def test_province_admin_cannot_open_central_admin(client: TestClient, db: Session) -> None:
    central = make_user(db, "root.admin", "admin", "TW")
    make_user(db, "lc.admin", "admin", "15")
    login(client, "lc.admin")
    assert client.get(f"/admin/users/{central.id}").status_code == 403
    response = post_form(client, f"/admin/users/{central.id}/active", {"active": "false"})
    assert response.status_code == 403
    db.refresh(central)
    assert central.is_active


def test_grant_changes_are_audited_and_visible_to_admins(client: TestClient, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    analyst = make_user(db, "lc.analyst", "analyst", "15")
    login(client, "root.admin")
    response = post_form(
        client, f"/admin/users/{analyst.id}/grants", {"role": "leader", "unit_code": "01"}
    )
    assert response.status_code == 303
    audit = client.get("/admin/audit").text
    assert "Cấp quyền" in audit and "lc.analyst" in audit and "Đăng nhập thành công" in audit


def test_html_in_display_name_is_shown_as_text(client: TestClient, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    login(client, "root.admin")
    post_form(
        client,
        "/admin/users",
        {
            "username": "x.user",
            "password": PASSWORD,
            "role": "analyst",
            "unit_code": "15",
            "display_name": '<img src=x onerror="alert(1)">',
        },
        page="/admin/users/new",
    )
    html = client.get("/admin/users").text
    assert '<img src=x onerror="alert(1)">' not in html and "&lt;img" in html


def test_oversized_request_body_is_refused(client: TestClient, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    login(client, "root.admin")
    token = csrf_of(client, "/")
    response = client.post(
        "/admin/users",
        data={"username": "big", "display_name": "x" * (11 * 2**20), "csrf_token": token},
    )
    assert response.status_code == 413
    assert db.scalar(select(User).where(User.username == "big")) is None


def test_changing_the_password_ends_other_sessions_but_not_this_one(
    client: TestClient, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    other = TestClient(client.app)  # the same account signed in on another computer
    login(other, "lc.analyst")
    new = "mat-khau-moi-rat-dai"
    response = post_form(
        client,
        "/account/password",
        {"current": PASSWORD, "new": new, "confirm": new},
        page="/account",
    )
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 303
    login(other, "lc.analyst", new)
    assert other.get("/", follow_redirects=False).status_code == 200


def test_wrong_current_password_changes_nothing(client: TestClient, db: Session) -> None:
    user = make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    before = user.password_hash
    response = post_form(
        client,
        "/account/password",
        {"current": "sai", "new": "mat-khau-moi-rat-dai", "confirm": "mat-khau-moi-rat-dai"},
        page="/account",
    )
    assert response.status_code == 400 and "Mật khẩu hiện tại không đúng." in response.text
    db.refresh(user)
    assert user.password_hash == before


def test_admin_resets_a_forgotten_password(client: TestClient, db: Session) -> None:
    make_user(db, "lc.admin", "admin", "15")
    analyst = make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.admin")
    short = post_form(client, f"/admin/users/{analyst.id}/password", {"new": "ngan"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.text
    done = post_form(client, f"/admin/users/{analyst.id}/password", {"new": "mat-khau-cap-lai-1"})
    assert done.status_code == 303
    assert "Đã đổi mật khẩu." in client.get(done.headers["location"]).text
    user_client = TestClient(client.app)
    login(user_client, "lc.analyst", "mat-khau-cap-lai-1")
    assert "Đổi mật khẩu" in client.get("/admin/audit").text

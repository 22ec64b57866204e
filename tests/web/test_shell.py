import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from duluan.web.app import check_every_route_declares_an_action
from duluan.web.deps import need
from tests.conftest import csrf_of, login, make_user

PILLARS_VI = [
    "Theo dõi dư luận trên mạng",
    "Cảnh báo sớm",
    "Điều tra",
    "Cộng tác viên &amp; báo cáo",
    "Báo cáo tổng hợp",
    "Kế hoạch &amp; nhiệm vụ",
]


def test_health_endpoint_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_admin_sees_every_pillar_in_vietnamese(client: TestClient, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    login(client, "root.admin")
    html = client.get("/").text
    assert '<html lang="vi">' in html
    for name in [*PILLARS_VI, "Quản trị", "Nhật ký hệ thống"]:
        assert name in html


@pytest.mark.parametrize(
    "path", ["/listening", "/warning", "/surveys", "/network", "/reports", "/plans"]
)
def test_each_pillar_has_an_honest_empty_state(client: TestClient, db: Session, path: str) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    html = client.get(path).text
    assert 'class="empty-state"' in html and "sẽ hiển thị ở đây" in html


def test_switching_to_english_translates_the_shell(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    response = client.post(
        "/locale",
        data={"locale": "en", "next": "/surveys", "csrf_token": csrf_of(client, "/")},
        follow_redirects=True,
    )
    assert '<html lang="en">' in response.text and "Online opinion monitoring" in response.text
    assert "Theo dõi dư luận trên mạng" not in response.text


def test_collaborator_is_refused_pages_outside_their_role(client: TestClient, db: Session) -> None:
    make_user(db, "ctv.01", "collaborator", "15")
    login(client, "ctv.01")
    home = client.get("/").text
    assert "Theo dõi dư luận trên mạng" not in home
    assert "Gửi báo cáo dư luận" in home  # what a collaborator does here, not a blank page
    for path in ("/listening", "/admin/users", "/admin/audit", "/units"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Vai trò của bạn không được phép" in response.text


def test_unknown_page_is_a_vietnamese_404(client: TestClient) -> None:
    response = client.get("/khong-co")
    assert response.status_code == 404 and "Không tìm thấy trang này." in response.text


def test_a_route_without_a_declared_action_stops_the_app() -> None:
    app = FastAPI()

    @app.get("/declared")
    def declared(actor: object = Depends(need("home.view"))) -> None: ...

    check_every_route_declares_an_action(app)

    @app.get("/forgotten")
    def forgotten() -> None: ...

    with pytest.raises(RuntimeError, match="/forgotten"):
        check_every_route_declares_an_action(app)


def test_pages_carry_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]


def test_the_real_app_declares_an_action_on_every_route(client: TestClient) -> None:
    from duluan.web.app import api_routes
    from duluan.web.deps import declared_action

    routes = list(api_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 20
    assert all(declared_action(r.dependant) for r in routes)

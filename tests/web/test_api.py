from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from duluan.auth import tokens, units, users
from tests.conftest import login, make_user, post_form


def _token(db: Session, username: str, role: str, unit: str) -> str:
    actor = users.actor_for(make_user(db, username, role, unit))
    _, clear = tokens.issue(db, actor=actor, name="collector")
    db.commit()
    return clear


def test_bearer_token_reads_the_api_within_scope(client: TestClient, db: Session) -> None:
    headers = {"Authorization": f"Bearer {_token(db, 'lc.analyst', 'analyst', '15')}"}
    assert client.get("/api/me", headers=headers).json()["username"] == "lc.analyst"
    top = client.get("/api/units", headers=headers).json()
    assert [u["code"] for u in top] == ["15"]
    communes = client.get("/api/units", params={"parent_id": top[0]["id"]}, headers=headers).json()
    assert len(communes) > 50 and all(u["parent_id"] == top[0]["id"] for u in communes)
    hanoi = units.find_by_code(db, "01")
    refused = client.get(f"/api/units/{hanoi.id}", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"


def test_missing_or_revoked_token_is_401(client: TestClient, db: Session) -> None:
    assert client.get("/api/me").status_code == 401
    clear = _token(db, "lc.analyst", "analyst", "15")
    token = tokens.list_own(db, actor=users.actor_for(users.find_by_username(db, "lc.analyst")))[0]
    token.revoked_at = token.created_at
    db.commit()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {clear}"})
    assert response.status_code == 401 and response.json()["error"] == "not_authenticated"


def test_token_created_in_the_account_page_is_shown_once(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    html = post_form(client, "/account/tokens", {"name": "máy thu thập"}, page="/account").text
    clear = html.split("data-new-token>")[1].split("<")[0]
    assert clear.startswith("dl_")
    assert clear not in client.get("/account").text
    api = TestClient(client.app)
    assert api.get("/api/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 200


def test_openapi_describes_the_api_for_signed_in_users(client: TestClient, db: Session) -> None:
    assert client.get("/api/openapi.json").status_code == 401
    headers = {"Authorization": f"Bearer {_token(db, 'lc.analyst', 'analyst', '15')}"}
    schema = client.get("/api/openapi.json", headers=headers).json()
    assert {"/api/me", "/api/units", "/api/units/{unit_id}"} <= set(schema["paths"])
    assert client.get("/api/docs", headers=headers).status_code == 200


def test_api_sql_injection_in_search_is_harmless(client: TestClient, db: Session) -> None:
    headers = {"Authorization": f"Bearer {_token(db, 'lc.analyst', 'analyst', '15')}"}
    response = client.get("/api/units", params={"q": "' OR 1=1 --"}, headers=headers)
    assert response.status_code == 200 and response.json() == []

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import tokens, units, users
from duluan.auth.models import AuditEvent
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import Document, Source
from duluan.ingest.service import store_items
from tests.conftest import login, make_user, post_form

CORRUPTION = "Người dân phản ánh tình trạng tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ."
FLOOD = "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp."


def _store(db: Session, unit_code: str, *items: Item, name: str = "Báo thử") -> Source:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, unit_code), kind="push", name=name
    )
    store_items(db, source, list(items), secret="x" * 32)
    db.commit()
    return source


def _document(db: Session, text: str) -> Document:
    return db.scalars(select(Document).where(Document.text.startswith(text[:20]))).one()


def _audits(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_search_ignores_accents_and_is_audited(client: TestClient, db: Session) -> None:
    _store(db, "15", Item(text=CORRUPTION, title="Phản ánh ở xã"), Item(text=FLOOD, title="Lũ"))
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = client.get("/listening", params={"q": "tham nhung"})
    assert page.status_code == 200
    assert "Phản ánh ở xã" in page.text and "Mưa lũ" not in page.text
    assert "Tìm thấy 1 bài viết." in page.text and "Báo thử" in page.text
    assert [e.target for e in _audits(db, "documents.searched")] == ["tham nhung"]


def test_filters_by_topic_and_sentiment(client: TestClient, db: Session) -> None:
    _store(db, "15", Item(text=CORRUPTION, title="Phản ánh ở xã"), Item(text=FLOOD, title="Lũ"))
    enrichment = _document(db, CORRUPTION).enrichment
    assert enrichment is not None and enrichment.topics
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    by_topic = client.get("/listening", params={"topic": enrichment.topics[0]}).text
    assert "Phản ánh ở xã" in by_topic
    other = next(s for s in ("negative", "neutral", "positive") if s != enrichment.sentiment)
    by_sentiment = client.get("/listening", params={"sentiment": enrichment.sentiment}).text
    assert "Phản ánh ở xã" in by_sentiment
    assert "Phản ánh ở xã" not in client.get("/listening", params={"sentiment": other}).text


def test_malformed_query_is_a_vietnamese_400(client: TestClient, db: Session) -> None:
    _store(db, "15", Item(text=CORRUPTION))
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    response = client.get("/listening", params={"q": '"tham nhung'})
    assert response.status_code == 400 and "dấu ngoặc kép chưa đóng" in response.text


def test_empty_state_points_to_sources(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    html = client.get("/listening").text
    assert 'class="empty-state"' in html and 'href="/listening/sources"' in html


def test_scope_hides_other_provinces_and_collaborators_are_refused(
    client: TestClient, db: Session
) -> None:
    _store(db, "01", Item(text=CORRUPTION, title="Tin Hà Nội"), name="Báo Hà Nội")
    hanoi_document = _document(db, CORRUPTION)
    make_user(db, "lc.analyst", "analyst", "15")
    make_user(db, "ctv.01", "collaborator", "15")
    login(client, "lc.analyst")
    assert "Tin Hà Nội" not in client.get("/listening", params={"q": "tham nhung"}).text
    assert "Báo Hà Nội" not in client.get("/listening/sources").text
    assert client.get(f"/listening/documents/{hanoi_document.id}").status_code == 404
    client.cookies.clear()
    login(client, "ctv.01")
    assert client.get("/listening").status_code == 403
    assert client.get(f"/listening/documents/{hanoi_document.id}").status_code == 403


def test_document_page_escapes_collected_markup_and_is_audited(
    client: TestClient, db: Session
) -> None:
    text = "Bài viết có mã độc <script>alert('x')</script> ở giữa.\nĐoạn thứ hai về tham nhũng."
    _store(
        db,
        "15",
        Item(text=text, title="Tiêu đề <b>đậm</b>", url="https://bao.example.vn/a", author="ai"),
    )
    document = _document(db, text)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    html = client.get(f"/listening/documents/{document.id}").text
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html
    assert "<b>đậm</b>" not in html and "&lt;b&gt;đậm&lt;/b&gt;" in html
    assert 'rel="noopener noreferrer nofollow" target="_blank"' in html
    assert "Mô hình đã dùng" in html and "Độ chính xác" in html and "Đoạn thứ hai" in html
    assert document.author_hash and document.author_hash not in html
    events = _audits(db, "document.read")
    assert [e.target for e in events] == [f"document:{document.id}"]


def test_add_source_with_csrf_and_bad_url(client: TestClient, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")
    page = "/listening/sources"
    form = {"kind": "listing", "name": "Diễn đàn tỉnh", "interval_minutes": "30"}
    bad = post_form(client, page, {**form, "url": "ftp://x"}, page=page)
    assert bad.status_code == 400 and "Địa chỉ nguồn “ftp://x” không hợp lệ" in bad.text
    no_csrf = client.post(page, data={**form, "url": "https://dien-dan.example.vn/"})
    assert no_csrf.status_code == 403
    good = post_form(
        client,
        page,
        {**form, "url": "https://dien-dan.example.vn/", "link_selector": "a.title"},
        page=page,
    )
    assert good.status_code == 303
    source = db.scalars(select(Source).where(Source.name == "Diễn đàn tỉnh")).one()
    assert source.config == {"link_selector": "a.title"}
    assert source.unit_id == units.find_by_code(db, "15").id
    assert "Diễn đàn tỉnh" in client.get(page).text

    assert post_form(client, f"{page}/{source.id}/disable", {}, page=page).status_code == 303
    db.refresh(source)
    assert source.enabled is False and "Đã tắt" in client.get(page).text
    assert post_form(client, f"{page}/{source.id}/enable", {}, page=page).status_code == 303
    db.refresh(source)
    assert source.enabled is True


def test_leader_cannot_add_sources(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    assert 'action="/listening/sources"' not in client.get("/listening/sources").text
    form = {"kind": "rss", "name": "X", "url": "https://x.example.vn/rss"}
    response = post_form(client, "/listening/sources", form, page="/listening/sources")
    assert response.status_code == 403


def _token(db: Session, username: str, role: str, unit: str) -> dict[str, str]:
    user = make_user(db, username, role, unit)
    _, clear = tokens.issue(db, actor=users.actor_for(user), name="collector")
    db.commit()
    return {"Authorization": f"Bearer {clear}"}


def test_push_api_stores_once(client: TestClient, db: Session) -> None:
    headers = _token(db, "lc.analyst", "analyst", "15")
    body = {
        "source": "Máy thu thập Zalo",
        "documents": [
            {"text": CORRUPTION, "id": "z1", "author": "nguoi_a", "kind": "post"},
            {"text": FLOOD, "id": "z2", "published_at": "2025-07-01T08:00:00+07:00"},
            {"title": 5, "text": None},
            {"text": "x", "kind": "tweet"},
        ],
    }
    first = client.post("/api/documents", json=body, headers=headers)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["new"] == 2 and answer["duplicate"] == 0 and len(answer["document_ids"]) == 2
    assert [r["index"] for r in answer["rejected"]] == [2, 3]
    again = client.post("/api/documents", json=body, headers=headers).json()
    assert again["new"] == 0 and again["duplicate"] == 2
    assert db.scalar(select(func.count(Document.id))) == 2
    source = db.scalars(select(Source).where(Source.kind == "push")).one()
    assert source.name == "Máy thu thập Zalo"
    assert source.unit_id == units.find_by_code(db, "15").id
    assert len(_audits(db, "documents.pushed")) == 2
    schema = client.get("/api/openapi.json", headers=headers).json()
    assert "/api/documents" in schema["paths"]


def test_push_api_refuses_leaders_and_bad_bodies(client: TestClient, db: Session) -> None:
    leader = _token(db, "lc.leader", "leader", "15")
    body = {"source": "S", "documents": [{"text": CORRUPTION}]}
    assert client.post("/api/documents", json=body, headers=leader).status_code == 403
    analyst = _token(db, "lc.analyst", "analyst", "15")
    too_many = {"source": "S", "documents": [{"text": f"bài {i}"} for i in range(1001)]}
    response = client.post("/api/documents", json=too_many, headers=analyst)
    assert response.status_code == 400 and response.json()["error"] == "bad_input"
    assert "tối đa 1000 bài" in response.json()["message"]
    for bad in ([1, 2], {"documents": []}, {"source": "S", "documents": "x"}):
        assert client.post("/api/documents", json=bad, headers=analyst).status_code == 400
    other_unit = {**body, "unit": "01"}
    assert client.post("/api/documents", json=other_unit, headers=analyst).status_code == 403
    assert db.scalar(select(func.count(Document.id))) == 0

"""One page: text, title and author by trafilatura; the time as Vietnamese pages show it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from duluan.errors import FetchError
from duluan.ingest.connectors import web
from duluan.ingest.http import Fetcher
from duluan.ingest.items import Item
from tests.ingest.conftest import make_source, to_windows_1258
from tests.local_server import FIXTURES, LocalServer, Reply

HTML = "text/html; charset=utf-8"


def _article(name: str) -> Item:
    item = web.extract_article((FIXTURES / name).read_text(encoding="utf-8"), "http://tin.example/")
    assert item is not None
    return item


def test_a_page_becomes_one_item(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/bai", "article_byline.html", HTML, ETag='"a1"')

    outcome = web.collect(make_source("web", server.url("/bai")), fetcher)

    (item,) = outcome.items
    assert (outcome.status, outcome.etag) == ("ok", '"a1"')
    assert (item.title, item.author, item.language) == (
        "Giá xăng giảm mạnh từ chiều nay",
        "Nguyễn Văn An",
        "vi",
    )
    assert (item.url, item.external_id, item.kind) == (
        server.url("/bai"),
        server.url("/bai"),
        "article",
    )
    assert "giá xăng RON 95 giảm hơn 500 đồng mỗi lít" in item.text
    for boilerplate in ("Trang chủ", "Giấy phép", "quangCao"):
        assert boilerplate not in item.text


@pytest.mark.parametrize(
    ("name", "published_at"),
    [
        # "Thứ hai, 23/11/2026, 08:30 (GMT+7)" in the byline, not the header's "Thứ ba, 24/11/2026"
        ("article_byline.html", datetime(2026, 11, 23, 1, 30, tzinfo=UTC)),
        # article:published_time beats the visible day and the JSON-LD
        ("article_meta.html", datetime(2026, 11, 22, 7, 45, tzinfo=UTC)),
        # "Cập nhật lúc 16h20 ngày 21 tháng 11 năm 2026", which trafilatura leaves out of the text
        ("article_words.html", datetime(2026, 11, 21, 9, 20, tzinfo=UTC)),
        ("post_water.html", datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),  # 08:30 ngày 24/11/2026
        ("post_id_card.html", datetime(2026, 11, 23, 12, 45, tzinfo=UTC)),  # 23-11-2026 19:45
    ],
)
def test_the_publication_time_is_found(name: str, published_at: datetime) -> None:
    assert _article(name).published_at == published_at


def test_a_page_without_a_date_has_none() -> None:
    paragraph = (
        "<p>Người dân xã Gia Phú phản ánh đường liên thôn xuống cấp nghiêm trọng sau mưa lũ.</p>"
    )
    item = web.extract_article(f"<html><body><article>{paragraph * 4}</article></body></html>", "u")

    assert item is not None and item.published_at is None


def test_a_legacy_encoded_page_is_read(server: LocalServer, fetcher: Fetcher) -> None:
    html = (
        (FIXTURES / "article_words.html")
        .read_text(encoding="utf-8")
        .replace("utf-8", "windows-1258")
    )
    server.route("/cu", Reply(body=to_windows_1258(html), headers={"Content-Type": "text/html"}))

    (item,) = web.collect(make_source("web", server.url("/cu")), fetcher).items

    assert item.title == "Lịch cắt điện tuần tới tại Lào Cai"
    assert "Khách hàng tại phường Cam Đường và xã Gia Phú" in item.text


@pytest.mark.parametrize(
    ("reply", "key"),
    [
        (
            Reply(body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}),
            "errors.page_not_html",
        ),
        (Reply(body=b"<html><body><script>go()</script></body></html>"), "errors.page_no_text"),
        (Reply(body=b""), "errors.page_no_text"),
    ],
)
def test_a_page_without_an_article_is_a_clear_error(
    server: LocalServer, fetcher: Fetcher, reply: Reply, key: str
) -> None:
    server.route("/trang", reply)

    with pytest.raises(FetchError) as caught:
        web.collect(make_source("web", server.url("/trang")), fetcher)

    assert caught.value.key == key

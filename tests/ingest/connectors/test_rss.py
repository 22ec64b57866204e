"""RSS and Atom: plain-text items, conditional GET, full articles, bad and hostile feeds."""

from __future__ import annotations

import html
import io
import tracemalloc
from datetime import UTC, datetime

import feedparser
import pytest

from duluan.errors import FetchError
from duluan.ingest.connectors import rss
from duluan.ingest.connectors.web import html_to_text
from duluan.ingest.http import Fetcher
from tests.ingest.conftest import make_source
from tests.local_server import FIXTURES, LocalServer, Reply

RSS = "application/rss+xml; charset=utf-8"


def test_rss_entries_become_plain_text_items(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/rss", "feed_rss.xml", RSS, ETag='"r1"', **{"Last-Modified": "Tue, 24 Nov 2026"})

    outcome = rss.collect(make_source("rss", server.url("/rss")), fetcher)

    assert (outcome.status, outcome.http_status, outcome.etag) == ("ok", 200, '"r1"')
    assert outcome.last_modified == "Tue, 24 Nov 2026"
    first, second, third = outcome.items
    assert first.title == "Giá xăng giảm mạnh từ chiều nay"
    assert first.text == (
        "Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu.\n"
        "Người dân Hà Nội vui mừng."
    )
    assert (first.url, first.external_id, first.author) == (
        server.url("/bai/gia-xang.html"),
        "baothu-1001",
        "Nguyễn Văn An",
    )
    assert first.published_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    assert (first.language, first.kind) == ("vi", "article")
    assert second.title == "Hà Nội & TP Hồ Chí Minh mở rộng tuyến buýt điện"
    assert second.text.startswith("Hai thành phố lớn cùng lúc mở thêm 12 tuyến buýt điện")
    assert "Giá vé giữ nguyên 7.000 đồng." in second.text.splitlines()  # content:encoded, <br>
    assert second.url == server.url("/bai/xe-buyt-dien.html")  # a relative link, made absolute
    assert second.published_at == datetime(2026, 11, 24, 0, 15, tzinfo=UTC)  # "24/11/2026 07:15"
    assert third.published_at is None  # "ngày không rõ"
    assert outcome.skipped == ["Mục thứ 4 của nguồn RSS không có tiêu đề và nội dung."]
    for item in outcome.items:
        for leftover in ("<", ">", "alert", "color: red", "quangcao", "bình luận ẩn"):
            assert leftover not in item.text, (leftover, item.text)


def test_atom_entries_and_invalid_dates(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/atom", "feed_atom.xml", "application/atom+xml")

    first, second = rss.collect(make_source("rss", server.url("/atom")), fetcher).items

    assert first.title == "Phản ánh chất lượng nước sinh hoạt ở phường Cam Đường"
    assert first.text == (
        "Nước máy có mùi lạ suốt ba ngày nay, nhiều hộ dân phải mua nước đóng bình."
    )
    assert (first.author, first.external_id) == (
        "Trần Thị Bình",
        "tag:nguoitieudung.example,2026:post-77",
    )
    assert first.published_at == datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
    assert second.published_at is None  # 2026-13-45T99:99:99 is no date (feedparser says 2027)


def test_an_unchanged_feed_is_not_modified(server: LocalServer, fetcher: Fetcher) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"r1"':
            return Reply(304)
        return Reply(body=(FIXTURES / "feed_atom.xml").read_bytes(), headers={"ETag": '"r1"'})

    server.route("/atom", feed)
    source = make_source("rss", server.url("/atom"))
    source.etag, source.last_modified = '"r1"', "Tue, 24 Nov 2026"

    outcome = rss.collect(source, fetcher)

    assert (outcome.status, outcome.http_status, outcome.items) == ("not_modified", 304, [])
    assert (outcome.etag, outcome.last_modified) == ('"r1"', "Tue, 24 Nov 2026")
    assert server.hits[-1].headers["if-modified-since"] == "Tue, 24 Nov 2026"


def test_full_articles_are_fetched_on_request(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/rss", "feed_rss.xml", RSS)
    server.file("/bai/gia-xang.html", "article_byline.html", "text/html; charset=utf-8")
    server.file("/bai/xe-buyt-dien.html", "article_meta.html", "text/html; charset=utf-8")
    # /bai/cat-dien.html answers 404: that entry keeps the feed's summary

    outcome = rss.collect(make_source("rss", server.url("/rss"), fetch_articles=True), fetcher)

    first, second, third = outcome.items
    assert "giá xăng RON 95 giảm hơn 500 đồng mỗi lít" in first.text
    assert "quangCao" not in first.text
    assert first.published_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # the feed's time
    assert "gần 50 tuyến" in second.text
    assert (
        third.text == "Điện lực Lào Cai thông báo lịch tạm ngừng cung cấp điện để bảo dưỡng lưới."
    )


def test_a_malformed_feed_is_a_clear_error(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/rss", "feed_malformed.xml", "text/html")

    with pytest.raises(FetchError) as caught:
        rss.collect(make_source("rss", server.url("/rss")), fetcher)

    assert caught.value.key == "errors.feed_invalid"
    assert server.url("/rss") in str(caught.value)


def test_a_billion_laughs_feed_is_refused_without_expanding(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.file("/rss", "feed_bomb.xml", RSS)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as caught:
            rss.collect(make_source("rss", server.url("/rss")), fetcher)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert caught.value.key == "errors.xml_entities_refused"
    assert peak < 5_000_000  # expanded, &lol9; is 10⁹ "cười"


def test_feedparser_alone_does_not_expand_the_bomb_either() -> None:
    """Defence in depth: were the guard removed, feedparser drops nested entity declarations."""
    feed = feedparser.parse(io.BytesIO((FIXTURES / "feed_bomb.xml").read_bytes()))

    assert all(len(entry.get("title", "")) < 100 for entry in feed.entries)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Một</p><p>Hai <b>ba</b></p>", "Một\nHai ba"),
        ("Dòng 1<br>Dòng 2", "Dòng 1\nDòng 2"),
        ("<script>alert(1)</script><style>p{}</style>Chữ<!-- ẩn -->", "Chữ"),
        ("&lt;p&gt;Hai lần &amp;lt;b&amp;gt;thoát&amp;lt;/b&amp;gt;&lt;/p&gt;", "Hai lần thoát"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Tin", "Tin"),
        ("Giá 5 &lt; 7 và 9 &gt; 8", "Giá 5 < 7 và 9 > 8"),
        ("Tom &amp; Jerry&nbsp;  đến", "Tom & Jerry đến"),
        ("", ""),
    ],
)
def test_html_becomes_plain_text(markup: str, expected: str) -> None:
    assert html_to_text(html.unescape(markup)) == expected

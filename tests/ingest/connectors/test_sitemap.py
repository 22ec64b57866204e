"""Sitemaps: index → newest child sitemaps → newest pages; news fields; gzip; hostile XML."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from duluan.errors import FetchError
from duluan.ingest.connectors import sitemap
from duluan.ingest.http import Fetcher
from tests.ingest.conftest import make_source
from tests.local_server import FIXTURES, LocalServer, Reply

XML = "application/xml"
HTML = "text/html; charset=utf-8"


def _serve_site(server: LocalServer) -> None:
    server.file("/sitemap.xml", "sitemap_index.xml", XML)
    server.file("/sitemap-news.xml", "sitemap_news.xml", XML)
    pages = (
        (FIXTURES / "sitemap_pages.xml")
        .read_bytes()
        .replace(b"http://SERVER", server.base.encode())
    )
    server.route("/sitemap-pages.xml.gz", Reply(body=gzip.compress(pages)))  # served as is
    server.file("/bai/gia-xang.html", "article_byline.html", HTML)
    server.file("/bai/xe-buyt-dien.html", "article_meta.html", HTML)
    server.file("/bai/cat-dien.html", "article_words.html", HTML)
    server.route("/bai/da-go.html", Reply(410))


def test_an_index_gives_its_newest_pages(server: LocalServer, fetcher: Fetcher) -> None:
    _serve_site(server)
    source = make_source("sitemap", server.url("/sitemap.xml"), max_urls=4, max_sitemaps=2)

    outcome = sitemap.collect(source, fetcher)

    assert "/sitemap-2024.xml" not in server.paths()  # the oldest child is not read
    assert [item.url for item in outcome.items] == [
        server.url("/bai/gia-xang.html"),
        server.url("/bai/xe-buyt-dien.html"),
        server.url("/bai/cat-dien.html"),
    ]
    assert outcome.skipped == [
        f"Máy chủ trả về mã lỗi HTTP 410 cho {server.url('/bai/da-go.html')}."
    ]
    assert "/gioi-thieu.html" not in server.paths()  # fifth newest: beyond max_urls
    news, _, page = outcome.items
    assert news.title == "Giá xăng RON 95 giảm hơn 500 đồng mỗi lít"  # news:title wins
    assert news.published_at == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert "giảm hơn 500 đồng mỗi lít" in news.text
    assert page.title == "Lịch cắt điện tuần tới tại Lào Cai"
    assert page.published_at == datetime(2026, 11, 21, 9, 20, tzinfo=UTC)  # from the page


def test_a_urlset_is_read_newest_first() -> None:
    body = (FIXTURES / "sitemap_pages.xml").read_bytes()

    parsed = sitemap.read_sitemap(body, "http://tin.example/s.xml", max_bytes=10_000)
    newest = sitemap.newest(parsed.entries, 5)

    assert not parsed.is_index
    assert [entry.url.rsplit("/", 1)[1] for entry in newest] == [
        "cat-dien.html",
        "gioi-thieu.html",
        "lien-he.html",
    ]


def test_a_gzip_bomb_stops_at_the_size_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000 + b"</urlset>")

    with pytest.raises(FetchError) as caught:
        sitemap.read_sitemap(bomb, "http://tin.example/s.xml.gz", max_bytes=100_000)

    assert caught.value.key == "errors.fetch_too_large"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b"<urlset><url><loc>http://a/</loc></url>", "errors.sitemap_invalid"),
        ("<html><body>Không phải sitemap</body></html>".encode(), "errors.sitemap_invalid"),
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<urlset><url><loc>&b;</loc></url></urlset>",
            "errors.xml_entities_refused",
        ),
        (gzip.compress(b"<urlset></urlset>")[:-6], "errors.sitemap_invalid"),
    ],
)
def test_bad_sitemaps_are_clear_errors(body: bytes, key: str) -> None:
    with pytest.raises(FetchError) as caught:
        sitemap.read_sitemap(body, "http://tin.example/s.xml", max_bytes=100_000)

    assert caught.value.key == key

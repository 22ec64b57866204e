"""Listing pages: post links picked by CSS or XPath, kept on the site, followed; bad options
refused."""

from __future__ import annotations

import pytest

from duluan.errors import BadInput
from duluan.ingest.connectors import listing
from duluan.ingest.http import Fetcher
from tests.ingest.conftest import make_source
from tests.local_server import FIXTURES, LocalServer

HTML = "text/html; charset=utf-8"
THREAD_TITLES = "//a[contains(@class, 'thread-title')]"


def test_post_links_are_absolute_unique_and_on_the_site() -> None:
    html = (FIXTURES / "forum_listing.html").read_text(encoding="utf-8")
    base = "http://dien-dan.example/muc/"

    assert listing.post_links(html, base, THREAD_TITLES) == [
        "http://dien-dan.example/chu-de/77",
        "http://dien-dan.example/muc/chu-de/78",
        "http://dien-dan.example/chu-de/99",
    ]
    assert "https://quangcao.example/khuyen-mai" in listing.post_links(
        html, base, THREAD_TITLES, other_sites=True
    )
    assert listing.post_links(html, "http://www.dien-dan.example/", "//ul/li[1]/a/@href") == [
        "http://www.dien-dan.example/chu-de/77"
    ]


def test_the_posts_are_followed(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/muc/dich-vu-cong", "forum_listing.html", HTML)
    server.file("/chu-de/77", "post_water.html", HTML)
    server.file("/muc/chu-de/78", "post_id_card.html", HTML)
    source = make_source("listing", server.url("/muc/dich-vu-cong"), link_xpath=THREAD_TITLES)

    outcome = listing.collect(source, fetcher)

    assert [item.title for item in outcome.items] == [
        "Nước máy có mùi lạ ở phường Cam Đường",
        "Hỏi về thủ tục cấp đổi căn cước cho người cao tuổi",
    ]
    assert {item.kind for item in outcome.items} == {"post"}
    assert outcome.items[0].author == "Trần Thị Bình"
    assert outcome.skipped == [f"Máy chủ trả về mã lỗi HTTP 404 cho {server.url('/chu-de/99')}."]
    assert "/khuyen-mai" not in server.paths()


def test_max_posts_limits_what_is_followed(server: LocalServer, fetcher: Fetcher) -> None:
    server.file("/muc", "forum_listing.html", HTML)
    server.file("/chu-de/77", "post_water.html", HTML)
    source = make_source("listing", server.url("/muc"), link_xpath=THREAD_TITLES, max_posts="1")

    assert len(listing.collect(source, fetcher).items) == 1
    assert server.paths() == ["/robots.txt", "/muc", "/chu-de/77"]


def test_a_css_selector_picks_the_same_links_as_its_xpath() -> None:
    css = listing.link_xpath(
        make_source("listing", "http://x.example/", link_selector="a.thread-title")
    )
    html = (FIXTURES / "forum_listing.html").read_text(encoding="utf-8")
    base = "http://dien-dan.example/muc/"

    assert listing.post_links(html, base, css) == listing.post_links(html, base, THREAD_TITLES)
    both = make_source("listing", "http://x.example/", link_selector="li > a", link_xpath="//nav")
    assert listing.link_xpath(both) != "//nav"  # the CSS selector wins


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({}, "errors.listing_selector_missing"),
        ({"link_selector": "  "}, "errors.listing_selector_missing"),
        ({"link_selector": "a[class="}, "errors.source_option_invalid"),
        ({"link_xpath": "//a[@class="}, "errors.source_option_invalid"),
        ({"link_xpath": "count(//a)"}, "errors.source_option_invalid"),
        ({"link_xpath": THREAD_TITLES, "max_posts": 0}, "errors.source_option_invalid"),
        ({"link_xpath": THREAD_TITLES, "allow_other_sites": "có"}, "errors.source_option_invalid"),
    ],
)
def test_bad_options_are_refused(
    server: LocalServer, fetcher: Fetcher, config: dict[str, object], key: str
) -> None:
    server.file("/muc", "forum_listing.html", HTML)

    with pytest.raises(BadInput) as caught:
        listing.collect(make_source("listing", server.url("/muc"), **config), fetcher)

    assert caught.value.key == key

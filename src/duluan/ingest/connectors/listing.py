"""Forums and sites without feeds: post links picked from a listing page, each followed.

Options: `link_xpath` (required) selects the links, as elements with an `href` or as the `href`
attributes themselves, e.g. `//a[contains(@class, "thread-title")]` or
`//h3[@class="title"]/a/@href`. CSS selectors are not offered: lxml needs the cssselect package
for them, which duluan does not depend on. `max_posts` (default 30) links are followed, in page
order; `allow_other_sites` (default false) lets links leave the listing's site.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]

from duluan.errors import BadInput
from duluan.ingest.connectors.options import (
    fetch_source,
    option_bool,
    option_int,
    option_text,
    outcome_of,
)
from duluan.ingest.connectors.web import fetch_article, parse_html
from duluan.ingest.http import Fetcher, FetchError
from duluan.ingest.items import FetchOutcome
from duluan.ingest.models import Source

NAME = "listing"
MAX_POSTS = 30


def collect(source: Source, fetcher: Fetcher) -> FetchOutcome:
    """The posts linked from the listing page, as items (none when it is unchanged)."""
    xpath = option_text(source, "link_xpath")
    if xpath is None:
        raise BadInput("errors.listing_xpath_missing", name=source.name)
    response = fetch_source(source, fetcher)
    outcome = outcome_of(response, source)
    if response.not_modified:
        return outcome
    links = post_links(
        response.text,
        response.url,
        xpath,
        other_sites=option_bool(source, "allow_other_sites", default=False),
    )
    for link in links[: option_int(source, "max_posts", MAX_POSTS, maximum=500)]:
        try:
            outcome.items.append(fetch_article(fetcher, link, kind="post"))
        except FetchError as error:
            outcome.skipped.append(str(error))
    return outcome


def post_links(html: str, base_url: str, xpath: str, *, other_sites: bool = False) -> list[str]:
    """Absolute http(s) links selected by `xpath`, once each, in page order, fragments dropped.

    Links to another site are left out unless `other_sites` (`www.` does not make a new site).
    """
    tree = parse_html(html)
    if tree is None:
        return []
    links: list[str] = []
    for href in _selected_hrefs(tree, xpath):
        link = urldefrag(urljoin(base_url, href.strip())).url
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or link in links:
            continue
        if other_sites or _site(parts.hostname) == _site(urlsplit(base_url).hostname):
            links.append(link)
    return links


def _selected_hrefs(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    try:
        selected = lxml.etree.XPath(xpath)(tree)
    except lxml.etree.XPathError as error:
        raise BadInput(
            "errors.source_option_invalid", name="link_xpath", value=xpath, expected="XPath"
        ) from error
    if not isinstance(selected, list):  # a number or boolean: not a selection of links
        raise BadInput(
            "errors.source_option_invalid", name="link_xpath", value=xpath, expected="XPath"
        )
    hrefs = []
    for found in selected:
        href = found if isinstance(found, str) else found.get("href")
        if href:
            hrefs.append(str(href))
    return hrefs


def _site(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")

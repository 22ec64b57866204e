"""Forums and sites without feeds: post links picked from a listing page, each followed.

Options: `link_selector`, a CSS selector of the link elements (e.g. `a.thread-title` or
`h3.title > a`), or `link_xpath`, an XPath selecting link elements or their `href` attributes
(e.g. `//h3[@class="title"]/a/@href`); one of the two is required, the CSS one wins when both
are given. `max_posts` (default 30) links are followed, in page order; `allow_other_sites`
(default false) lets links leave the listing's site.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
from cssselect import HTMLTranslator, SelectorError

from duluan.errors import BadInput, FetchError
from duluan.i18n import stored_message
from duluan.ingest.connectors.options import (
    fetch_source,
    option_bool,
    option_int,
    option_text,
    outcome_of,
)
from duluan.ingest.connectors.web import fetch_article, parse_html
from duluan.ingest.http import Fetcher
from duluan.ingest.items import FetchOutcome
from duluan.ingest.models import Source

NAME = "listing"
MAX_POSTS = 30


def collect(source: Source, fetcher: Fetcher) -> FetchOutcome:
    """The posts linked from the listing page, as items (none when it is unchanged)."""
    xpath = link_xpath(source)
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
            outcome.skipped.append(stored_message(error))
    return outcome


def link_xpath(source: Source) -> str:
    """The XPath selecting post links: `link_selector` (CSS) translated, else `link_xpath`;
    BadInput when neither is given or the CSS does not parse (the XPath is checked on use)."""
    css = option_text(source, "link_selector")
    if css is not None:
        try:
            return str(HTMLTranslator().css_to_xpath(css))
        except SelectorError as error:
            raise BadInput(
                "errors.source_option_invalid", name="link_selector", value=css, expected="CSS"
            ) from error
    xpath = option_text(source, "link_xpath")
    if xpath is None:
        raise BadInput("errors.listing_selector_missing", name=source.name)
    return xpath


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

"""Sitemaps (index, urlset, Google News; plain or gzip): the newest pages, each extracted.

Parsed with defusedxml, so a sitemap declaring entities is refused. Options: `max_urls` (default
50) pages taken, newest first by publication date or lastmod; `max_sitemaps` (default 5) child
sitemaps of an index read, newest first.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from duluan.errors import FetchError
from duluan.i18n import stored_message, stored_text
from duluan.ingest.connectors.options import fetch_source, option_int, outcome_of
from duluan.ingest.connectors.web import fetch_article
from duluan.ingest.dates import parse_iso_datetime
from duluan.ingest.http import Fetcher
from duluan.ingest.items import FetchOutcome, Item
from duluan.ingest.models import Source

NAME = "sitemap"
MAX_URLS = 50
MAX_SITEMAPS = 5
GZIP_MAGIC = b"\x1f\x8b"
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class SitemapEntry:
    """One `<url>` of a urlset, or one `<sitemap>` of an index."""

    url: str
    modified_at: datetime | None = None  # <lastmod>
    title: str = ""  # <news:title>
    published_at: datetime | None = None  # <news:publication_date>

    @property
    def newest_at(self) -> datetime:
        return self.published_at or self.modified_at or _OLDEST


@dataclass
class Sitemap:
    is_index: bool
    entries: list[SitemapEntry]


def collect(source: Source, fetcher: Fetcher) -> FetchOutcome:
    """The newest pages the sitemap lists, as items (none when it is unchanged)."""
    response = fetch_source(source, fetcher)
    outcome = outcome_of(response, source)
    if response.not_modified:
        return outcome
    sitemap = read_sitemap(response.body, response.url, max_bytes=fetcher.max_bytes)
    pages = sitemap.entries
    if sitemap.is_index:
        chosen = newest(pages, option_int(source, "max_sitemaps", MAX_SITEMAPS, maximum=100))
        pages = _pages_of(chosen, fetcher, outcome.skipped)
    for entry in newest(pages, option_int(source, "max_urls", MAX_URLS, maximum=1000)):
        try:
            item = fetch_article(fetcher, entry.url)
        except FetchError as error:
            outcome.skipped.append(stored_message(error))
            continue
        outcome.items.append(_with_news_fields(item, entry))
    return outcome


def read_sitemap(body: bytes, url: str, *, max_bytes: int) -> Sitemap:
    """The entries of a sitemap index or urlset; gzip is undone within `max_bytes`."""
    if body.startswith(GZIP_MAGIC):
        body = _gunzip(body, url, max_bytes)
    try:
        root: Element = fromstring(body)
    except DefusedXmlException as error:
        raise FetchError("errors.xml_entities_refused", url=url) from error
    except ParseError as error:
        raise FetchError("errors.sitemap_invalid", url=url, reason=str(error)) from error
    kind = _local_name(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise FetchError("errors.sitemap_invalid", url=url, reason=f"root element <{kind}>")
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = [_entry(node) for node in root if _local_name(node.tag) == child]
    return Sitemap(is_index=kind == "sitemapindex", entries=[e for e in entries if e.url])


def newest(entries: list[SitemapEntry], count: int) -> list[SitemapEntry]:
    """The `count` newest entries; undated ones after dated ones, in document order."""
    return sorted(entries, key=lambda entry: entry.newest_at, reverse=True)[:count]


def _pages_of(
    sitemaps: list[SitemapEntry], fetcher: Fetcher, skipped: list[str]
) -> list[SitemapEntry]:
    """The pages listed by the child sitemaps of an index (one level: indexes do not nest)."""
    pages: list[SitemapEntry] = []
    for child in sitemaps:
        try:
            response = fetcher.get(child.url)
            sitemap = read_sitemap(response.body, response.url, max_bytes=fetcher.max_bytes)
        except FetchError as error:
            skipped.append(stored_message(error))
            continue
        if sitemap.is_index:
            skipped.append(stored_text("errors.sitemap_nested_index", url=child.url))
            continue
        pages.extend(sitemap.entries)
    return pages


def _entry(node: Element) -> SitemapEntry:
    news = _child(node, "news")
    return SitemapEntry(
        url=_child_text(node, "loc"),
        modified_at=parse_iso_datetime(_child_text(node, "lastmod")),
        title=_child_text(news, "title") if news is not None else "",
        published_at=(
            parse_iso_datetime(_child_text(news, "publication_date")) if news is not None else None
        ),
    )


def _with_news_fields(item: Item, entry: SitemapEntry) -> Item:
    """A news sitemap states title and publication time for machines: they win over the page's."""
    item.title = entry.title or item.title
    item.published_at = entry.published_at or item.published_at
    return item


def _gunzip(body: bytes, url: str, max_bytes: int) -> bytes:
    """A gzip body unpacked, refusing to grow past `max_bytes` (a gzip bomb stops there)."""
    unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = unpacker.decompress(body, max_bytes + 1)
    except zlib.error as error:
        raise FetchError("errors.sitemap_invalid", url=url, reason=str(error)) from error
    if len(data) > max_bytes:
        raise FetchError("errors.fetch_too_large", url=url, max_bytes=max_bytes)
    if not unpacker.eof:
        raise FetchError("errors.sitemap_invalid", url=url, reason="truncated gzip data")
    return data


def _local_name(tag: object) -> str:
    """`{http://www.sitemaps.org/schemas/sitemap/0.9}url` → `url` (namespaces vary in the wild)."""
    return str(tag).rsplit("}", 1)[-1]


def _child(node: Element, name: str) -> Element | None:
    return next((child for child in node if _local_name(child.tag) == name), None)


def _child_text(node: Element, name: str) -> str:
    child = _child(node, name)
    return (child.text or "").strip() if child is not None else ""

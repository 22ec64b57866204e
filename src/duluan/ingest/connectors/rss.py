"""RSS 2.0 and Atom feeds: one item per entry, its markup stripped to plain text.

feedparser reads the bytes the Fetcher brought (never a URL: it would fetch it itself, outside our
rules). Options: `fetch_articles` (default false) follows each entry's link and takes the full
text of the article instead of the feed's summary.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import feedparser  # type: ignore[import-untyped]

from duluan.errors import FetchError
from duluan.i18n import stored_text
from duluan.ingest.connectors.options import fetch_source, option_bool, outcome_of
from duluan.ingest.connectors.web import fetch_article, html_to_text
from duluan.ingest.dates import parse_datetime
from duluan.ingest.http import Fetcher
from duluan.ingest.items import FetchOutcome, Item
from duluan.ingest.models import Source

NAME = "rss"
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def collect(source: Source, fetcher: Fetcher) -> FetchOutcome:
    """The feed's entries as items (none when the feed is unchanged since the last pass)."""
    response = fetch_source(source, fetcher)
    outcome = outcome_of(response, source)
    if response.not_modified:
        return outcome
    feed = parse_feed(response.body, response.url, response.headers.get("content-type"))
    language = source.language or _language(feed)
    follow_links = option_bool(source, "fetch_articles", default=False)
    for number, entry in enumerate(feed["entries"], start=1):
        item = entry_item(entry, response.url, language=language)
        if item is not None and follow_links and item.url:
            item = _with_article_text(item, fetcher)
        if item is None:
            outcome.skipped.append(stored_text("errors.feed_entry_empty", number=number))
        else:
            outcome.items.append(item)
    return outcome


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Any:
    """The feedparser result for a feed's bytes; FetchError when it is not a feed.

    A document declaring XML entities is refused before parsing: feeds have no use for them,
    and nested ones are the "billion laughs" that expand a few bytes into gigabytes.
    """
    prolog_end = _FIRST_ELEMENT.search(body)
    if _ENTITY_DECLARATION.search(body[: prolog_end.start() if prolog_end else len(body)]):
        raise FetchError("errors.xml_entities_refused", url=url)
    headers = {"content-type": content_type or "application/xml"}
    feed = feedparser.parse(io.BytesIO(body), response_headers=headers)  # a stream: never a path
    if not feed["entries"] and (feed.get("bozo") or not feed.get("version")):
        reason = feed.get("bozo_exception") or "no RSS or Atom element"
        raise FetchError("errors.feed_invalid", url=url, reason=str(reason))
    return feed


def entry_item(
    entry: Mapping[str, Any], feed_url: str, *, language: str | None = None
) -> Item | None:
    """One feed entry as an item: plain text, absolute link, UTC time; None when it is empty."""
    title = html_to_text(str(entry.get("title") or ""))
    text = html_to_text(_richest_text(entry)) or title
    if not text:
        return None
    raw_link = str(entry.get("link") or "").strip()
    link = urljoin(feed_url, raw_link) if raw_link else None  # relative links happen
    return Item(
        text=text,
        title=title,
        url=link,
        external_id=str(entry.get("id") or "") or link,
        author=str(entry.get("author") or "") or None,
        published_at=_entry_time(entry),
        language=language,
    )


def _richest_text(entry: Mapping[str, Any]) -> str:
    """The longest of the entry's contents (Atom content, content:encoded) and its summary."""
    values = [str(part.get("value") or "") for part in entry.get("content") or []]
    values.append(str(entry.get("summary") or ""))
    return max(values, key=len)


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    """When the entry was published (else updated), in UTC; None when absent or invalid.

    The raw text is read strictly: feedparser's own parse rolls `2026-13-45` over into 2027.
    """
    for name in ("published", "updated"):
        # `in` before reading: feedparser answers a missing `updated` with `published`, warning.
        found = parse_datetime(str(entry[name] or "")) if name in entry else None
        if found is not None:
            return found
    return None


def _with_article_text(item: Item, fetcher: Fetcher) -> Item:
    """The item with its article's full text; the feed's summary stays when that fails."""
    try:
        article = fetch_article(fetcher, item.url or "")
    except FetchError:
        return item
    item.text = article.text
    item.title = item.title or article.title
    item.author = item.author or article.author
    item.published_at = item.published_at or article.published_at
    return item


def _language(feed: Any) -> str | None:
    """The feed's language as a two-letter hint (`vi-VN` → `vi`)."""
    code = str(feed.get("feed", {}).get("language") or "")
    return code[:2].lower() or None

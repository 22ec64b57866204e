"""One web page as an item: main text, title, author and date, extracted with trafilatura.

Also the extraction the other connectors reuse: `extract_article` for a fetched page,
`fetch_article` to fetch and extract one link, and `html_to_text` for markup in feeds.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import trafilatura
from trafilatura.settings import Document

from duluan.errors import FetchError
from duluan.ingest.connectors.options import fetch_source, outcome_of
from duluan.ingest.dates import (
    VIETNAM_TIME,
    parse_datetime,
    parse_iso_datetime,
    parse_vietnamese_date,
)
from duluan.ingest.http import Fetcher, Response
from duluan.ingest.items import FetchOutcome, Item
from duluan.ingest.models import Source

NAME = "web"
BYLINE_CHARS = 400  # the start of the main text, where a byline gives the date and time
MAX_DATE_ELEMENTS = 50

# Elements whose content is never readable text: dropped whole.
_NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "section", "article", "header", "footer", "ul", "ol", "table", "dd", "dt", "figcaption",
)  # fmt: skip
_MARKUP_LEFT = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_PUBLISHED_META = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished' or @name='pubdate' or @name='publishdate'"
    " or @property='og:published_time' or @name='dc.date' or @name='DC.date.issued']/@content"
    " | //*[@itemprop='datePublished']/@datetime"
)
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
_DATE_HINTS = ("date", "time", "publish", "meta")  # in the class or id of elements with a date
_PAGE_CHROME = ("header", "nav", "footer", "aside")  # where "today's date" widgets live


def collect(source: Source, fetcher: Fetcher) -> FetchOutcome:
    """The source's page as one item (none when it is unchanged since the last pass)."""
    response = fetch_source(source, fetcher)
    outcome = outcome_of(response, source)
    if not response.not_modified:
        outcome.items.append(article_in(response))
    return outcome


def fetch_article(fetcher: Fetcher, url: str, *, kind: str = "article") -> Item:
    """The article at `url`; FetchError when it cannot be fetched or holds no text."""
    item = article_in(fetcher.get(url))
    item.kind = kind
    return item


def article_in(response: Response) -> Item:
    """The article of a fetched page; FetchError when the page is not HTML or has no text."""
    content_type = response.headers.get("content-type", "")
    if content_type and "html" not in content_type.lower():
        raise FetchError("errors.page_not_html", url=response.url, content_type=content_type)
    item = extract_article(response.text, response.url)
    if item is None:
        raise FetchError("errors.page_no_text", url=response.url)
    return item


def extract_article(html: str, url: str) -> Item | None:
    """Main text, title, author and publication time of an HTML page; None when it has no text.

    The time comes from, in order: the page's metadata (`article:published_time`, JSON-LD); a
    Vietnamese date at the start of the main text (the byline); the date trafilatura reads in
    the markup or URL, at the time a date element shows for that day; the first Vietnamese date
    in an element marked as a date. Trafilatura's search of the free text is left out: it takes
    the "today" of a page header, and reads `năm 2026` as 1 January.
    """
    tree = parse_html(html)
    if tree is None:
        return None
    stamped = _metadata_datetime(tree, html)
    date_texts = _date_texts(tree)
    language = str(tree.get("lang") or "")[:2].lower() or None
    document = trafilatura.bare_extraction(  # reads the tree destructively: last
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        return None
    text = document.text or ""
    return Item(
        text=text,
        title=document.title or "",
        url=url,
        external_id=url,
        author=document.author or None,
        published_at=stamped
        or parse_vietnamese_date(text[:BYLINE_CHARS])
        or _from_date_elements(document.date, date_texts),
        language=language,
    )


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The document tree of an HTML page (decoded text in, so declared charsets are ignored)."""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # empty document
        return None


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: no tags, no scripts or styles, one line per block.

    Feeds sometimes escape their HTML twice (`&amp;lt;p&amp;gt;`): what still looks like markup
    after one pass is read again, so no tag survives into an item.
    """
    text = _fragment_text(markup)
    if _MARKUP_LEFT.search(text):
        text = _fragment_text(text)
    return text


def _fragment_text(markup: str) -> str:
    if not markup.strip():
        return ""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.fragment_fromstring(
            markup.encode("utf-8", errors="replace"), create_parent="div", parser=parser
        )
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_NOT_TEXT, lxml.etree.Comment, lxml.etree.PI)):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = ("".join(root.itertext())).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _metadata_datetime(tree: lxml.html.HtmlElement, html: str) -> datetime | None:
    """The publication time the page states for machines, with its time of day."""
    values = [str(value) for value in tree.xpath(_PUBLISHED_META)]
    values += _JSON_LD_PUBLISHED.findall(html)
    for value in values:
        found = parse_datetime(value)
        if found is not None:
            return found
    return None


def _date_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of elements that look like they show a date (`<time>`, `class="post-date"`),
    outside the page's header, navigation, footer and sidebars."""
    texts = []
    for element in tree.iter(lxml.etree.Element):
        hints = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if element.tag != "time" and not any(hint in hints for hint in _DATE_HINTS):
            continue
        if element.tag in _PAGE_CHROME or any(True for _ in element.iterancestors(*_PAGE_CHROME)):
            continue
        texts.append(str(element.text_content())[:200])
        if len(texts) == MAX_DATE_ELEMENTS:
            break
    return texts


def _from_date_elements(day: str | None, date_texts: list[str]) -> datetime | None:
    """Trafilatura's day (`2026-11-24`) at the time a date element shows for it, or midnight;
    without that day, the first date an element shows."""
    found = [moment for moment in map(parse_vietnamese_date, date_texts) if moment is not None]
    try:
        wanted = date.fromisoformat(day or "")
    except ValueError:
        return found[0] if found else None
    for moment in found:
        if moment.astimezone(VIETNAM_TIME).date() == wanted:
            return moment
    return parse_iso_datetime(wanted.isoformat())

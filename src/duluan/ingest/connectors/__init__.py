"""The connectors of fetched sources, registered explicitly under the kind a Source row stores.

- `rss`: RSS 2.0 and Atom feeds; `fetch_articles` follows entries to their full text
- `sitemap`: sitemap index, urlset and Google News sitemaps, plain or gzip; `max_urls`,
  `max_sitemaps`
- `web`: one page, its main text extracted
- `listing`: a forum or listing page; `link_xpath` picks the post links followed; `max_posts`,
  `allow_other_sites`

Each is a function `collect(source, fetcher) -> FetchOutcome`: it reads the Source's URL, options
(`config`) and validators, fetches only through the Fetcher, and never touches the database.
"""

from __future__ import annotations

from collections.abc import Callable

from duluan.ingest.connectors import listing, rss, sitemap, web
from duluan.ingest.http import Fetcher
from duluan.ingest.items import FetchOutcome
from duluan.ingest.models import Source

Connector = Callable[[Source, Fetcher], FetchOutcome]

CONNECTORS: dict[str, Connector] = {
    rss.NAME: rss.collect,
    sitemap.NAME: sitemap.collect,
    web.NAME: web.collect,
    listing.NAME: listing.collect,
}

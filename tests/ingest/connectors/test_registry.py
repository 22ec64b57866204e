"""Every fetched source kind has its connector, registered under the name it declares."""

from __future__ import annotations

from duluan.ingest.connectors import CONNECTORS, listing, rss, sitemap, web
from duluan.ingest.models import FETCHED_KINDS


def test_every_fetched_kind_has_a_connector() -> None:
    assert set(CONNECTORS) == set(FETCHED_KINDS)
    for module in (rss, sitemap, web, listing):
        assert CONNECTORS[module.NAME] is module.collect

"""The wires we ingest, each declared once: where it lives, its feeds, its listing and how
to page it, the hosts it publishes on and what its release URLs look like.

A new wire is one :class:`Source` here (plus its parser module in :mod:`newswire.parsing`);
the CLI (``newswire ingest --source NAME``) and the Airflow DAGs are generated from
:data:`SOURCES`. A source's ``name`` is its ``wire`` in the warehouse.

What the declarations say comes from the real sites (the listing captures of the shared
fixtures):
prnewswire.com and newswire.ca run on the same Cision platform (the newswire.ca release
page links ``/news-releases/news-releases-list/``); GlobeNewswire release pages link
``/newsroom`` and ``/rss/list``, its feeds live under ``/RssFeed/...`` and its release
URLs are ``/news-release/YYYY/MM/DD/<id>/<n>/<lang>/<slug>.html``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newswire.wires import WIRE_HOSTS

# The listings' clock (as newswire.parsing.dates.EASTERN; not imported from there, so that
# reading the declarations, as the DAG files do, does not load the parsers).
EASTERN = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Listing:
    """A paginated listing of a wire's releases, newest first."""

    path: str
    page_param: str = "page"
    size_param: str = "pagesize"
    pagesize: int = 100
    date_jump: bool = False  # ``?month=M&day=D&year=Y&hour=H`` jumps to a point in time
    card: str = "a[href]"  # one element per release card, holding its link
    card_time: str = "h3 small, small, time"  # the card's visible time, inside the card


@dataclass(frozen=True)
class Source:
    name: str  # the wire: newswire.releases.wire
    base_url: str
    feeds: tuple[str, ...]  # paths under base_url, RSS or Atom
    listing: Listing
    release_path: re.Pattern[str]  # a release page's path; group 1 is the release id
    news_sitemap: str | None = None  # read when the listing cannot be

    @property
    def hosts(self) -> tuple[str, ...]:
        return WIRE_HOSTS[self.name]

    def release_id(self, url: str) -> str | None:
        match = self.release_path.match(urlsplit(url).path)
        return match[1] if match else None

    def listing_url(self, base_url: str, page: int, *, at: datetime | None = None) -> str:
        """Page ``page`` of the listing on ``base_url``; with ``at`` (and a date-jump
        listing), of the view jumped to the Eastern hour that ends at or after ``at``, so
        nothing before ``at`` is cut off whether the site shows that hour or stops at its
        start."""
        listing = self.listing
        query = f"{listing.page_param}={page}&{listing.size_param}={listing.pagesize}"
        if at is not None and listing.date_jump:
            local = at.astimezone(EASTERN)
            hour = local.replace(minute=0, second=0, microsecond=0)
            if hour < local:
                hour += timedelta(hours=1)
            jump = f"month={hour.month}&day={hour.day}&year={hour.year}&hour={hour.hour}"
            query = f"{jump}&{query}"
        return f"{base_url}{listing.path}?{query}"


_CISION_RELEASE = re.compile(r"^/news-releases/[^/]*?-(\d{6,12})\.html$")

PRNEWSWIRE = Source(
    name="prnewswire",
    base_url="https://www.prnewswire.com",
    feeds=("/rss/news-releases-list.rss",),
    listing=Listing("/news-releases/news-releases-list/", date_jump=True),
    release_path=_CISION_RELEASE,
    news_sitemap="/sitemap-news.xml",  # robots.txt lists it
)
NEWSWIRECA = Source(
    name="newswireca",
    base_url="https://www.newswire.ca",
    feeds=("/rss/news-releases-list.rss",),
    listing=Listing("/news-releases/news-releases-list/", date_jump=True),
    release_path=_CISION_RELEASE,
)
GLOBENEWSWIRE = Source(
    name="globenewswire",
    base_url="https://www.globenewswire.com",
    feeds=("/RssFeed/orgclass/1/feedTitle/GlobeNewswire%20-%20News%20about%20Public%20Companies",),
    listing=Listing(
        "/newsroom", size_param="pageSize", pagesize=50, card="li.row", card_time="time"
    ),
    release_path=re.compile(r"^/news-release/\d{4}/\d\d/\d\d/(\d+)/\d+/[a-z]{2}/[^/]+\.html$"),
)

SOURCES = {source.name: source for source in (PRNEWSWIRE, NEWSWIRECA, GLOBENEWSWIRE)}


def get(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ValueError(f"no source {name!r}: one of {', '.join(SOURCES)}") from None

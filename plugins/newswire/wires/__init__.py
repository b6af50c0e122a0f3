"""The wires newswire reads, each declared once, in a module of this package.

A wire module (``prnewswire.py``, ``newswireca.py``, ``globenewswire.py``) holds one
:class:`Wire`: the hosts it publishes on, its site, feeds, listing and release URLs (what
discovery reads), the environment variables that override its site and feeds, the dotted
names of its parser module and of the sample site's renderer for it, and the fields its
parser's rules give. Everything else is derived from these declarations: which wire a URL
belongs to and which parser reads a page (:mod:`newswire.parsing`), the hosts the client may
contact (:mod:`newswire.fetching.allowlist`), the ``--source`` choices of the command line,
the DAGs per source and the sample site's ``--wire`` choices. Adding a wire is one module
here (and its parser module); :func:`register` also takes a declaration from elsewhere.

Reading the declarations imports no parser, lxml or HTTP stack (the parser and renderer are
named, resolved only where a page is parsed or served): DAG files and ``newswire ingest
--source`` read them cheaply.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# The listings' clock (as newswire.parsing.dates.EASTERN; not imported from there, so that
# reading the declarations does not load the parsers).
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
class Wire:
    """One wire, declared once. ``name`` is the source's name (``newswire ingest --source``)
    and the ``wire`` of its releases in the warehouse."""

    name: str
    hosts: tuple[str, ...]  # its own sites; a URL on one of them (or a subdomain) is its
    base_url: str  # the real site
    base_url_env: str  # the environment variable naming another site (a mirror, a test site)
    feeds: tuple[str, ...]  # paths under base_url, RSS or Atom
    feeds_env: tuple[str, ...]  # environment variables of other feed paths, first set wins
    listing: Listing
    release_path: re.Pattern[str]  # a release page's path; group 1 is the release id
    parser: str  # the dotted name of its parser module (``looks_like(page)``, ``parse``)
    rule_fields: tuple[str, ...]  # the fields its rules give on every page of its template
    narrows: str | None = None  # the wire whose markup its own is a special case of
    news_sitemap: str | None = None  # read when the listing cannot be
    sample_renderer: str | None = None  # the sample site's module publishing it, if any

    def publishes_on(self, host: str) -> bool:
        """Whether ``host`` (lowercase) is one of the wire's own sites or under one."""
        return any(host == own or host.endswith("." + own) for own in self.hosts)

    def parser_module(self):
        """The parser module, imported on first use (it loads lxml)."""
        return importlib.import_module(self.parser)

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


BY_NAME: dict[str, Wire] = {}
"""Every declared wire by name, in the order declared."""


def register(wire: Wire) -> Wire:
    """Declare ``wire`` (what a wire module does with its one declaration)."""
    known = BY_NAME.setdefault(wire.name, wire)
    if known is not wire:
        raise ValueError(f"the wire {wire.name!r} is declared twice")
    return wire


def all() -> tuple[Wire, ...]:  # read as wires.all()
    return tuple(BY_NAME.values())


def get(name: str) -> Wire:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"no source {name!r}: one of {', '.join(BY_NAME)}") from None


def rule_fields() -> dict[str, tuple[str, ...]]:
    """Wire -> the fields its rules give (a record with one of them from a fallback layer is
    a sign its template changed)."""
    return {wire.name: wire.rule_fields for wire in BY_NAME.values()}


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

# The source the command line reads when it is not named: the wire newswire began with.
from newswire.wires.prnewswire import WIRE as _DEFAULT  # noqa: E402

DEFAULT_SOURCE = _DEFAULT.name

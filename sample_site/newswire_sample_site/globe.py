"""The second wire of the sample site: the same generated releases published the way
www.globenewswire.com publishes, so multi-source runs are tested end to end.

Release pages follow the real GlobeNewswire template (``globenewswire_2016_segment.html``
of the shared fixtures): ``h1.article-headline``, ``span.article-published
time[datetime]``, ``span.article-source``, the body in ``#main-body-container``, a
``(GLOBE NEWSWIRE) --`` dateline; URLs ``/news-release/YYYY/MM/DD/<id>/0/en/<Slug>.html``.
The newsroom listing (``/newsroom?page=N&pageSize=M``, rows ``li.row`` with a ``time``)
and an ``/RssFeed/...`` feed list them newest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.utils import format_datetime
from html import escape

from newswire_sample_site.releases import SampleRelease, clean

ORIGIN = "https://www.globenewswire.com"
LISTING_PATH = "/newsroom"
RSS_PATH = "/RssFeed/orgclass/1/feedTitle/GlobeNewswire%20-%20News%20about%20Public%20Companies"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def path(rel: SampleRelease) -> str:
    p = rel.published_utc
    slug = "-".join(word.capitalize() for word in rel.slug.split("-"))
    return f"/news-release/{p:%Y/%m/%d}/{rel.release_id}/0/en/{slug}.html"


def _visible(rel: SampleRelease) -> str:
    p = rel.published
    return f"{_MONTHS[p.month - 1]} {p.day:02d}, {p.year} {p:%H:%M} ET"


def _iso(rel: SampleRelease) -> str:
    return rel.published_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _paragraphs(rel: SampleRelease) -> list[str]:
    first, *rest = rel.body_text.split("\n\n")
    p = rel.published
    dateline = f"{rel.dateline_location}, {_MONTHS[p.month - 1]} {p.day}, {p.year}"
    return [f"{dateline} (GLOBE NEWSWIRE) -- {first}", *rest]


def expected(rel: SampleRelease) -> dict:
    """The fields of the true record that this template states."""
    return {
        "release_id": rel.release_id,
        "url": ORIGIN + path(rel),
        "wire": "globenewswire",
        "title": clean(rel.title),
        "issuer": rel.issuer.name,
        "published_at": rel.published_utc.isoformat(),
    }


def render_release_page(rel: SampleRelease) -> str:
    body = "".join(f"<p>{escape(text)}</p>" for text in _paragraphs(rel))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8"/>
  <title>{escape(rel.title)}</title>
  <link rel="canonical" href="{escape(ORIGIN + path(rel))}"/>
  <meta property="og:url" content="{escape(ORIGIN + path(rel))}"/>
  <meta name="ticker" content=""/>
</head>
<body>
<div class="main-container">
  <h1 class="article-headline">{escape(rel.title)}</h1>
  <p class="article-published-source">
    <span class="article-published"><time datetime="{_iso(rel)}">{_visible(rel)}</time></span>
    <span class="article-source">Source: <a href="/en/search/organization/x">{
        escape(rel.issuer.name)
    }</a></span>
  </p>
  <div id="main-body-container" itemprop="articleBody">{body}</div>
</div>
</body>
</html>
"""


def render_listing(releases: Sequence[SampleRelease], page: int, pagesize: int) -> str:
    """Page ``page`` of the newsroom; ``releases`` sorted newest first."""
    shown = releases[(page - 1) * pagesize : page * pagesize]
    rows = "".join(
        f"""
    <li class="row">
      <div class="mainLink"><a href="{escape(path(rel))}">{escape(rel.title)}</a></div>
      <div class="dataSource"><time datetime="{_iso(rel)}">{_visible(rel)}</time>
        <span class="sourceLink">{escape(rel.issuer.name)}</span></div>
    </li>"""
        for rel in shown
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>Newsroom | GlobeNewswire</title></head>
<body><main><ul class="pagging-list-item-wrapper">{rows}
</ul></main></body></html>
"""


def render_rss(releases: Iterable[SampleRelease], base_url: str) -> str:
    items = "".join(
        f"""
    <item>
      <guid isPermaLink="true">{escape(base_url + path(rel))}</guid>
      <link>{escape(base_url + path(rel))}</link>
      <title>{escape(rel.title)}</title>
      <pubDate>{format_datetime(rel.published_utc, usegmt=True)}</pubDate>
      <dc:contributor>{escape(rel.issuer.name)}</dc:contributor>
    </item>"""
        for rel in releases
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>GlobeNewswire - News about Public Companies</title>
    <link>{escape(base_url)}</link>{items}
  </channel>
</rss>
"""

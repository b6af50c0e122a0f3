"""GlobeNewswire (www.globenewswire.com), which also carries the former Marketwired
releases: ``h1.article-headline``, ``time[datetime]``, ``span.article-source`` and the body
in ``#main-body-container`` / ``[itemprop=articleBody]``."""

from __future__ import annotations

import re

from newswire.parsing.dates import parse_iso, parse_visible_et
from newswire.parsing.document import Page
from newswire.parsing.errors import ParseError
from newswire.parsing.release import build, canonical_url, media_url, split_body
from newswire.parsing.text import clean
from newswire.parsing.tickers import tickers_from_keywords

WIRES = {"globenewswire.com": "globenewswire"}
_RELEASE_ID = re.compile(r"/news-release/\d{4}/\d\d/\d\d/(\d+)/")
_NOISE = ("div.article-social", "div.social-share", "figure", "div.main-tags", "div.article-tags")


def looks_like(page: Page) -> bool:
    return bool(page.root.xpath("//h1[contains(@class, 'article-headline')] | //*[@id='main-body-container']"))


def parse(page: Page, wire: str) -> dict:
    soup = page.focus()
    url = canonical_url(page.canonical() or page.url)
    headline = soup.select_one("h1.article-headline") or soup.select_one("h1[itemprop=headline]")
    title = clean(headline.get_text(" ")) if headline else clean(page.first_meta("og:title") or "")
    if not title:
        raise ParseError("missing_title", "no headline on the page")
    body = soup.select_one("#main-body-container") or soup.select_one("[itemprop=articleBody]")
    if body is None:
        raise ParseError("not_a_release_page", "no release body")
    subtitle_el = soup.select_one("h2.article-sub-headline")
    if subtitle_el is not None and not clean(subtitle_el.get_text(" ")):
        subtitle_el = subtitle_el.find_next_sibling("p")  # lxml closes the h2 before its <p>
    source = soup.select_one("span.article-source a, span.article-source [itemprop=name]")
    time_el = soup.select_one("span.article-published time[datetime], time[datetime]")
    published = parse_iso(time_el["datetime"]) if time_el else None
    if published is None and time_el:
        published = parse_visible_et(time_el.get_text(" "))
    logo = soup.select_one("h1 > img[src]")  # the issuer's logo heads the page
    images = [media_url(img["src"]) for img in ([logo] if logo else []) + body.select("img[src]")
              if "/newsroom/" not in img["src"] and "tracking" not in img["src"]]
    for noise in body.select(", ".join(_NOISE)):
        noise.decompose()
    parts, contacts, source_org = split_body(body)
    m = _RELEASE_ID.search(url or "")
    return build(
        release_id=m.group(1) if m else None, url=url, wire=wire, title=title,
        subtitle=clean(subtitle_el.get_text(" ")) if subtitle_el else None,
        issuer=clean(source.get_text(" ")) if source else page.first_meta("author"),
        published_at=published, body_blocks=parts, contacts=contacts, source_org=source_org,
        industries=[], language=page.language(), images=images,
        extra_tickers=tickers_from_keywords(page.first_meta("ticker") or ""),
    )

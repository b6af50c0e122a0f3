"""GlobeNewswire (www.globenewswire.com), which also carries the former Marketwired
releases: ``h1.article-headline``, ``time[datetime]``, ``span.article-source`` and the body
in ``#main-body-container`` / ``[itemprop=articleBody]``."""

from __future__ import annotations

import re

from newswire.parsing import fallbacks
from newswire.parsing.dates import parse_iso, parse_visible_et
from newswire.parsing.document import Page, css, first, text_of
from newswire.parsing.errors import ParseError
from newswire.parsing.release import build, canonical_url, media_url, split_body
from newswire.parsing.tickers import tickers_from_keywords

_RELEASE_ID = re.compile(r"/news-release/\d{4}/\d\d/\d\d/(\d+)/")
_HEADLINE = css("h1.article-headline, h1[itemprop=headline]")
_BODY = css("#main-body-container, [itemprop=articleBody]")
# Its own markup: a bare itemprop=articleBody is on every schema.org article (portals' copies)
_OWN_MARKUP = css("h1.article-headline, #main-body-container, span.article-source")
_HEADLINE_CLASS = css("h1.article-headline")  # the template's classes are the known ones
_SUBTITLE = css("h2.article-sub-headline")
_SOURCE = css("span.article-source a, span.article-source [itemprop=name]")
_TIME = css("span.article-published time[datetime], time[datetime]")
_LOGO = css("h1 > img[src]")  # the issuer's logo heads the page
_IMAGES = css("img[src]")
_NOISE = css("div.article-social, div.social-share, figure, div.main-tags, div.article-tags")


def looks_like(page: Page) -> bool:
    return bool(_OWN_MARKUP(page.root))


def parse(page: Page, wire: str) -> dict:
    """The record of a GlobeNewswire page; a field its classes do not give is looked for in
    the fallback layers (:mod:`newswire.parsing.fallbacks`), and ``field_sources`` says so."""
    root = page.root
    url = canonical_url(page.canonical() or page.url)
    sources = {}
    body = first(_BODY(root))
    if body is None:
        body, sources["body"] = fallbacks.release_body(page), "text"
    if body is None:  # the site's other pages (home, listings) have neither body nor headline
        raise ParseError("not_a_release_page", "no release body")
    h1 = first(_HEADLINE(root))
    title = text_of(h1)
    if not title:
        title, sources["title"], h1 = fallbacks.headline(page)
    if not title:
        raise ParseError("missing_title", "no headline on the page")
    subtitle = _subtitle(root)
    if not subtitle:
        subtitle, sources["subtitle"] = fallbacks.subtitle_after(h1), "headings"
    time_el = first(_TIME(root))
    published = parse_iso(time_el.get("datetime")) if time_el is not None else None
    if published is None and time_el is not None:
        published = parse_visible_et(text_of(time_el))
    if published is None:
        published, sources["published_at"] = fallbacks.published(page)
    images = [
        media_url(img.get("src"))
        for img in [*_LOGO(root), *_IMAGES(body)]
        if "/newsroom/" not in img.get("src") and "tracking" not in img.get("src")
    ]
    for noise in _NOISE(body):
        noise.drop_tree()
    if not _HEADLINE_CLASS(root):  # classes unknown: the noise they name is found by what it is
        fallbacks.drop_non_text(body)
    parts, contacts, source_org = split_body(body)
    issuer, sources["issuer"] = fallbacks.first_found(
        ("rules", lambda: text_of(first(_SOURCE(root)))),
        ("jsonld", lambda: fallbacks.jsonld_text(page, "author")),
        ("meta", lambda: page.first_meta("author")),
        ("text", lambda: source_org),
    )
    m = _RELEASE_ID.search(url or "")
    return build(
        release_id=m.group(1) if m else None,
        url=url,
        wire=wire,
        title=title,
        subtitle=subtitle,
        issuer=issuer,
        published_at=published,
        body_blocks=parts,
        contacts=contacts,
        source_org=source_org,
        industries=[],
        language=page.language(),
        images=images,
        extra_tickers=tickers_from_keywords(page.first_meta("ticker") or ""),
        sources=sources,
    )


def _subtitle(root) -> str | None:
    subtitle = first(_SUBTITLE(root))
    if subtitle is not None and not text_of(subtitle):
        subtitle = subtitle.getnext()  # lxml closes the h2 before its <p>
    if subtitle is None or subtitle.tag not in ("h2", "p"):
        return None
    return text_of(subtitle) or None

"""PR Newswire (www.prnewswire.com): the current template (2019 on, ``article.news-release``),
the 2017 "legacy" one (``p.release-details``, ``div.release-body``) and the 2015 one
(``div.news-release-detail``, ``p[itemprop=articleBody]``). Cision Canada
(:mod:`newswire.parsing.newswireca`) reuses :func:`parse` with its own issuer and logo.

The header fields are read with CSS selectors on the lxml tree (compiled once, fast); only
the body, where the cleaning rules live (:mod:`newswire.parsing.text`), goes through
BeautifulSoup.
"""

from __future__ import annotations

import re

from newswire.parsing.dates import has_offset, parse_iso, parse_visible_et
from newswire.parsing.document import Page, css, first, text_of
from newswire.parsing.errors import ParseError
from newswire.parsing.release import (
    build,
    canonical_url,
    media_url,
    split_body,
    split_media_lines,
    unique,
)
from newswire.parsing.tickers import tickers_from_keywords

WIRES = {"prnewswire.com": "prnewswire"}
_RELEASE = css("article.news-release, div.news-release-detail")
_RELEASE_ID = re.compile(r"-(\d{6,12})\.html?$")
_TITLE = [
    css(s)
    for s in (
        "article.news-release header h1",
        "div.detail-headline h1",
        "header.release-header h1",
        "div.news-release-detail h1",
        "div.release-header h1",
        "#main h1",
    )
]
_ANY_H1 = css("h1")  # the 2017 template: a bare h1 in the page container
_SUBTITLES = css(
    "header.release-header p.subtitle, div.detail-headline p.subtitle,"
    " div.news-release-detail h2.subtitle, p.subtitle"
)
_BODY = [
    css(s)
    for s in (
        "section.release-body div.row > div[class*=col-]",
        "section.release-body",
        "div.release-body",
    )
]
_ARTICLE_BODY = css("[itemprop=articleBody]")
_ISSUER = css(
    'h2.meta + a[href*="/news/"] strong, header a[href*="/news/"] strong,'
    ' div.release-header a[href*="/news/"] strong'
)
_RELEASE_DETAILS = css("p.release-details")
_VISIBLE_TIME = css("p.mb-no, p.release-details, span.release-date, div.release-header p")
_PIXEL = css('img[src*="Transmission_Id="]')
_TAGS = [
    css(s)
    for s in (
        "div.explore-section p.img-title a",
        "ul.inline-links a[itemprop=articleSection]",
        "a[itemprop=articleSection]",
    )
]
_LOGO = css(
    "div.logo-wrapper[data-download-url], header [data-asset-label=Logo][data-download-url]"
)
_GALLERY = css("figure, div.inline-gallery-container, div.gallery-wrap div.photo")
_GALLERY_IMAGE = css("[data-download-url], img[data-getimg], img[src]")
_FULL_SIZE = css("meta[itemprop=contentUrl][content]")  # 2015 galleries
# Not text: galleries, pop-ups, promo widgets, share bars, "continue reading".
_NOISE = css(
    "div.continue-reading, div.inline-gallery-container, div.gallery-wrap, div.gallery,"
    " div.modal, div.share-it, div.social-share, div.newsFeaturedSection, div.carousel,"
    " figure, h4.related-links, div.release-footer"
)


def looks_like(page: Page) -> bool:
    return bool(
        _RELEASE(page.root)
        or (page.first_meta("publisher") or "").lower().startswith(("pr newswire", "prnewswire"))
    )


def parse(page: Page, wire: str, *, issuer=None, issuer_logo=None) -> dict:
    """The record of a page in one of the PR Newswire templates. ``issuer`` and
    ``issuer_logo`` are what a sibling wire's page shows outside those templates."""
    root = page.root
    url = canonical_url(page.canonical() or page.url)
    title = _title(page)
    if not title:
        raise ParseError("missing_title", "no headline on the page")
    body = _body(root)
    if body is None:
        raise ParseError("not_a_release_page", "no release body")
    images = ([issuer_logo] if issuer_logo else []) + _images(root, body)
    published = _published(page)
    for noise in _NOISE(body):
        noise.drop_tree()
    parts, contacts, source_org = split_body(body)
    parts, media = split_media_lines(parts)
    industries, subjects = _tags(root)
    m = _RELEASE_ID.search(url or "")
    return build(
        release_id=m.group(1) if m else None,
        url=url,
        wire=wire,
        title=title,
        subtitle=_subtitle(root),
        issuer=issuer or _issuer(page),
        published_at=published,
        body_blocks=parts,
        contacts=contacts,
        source_org=source_org,
        industries=industries,
        subjects=subjects,
        language=page.language(),
        images=images + media,
        extra_tickers=tickers_from_keywords(page.first_meta("keywords") or ""),
    )


def _title(page: Page) -> str | None:
    for selector in _TITLE:
        title = text_of(first(selector(page.root)))
        if title:
            return title
    return text_of(page.first_meta("og:title")) or text_of(first(_ANY_H1(page.root)))


def _subtitle(root) -> str | None:
    lines = [text_of(p).removeprefix("- ").strip() for p in _SUBTITLES(root)]
    return "\n".join(unique(lines)) or None


def _body(root):
    for selector in _BODY:
        found = first(selector(root))
        if found is not None:
            return found
    found = first(_ARTICLE_BODY(root))
    if found is None:
        return None
    return found.getparent() if found.tag == "p" else found


def _issuer(page: Page) -> str | None:
    name = text_of(first(_ISSUER(page.root)))
    if name:
        return name
    details = first(_RELEASE_DETAILS(page.root))
    if details is not None:
        link = next(details.iter("a"), None)
        name = text_of(link) if link is not None else text_of(details).rpartition(" from ")[2]
        if name:
            return name
    return page.first_meta("author")


def _published(page: Page):
    """Best source first: a meta date with a real offset, JSON-LD with an offset, the
    visible "... ET" time, then a meta date ending in Z, which these templates wrote in
    Eastern clock time."""
    meta_date = page.first_meta("date")
    if has_offset(meta_date):
        return parse_iso(meta_date)
    ld_date = page.news_article().get("datePublished")
    if isinstance(ld_date, str) and has_offset(ld_date):
        return parse_iso(ld_date)
    for el in _VISIBLE_TIME(page.root):
        when = parse_visible_et(text_of(el))
        if when:
            return when
    return parse_iso(meta_date, z_is_eastern=True) or _transmission_time(page.root)


def _transmission_time(root):
    """Last resort for pages that show no time (newswire.ca 2017): the tracking pixel's
    ``Transmission_Id`` starts with the Eastern transmission time, ``YYYYMMDDHHMM``."""
    pixel = first(_PIXEL(root))
    m = re.search(r"Transmission_Id=(\d{12})", pixel.get("src")) if pixel is not None else None
    if not m:
        return None
    t = m.group(1)
    return parse_iso(f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:00")


def _tags(root) -> tuple[list[str], list[str]]:
    """(industries, subjects) from the page's own tags. PR Newswire files its subject
    codes (Trade Show News, New Products & Services, Earnings ...) under
    "general-business"; the other sections are industries."""
    links = next((found for selector in _TAGS if (found := selector(root))), [])
    industries, subjects = [], []
    for a in links:
        is_subject = "/general-business-latest-news/" in (a.get("href") or "")
        (subjects if is_subject else industries).append(text_of(a))
    return industries, subjects


def _images(root, body) -> list[str]:
    """The release's logo and multimedia, not site chrome: in the header logo wrapper and
    in the body's galleries, read before the galleries are dropped from the text."""
    found = [el.get("data-download-url") for el in _LOGO(root)]
    for el in _GALLERY(body):
        original = first(_FULL_SIZE(el))
        if original is not None:
            found.append(original.get("content"))
            continue
        for img in _GALLERY_IMAGE(el):
            found.append(img.get("data-download-url") or img.get("data-getimg") or img.get("src"))
    return [
        media_url(u) for u in found if u and not u.startswith("data:") and "/designimages/" not in u
    ]

"""PR Newswire (www.prnewswire.com): the current template (2019 on, ``article.news-release``),
the 2017 "legacy" one (``p.release-details``, ``div.release-body``) and the 2015 one
(``div.news-release-detail``, ``p[itemprop=articleBody]``). Cision Canada
(:mod:`newswire.parsing.newswireca`) reuses :func:`parse` with its own issuer and logo.

The header fields are read with CSS selectors on the lxml tree (compiled once, fast); the
body goes through the cleaning rules of :mod:`newswire.parsing.text`, on the same tree.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import timedelta

from newswire.parsing.dates import has_offset, parse_iso, parse_visible_et
from newswire.parsing.document import Page, css, first, text_of
from newswire.parsing.errors import ParseError
from newswire.parsing.release import (
    build,
    canonical_url,
    media_url,
    split_body,
    split_media_pointers,
    unique,
)
from newswire.parsing.tickers import tickers_from_keywords

WIRES = {"prnewswire.com": "prnewswire"}
log = logging.getLogger(__name__)
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
    title, headline_subtitles = _headline(page)
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
    parts, media = split_media_pointers(parts)
    industries, subjects = _tags(root)
    m = _RELEASE_ID.search(url or "")
    return build(
        release_id=m.group(1) if m else None,
        url=url,
        wire=wire,
        title=title,
        subtitle=_subtitle(root, headline_subtitles),
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


def _headline(page: Page) -> tuple[str | None, list[str]]:
    """(title, subtitles) from the headline's own structure: the 2015 template writes the
    subtitle inside the ``h1``, in a ``<small>``, and it is not part of the title."""
    for selector in _TITLE:
        h1 = first(selector(page.root))
        if h1 is None or not text_of(h1):
            continue
        smalls = [el for el in h1.iter("small") if el.getparent().tag != "small"]
        if not smalls:
            return text_of(h1), []
        title = copy.deepcopy(h1)
        for el in list(title.iter("small")):
            el.drop_tree()  # keeps the text that follows it
        return text_of(title), [text_of(el) for el in smalls]
    return text_of(page.first_meta("og:title")) or text_of(first(_ANY_H1(page.root))), []


def _subtitle(root, headline_subtitles: list[str]) -> str | None:
    lines = headline_subtitles + [text_of(p) for p in _SUBTITLES(root)]
    return "\n".join(unique(line.removeprefix("- ").strip() for line in lines)) or None


def _body(root):
    """The release region: every body container of the first kind the page has, in
    document order. A 2016 template splits the body over several ``section.release-body``
    (or ``itemprop=articleBody``) blocks with a gallery between them; reading only the first
    one loses the rest of the text, the contacts and the SOURCE line."""
    for selector in _BODY:
        found = selector(root)
        if len(found):
            return _region(found)
    paragraphs_or_blocks = [el.getparent() if el.tag == "p" else el for el in _ARTICLE_BODY(root)]
    return _region(paragraphs_or_blocks) if paragraphs_or_blocks else None


def _region(containers):
    """One element holding ``containers`` and what lies between them. A single container is
    returned as it is; for several, their common ancestor's children from the one holding
    the first container to the one holding the last are moved, in place, into a new ``div``
    (the page keeps every element, one level deeper; a copy of a 3,000-element earnings
    body cost a tenth of the parse)."""
    outermost = []
    for el in containers:
        if not any(el is o or _inside(el, o) for o in outermost):
            outermost.append(el)
    if len(outermost) == 1:
        return outermost[0]
    ancestor = outermost[0].getparent()
    while not all(_inside(el, ancestor) for el in outermost):
        ancestor = ancestor.getparent()
    children = list(ancestor)
    start = next(i for i, c in enumerate(children) if c is outermost[0] or _inside(outermost[0], c))
    end = next(i for i, c in enumerate(children) if c is outermost[-1] or _inside(outermost[-1], c))
    region = ancestor.makeelement("div")
    ancestor.insert(start, region)
    for child in children[start : end + 1]:
        region.append(child)  # moves it, with its tail
    return region


def _inside(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


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
    """The publication time, its signals cross-checked.

    What the page shows, best first: a meta date with a real offset, JSON-LD with an offset,
    the visible "... ET" time, a meta date ending in Z (these templates wrote Eastern clock
    time there). They can all come from one 12-hour clock: a 2016 release re-rendered in the
    2019 template shows "03:39 ET" in all of them for a release sent at 15:39. The
    transmission id (``YYYYMMDDHHMM`` Eastern, 24-hour) is written by the wire's own system,
    so when it is exactly 12 hours from what the page shows, it wins; any other disagreement
    keeps the page's best signal. Every disagreement is logged."""
    shown = {name: when for name, when in _shown_times(page) if when}
    sent = _transmission_time(page)
    best = next(iter(shown.values()), None)
    chosen = sent if best is None or (sent and abs(best - sent) == timedelta(hours=12)) else best
    signals = {**shown, "transmission id": sent} if sent else shown
    if any(when != chosen for when in signals.values()):
        log.warning(
            "time signals disagree on %s: %s; using %s",
            page.canonical() or page.url,
            ", ".join(f"{name} {when.isoformat()}" for name, when in signals.items()),
            chosen.isoformat(),
        )
    return chosen


def _shown_times(page: Page):
    """(signal, UTC time or None) for what the page shows, best first."""
    meta_date = page.first_meta("date")
    ld_date = page.news_article().get("datePublished")
    yield "meta date", parse_iso(meta_date) if has_offset(meta_date) else None
    ld_date = ld_date if isinstance(ld_date, str) else None
    yield "JSON-LD", parse_iso(ld_date) if has_offset(ld_date) else None
    visible = (parse_visible_et(text_of(el)) for el in _VISIBLE_TIME(page.root))
    yield "visible time", next((when for when in visible if when), None)
    if not has_offset(meta_date):
        yield "meta date (Z read as Eastern)", parse_iso(meta_date, z_is_eastern=True)


def _transmission_time(page: Page):
    """The Eastern time that starts the transmission id (``YYYYMMDDHHMM``): in the hidden
    ``transmissionId`` input (current template) or the tracking pixel's ``Transmission_Id``
    (2017 template, newswire.ca, which show no time at all)."""
    pixel = first(_PIXEL(page.root))
    pixel_src = pixel.get("src") if pixel is not None else None
    for value in (page.hidden.get("transmissionId"), pixel_src):
        m = re.search(r"(?:^|Transmission_Id=)(\d{12})", value or "")
        if m:
            t = m.group(1)
            return parse_iso(f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:00")
    return None


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

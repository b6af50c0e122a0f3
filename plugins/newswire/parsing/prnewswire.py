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

from newswire.parsing import fallbacks
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

log = logging.getLogger(__name__)
_RELEASE = css(
    "article.news-release, section.release-body, div.news-release-detail, div.release-body"
)
_PUBLISHER = re.compile(r"^(?:cision\s+)?pr\s?newswire\b", re.I)
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
        # the same links by their ARIA markup, which outlives a change of class names
        '[role=group][aria-label=category] a[href*="-latest-news/"]',
        "ul.inline-links a[itemprop=articleSection]",
        "a[itemprop=articleSection]",
    )
]
_CATEGORY_LINKS = css('a[href*="-latest-news/"]')
_LOGO = css(
    "div.logo-wrapper[data-download-url], header [data-asset-label=Logo][data-download-url]"
)
_GALLERY = css("figure, div.inline-gallery-container, div.gallery-wrap div.photo")
# The logo and gallery items by their data and schema.org markup, for a page whose classes
# are unknown (read only then: an attribute test on every element is not free).
_LOGO_BY_DATA = css("[data-asset-label=Logo][data-download-url]")
_GALLERY_BY_DATA = css("[data-asset-type=photo][data-download-url], [itemprop=associatedMedia]")
_GALLERY_IMAGE = css("[data-download-url], img[data-getimg], img[src]")
_FULL_SIZE = css("meta[itemprop=contentUrl][content]")  # 2015 galleries
# Not text: galleries, pop-ups, promo widgets, share bars, "continue reading".
_NOISE = css(
    "div.continue-reading, div.inline-gallery-container, div.gallery-wrap, div.gallery,"
    " div.modal, div.share-it, div.social-share, div.newsFeaturedSection, div.carousel,"
    " figure, h4.related-links, div.release-footer"
)


def looks_like(page: Page) -> bool:
    """PR Newswire's own markup (any of its templates) or, whatever the classes, the wire
    named as the page's publisher (meta ``Publisher``, JSON-LD ``publisher``: "PR Newswire",
    "PRNewswire", "Cision PR Newswire"), which a portal's or issuer's copy does not claim."""
    publishers = (page.first_meta("publisher"), fallbacks.jsonld_text(page, "publisher"))
    return bool(_RELEASE(page.root)) or any(_PUBLISHER.match(p or "") for p in publishers)


def parse(page: Page, wire: str, *, issuer=None, issuer_logo=None, issuer_layer="rules") -> dict:
    """The record of a page in one of the PR Newswire templates. ``issuer`` and
    ``issuer_logo`` are what a sibling wire's page shows outside those templates, found by
    ``issuer_layer``. A field
    the template's rules do not find is looked for in the fallback layers
    (:mod:`newswire.parsing.fallbacks`), and ``field_sources`` says so."""
    root = page.root
    url = canonical_url(page.canonical() or page.url)
    sources = {}
    title, headline_subtitles, h1 = _headline(page)
    if not title:
        title, sources["title"], h1 = fallbacks.headline(page)
    if not title:
        raise ParseError("missing_title", "no headline on the page")
    body, known_template = _body(root)  # else its noise and media are found by what they are
    if body is None:
        body, sources["body"] = fallbacks.release_body(page), "text"
    if body is None:
        raise ParseError("not_a_release_page", "no release body")
    rule_images = ([issuer_logo] if issuer_logo else []) + _images(root, body, known_template)
    published, sources["published_at"] = _published(page)
    for noise in _NOISE(body):
        noise.drop_tree()
    if not known_template:  # classes unknown: the noise they name is found by what it is
        fallbacks.drop_non_text(body)
    parts, contacts, source_org = split_body(body)
    parts, media = split_media_pointers(parts)
    if not rule_images:
        sources["images"] = sources.get("body", "rules")
    industries, subjects, sources["industries"] = _tags(root)
    sources["subjects"] = sources["industries"]
    subtitle = _subtitle(root, headline_subtitles)
    if not subtitle:
        subtitle, sources["subtitle"] = fallbacks.subtitle_after(h1), "headings"
    issuer, sources["issuer"] = fallbacks.first_found(
        (issuer_layer, lambda: issuer),
        ("rules", lambda: _issuer(page)),
        ("jsonld", lambda: fallbacks.jsonld_text(page, "author")),
        ("meta", lambda: page.first_meta("author")),
        ("text", lambda: source_org),  # the SOURCE line names the organization that sent it
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
        industries=industries,
        subjects=subjects,
        language=page.language(),
        images=rule_images + media,
        extra_tickers=tickers_from_keywords(page.first_meta("keywords") or ""),
        sources=sources,
    )


def _headline(page: Page) -> tuple[str | None, list[str], object]:
    """(title, subtitles, h1) from the headline's own structure: the 2015 template writes
    the subtitle inside the ``h1``, in a ``<small>``, and it is not part of the title."""
    for selector in _TITLE:
        h1 = first(selector(page.root))
        if h1 is None or not text_of(h1):
            continue
        smalls = [el for el in h1.iter("small") if el.getparent().tag != "small"]
        if not smalls:
            return text_of(h1), [], h1
        title = copy.deepcopy(h1)
        for el in list(title.iter("small")):
            el.drop_tree()  # keeps the text that follows it
        return text_of(title), [text_of(el) for el in smalls], h1
    return None, [], None


def _subtitle(root, headline_subtitles: list[str]) -> str | None:
    lines = headline_subtitles + [text_of(p) for p in _SUBTITLES(root)]
    return "\n".join(unique(line.removeprefix("- ").strip() for line in lines)) or None


def _body(root):
    """(the release region, whether the template's classes named it): every body container
    of the first kind the page has, in document order. A 2016 template splits the body over
    several ``section.release-body`` (or ``itemprop=articleBody``) blocks with a gallery
    between them; reading only the first one loses the rest of the text, the contacts and
    the SOURCE line."""
    for selector in _BODY:
        found = selector(root)
        if len(found):
            return _region(found), True
    paragraphs_or_blocks = [el.getparent() if el.tag == "p" else el for el in _ARTICLE_BODY(root)]
    return (_region(paragraphs_or_blocks) if paragraphs_or_blocks else None), False


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
    return None


def _published(page: Page):
    """(the publication time, the layer it came from), its signals cross-checked.

    What the page shows, best first: a meta date with a real offset, JSON-LD with an offset,
    the visible "... ET" time, a meta date ending in Z (these templates wrote Eastern clock
    time there). They can all come from one 12-hour clock: a 2016 release re-rendered in the
    2019 template shows "03:39 ET" in all of them for a release sent at 15:39. The
    transmission id (``YYYYMMDDHHMM`` Eastern, 24-hour) is written by the wire's own system,
    so when it is exactly 12 hours from what the page shows, it wins; any other disagreement
    keeps the page's best signal. Every disagreement is logged. Without any of them, the
    generic JSON-LD and meta readings (``article:published_time``) are the fallback."""
    shown = {name: when for name, when in _shown_times(page) if when}
    sent = _transmission_time(page)
    if not shown and not sent:
        return fallbacks.published(page)
    best = next(iter(shown), None)
    chosen = "transmission id"
    if best is not None and not (sent and abs(shown[best] - sent) == timedelta(hours=12)):
        chosen = best
    signals = {**shown, "transmission id": sent} if sent else shown
    if any(when != signals[chosen] for when in signals.values()):
        log.warning(
            "time signals disagree on %s: %s; using %s",
            page.canonical() or page.url,
            ", ".join(f"{name} {when.isoformat()}" for name, when in signals.items()),
            signals[chosen].isoformat(),
        )
    # Cross-checking the wire's own signals (its Z-as-Eastern meta date, its 12-hour clock,
    # its transmission id) is this module's knowledge of the template: a rule, whichever
    # signal wins. Only the generic readings above are a fallback.
    return signals[chosen], "rules"


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


def _tags(root) -> tuple[list[str], list[str], str]:
    """(industries, subjects) from the page's own tags. PR Newswire files its subject
    codes (Trade Show News, New Products & Services, Earnings ...) under
    "general-business"; the other sections are industries. The layer is "headings" when
    the links are found only under the "Explore" heading."""
    links = next((found for selector in _TAGS if (found := selector(root))), [])
    layer = "rules"
    if not len(links):
        links, layer = _explore_links(root), "headings"
    industries, subjects = [], []
    for a in links:
        is_subject = "/general-business-latest-news/" in (a.get("href") or "")
        (subjects if is_subject else industries).append(text_of(a))
    return industries, subjects, layer


def _explore_links(root) -> list:
    """The wire's category links under the page's "Explore" heading."""
    for heading in root.iter("h2", "h3", "h4"):
        if text_of(heading).lower() == "explore":
            return _CATEGORY_LINKS(heading.getparent())
    return []


def _images(root, body, known_template: bool = True) -> list[str]:
    """The release's logo and multimedia, not site chrome: in the header logo wrapper and
    in the body's galleries, read before the galleries are dropped from the text."""
    logos, galleries = _LOGO(root), _GALLERY(body)
    if not known_template:
        logos, galleries = [*logos, *_LOGO_BY_DATA(root)], [*galleries, *_GALLERY_BY_DATA(body)]
    found = [el.get("data-download-url") for el in logos]
    for el in galleries:
        original = first(_FULL_SIZE(el))
        if original is not None:
            found.append(original.get("content"))
            continue
        for img in _GALLERY_IMAGE(el):
            found.append(img.get("data-download-url") or img.get("data-getimg") or img.get("src"))
    return [
        media_url(u) for u in found if u and not u.startswith("data:") and "/designimages/" not in u
    ]

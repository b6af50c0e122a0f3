"""PR Newswire (www.prnewswire.com): the current template (2019 on, ``article.news-release``),
the 2017 "legacy" one (``p.release-details``, ``div.release-body``) and the 2015 one
(``div.news-release-detail``, ``p[itemprop=articleBody]``). Cision Canada
(:mod:`newswire.parsing.newswireca`) reuses :func:`parse` with its own issuer and logo."""

from __future__ import annotations

import re

from bs4 import Tag

from newswire.parsing.dates import has_offset, parse_iso, parse_visible_et
from newswire.parsing.document import Page
from newswire.parsing.errors import ParseError
from newswire.parsing.release import build, canonical_url, media_url, split_body, split_media_lines
from newswire.parsing.text import clean
from newswire.parsing.tickers import tickers_from_keywords

WIRES = {"prnewswire.com": "prnewswire"}
_RELEASE_XPATH = ("//article[contains(@class, 'news-release')]"
                  " | //div[contains(@class, 'news-release-detail')]")
# What a release page's reading needs: the release (header and body), its industry tags,
# the first headline (2017 pages keep it outside the release block) and the issuer's
# "Organization Profile" box (newswire.ca).
_REGIONS = (f"{_RELEASE_XPATH} | //div[contains(@class, 'explore-section')]"
            " | //ul[contains(@class, 'inline-links')] | (//h1)[1] | (//div[contains(@class, 'well')])[1]")
# Site furniture inside the release block: pop-ups, promo widgets, share bars.
_CHROME = ("//div[contains(@class, 'modal')] | //div[contains(@class, 'newsFeaturedSection')]"
           " | //div[contains(@class, 'share-it')] | //div[contains(@class, 'social-share')]")
_RELEASE_ID = re.compile(r"-(\d{6,12})\.html?$")
_TITLE = ("article.news-release header h1", "div.detail-headline h1", "header.release-header h1",
          "div.news-release-detail h1", "div.release-header h1", "#main h1")
_BODY = ("section.release-body div.row > div[class*=col-]", "section.release-body",
         "div.release-body")
_NOISE = ("div.continue-reading", "div.inline-gallery-container", "div.gallery-wrap",
          "div.gallery", "div.modal", "div.share-it", "div.social-share", "div.newsFeaturedSection",
          "div.carousel", "figure", "h4.related-links", "div.release-footer")


def looks_like(page: Page) -> bool:
    return bool(page.root.xpath(_RELEASE_XPATH)
                or (page.first_meta("publisher") or "").lower().startswith(("pr newswire", "prnewswire")))


def parse(page: Page, wire: str, *, issuer=None, issuer_logo=None) -> dict:
    """The record of a page in one of the PR Newswire templates. ``issuer`` and
    ``issuer_logo`` are what a sibling wire's page shows outside those templates."""
    soup = page.focus(_REGIONS, drop=_CHROME)
    url = canonical_url(page.canonical() or page.url)
    title = _title(page)
    if not title:
        raise ParseError("missing_title", "no headline on the page")
    body = _body(soup)
    if body is None:
        raise ParseError("not_a_release_page", "no release body")
    images, published = _images(soup, body), _published(page)  # before the body is cleaned
    if issuer_logo:
        images.insert(0, issuer_logo)
    for noise in body.select(", ".join(_NOISE)):
        noise.decompose()
    parts, contacts, source_org = split_body(body)
    parts, media = split_media_lines(parts)
    industries, subjects = _tags(soup)
    m = _RELEASE_ID.search(url or "")
    return build(
        release_id=m.group(1) if m else None, url=url, wire=wire, title=title,
        subtitle=_subtitle(soup), issuer=issuer or _issuer(page), published_at=published,
        body_blocks=parts, contacts=contacts, source_org=source_org,
        industries=industries, subjects=subjects, language=page.language(), images=images + media,
        extra_tickers=tickers_from_keywords(page.first_meta("keywords") or ""),
    )


def _title(page: Page) -> str | None:
    for selector in _TITLE:
        el = page.soup.select_one(selector)
        if el and clean(el.get_text(" ")):
            return clean(el.get_text(" "))
    h1 = page.soup.find("h1")  # the 2017 template: a bare h1 in the page container
    return clean(page.first_meta("og:title") or (h1.get_text(" ") if h1 else ""))


def _subtitle(soup) -> str | None:
    lines = [clean(p.get_text(" ")).removeprefix("- ").strip()
             for p in soup.select("header.release-header p.subtitle, div.detail-headline p.subtitle,"
                                  " div.news-release-detail h2.subtitle, p.subtitle")]
    lines = [line for line in dict.fromkeys(lines) if line]
    return "\n".join(lines) or None


def _body(soup) -> Tag | None:
    for selector in _BODY:
        el = soup.select_one(selector)
        if el is not None:
            return el
    first = soup.select_one("p[itemprop=articleBody], [itemprop=articleBody]")
    if first is None:
        return None
    return first.parent if first.name == "p" else first


def _issuer(page: Page) -> str | None:
    soup = page.soup
    el = soup.select_one('h2.meta + a[href*="/news/"] strong, header a[href*="/news/"] strong,'
                         ' div.release-header a[href*="/news/"] strong')
    if el and clean(el.get_text(" ")):
        return clean(el.get_text(" "))
    details = soup.select_one("p.release-details")
    if details:
        link = details.select_one("a")
        text = clean(link.get_text(" ") if link else details.get_text(" ").rpartition(" from ")[2])
        if text:
            return text
    return page.first_meta("author")


def _published(page: Page):
    """Best source first: a meta date with a real offset, JSON-LD with an offset, the
    visible "... ET" time, then a meta date ending in Z, which these templates wrote in
    Eastern clock time."""
    soup = page.soup
    meta_date = page.first_meta("date")
    if has_offset(meta_date):
        return parse_iso(meta_date)
    ld_date = page.news_article().get("datePublished")
    if isinstance(ld_date, str) and has_offset(ld_date):
        return parse_iso(ld_date)
    for el in soup.select("p.mb-no, p.release-details, span.release-date, div.release-header p"):
        when = parse_visible_et(el.get_text(" "))
        if when:
            return when
    return parse_iso(meta_date, z_is_eastern=True) or _transmission_time(soup)


def _transmission_time(soup):
    """Last resort for pages that show no time (newswire.ca 2017): the tracking pixel's
    ``Transmission_Id`` starts with the Eastern transmission time, ``YYYYMMDDHHMM``."""
    pixel = soup.select_one('img[src*="Transmission_Id="]')
    m = re.search(r"Transmission_Id=(\d{12})", pixel["src"]) if pixel else None
    if not m:
        return None
    t = m.group(1)
    return parse_iso(f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:00")


def _tags(soup) -> tuple[list[str], list[str]]:
    """(industries, subjects) from the page's own tags. PR Newswire files its subject
    codes (Trade Show News, New Products & Services, Earnings ...) under
    "general-business"; the other sections are industries."""
    links = (soup.select("div.explore-section p.img-title a")
             or soup.select("ul.inline-links a[itemprop=articleSection]")
             or soup.select("a[itemprop=articleSection]"))
    industries, subjects = [], []
    for a in links:
        is_subject = "/general-business-latest-news/" in a.get("href", "")
        (subjects if is_subject else industries).append(clean(a.get_text(" ")))
    return industries, subjects


def _images(soup, body: Tag) -> list[str]:
    """The release's logo and multimedia, not site chrome: in the header logo wrapper and
    in the body's galleries, read before the galleries are dropped from the text."""
    found = []
    for el in soup.select("div.logo-wrapper[data-download-url], header [data-asset-label=Logo][data-download-url]"):
        found.append(el["data-download-url"])
    for el in body.select("figure, div.inline-gallery-container, div.gallery-wrap div.photo"):
        original = el.select_one("meta[itemprop=contentUrl][content]")  # 2015: full size
        if original is not None:
            found.append(original["content"])
            continue
        for img in el.select("[data-download-url], img[data-getimg], img[src]"):
            found.append(img.get("data-download-url") or img.get("data-getimg") or img.get("src"))
    return [media_url(u) for u in found if u and not u.startswith("data:") and "/designimages/" not in u]

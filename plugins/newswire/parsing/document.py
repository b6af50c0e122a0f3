"""Bytes to a parsed page: decoding, size limit, and the page's head metadata.

Decoding follows what browsers and the scrapers that got it right do: a byte-order mark,
the HTTP charset, the page's own ``<meta charset>``, UTF-8 if the bytes are valid UTF-8,
then detection (charset-normalizer) with windows-1252 for the Latin look-alikes.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from newswire.parsing.errors import ParseError

MAX_PAGE_BYTES = 10 * 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # WHATWG: pages labelled latin-1 / ascii are decoded as windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode(content: bytes, http_charset: str | None = None) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            return content.decode(codec, "replace")
    declared = _codec(http_charset)
    if declared is None:
        m = _META_CHARSET.search(content[:4096])
        declared = _codec(m.group(1).decode("ascii", "ignore")) if m else None
    if declared:
        try:
            return content.decode(declared)
        except UnicodeDecodeError:
            pass  # the label lies: fall through to what the bytes say
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return content.decode(_detect(content), "replace")


# Encodings a detector can tell from windows-1252: multi-byte ones and the single-byte code
# pages of other scripts. Any other guess on a page that is not UTF-8 (cp1250, cp775,
# cp850 ...) is a Latin look-alike, and browsers read such a page as windows-1252.
_DETECTABLE = re.compile(
    r"^(utf_(8|16|32).*|shift_jis|cp932|euc_.*|iso2022_.*|gb2312|gbk|gb18030|hz|big5.*|cp949|cp950|johab"
    r"|cp1251|koi8_.*|cp866|iso8859_5|mac_cyrillic|cp1253|iso8859_7|mac_greek|cp1255|iso8859_8"
    r"|cp1256|iso8859_6|cp874|tis_620|cp1258)$")


def _detect(content: bytes) -> str:
    """charset-normalizer for pages in other scripts (Shift_JIS, GB18030, windows-1251 ...);
    windows-1252 when its guess is only a Latin look-alike."""
    from charset_normalizer import from_bytes  # a dependency of requests
    best = from_bytes(content[:200_000]).best()
    if best is None or not _DETECTABLE.match(best.encoding):
        return "cp1252"
    return best.encoding


@dataclass
class Page:
    """A parsed page and what every wire reads from its head."""
    soup: BeautifulSoup
    url: str | None  # where it came from (a URL, or None for a file)
    meta: dict[str, str] = field(default_factory=dict)  # name/property/itemprop -> content
    json_ld: list[dict] = field(default_factory=list)

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            value = self.meta.get(name.lower())
            if value and value.strip():
                return value.strip()
        return None

    def canonical(self) -> str | None:
        link = self.soup.find("link", rel="canonical", href=True)
        return self.first_meta("og:url") or (link["href"].strip() if link else None)

    def language(self) -> str | None:
        html = self.soup.find("html")
        value = (self.first_meta("content-language", "inlanguage", "og:locale", "dc.language")
                 or (html.get("lang") if isinstance(html, Tag) else None))
        if not value:
            return None
        primary = re.split(r"[-_,; ]", value.strip())[0].lower()
        return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None

    def news_article(self) -> dict:
        for item in self.json_ld:
            if "NewsArticle" in str(item.get("@type", "")) or "datePublished" in item:
                return item
        return {}


def load(content: bytes | str, url: str | None = None, http_charset: str | None = None) -> Page:
    size = len(content)
    if size > MAX_PAGE_BYTES:
        raise ParseError("too_large", f"{size} bytes, the limit is {MAX_PAGE_BYTES}")
    text = content if isinstance(content, str) else decode(content, http_charset)
    if not text.strip():
        raise ParseError("empty", "the page has no content")
    soup = BeautifulSoup(text, "lxml")
    if soup.find("html") is None:
        raise ParseError("not_a_release_page", "not an HTML document")
    return Page(soup, url, _meta(soup), _json_ld(soup))


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if isinstance(key, str) and key.strip():
                found.setdefault(key.strip().lower(), content)
    return found


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    items: list[dict] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                items.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
                items.append(item)
    return items

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
from itertools import compress, islice
from operator import itemgetter

import lxml.html
from cssselect import parse as parse_css
from cssselect.xpath import XPathExpr, is_non_whitespace
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlHTMLTranslator

from newswire.parsing.errors import ParseError
from newswire.parsing.text import LINE_BREAK, clean

MAX_PAGE_BYTES = 10 * 1024 * 1024
# Bytes alone do not bound the cost of a page: 10 MB of `<p>` is 800,000 elements, and a
# few KB of nested `<div>` go deeper than libxml2 keeps (it drops what lies below 256
# levels, silently). Real release pages have about 2,000 elements, 40 levels deep.
MAX_ELEMENTS = 100_000
MAX_DEPTH = 200
# Attributes cost more than their bytes: libxml2 compares each attribute of an element with
# those before it, so one element of 100,000 attributes (0.9 MB) takes it 20 s. Real pages
# have at most a dozen on an element and a few thousand in all.
MAX_ATTRIBUTES_PER_ELEMENT = 256
MAX_ATTRIBUTES = 250_000
MAX_JSON_LD_SCRIPTS = 10
MAX_JSON_LD_CHARS = 100_000
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


def decode(content: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """(text, the codec that decoded it)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return content.decode(codec, "replace"), codec
    declared = _codec(http_charset)
    if declared is None:
        m = _META_CHARSET.search(content[:4096])
        declared = _codec(m.group(1).decode("ascii", "ignore")) if m else None
    if declared:
        try:
            return content.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the label lies: fall through to what the bytes say
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(content)
    return content.decode(detected, "replace"), detected


# Encodings a detector can tell from windows-1252: multi-byte ones and the single-byte code
# pages of other scripts. Any other guess on a page that is not UTF-8 (cp1250, cp775,
# cp850 ...) is a Latin look-alike, and browsers read such a page as windows-1252.
_DETECTABLE = re.compile(
    r"^(utf_(8|16|32).*|shift_jis|cp932|euc_.*|iso2022_.*|gb2312|gbk|gb18030|hz|big5.*|cp949|cp950|johab"
    r"|cp1251|koi8_.*|cp866|iso8859_5|mac_cyrillic|cp1253|iso8859_7|mac_greek|cp1255|iso8859_8"
    r"|cp1256|iso8859_6|cp874|tis_620|cp1258)$"
)


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
    """A page: its head metadata and its pruned tree (lxml); a wire module reads the
    header with :func:`css` selectors and hands the body element to
    :func:`newswire.parsing.release.split_body`."""

    root: etree._Element
    url: str | None  # where it came from (a URL, or None for a file)
    meta: dict[str, str] = field(default_factory=dict)  # name/property/itemprop -> content
    json_ld: list[dict] = field(default_factory=list)
    canonical_link: str | None = None
    html_lang: str | None = None
    hidden: dict[str, str] = field(default_factory=dict)  # hidden <input> id -> value

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            value = self.meta.get(name.lower())
            if value and value.strip():
                return value.strip()
        return None

    def canonical(self) -> str | None:
        return self.first_meta("og:url") or self.canonical_link

    def language(self) -> str | None:
        value = (
            self.first_meta("content-language", "inlanguage", "og:locale", "dc.language")
            or self.html_lang
        )
        if not value:
            return None
        primary = re.split(r"[-_,; ]", value.strip())[0].lower()
        return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None

    def news_article(self) -> dict:
        for item in self.json_ld:
            if "NewsArticle" in str(item.get("@type", "")) or "datePublished" in item:
                return item
        return {}


_NEEDS_ATTRIBUTE = re.compile(r"@([\w-]+)(?![\w-])(?:$| = | and )")


class _XPathExpr(XPathExpr):
    """cssselect's expression, written so that libxml2 finds an element known only by an
    attribute (``[itemprop=articleBody]``, ``#main``) through that attribute:
    ``*/@itemprop[. = 'articleBody']/parent::*`` walks the attributes, several times faster
    than ``*[@itemprop = 'articleBody']``, which tests a predicate on every element. Only the
    text of a whole expression changes (its ``element`` and ``condition`` stay cssselect's,
    for the code of cssselect that reads them) and only while it is a plain compound: a name
    test or a star prefix (sibling combinators, ``:nth-*``) makes it plain again."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.axis: tuple[str, str] | None = None  # (attribute, its test with the value as .)
        self.further: list[str] = []  # the conditions after the attribute's own

    def add_condition(self, condition: str, conjuction: str = "and") -> _XPathExpr:
        if self.axis is not None:
            if conjuction == "and":
                self.further.append(condition)
            else:
                self.axis = None
        elif self.element == "*" and not self.condition:
            # Only a test that needs the attribute ("@x", "@x = 'v'", "@x and ...": not a
            # "not(@x)") and reads no other attribute can be read from the attribute.
            needs = _NEEDS_ATTRIBUTE.match(condition)
            if needs and set(re.findall(r"@([\w-]+)", condition)) == {needs[1]}:
                name = re.escape(needs[1])
                self.axis = (needs[1], re.sub(rf"@{name}(?![\w-])", ".", condition))
        return super().add_condition(condition, conjuction)

    def add_name_test(self) -> None:
        self.axis = None
        super().add_name_test()

    def add_star_prefix(self) -> None:
        self.axis = None
        super().add_star_prefix()

    def join(self, combiner, other, closing_combiner=None, has_inner_condition=False):
        joined = super().join(combiner, other, closing_combiner, has_inner_condition)
        plain = closing_combiner or has_inner_condition or not isinstance(other, _XPathExpr)
        self.axis, self.further = (None, []) if plain else (other.axis, other.further)
        return joined

    def __str__(self) -> str:
        if self.axis is None or self.element != "*":
            return super().__str__()
        name, test = self.axis
        return f"{self.path}*/@{name}[{test}]/parent::*" + "".join(f"[{c}]" for c in self.further)


class _HTMLTranslator(LxmlHTMLTranslator):
    """cssselect's HTML translator, made cheaper for large pages in three ways that select
    the same elements in the same order.

    A group of selectors is one walk of the tree per tag, not one per selector: the
    selectors of one tag without a combinator (``div.modal, div.carousel, ...``) become one
    step, ``descendant-or-self::div[(...) or (...)]``. cssselect joins every selector into a
    union of its own, and each walks the whole tree (the thousand cells of an earnings
    release's tables, again and again).

    An element known only by an attribute is found through it (:class:`_XPathExpr`).

    ``.class`` (and ``[attr~=word]``) gets a cheap first test: the attribute must hold the
    word as a substring before it is split into words. cssselect's own test runs
    normalize-space and concat on every element of the tag that has a class."""

    xpathexpr_cls = _XPathExpr

    def css_to_xpath(self, css: str, prefix: str = "descendant-or-self::") -> str:
        conditions: dict[str, list[str]] = {}  # tag -> the conditions of its selectors
        steps = []
        for selector in parse_css(css):
            if selector.pseudo_element:
                return super().css_to_xpath(css, prefix)  # none of ours; cssselect says why
            xpath = self.xpath(selector.parsed_tree)
            if xpath.path or xpath.axis:  # a combinator, or found by its attribute: its own
                steps.append(prefix + str(xpath))
            else:
                conditions.setdefault(xpath.element, []).append(xpath.condition)
        for element, of_tag in conditions.items():
            if "" in of_tag:  # a bare tag selects every element of the tag
                steps.append(prefix + element)
            else:
                steps.append(f"{prefix}{element}[{' or '.join(f'({c})' for c in of_tag)}]")
        return " | ".join(steps)

    def xpath_attrib_includes(self, xpath, name, value):
        if value and is_non_whitespace(value):
            xpath.add_condition(f"contains({name}, {self.xpath_literal(value)})")
        return super().xpath_attrib_includes(xpath, name, value)


_TRANSLATOR = _HTMLTranslator()


def css(selector: str) -> CSSSelector:
    """A CSS selector compiled once to XPath, for the lxml tree: ``css("h1")(root)``."""
    return CSSSelector(selector, translator=_TRANSLATOR)


def first(found):
    """The first item of a selection, or None."""
    return found[0] if len(found) else None


def text_of(node) -> str:
    """Cleaned text of an lxml element (its strings joined by spaces) or of a string."""
    if node is None:
        return ""
    return clean(node if isinstance(node, str) else " ".join(node.itertext()))


# Never part of a release: dropped from the tree as soon as the head has been read.
_NEVER_CONTENT = (
    "script",
    "style",
    "noscript",
    "svg",
    "iframe",
    "form",
    "select",
    "button",
    "input",
    "textarea",
    "template",
    "nav",
    "footer",
    etree.Comment,
    etree.ProcessingInstruction,
)
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + LINE_BREAK + "]")
_CONTROL_BYTES = bytes(i for i in range(128) if _NOT_TEXT.match(chr(i)))  # as UTF-8
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
# Every element an HtmlElement, chosen in C: lxml.html's own lookup calls Python for each
# element the code touches (thousands of table cells) only to find the form classes, and
# forms are never content.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def load(content: bytes | str, url: str | None = None, http_charset: str | None = None) -> Page:
    """Decode, parse with lxml, read the head and prune what is never content."""
    size = len(content)
    if size > MAX_PAGE_BYTES:
        raise ParseError("too_large", f"{size} bytes, the limit is {MAX_PAGE_BYTES}")
    text, codec = (content, None) if isinstance(content, str) else decode(content, http_charset)
    # lxml reads UTF-8; bytes that decoded as UTF-8 are already that text's UTF-8.
    data = content if codec == "utf-8" else text.encode("utf-8", "replace")
    # Control characters (other than tab and line breaks) are not text in HTML; left in, they
    # would make lxml refuse any later edit of the text around them. Each is one ASCII byte
    # in UTF-8, so they are deleted from the bytes (a regex over the text costs a millisecond
    # per 400 KB page that has none). So is the noncharacter that marks <br> in the walk.
    visible = data.translate(None, _CONTROL_BYTES)
    if LINE_BREAK in text:  # a search of the text, not of the bytes: ~30 times faster
        visible = visible.replace(LINE_BREAK.encode(), b"")
    if len(visible) < len(data):
        text = _NOT_TEXT.sub("", text)
    if not text or text.isspace():
        raise ParseError("empty", "the page has no content")
    data = visible
    if _scan_start_tags(data) > MAX_ELEMENTS // 2:  # else too few to cost much
        _check_bounds(data)
    try:
        root = lxml.html.document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError("not_a_release_page", f"not an HTML document ({exc})") from None
    if _TOO_DEEP(root):  # a small page can nest deep too
        raise ParseError("too_deep", f"elements nested more than {MAX_DEPTH} deep")
    # The head's few elements are found by tag in C (root.iter): an XPath from // walks every
    # node of the page for each of them.
    links = (el.get("href") for el in root.iter("link") if el.get("rel") == "canonical")
    canonical = next((href for href in links if href is not None), "").strip() or None
    meta, json_ld = _meta(root), _json_ld(root)
    lang = root.get("lang")
    hidden = {
        el.get("id"): el.get("value") or ""
        for el in root.iter("input")
        if el.get("type") == "hidden" and el.get("id") is not None and el.get("value") is not None
    }  # read before forms go
    etree.strip_elements(root, *_NEVER_CONTENT, with_tail=False)
    return Page(root, url, meta, json_ld, canonical, lang, hidden)


# A start tag as an HTML tokenizer reads it: ``<`` and a letter, then anything up to a ``>``
# that is not inside a quoted attribute value (an unclosed quote runs to the end); the text
# of a script or a style is skipped whole (``x<y`` in a script is no tag). A match, once
# started, cannot fail, and every quantifier is possessive (nothing to backtrack into), so
# the scan is one linear pass over the bytes. Group 2 is the tag after its ``<``; a script's
# or a style's has none (it has a few attributes, and its text is no markup).
_START_TAG = re.compile(
    rb"""<(?:(script|style)\b[^>]*+>[^<]*+(?:<(?!/\1)[^<]*+)*+"""
    rb"""|([A-Za-z](?:[^>"'=]++|=\s*+"[^"]*+"?+|=\s*+'[^']*+'?+|=|["'])*+))""",
    re.S | re.I,
)
# A name inside a start tag (the tag's own, then its attributes'), and a value if it has one.
_NAME = re.compile(rb"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*))?""")
# An attribute takes two bytes at least (a name and what ends it), so a tag of ``n`` bytes
# after its ``<`` holds ``(n + 1) // 2`` at most: only a tag this long can pass the bound.
_LONGEST_UNCOUNTED_TAG = 2 * MAX_ATTRIBUTES_PER_ELEMENT


def _scan_start_tags(data: bytes) -> int:
    """The number of start tags in ``data`` (up to one past MAX_ELEMENTS), read before lxml
    sees the page; raise ParseError ``too_many_attributes`` for an element, or a page, with
    more attributes than the bounds, so that they never cost the parser its time. Past
    MAX_ELEMENTS the scan stops: :func:`_check_bounds` says why the page is refused, and its
    parser stops before any element the scan has not seen.

    The tags are read by the regular expression engine and measured by C builtins: a Python
    loop over the five thousand tags of an earnings release would cost more than the
    tokenizing. A tag is read attribute by attribute only when its length could hold more
    than the bound (a few inline images' data URLs on a real page), and the page's tags all
    only when their lengths add up past twice MAX_ATTRIBUTES, which pages of a few hundred
    KB never do."""
    found = islice(map(itemgetter(2), _START_TAG.finditer(data)), MAX_ELEMENTS + 1)
    tags = list(found)
    counted = list(filter(None, tags))  # scripts and styles are not read
    lengths = list(map(len, counted))
    if lengths and max(lengths) > _LONGEST_UNCOUNTED_TAG:
        long_tags = compress(counted, map(_LONGEST_UNCOUNTED_TAG.__lt__, lengths))
        most = max(map(_attributes_of, long_tags))
        if most > MAX_ATTRIBUTES_PER_ELEMENT:
            raise ParseError(
                "too_many_attributes",
                f"an element with {most} attributes, the limit is {MAX_ATTRIBUTES_PER_ELEMENT}",
            )
    ceiling = (sum(lengths) + len(lengths)) // 2
    if ceiling > MAX_ATTRIBUTES and sum(map(_attributes_of, counted)) > MAX_ATTRIBUTES:
        raise ParseError("too_many_attributes", f"more than {MAX_ATTRIBUTES} attributes")
    return len(tags)


def _attributes_of(tag: bytes) -> int:
    """The attributes of a start tag read without its ``<``."""
    return max(len(_NAME.findall(tag)) - 1, 0)  # the first name is the tag's own


_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")


class _Bounds:
    """A parser target that builds no tree: it counts elements and nesting and stops the
    parse past MAX_ELEMENTS or MAX_DEPTH, so a page of a million elements costs neither
    their tree nor their time."""

    def __init__(self):
        self.elements = self.depth = 0

    def start(self, tag, attrib) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_ELEMENTS:
            raise ParseError("too_many_elements", f"more than {MAX_ELEMENTS} elements")
        if self.depth > MAX_DEPTH:
            raise ParseError("too_deep", f"elements nested more than {MAX_DEPTH} deep")

    def end(self, tag) -> None:
        self.depth -= 1

    def close(self) -> None:
        pass


def _check_bounds(data: bytes) -> None:
    """Raise ParseError ``too_many_elements`` or ``too_deep`` for a page past the bounds."""
    parser = etree.HTMLParser(target=_Bounds(), encoding="utf-8")
    for start in range(0, len(data), 64 * 1024):  # fed in pieces: an error stops the feed
        parser.feed(data[start : start + 64 * 1024])
    parser.close()


def _meta(root) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        content = tag.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if key and key.strip():
                found.setdefault(key.strip().lower(), content)
    return found


def _json_ld(root) -> list[dict]:
    """The page's JSON-LD objects (``@graph`` items too), from at most
    :data:`MAX_JSON_LD_SCRIPTS` scripts of at most :data:`MAX_JSON_LD_CHARS` each: a
    release page has one or two small ones, and a stranger's page must not make us parse
    megabytes of JSON."""
    items: list[dict] = []
    # The head's scripts are found by tag in C (root.iter), not by an XPath from //.
    scripts = [el for el in root.iter("script") if el.get("type") == "application/ld+json"]
    for script in scripts[:MAX_JSON_LD_SCRIPTS]:
        if len(script.text or "") > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                items.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
                items.append(item)
    return items

"""What every release page says whatever its classes: the layers a wire module falls back on,
field by field, when its own rules (its templates' classes and selectors) find nothing.

A template change renames classes; it does not stop a release page from carrying its
headline in JSON-LD, ``og:title`` and an ``h1``, its time in JSON-LD and meta tags, and its
text between the wire's dateline ("CITY, Date /PRNewswire/ --") and its closing
"SOURCE Org" line. Each function here reads one of those and is called only for a field the
rules left empty (so the known templates pay nothing). Which layer gave each field is
recorded in the record's ``field_sources`` (see :data:`newswire.parsing.release.LAYERS`).
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from newswire.parsing.dateline import split_dateline, wire_dateline
from newswire.parsing.dates import parse_iso
from newswire.parsing.document import Page, text_of
from newswire.parsing.text import normalized

# Blocks that can hold the dateline paragraph or the SOURCE line, innermost kinds first.
_BLOCKS = ("p", "div", "td", "li")
_SOURCE_LINE = re.compile(r"^SOURCE:?\s+\S")
_MAX_SOURCE_LINE = 300  # a longer block is a container that merely starts with SOURCE
_HEAD_TEXT = 400  # characters of a block read to find a dateline (it opens the paragraph)
_WIRE_WORD = re.compile("wire|cnw", re.I)
_MAX_SUBTITLE = 500
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Not the release's text, known by what they are rather than by class: media and their
# credits, and the "Continue Reading" button of a collapsed body.
_NOT_TEXT = ("figure", "figcaption", "picture", "video", "audio", "aside")
_BUTTON_WORDS = re.compile(r"^(?:continue reading|read more|show more|see more)$", re.I)
# Candidates for _BUTTON_WORDS: links and buttons with a short text (the box around one is
# left empty, and an empty block is no text).
_BUTTONS = etree.XPath(".//*[self::a or self::button][string-length(normalize-space()) < 20]")
# Elements known by an attribute are found through the attribute (``@x/..``): libxml2 walks
# the attributes several times faster than it tests a predicate on every element.
_POP_UPS = etree.XPath(
    "descendant::*/@role[. = 'dialog' or . = 'alertdialog']/.."
    " | descendant::*/@aria-hidden[. = 'true']/.."
)
_SCRIPT_CONTROLS = etree.XPath(
    "descendant::*/@onclick/.. | .//a[starts-with(normalize-space(@href), 'javascript:')"
    " or normalize-space(@href) = '']"
)
_SHARE_WORDS = re.compile(
    r"^(?:|share|tweet|pin it|facebook|twitter|x|linkedin|pinterest|e-?mail|print|download"
    r"|whatsapp|reddit|copy link)$",
    re.I,
)
_MAX_CAPTION = 400  # a block this short around a share control is a media item's caption


def first_found(*layers: tuple[str, Callable[[], object]]) -> tuple[object, str | None]:
    """(value, layer) of the first layer whose reader gives a non-empty value; readers are
    called in order and only until one does."""
    for layer, read in layers:
        value = read()
        if value:
            return value, layer
    return None, None


# -- JSON-LD and meta tags ---------------------------------------------------------------


def jsonld_text(page: Page, key: str) -> str | None:
    """A text property of the page's JSON-LD ``NewsArticle`` (``author`` and ``publisher``
    by their ``name``), unescaped and cleaned."""
    value = page.news_article().get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return text_of(html.unescape(value)) or None if isinstance(value, str) else None


def jsonld_published(page: Page):
    return parse_iso(jsonld_text(page, "datePublished"))


def meta_published(page: Page):
    return parse_iso(page.first_meta("article:published_time", "date"))


def published(page: Page) -> tuple[object, str | None]:
    """(publication time, layer) from the generic readings, JSON-LD first, then meta tags:
    what a wire module falls back on when its own time signals are all missing."""
    return first_found(
        ("jsonld", lambda: jsonld_published(page)), ("meta", lambda: meta_published(page))
    )


# -- headings ------------------------------------------------------------------------------


def headline(page: Page) -> tuple[str | None, str | None, object]:
    """(title, layer, its h1 element or None) when the template's rules found no headline.

    JSON-LD ``headline`` and ``og:title`` are often cut (at 100 characters on PR Newswire),
    so the page's ``h1`` that starts with what they say is the headline in full; without
    such an h1, JSON-LD, then ``og:title``, then the first h1 with text."""
    said = [
        ("jsonld", jsonld_text(page, "headline")),
        ("meta", text_of(page.first_meta("og:title")) or None),
    ]
    h1s = [(h1, text_of(h1)) for h1 in page.root.iter("h1")]
    h1s = [(h1, text) for h1, text in h1s if text]
    for _, short in said:
        prefix = (short or "").rstrip(".… ").lower()
        for h1, text in h1s:
            if prefix and text.lower().startswith(prefix):
                return text, "headings", h1
    for layer, short in said:
        if short:
            return short, layer, None
    if h1s:
        return h1s[0][1], "headings", h1s[0][0]
    return None, None, None


def subtitle_after(h1) -> str | None:
    """The subtitle a page writes right after its headline: the ``h1``'s next element when
    it is a paragraph or a heading (an empty heading is skipped: lxml closes an ``h2``
    before a ``p`` inside it)."""
    if h1 is None:
        return None
    nxt = h1.getnext()
    if nxt is not None and nxt.tag in _HEADINGS and not text_of(nxt):
        nxt = nxt.getnext()
    if nxt is None or nxt.tag not in ("p", *_HEADINGS):
        return None
    text = text_of(nxt)
    if not text or len(text) > _MAX_SUBTITLE or split_dateline(text):
        return None
    return text


# -- the text: from the dateline anchor to the SOURCE line ---------------------------------


def release_body(page: Page):
    """The release's text found by its words, as one element, or None.

    The anchor is the first paragraph that opens with a wire's dateline; the end is the
    last "SOURCE Org" line after it. The body is the run of their lowest common
    container's children from the one holding the anchor (or, when the anchor's own
    container is that container, from its first child after the headline: a subhead and
    highlights can precede the dateline) to the container's end (contacts can follow the
    SOURCE line). Media are left in for the wire module to read: :func:`drop_non_text`
    comes after."""
    heads = _BlockHeads(page.root)
    anchor = _anchor(page.root, heads)
    if anchor is None:
        return None
    source = _source_line(page.root, anchor, heads)
    container = _common_container(anchor, source) if source is not None else anchor.getparent()
    if container is None:
        return None
    children = list(container)
    holder = _child_holding(container, anchor)
    start = children.index(holder)
    if holder is anchor:  # the dateline paragraph sits directly in the release's container
        start = 0
        for i, child in enumerate(children[: children.index(anchor)]):
            if child.tag == "h1" or next(child.iter("h1"), None) is not None:
                start = i + 1  # the headline and what precedes it are the page's header
    region = lxml.html.Element("div")
    for child in children[start:]:
        region.append(copy.deepcopy(child))
    return region


def _anchor(root, heads: _BlockHeads):
    """The first block (a paragraph, else a div, cell or item) opening with a wire's
    dateline."""
    for tag in _BLOCKS:
        for el in root.iter(tag):
            head = normalized(heads[el])
            if _may_name_a_wire(head) and wire_dateline(" ".join(head.split())):
                return el  # the head cleaned as text_of() cleans it
    return None


def _may_name_a_wire(text: str) -> bool:
    """Whether ``text`` holds "wire" or "cnw" in any case, as every tag that names a wire
    does (dateline._WIRE_TAG): a test of every block's head that must cost less than the
    dateline's. Collapsing whitespace joins no letters, so a head without them has no wire's
    dateline. A lowered string and ``in`` are several times faster than a case-insensitive
    search, which also reads the Turkish İ and ı as an i: a text with those gets the search."""
    if "\u0130" in text or "\u0131" in text:
        return _WIRE_WORD.search(text) is not None
    lowered = text.lower()
    return "wire" in lowered or "cnw" in lowered


class _BlockHeads:
    """The first characters of each element's text (its text and its descendants', as
    ``itertext()`` reads them), up to _HEAD_TEXT: slices of the page's text, which is read
    once. Reading the head of every block of a page by itself would read the text of each
    container again for each container around it."""

    def __init__(self, root):
        parts: list[str] = []
        offset = 0
        starts: list[int] = []  # of the elements open at this point of the walk
        self._spans: dict = {}  # block -> (start, end) of its text in the page's
        for event, el in etree.iterwalk(root, events=("start", "end")):
            if event == "start":
                starts.append(offset)
                if el.text:
                    parts.append(el.text)
                    offset += len(el.text)
                continue
            start = starts.pop()
            if el.tag in _BLOCKS:
                self._spans[el] = (start, offset)
            if el.tail and el is not root:
                parts.append(el.tail)
                offset += len(el.tail)
        self._text = "".join(parts)

    def __getitem__(self, el) -> str:
        start, end = self._spans[el]
        return self._text[start : min(end, start + _HEAD_TEXT)]


def _source_line(root, anchor, heads: _BlockHeads):
    """The last block after ``anchor`` whose whole text is a "SOURCE Org" line."""
    found, after = None, False
    for el in root.iter(*_BLOCKS):
        if el is anchor:
            after = True
            continue
        if after and _SOURCE_LINE.match(heads[el].lstrip()):
            text = text_of(el)
            if len(text) <= _MAX_SOURCE_LINE and _SOURCE_LINE.match(text):
                found = el
    return found


def _common_container(a, b):
    ancestors_of_a = set(a.iterancestors())
    return next((el for el in b.iterancestors() if el in ancestors_of_a), None)


def _child_holding(container, el):
    while el.getparent() is not container:
        el = el.getparent()
    return el


def drop_non_text(body) -> None:
    """Drop from ``body``, in place, what is not the release's text, known by what it is
    rather than by its class: media and captions, pop-ups (``role=dialog``, hidden to
    assistive technology), "Continue Reading" buttons, and share bars: a script-driven
    control (``onclick``, a ``javascript:`` or empty link) that shows an icon or a share
    word goes with the small block holding it (a photo's caption and its share icons), or
    alone inside a longer one."""
    for el in list(body.iter(*_NOT_TEXT)):
        el.drop_tree()
    for el in _POP_UPS(body):
        el.drop_tree()
    for control in _SCRIPT_CONTROLS(body):
        if _dropped(control, body) or not _SHARE_WORDS.match(text_of(control)):
            continue  # a linked ticker or URL in running text stays
        holder = next((a for a in control.iterancestors("div", "li") if a is not body), control)
        if holder is not control and len(text_of(holder)) > _MAX_CAPTION:
            holder = control
        holder.drop_tree()
    for el in _BUTTONS(body):
        if el.getparent() is not None and _BUTTON_WORDS.match(text_of(el)):
            el.drop_tree()


def _dropped(el, body) -> bool:
    """Whether ``el`` was cut off ``body`` by an earlier drop."""
    return not any(a is body for a in el.iterancestors())

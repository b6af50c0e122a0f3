"""Text cleaning and the walk that turns a body element into readable blocks.

The rules (shared by every wire): NFC; zero-width characters dropped; every run of
whitespace, no-break spaces included, becomes one space; a ``<br>`` is a line break inside
a block; paragraphs are blocks, a list is one block of ``- item`` lines, a table is one
block of rows whose cells are joined by `` | ``. Curly quotes stay as published.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

from lxml import etree

# Where a <br> is, in the text of the tree while blocks() reads it: a noncharacter (Unicode keeps
# U+FDD0..U+FDEF for a program's own use; load() deletes it from every page), so that those
# line breaks are told apart from the newlines of the HTML source, which are spaces.
LINE_BREAK = "\ufdd0"
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]+")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT_BLOCKS = {"p", "blockquote", "pre", "address", "dt", "dd", "caption"} | _HEADINGS
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "center",
    "span",
    "font",
    "dl",
    "figure",
    "header",
    "footer",
    "aside",
    "u",
    "b",
    "strong",
    "i",
    "em",
    "a",
}
_BLOCK_LEVEL = _TEXT_BLOCKS | {"ul", "ol", "table", "div", "section", "article"}
# Not text, and still in the body after document.load() pruned scripts, styles, forms ...
_INVISIBLE = ("img", "object", "embed", "video", "audio", "link", "meta")
_CLOUDFLARE_EMAILS = etree.XPath("descendant::*/@data-cfemail/..")  # via the attribute: faster
_LINKS = etree.XPath("descendant::a[@href]")


def clean(text: str) -> str:
    """One line of text: NFC, zero-width characters dropped, whitespace collapsed (what
    ``str.split`` splits on is what ``\\s`` matches). It runs on every table cell."""
    if not text.isascii():  # tested here too: a call saved on each of a thousand cells
        text = normalized(text)
    return " ".join(text.split())


def normalized(text: str) -> str:
    """``text`` in NFC without zero-width characters: :func:`clean` before it collapses
    whitespace."""
    if text.isascii():  # NFC and the zero-width characters change no ASCII text
        return text
    text = unicodedata.normalize("NFC", text)
    # Six searches for one character each cost less than the expression on a long block
    # (3 against 180 microseconds on 20,000 characters), and they find none on most pages.
    if any(char in text for char in _ZERO_WIDTH_CHARS):
        text = _ZERO_WIDTH.sub("", text)
    return text


def clean_lines(text: str) -> str:
    """Text with meaningful line breaks: each line cleaned, empty lines dropped."""
    return "\n".join(line for line in map(clean, text.split("\n")) if line)


def decode_cloudflare_email(hex_string: str) -> str | None:
    """Cloudflare's e-mail protection: hex bytes, XOR-ed with the first byte."""
    try:
        data = bytes.fromhex(hex_string)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace")


def unwrap_link(url: str) -> str:
    """The target of a PR Newswire click-tracking link (``c212.net/c/link/?...&u=<url>``)."""
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith("c212.net"):
        target = parse_qs(parts.query).get("u")
        if target:
            return target[0]
    return url


def prepare(root) -> None:
    """On the lxml body, in place: drop what is never text (images, embeds; scripts, styles
    and comments are gone already, see :func:`newswire.parsing.document.load`), restore
    what a CDN hid (Cloudflare e-mails) or wrapped (c212.net links). Text that follows a
    dropped element (its tail) stays."""
    for el in list(root.iter(*_INVISIBLE)):
        if el is not root:
            el.drop_tree()
    for el in _CLOUDFLARE_EMAILS(root):
        address = decode_cloudflare_email(el.get("data-cfemail", ""))
        if address:
            for child in list(el):
                el.remove(child)
            el.attrib.clear()
            el.tag, el.text = "span", address
    for a in _LINKS(root):
        href = unwrap_link(a.get("href"))
        a.set("href", href)
        if a.text and "c212.net/" in a.text:
            a.text = href


def inline_text(el, *, line_breaks: bool = True) -> str:
    """The text of an element inside :func:`blocks`, ``<br>`` as a line break (or a space),
    cleaned. On one line, every newline and ``<br>`` is whitespace that :func:`clean`
    collapses: only the ``<br>`` mark needs replacing (it runs on every table cell)."""
    if line_breaks:
        return clean_lines(_lines(_marked_text(el)))
    return clean(_marked_text(el).replace(LINE_BREAK, " "))


def list_text(el) -> str:
    items = (inline_text(li, line_breaks=False) for li in el.iterdescendants("li"))
    return "\n".join(f"- {item}" for item in items if item)


def table_text(el) -> str:
    """One line per row with text: its non-empty cells joined by `` | `` (spacer and
    layout cells are no column). A cell's ``<br>`` is a space: each cell is one line."""
    rows = []
    for tr in el.iterdescendants("tr"):
        cells = (inline_text(cell, line_breaks=False) for cell in tr.iterdescendants("td", "th"))
        row = " | ".join(filter(None, cells))
        if row:
            rows.append(row)
    return "\n".join(rows)


def blocks(root) -> list[str]:
    """The readable blocks of the lxml element ``root`` in document order (call
    :func:`prepare` first). While the walk reads the tree, each ``<br>`` holds a
    :data:`LINE_BREAK` at the head of its tail, so that the text of an element, a table cell
    say, is one call to libxml2 (:func:`_marked_text`); the tails are given back after."""
    breaks = list(root.iterdescendants("br"))
    for br in breaks:
        br.tail = LINE_BREAK + (br.tail or "")
    out: list[str] = []
    try:
        _walk(root, out)
    finally:
        for br in breaks:
            br.tail = br.tail[1:] or None
    return [b for b in out if b]


def _walk(node, out: list[str]) -> None:
    pending: list[str] = [node.text or ""]  # inline text between blocks, e.g. text in a div

    def flush():
        if any(pending):
            out.append(clean_lines(_lines("".join(pending))))
        pending.clear()

    for child in node:
        name = child.tag
        if name in ("ul", "ol"):
            flush()
            out.append(list_text(child))
        elif name == "table":
            flush()
            out.append(table_text(child))
        elif name in _TEXT_BLOCKS and not _has_block(child):
            flush()
            out.append(inline_text(child))
        elif name in _TEXT_BLOCKS or (name in _CONTAINERS and _has_block(child)):
            flush()
            _walk(child, out)
        elif isinstance(name, str):  # an inline element (a comment's text is not text)
            pending.append(_marked_text(child))
        pending.append(child.tail or "")
    flush()


def _has_block(el) -> bool:
    """Whether a block element (paragraph, list, table, div ...) lies inside ``el``."""
    return next(el.iterdescendants(*_BLOCK_LEVEL), None) is not None


def _marked_text(el) -> str:
    """The text of an element as the tree holds it inside :func:`blocks`: source newlines,
    and a :data:`LINE_BREAK` where each ``<br>`` is."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _lines(marked: str) -> str:
    """A newline in the HTML source is whitespace; only ``<br>`` breaks a line."""
    return marked.replace("\r", " ").replace("\n", " ").replace(LINE_BREAK, "\n")

"""What every wire does once it has found the title, the header fields and the body
element: cut the body into blocks, split off the dateline, the contacts and the ``SOURCE``
line, find the tickers, and build the record."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from newswire.parsing.dateline import split_dateline
from newswire.parsing.dates import iso_utc
from newswire.parsing.document import text_of
from newswire.parsing.errors import ParseError
from newswire.parsing.text import blocks, clean, prepare
from newswire.parsing.tickers import find_tickers
from newswire.record import DERIVED_FIELDS, RELEASE_FIELDS, content_sha256, word_count

_SOURCE = re.compile(r"^SOURCE:?\s+(?P<org>\S.*)$")
# The first line of a contacts block: "Media Contact:", "MEDIA CONTACTS", "Investor
# Relations:", "For further information: ...", "Contact: Jane Doe", "Press inquiries".
_CONTACT_LABEL = re.compile(
    r"^(?:(?:media|press|investor|investors|analyst|public|editorial|news|company|corporate|"
    r"journalist|us|canadian|international|[A-Z][\w.&-]*)\s+){0,3}"
    r"(?:contacts?|inquiries|enquiries|relations)\b"
    r"|^for (?:more|further|additional) information\b|^contacts?\b|^renseignements\b",
    re.I,
)
# The wire's pointers to a release's media, one table of their shapes: a line of its own
# ("Logo - https://mma.prnewswire.com/media/...", "Photo: URL") or a parenthesis inside a
# paragraph ("(Logo: URL)", "(Photo: http://photos.prnewswire.com/prnh/20150623/224982 )").
# None is body text; the URLs of the image kinds are the release's images.
_MEDIA_KIND = (
    r"(?P<kind>Logo|Photos?|Images?|Infographics?|Videos?|Audio|Multimedia)"
    r"\s*[-–—:]\s*"
)
_MEDIA_POINTERS = (
    re.compile(rf"^{_MEDIA_KIND}(?P<url>https?://\S+)$", re.I),
    re.compile(rf"\s*\(\s*{_MEDIA_KIND}(?P<url>https?://[^\s()]+)\s*\)", re.I),
)
_IMAGE_KINDS = ("logo", "photo", "image", "infographic")
# Where a field came from (a record's ``field_sources``): the wire module's own rules (its
# templates' classes and selectors), else, only for a field they left empty, what every
# release page says whatever its classes (:mod:`newswire.parsing.fallbacks`): JSON-LD, meta
# tags, the heading structure, and the text (dateline anchor, SOURCE line, contact words):
# record.LAYERS. Derived fields (record.DERIVED_FIELDS) have no layer of their own.
# A record's inputs and the layer each comes from unless the wire module says otherwise:
# ``body`` stands for every field read from the body (text, dateline, SOURCE, contacts).
_DEFAULT_SOURCES = {
    "title": "rules",
    "subtitle": "rules",
    "issuer": "rules",
    "published_at": "rules",
    "body": "rules",
    "industries": "rules",
    "subjects": "rules",
    "images": "rules",
    # the page's declared language (``html lang``, meta tags), read the same way on every
    # template: there is no other layer to fall back to
    "language": "rules",
}
_DATELINE_BLOCKS = 30  # how far into the body a dateline is looked for
# Lines that close a release on the wire's or a syndicator's page, never its text or
# contacts: "View original content ...", the old template's "To view the original version on
# PR Newswire, visit: URL", "Related Links" and the URLs that follow it.
_TRAILERS = re.compile(
    r"^(?:View original content|To view the original version on (?:PR Newswire|Cision)"
    r"|Related Links?$|RELATED LINKS)",
    re.I,
)
_TRAILER_LINE = re.compile(_TRAILERS.pattern, re.I | re.M)  # at the start of any line


def split_body(body) -> tuple[list[str], str | None, str | None]:
    """(blocks without contacts and SOURCE line, contacts, source_org) of the lxml body
    element (changed in place by :func:`newswire.parsing.text.prepare`)."""
    prepare(body)
    table_contacts = _contacts_table(body)
    parts = [_without_trailer_lines(p) for p in blocks(body)]
    source_org, after = None, []
    for i in range(len(parts) - 1, -1, -1):
        m = _SOURCE.match(parts[i].split("\n", 1)[0])
        if m:
            source_org = clean(m["org"])
            parts, after = parts[:i], parts[i + 1 :]
            break
    parts = [p for p in parts if not _TRAILERS.match(p)]
    # newswire.ca puts "For further information: ..." after the SOURCE line
    after = list(itertools.takewhile(lambda p: not _TRAILERS.match(p), after))
    if table_contacts:
        return parts, table_contacts, source_org
    if after and _starts_contacts(after[0]):
        return parts, "\n".join(after), source_org
    contacts = None
    for i in range(max(len(parts) - 6, 0), len(parts)):
        if _starts_contacts(parts[i]):
            contacts = "\n".join(parts[i:])
            parts = parts[:i]
            break
    return parts, contacts, source_org


def _without_trailer_lines(block: str) -> str:
    """A block cut before a trailer line that a ``<br>`` joined to it (see
    :data:`_TRAILERS`); a block that opens with one is left whole for :func:`split_body`."""
    first_line_end = block.find("\n")
    m = _TRAILER_LINE.search(block, first_line_end + 1) if first_line_end >= 0 else None
    return block if m is None else block[: m.start()].rstrip("\n")


def _contacts_table(body) -> str | None:
    """Contacts laid out as a table after their label ("Contacts:" then Media | Investors
    columns), wherever they sit in the body: the label and one line per non-empty cell, in
    row order. The label and the table (with the wrappers that hold only it) are removed
    from ``body``; None when there is no such table."""
    for table in list(body.iter("table")):
        wrapper = table
        while _only_child(wrapper) and wrapper.getparent() is not body:
            wrapper = wrapper.getparent()
        label = wrapper.getprevious()
        label_text = text_of(label) if label is not None else ""
        if not (label_text and len(label_text) <= 40 and _starts_contacts(label_text)):
            continue
        cells = [text_of(cell) for cell in table.iter("td", "th")]
        lines = [label_text, *(cell for cell in cells if cell)]
        for el in (label, wrapper):
            el.drop_tree()
        return "\n".join(lines)
    return None


def _only_child(el) -> bool:
    """Whether ``el`` is all its parent holds (no sibling element, no text beside it)."""
    parent = el.getparent()
    return (
        parent is not None
        and len(parent) == 1
        and not (parent.text or "").strip()
        and not (el.tail or "").strip()
    )


def split_media_pointers(parts: list[str]) -> tuple[list[str], list[str]]:
    """Blocks without the wire's media pointers (:data:`_MEDIA_POINTERS`), and the URLs of
    the image ones in text order. A line or block left empty by the removal is dropped."""
    kept, media = [], []
    for block in parts:
        lines = []
        for line in block.split("\n"):
            for shape in _MEDIA_POINTERS if "://" in line else ():  # a pointer holds a URL
                media += [
                    media_url(m["url"])
                    for m in shape.finditer(line)
                    if m["kind"].lower().startswith(_IMAGE_KINDS)
                ]
                line = shape.sub("", line)
            if line.strip():
                lines.append(line.strip())
        if lines:
            kept.append("\n".join(lines))
    return kept, media


def _starts_contacts(block: str) -> bool:
    """A contacts block opens with a label line ("Media Contact:", "For further
    information: ..."); a closing "For more information, visit ..." sentence does not."""
    first_line, _, rest = block.partition("\n")
    return (
        bool(_CONTACT_LABEL.match(first_line))
        and len(first_line) <= 120
        and (":" in first_line or bool(rest) or len(first_line) <= 40)
    )


def canonical_url(url: str | None) -> str | None:
    """https, no query or fragment, host lowercased."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if not parts.netloc:
        return None
    return urlunsplit(("https", parts.netloc.lower(), parts.path, "", ""))


def build(
    *,
    release_id: str | None,
    url: str | None,
    wire: str,
    title: str,
    subtitle: str | None,
    issuer: str | None,
    published_at: datetime | None,
    body_blocks: list[str],
    contacts: str | None,
    source_org: str | None,
    industries: list[str],
    language: str | None,
    images: list[str],
    subjects: list[str] = (),
    extra_tickers: list[dict] = (),
    sources: dict[str, str] | None = None,
) -> dict:
    """The record, from the parts a wire module found; ``sources`` names the layer of any
    part that did not come from the wire's rules (see :data:`_DEFAULT_SOURCES`)."""
    i, dateline = find_dateline(body_blocks)
    if dateline:
        body_blocks = (
            body_blocks[:i] + ([dateline.rest] if dateline.rest else []) + body_blocks[i + 1 :]
        )
    body_text = "\n\n".join(body_blocks)
    if not body_text.strip():
        raise ParseError("empty_body", "the release body has no text")
    body_tickers = find_tickers(body_text)
    found = unique([*body_tickers, *extra_tickers])
    record = {
        "release_id": release_id,
        "url": url,
        "wire": wire,
        "title": title,
        "subtitle": subtitle or None,
        "issuer": issuer or None,
        "published_at": iso_utc(published_at),
        "dateline_location": dateline.location if dateline else None,
        "source_org": source_org,
        "tickers": found,
        "industries": unique(industries),
        "language": language,
        "body_text": body_text,
        "contacts": contacts,
        "images": unique(images),
        "subjects": unique(subjects),
        "dateline_date": dateline.date.isoformat() if dateline and dateline.date else None,
        "word_count": word_count(body_text),
    }
    record["content_sha256"] = content_sha256(record)
    record["field_sources"] = _field_sources(
        record, {**_DEFAULT_SOURCES, **(sources or {})}, body_tickers=bool(body_tickers)
    )
    assert tuple(record) == RELEASE_FIELDS
    return record


def find_dateline(body_blocks: list[str]):
    """(index, Dateline) of the release's dateline, or (None, None): in one of the first
    three blocks, or further on when it carries a wire's tag (a subhead and highlights can
    come before "CHICAGO, May 7, 2026 /PRNewswire/ --")."""
    for i, block in enumerate(body_blocks[:_DATELINE_BLOCKS]):
        dateline = split_dateline(block)
        if dateline and (i < 3 or dateline.wire):
            return i, dateline
    return None, None


def _field_sources(record: dict, layer: dict[str, str], *, body_tickers: bool) -> dict:
    """{field: layer} for every non-empty field that is not derived from others."""
    of_field = {
        **{f: layer["body"] for f in ("body_text", "contacts", "source_org")},
        **{f: layer["body"] for f in ("dateline_location", "dateline_date")},
        "tickers": layer["body"] if body_tickers else "meta",  # else the keywords meta tag
        **{f: layer[f] for f in layer if f != "body"},
    }
    return {
        f: of_field[f]
        for f in RELEASE_FIELDS
        if f not in DERIVED_FIELDS and record[f] not in (None, "", [])
    }


def media_url(url: str) -> str:
    """An image URL without its query (``?p=publish``, ``?w=200`` are sizes, not images)."""
    url = url.strip().split("?", 1)[0].split("#", 1)[0]
    return "https:" + url if url.startswith("//") else url


def unique(items) -> list:
    """The non-empty items, each once, in the order first seen (ticker dicts too: no hashing)."""
    out = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out

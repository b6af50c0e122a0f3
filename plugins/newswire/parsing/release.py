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
from newswire.parsing.errors import ParseError
from newswire.parsing.text import blocks, clean, prepare
from newswire.parsing.tickers import find_tickers
from newswire.record import RELEASE_FIELDS, content_sha256, word_count

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
_TRAILERS = re.compile(r"^(?:View original content|Related Links?$|RELATED LINKS)", re.I)


def split_body(body) -> tuple[list[str], str | None, str | None]:
    """(blocks without contacts and SOURCE line, contacts, source_org) of the lxml body
    element (changed in place by :func:`newswire.parsing.text.prepare`)."""
    prepare(body)
    parts = blocks(body)
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
    if after and _starts_contacts(after[0]):
        return parts, "\n".join(after), source_org
    contacts = None
    for i in range(max(len(parts) - 6, 0), len(parts)):
        if _starts_contacts(parts[i]):
            contacts = "\n".join(parts[i:])
            parts = parts[:i]
            break
    return parts, contacts, source_org


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
) -> dict:
    """The record, from the parts a wire module found."""
    dateline = None
    for i, block in enumerate(body_blocks[:3]):
        dateline = split_dateline(block)
        if dateline:
            body_blocks = (
                body_blocks[:i] + ([dateline.rest] if dateline.rest else []) + body_blocks[i + 1 :]
            )
            break
    body_text = "\n\n".join(body_blocks)
    if not body_text.strip():
        raise ParseError("empty_body", "the release body has no text")
    found = unique([*find_tickers(body_text), *extra_tickers])
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
    assert tuple(record) == RELEASE_FIELDS
    return record


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

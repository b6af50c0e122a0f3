"""The next template change, played on a saved page: each function takes a page's bytes and
gives them back as a redesign, a proxy or a re-save might. Used by the template-change tests
(tests/unit/test_template_changes.py) and by ``make eval`` (the renamed-classes column).

Each change touches only what it names: renaming classes leaves text, tags, ids, meta tags
and JSON-LD as they were.
"""

from __future__ import annotations

import hashlib
import re

_CLASS = re.compile(rb"""(\sclass\s*=\s*)("[^"]*"|'[^']*'|[^\s>"']+)""", re.I)
_JSON_LD = re.compile(rb"""<script[^>]+application/ld\+json[^>]*>.*?</script\s*>""", re.I | re.S)
_CANONICAL = re.compile(
    rb"""<link[^>]+rel\s*=\s*["']?canonical[^>]*>|<meta[^>]+og:url[^>]*>""", re.I
)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_HEAD_END = re.compile(rb"</head\s*>", re.I)
_OPEN_BODY = re.compile(rb"(<body\b[^>]*>)", re.I)
_CLOSE_BODY = re.compile(rb"(</body\s*>)", re.I)
_WHITESPACE = re.compile(rb"\s+")
_CHARSET = re.compile(rb"""(<meta[^>]+charset\s*=\s*["']?)utf-8""", re.I)


def rename_classes(page: bytes) -> bytes:
    """Every ``class`` value replaced by a meaningless hash of itself (one per value, so
    elements that shared a class still share one)."""

    def hashed(m: re.Match) -> bytes:
        digest = hashlib.sha1(m.group(2)).hexdigest()[:8].encode()
        return m.group(1) + b'"x' + digest + b'"'

    return _CLASS.sub(hashed, page)


def wrap_in_layers(page: bytes, layers: int = 3) -> bytes:
    """The body's content inside ``layers`` more ``div`` wrappers."""
    page = _OPEN_BODY.sub(lambda m: m.group(1) + b"<div>" * layers, page, count=1)
    return _CLOSE_BODY.sub(lambda m: b"</div>" * layers + m.group(1), page, count=1)


def collapse_whitespace(page: bytes) -> bytes:
    """Every run of whitespace one space (a minifier; ``<pre>`` has none on these pages)."""
    return _WHITESPACE.sub(b" ", page)


def crlf(page: bytes) -> bytes:
    """Every line break CRLF."""
    return page.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def byte_order_mark(page: bytes) -> bytes:
    return b"\xef\xbb\xbf" + page


def windows_1252(page: bytes) -> bytes:
    """Re-encoded as windows-1252 and labelled so; a character it lacks becomes a numeric
    character reference, as a browser's "save as" does."""
    text = page.decode("utf-8")
    return _CHARSET.sub(rb"\1windows-1252", text.encode("cp1252", "xmlcharrefreplace"))


def drop_json_ld(page: bytes) -> bytes:
    return _JSON_LD.sub(b"", page)


def drop_canonical(page: bytes) -> bytes:
    """No ``link rel=canonical`` and no ``og:url``."""
    return _CANONICAL.sub(b"", page)


def reorder_meta(page: bytes) -> bytes:
    """The head's ``meta`` tags in reverse order (in the places the tags were); those of the
    body (schema.org microdata of a gallery) stay where they are."""
    end = _HEAD_END.search(page)
    head, rest = (page[: end.end()], page[end.end() :]) if end else (page, b"")
    reordered = iter(reversed(_META.findall(head)))
    return _META.sub(lambda m: next(reordered), head) + rest


CHANGES = {
    "renamed classes": rename_classes,
    "extra wrapper layers": wrap_in_layers,
    "whitespace collapsed": collapse_whitespace,
    "CRLF": crlf,
    "byte-order mark": byte_order_mark,
    "windows-1252": windows_1252,
    "JSON-LD dropped": drop_json_ld,
    "canonical dropped": drop_canonical,
    "meta tags reordered": reorder_meta,
}

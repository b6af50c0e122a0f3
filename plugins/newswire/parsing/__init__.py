"""Release pages to records: ``parse_release(content, url)``.

One module per wire (the way fundus keeps one parser per publisher), all behind this one
function. The wire is chosen from the URL's host, else from the page's own canonical URL,
else from the page's markup. Any input gives a record or a :class:`ParseError` with a
reason; nothing else escapes.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from newswire.parsing import globenewswire, newswireca, prnewswire
from newswire.parsing.document import Page, load
from newswire.parsing.errors import ParseError

__all__ = ["PARSER_VERSION", "ParseError", "parse_release", "wire_for_url"]

# Bump when a change alters what the parser outputs for a page already stored: the
# warehouse records it per release version and `newswire reparse` catches up.
PARSER_VERSION = "2026.11.29"

_PARSERS = (newswireca, prnewswire, globenewswire)  # most specific looks_like first
log = logging.getLogger(__name__)


def wire_for_url(url: str | None) -> str | None:
    """The wire a URL's host belongs to ("www.prnewswire.com" -> "prnewswire")."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    for module in _PARSERS:
        for domain, wire in module.WIRES.items():
            if host == domain or host.endswith("." + domain):
                return wire
    return None


def parse_release(
    content: bytes | str, url: str | None = None, *, http_charset: str | None = None
) -> dict:
    """Parse one release page. ``url`` is where it was fetched from (None for a file);
    ``http_charset`` is the charset of the HTTP Content-Type, when there was one."""
    try:
        page = load(content, url, http_charset)
        wire = wire_for_url(url) or wire_for_url(page.canonical())
        module = _module(wire, page)
        return module.parse(page, wire or next(iter(module.WIRES.values())))
    except ParseError:
        raise
    except RecursionError as exc:  # pathologically nested markup
        raise ParseError("too_deep", "the page nests elements too deeply") from exc
    except Exception as exc:  # a parser bug must not stop a run: record it as a reject
        log.exception("parser bug on %s", url)
        raise ParseError("parser_bug", f"{type(exc).__name__}: {exc}") from exc


def _module(wire: str | None, page: Page):
    for module in _PARSERS:
        if wire in module.WIRES.values():
            return module
    for module in _PARSERS:
        if module.looks_like(page):
            return module
    raise ParseError("not_a_release_page", "no known wire's release markup on the page")

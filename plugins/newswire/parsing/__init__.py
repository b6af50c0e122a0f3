"""Release pages to records: ``parse_release(content, url)``.

One module per wire (the way fundus keeps one parser per publisher), all behind this one
function. The wire is chosen by :func:`choose_wire`, which refuses a page it cannot tie to a
known wire instead of guessing. Any input gives a record or a :class:`ParseError` with a
reason; nothing else escapes.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from newswire.parsing import globenewswire, newswireca, prnewswire
from newswire.parsing.document import Page, load
from newswire.parsing.errors import ParseError

__all__ = ["PARSER_VERSION", "ParseError", "choose_wire", "parse_release", "wire_for_url"]

# Bump when a change alters what the parser outputs for a page already stored: the
# warehouse records it per release version and `newswire reparse` catches up.
PARSER_VERSION = "2026.12.06"

_PARSERS = (newswireca, prnewswire, globenewswire)  # most specific looks_like first
log = logging.getLogger(__name__)


def wire_for_url(url: str | None) -> str | None:
    """The wire a URL's host belongs to ("www.prnewswire.com" -> "prnewswire")."""
    if not url:
        return None
    host = _host(url if "//" in url else "//" + url) or ""
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
        module, wire = choose_wire(page)
        return module.parse(page, wire)
    except ParseError:
        raise
    except RecursionError as exc:  # pathologically nested markup
        raise ParseError("too_deep", "the page nests elements too deeply") from exc
    except Exception as exc:  # a parser bug must not stop a run: record it as a reject
        log.exception("parser bug on %s", url)
        raise ParseError("parser_bug", f"{type(exc).__name__}: {exc}") from exc


def choose_wire(page: Page):
    """(module, wire) of the wire whose own page this is.

    The URL the page was fetched from decides when it is a wire's; else the page's own
    canonical URL, and a canonical URL on any other site (a portal's or an issuer's copy of a
    release, a news site quoting one) makes it ``not_a_wire_page``, whatever its markup
    looks like. A page with neither (a file, a test server) is known by its wire's markup;
    markup that no wire module recognises is refused, never guessed into a wire."""
    for source in (page.url, page.canonical()):
        wire = wire_for_url(source)
        if wire:
            return next(m for m in _PARSERS if wire in m.WIRES.values()), wire
    host = _host(page.canonical())
    if host:
        raise ParseError("not_a_wire_page", f"the page's own URL is on {host}, not a wire's site")
    for module in _PARSERS:
        if module.looks_like(page):
            return module, next(iter(module.WIRES.values()))
    raise ParseError("not_a_wire_page", "no known wire's release markup on the page")


def _host(url: str | None) -> str | None:
    """The host of an absolute URL (``//host/...`` included), None for a relative one."""
    if not url or "//" not in url:
        return None
    try:
        return (urlsplit(url.strip()).hostname or "").lower() or None
    except ValueError:  # "http://[::1" and other hosts that are not one
        return None

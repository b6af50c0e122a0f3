"""Release pages to records: ``parse_release(content, url, declared=...)``.

One module per wire (the way fundus keeps one parser per publisher), all behind this one
function; each wire's declaration (:mod:`newswire.wires`) names its module. The wire is
chosen by :func:`choose_wire`, which refuses a page it cannot tie to a known wire instead of
guessing; a run (or ``newswire parse --source``) says which source it reads and from which
site (:class:`DeclaredSource`). Any input gives a record or a :class:`ParseError` with a
reason; nothing else escapes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from newswire import wires
from newswire.parsing.document import Page, load
from newswire.parsing.errors import ParseError

__all__ = [
    "PARSER_VERSION",
    "DeclaredSource",
    "ParseError",
    "choose_wire",
    "parse_release",
    "wire_for_url",
]

# Bump when a change alters what the parser outputs for a page already stored: the
# warehouse records it per release version and `newswire reparse` catches up.
PARSER_VERSION = "2026.12.06"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeclaredSource:
    """What a run was asked to read: the ``source`` (its name) and the ``base_url`` of the
    site it reads it from, the wire's own or a mirror of it."""

    source: str
    base_url: str

    def __post_init__(self):
        wires.get(self.source)  # a source no wire declares is a caller's mistake: say so now

    @property
    def host(self) -> str | None:
        return _host(self.base_url if "//" in self.base_url else "//" + self.base_url)

    def holds(self, url: str) -> bool:
        """Whether ``url`` (absolute) is on the declared site or on a wire's own site."""
        host = _host(url)
        return host == self.host or wire_for_url(url) is not None


def wire_for_url(url: str | None) -> str | None:
    """The wire a URL's host belongs to ("www.prnewswire.com" -> "prnewswire")."""
    if not url:
        return None
    host = _host(url if "//" in url else "//" + url) or ""
    return next((wire.name for wire in wires.all() if wire.publishes_on(host)), None)


def parse_release(
    content: bytes | str,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    declared: DeclaredSource | None = None,
) -> dict:
    """Parse one release page. ``url`` is where it was fetched from (None for a file);
    ``http_charset`` is the charset of the HTTP Content-Type, when there was one;
    ``declared`` is the source the run reads (see :func:`choose_wire`)."""
    try:
        page = load(content, url, http_charset)
        module, wire = choose_wire(page, declared)
        return module.parse(page, wire)
    except ParseError:
        raise
    except RecursionError as exc:  # pathologically nested markup
        raise ParseError("too_deep", "the page nests elements too deeply") from exc
    except Exception as exc:  # a parser bug must not stop a run: record it as a reject
        log.exception("parser bug on %s", url)
        raise ParseError("parser_bug", f"{type(exc).__name__}: {exc}") from exc


def choose_wire(page: Page, declared: DeclaredSource | None = None):
    """(module, wire) of the wire whose own page this is.

    A page fetched from the ``declared`` source's site (or a file the caller declares, whose
    ``page.url`` is None) is that source's page when the URLs it states as its own
    (``og:url``, the canonical link) are on that site, on a wire's own site or relative: so a
    mirror of the wire, whose pages point at the mirror, is read as the wire. A page that
    states its own URL on any other site is ``not_a_wire_page`` even so, and so is a file
    that states none and shows none of the wire's markup (the fetch URL vouches for a
    fetched page; for a file there is nothing else).

    Without a declaration, or for a page fetched from elsewhere (a redirect), the URL the
    page was fetched from decides when it is a wire's; else the page's own canonical URL,
    and a canonical URL on any other site (a portal's or an issuer's copy of a release, a
    news site quoting one) makes it ``not_a_wire_page``, whatever its markup looks like. A
    page with neither (a file, a test server) is known by its wire's markup; markup that no
    wire module recognises is refused, never guessed into a wire."""
    if declared is not None and (page.url is None or declared.holds(page.url)):
        module = wires.get(declared.source).parser_module()
        stated = [own for own in (page.first_meta("og:url"), page.canonical_link) if _host(own)]
        for own in stated:
            if not declared.holds(own):
                raise ParseError(
                    "not_a_wire_page",
                    f"the page's own URL is on {_host(own)}, not on {declared.source}'s site"
                    f" {declared.host} or a wire's",
                )
        if page.url or stated or module.looks_like(page):
            return module, declared.source
        raise ParseError(
            "not_a_wire_page",
            f"a file that states no URL of its own and has no {declared.source} release markup",
        )
    for url in (page.url, page.canonical()):
        wire = wire_for_url(url)
        if wire:
            return wires.get(wire).parser_module(), wire
    host = _host(page.canonical())
    if host:
        raise ParseError("not_a_wire_page", f"the page's own URL is on {host}, not a wire's site")
    for wire in _narrowest_first():
        module = wire.parser_module()
        if module.looks_like(page):
            return module, wire.name
    raise ParseError("not_a_wire_page", "no known wire's release markup on the page")


def _narrowest_first() -> list[wires.Wire]:
    """Every wire, one whose markup narrows another's (``Wire.narrows``: newswire.ca's is
    PR Newswire's template with a /CNW/ dateline) before that one, so a page is known by the
    most specific markup it shows."""

    def depth(wire: wires.Wire) -> int:
        return 0 if wire.narrows is None else 1 + depth(wires.get(wire.narrows))

    return sorted(wires.all(), key=depth, reverse=True)


def _host(url: str | None) -> str | None:
    """The host of an absolute URL (``//host/...`` included), None for a relative one."""
    if not url or "//" not in url:
        return None
    try:
        return (urlsplit(url.strip()).hostname or "").lower() or None
    except ValueError:  # "http://[::1" and other hosts that are not one
        return None

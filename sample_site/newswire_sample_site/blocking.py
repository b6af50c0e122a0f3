"""The bot management in front of the real site (``docs/prnewswire-site.md``: "expect 403s
and challenge pages"), off unless asked for:

* ``feed_moved``: the feed answers 301 to its path with a trailing slash, which 404s (seen
  by a live probe of another project);
* ``feed_challenge``: the feed answers 200 with an HTML challenge page instead of RSS;
* ``forbid``: every page but robots.txt answers 403 with that challenge page;
* ``forbid_listing``: only the listing pages do.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

CHALLENGE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body>"
    b"<h1>Please verify you are a human</h1><p>Access to this page has been denied because"
    b" we believe you are using automation tools to browse the website.</p></body></html>"
)
_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Blocking:
    feed_moved: bool = False
    feed_challenge: bool = False
    forbid: bool = False
    forbid_listing: bool = False

    def answer(
        self, path: str, feed_path: str, listing_path: str
    ) -> tuple[str, int, dict, bytes] | None:
        """``(kind, status, headers, body)`` when bot management answers ``path`` itself."""
        if self.forbid or (self.forbid_listing and path == listing_path):
            return "forbidden", HTTPStatus.FORBIDDEN, {"Content-Type": _HTML}, CHALLENGE_PAGE
        if self.feed_moved and path == feed_path:
            return "feed_moved", HTTPStatus.MOVED_PERMANENTLY, {"Location": feed_path + "/"}, b""
        if self.feed_challenge and path == feed_path:
            return "challenge", HTTPStatus.OK, {"Content-Type": _HTML}, CHALLENGE_PAGE
        return None

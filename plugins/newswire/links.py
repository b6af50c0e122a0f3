"""The one rule for a link that a page or an alert renders: only an http(s) URL becomes a
link. Text from the warehouse is a stranger's (a parsed page, or a row an analyst typed in
SQL): a ``javascript:`` or ``data:`` URL in it must stay text, wherever it is shown."""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("http", "https")


def web_url(value: str | None) -> str:
    """``value`` if it is an absolute http(s) URL with a host, else "": what may go in an
    href. Leading and embedded control characters and spaces are refused as browsers strip
    them (``" javascript:..."``, ``"java\\tscript:..."`` would run)."""
    if not value or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced "[" in the host
        return ""
    if parts.scheme.lower() in SCHEMES and parts.netloc:
        return value
    return ""

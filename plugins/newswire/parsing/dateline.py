"""The dateline that opens a release: "BEIJING, Feb. 19, 2025 /PRNewswire/ -- ".

It is split off the first paragraph into ``dateline_location`` and ``dateline_date``; the
body starts after it. Shapes: PR Newswire and Cision (``/PRNewswire/``,
``/PRNewswire-USNewswire/``, ``/CNW/``, any ``/Tag/``), GlobeNewswire
(``(GLOBE NEWSWIRE)``), Marketwired and Business Wire (``CITY--(Marketwired - April 06,
2016) -``, ``CITY--(BUSINESS WIRE)--``). Dashes: ``--``, ``-``, en and em dashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from newswire.parsing.dates import DATE_PATTERN, parse_date

_DASH = r"(?:--|—|–|-)"
_LOCATION = r"(?P<location>[^\n]{2,120}?)"
_SHAPES = (
    # LOCATION, DATE /PRNewswire/ --    LOCATION, DATE (GLOBE NEWSWIRE) --
    re.compile(
        rf"^{_LOCATION},\s*(?P<date>{DATE_PATTERN})\s*(?P<tag>/[^/\n]{{2,40}}/|\([A-Z][^()\n]{{2,40}}\))\s*{_DASH}?\s*"
    ),
    # LOCATION--(Marketwired - DATE) -    LOCATION--(BUSINESS WIRE)--
    re.compile(
        rf"^{_LOCATION}\s*{_DASH}\s*\((?P<tag>[^()\n]{{2,40}}?)(?:\s*{_DASH}\s*(?P<date>{DATE_PATTERN}))?\)\s*{_DASH}?\s*"
    ),
)


# The tags that name a wire: they make a dateline the wire's anchor in a page's text, where
# a bare "CITY, Date (Reuters) -" or "(AP) --" of a quoted news story does not.
_WIRE_TAG = re.compile(r"PRNewswire|\bCNW\b|GLOBE\s?NEWSWIRE|Marketwired?|BUSINESS\s?WIRE", re.I)


@dataclass(frozen=True)
class Dateline:
    location: str
    date: date | None
    rest: str  # the paragraph after the dateline
    wire: bool = False  # its tag names a wire ("/PRNewswire/", "(GLOBE NEWSWIRE)", ...)


def split_dateline(paragraph: str) -> Dateline | None:
    for shape in _SHAPES:
        m = shape.match(paragraph)
        if m and _plausible_location(m["location"]):
            return Dateline(
                m["location"].strip(" ,"),
                parse_date(m["date"] or ""),
                paragraph[m.end() :].strip(),
                bool(_WIRE_TAG.search(m["tag"])),
            )
    return None


def wire_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph`` when its tag names a wire, else None. The tag is
    part of the paragraph, so one that names no wire rules out the shapes' matching."""
    if not _WIRE_TAG.search(paragraph):
        return None
    dateline = split_dateline(paragraph)
    return dateline if dateline and dateline.wire else None


def _plausible_location(text: str) -> bool:
    # Datelines start with a capitalised place name; a sentence is not a location.
    return text[:1].isupper() and len(text.split()) <= 12 and "." not in text.rstrip(".")[-1:]

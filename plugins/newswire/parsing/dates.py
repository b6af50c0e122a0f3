"""Publication times and dateline dates as the wires write them.

"ET" is America/New_York, so the offset is -05:00 or -04:00 depending on the date; the
result is always an aware UTC datetime. On PR Newswire's 2015 and 2017 templates
``meta name="date"`` ends in ``Z`` but holds the Eastern clock time: :func:`parse_iso`
takes a flag for that.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "Feb. 19, 2025", "June 13, 2023", "April 06, 2016", "7 April 2017", "25 Apr, 2016"
DATE_PATTERN = rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})"
_DATE = re.compile(
    rf"(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})),?\s+(?P<y>\d{{4}})",
    re.I,
)
_VISIBLE = re.compile(
    rf"{_DATE.pattern},?\s+(?P<h>\d{{1,2}}):(?P<min>\d\d)\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*(?P<tz>ET|EST|EDT)\b",
    re.I,
)


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def parse_date(text: str) -> date | None:
    """The first date written like a dateline date in ``text``."""
    m = _DATE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m["y"]), _month(m["m1"] or m["m2"]), int(m["d1"] or m["d2"]))
    except (KeyError, ValueError):
        return None


def parse_visible_et(text: str) -> datetime | None:
    """ "Jun 13, 2023, 09:05 ET" or "25 Apr, 2016, 03:39 ET" -> UTC."""
    m = _VISIBLE.search(text or "")
    if not m:
        return None
    hour = int(m["h"])
    if m["ampm"]:
        hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
    try:
        local = datetime(
            int(m["y"]),
            _month(m["m1"] or m["m2"]),
            int(m["d1"] or m["d2"]),
            hour,
            int(m["min"]),
            tzinfo=EASTERN,
        )
    except (KeyError, ValueError):
        return None
    return local.astimezone(UTC)


def parse_iso(text: str | None, *, z_is_eastern: bool = False) -> datetime | None:
    """An ISO 8601 time -> UTC. A time without offset, or (with ``z_is_eastern``) one that
    ends in ``Z``, is read as Eastern clock time."""
    if not text:
        return None
    text = text.strip()
    eastern = text.endswith(("Z", "z")) and z_is_eastern
    if eastern:
        text = text[:-1]
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None or eastern:
        value = value.replace(tzinfo=EASTERN)
    if not 1990 <= value.year <= 2200:
        return None
    return value.astimezone(UTC)


def has_offset(text: str | None) -> bool:
    """True for an ISO time with an explicit numeric offset such as ``-04:00``."""
    return bool(text and re.search(r"[+-]\d\d:?\d\d$", text.strip()))


def iso_utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None

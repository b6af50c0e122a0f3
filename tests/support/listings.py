"""The real listing captures of ``../shared/fixtures/listings/`` (Markdown conversions of
prnewswire.com category listings, May 2025) served back as listing HTML.

A capture keeps each card's link, order and visible time as the site printed them, not its
tags; :func:`listing_html` puts them back in the site's card markup
(``a.newsreleaseconsolidatelink`` > ``h3`` > ``small``), so discovery reads them as it
reads the live site.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from html import escape

from tests.support.corpus import LABELS, shared

_CARD_END = re.compile(r"---\]\((/news-releases/[^)\s]+\.html)\)")
_CARD_TIME = re.compile(r"^\[?### ((?:[A-Z][a-z]{2} \d{2}, \d{4}, )?\d\d:\d\d ET) (.*)$", re.M)


@dataclass(frozen=True)
class Card:
    path: str
    visible_time: str
    title: str


@dataclass(frozen=True)
class Capture:
    name: str
    captured_at: datetime  # when the page was saved: the site's clock for its time-only cards
    cards: tuple[Card, ...]


def captures() -> list[Capture]:
    """Every listing capture, with its capture time from ``labels/listings.tsv``; the calling
    test skips when the captures are absent."""
    folder = shared("listings")
    return [
        Capture(name, captured_at, _cards((folder / name).read_text(encoding="utf-8")))
        for name, captured_at in _index().items()
    ]


def capture_names() -> list[str]:
    """The captures' file names, known without the captures themselves (for test ids)."""
    return list(_index())


def capture(name: str) -> Capture:
    (found,) = [c for c in captures() if c.name == name]
    return found


def robots_txt() -> bytes:
    """The real robots.txt of www.prnewswire.com (2019), as kept by Protego's tests."""
    return shared("listings", "prnewswire_robots_2019.txt").read_bytes()


def _index() -> dict[str, datetime]:
    with open(LABELS / "listings.tsv", encoding="utf-8") as index:
        rows = [row for row in csv.DictReader(index, delimiter="\t") if row["captured_at"]]
    return {row["file"]: datetime.fromisoformat(row["captured_at"]) for row in rows}


def _cards(markdown: str) -> tuple[Card, ...]:
    """The cards in page order: each one's Markdown link ends in ``---](<release path>)``
    and holds its ``### <time> <title>`` heading."""
    parts = _CARD_END.split(markdown)
    cards = []
    for text, path in zip(parts[0::2], parts[1::2]):
        heading = _CARD_TIME.findall(text)[-1]
        cards.append(Card(path, *heading))
    return tuple(cards)


def listing_html(cards: tuple[Card, ...]) -> bytes:
    body = "".join(
        f'<div class="card col-view"><a class="newsreleaseconsolidatelink display-outline'
        f' w-100" href="{escape(card.path)}"><div class="row"><h3><small>'
        f"{escape(card.visible_time)}</small> {escape(card.title)} </h3></div></a></div>"
        for card in cards
    )
    page = f'<!DOCTYPE html><html><body><div class="row newsCards">{body}</div></body></html>'
    return page.encode()

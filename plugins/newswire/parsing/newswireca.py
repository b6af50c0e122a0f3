"""Cision Canada (www.newswire.ca). Its pages use PR Newswire's 2017 template, so the
reading is :func:`newswire.parsing.prnewswire.parse`; what differs is here: ``/CNW/``
datelines with day-first dates ("OTTAWA, 7 April 2017 /CNW/ -"), no "News provided by"
line (the issuer heads the "Organization Profile" box, with its logo), contacts after the
``SOURCE`` line, no visible time, and English and French versions published as separate
releases (linked by ``hreflang``)."""

from __future__ import annotations

from newswire.parsing import prnewswire
from newswire.parsing.document import Page
from newswire.parsing.text import clean

WIRES = {"newswire.ca": "newswireca"}


def looks_like(page: Page) -> bool:
    return "/CNW/" in (page.first_meta("og:description", "description") or "")


def parse(page: Page, wire: str) -> dict:
    name = page.soup.select_one("div.well p.org-name")  # the first profile is the issuer's
    logo_holder = name.find_next_sibling("p") if name else None
    logo = logo_holder.find("img", src=True) if logo_holder else None
    return prnewswire.parse(page, wire, issuer=clean(name.get_text(" ")) if name else None,
                            issuer_logo=logo["src"] if logo else None)

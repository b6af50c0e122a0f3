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
    """A /CNW/ release in PR Newswire's template (a portal's copy has the dateline too)."""
    return "/CNW/" in (
        page.first_meta("og:description", "description") or ""
    ) and prnewswire.looks_like(page)


def parse(page: Page, wire: str) -> dict:
    names = page.root.xpath("(//div[contains(@class, 'well')]//p[contains(@class, 'org-name')])[1]")
    name = clean(names[0].text_content()) if names else None  # the first profile is the issuer's
    logos = page.root.xpath(
        "(//div[contains(@class, 'well')]//p[contains(@class, 'org-name')])[1]"
        "/following-sibling::p[1]//img/@src"
    )
    return prnewswire.parse(page, wire, issuer=name, issuer_logo=logos[0] if logos else None)

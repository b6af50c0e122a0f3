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


def looks_like(page: Page) -> bool:
    """A /CNW/ release in PR Newswire's template (a portal's copy has the dateline too)."""
    return "/CNW/" in (
        page.first_meta("og:description", "description") or ""
    ) and prnewswire.looks_like(page)


def parse(page: Page, wire: str) -> dict:
    name, logo, layer = _profile(page.root)
    return prnewswire.parse(page, wire, issuer=name, issuer_logo=logo, issuer_layer=layer)


def _profile(root) -> tuple[str | None, str | None, str]:
    """(issuer, its logo, layer) from the first "Organization Profile" box (the issuer's):
    by its classes, else by its heading."""
    names = root.xpath("(//div[contains(@class, 'well')]//p[contains(@class, 'org-name')])[1]")
    if names:
        logos = names[0].xpath("following-sibling::p[1]//img/@src")
        return clean(names[0].text_content()), logos[0] if logos else None, "rules"
    for heading in root.iter("h2", "h3", "h4"):
        if clean(heading.text_content()).lower() == "organization profile":
            box = heading.getparent()
            box = box.getparent() if box.tag == "header" else box
            name = next((p for p in box.iter("p") if clean(p.text_content())), None)
            if name is None:
                return None, None, "rules"
            logos = name.xpath("following-sibling::p[1]//img/@src")
            return clean(name.text_content()), logos[0] if logos else None, "headings"
    return None, None, "rules"

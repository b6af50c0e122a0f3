"""Cision Canada (www.newswire.ca), on the same Cision platform as PR Newswire: the same
feed, listing and release URLs (the newswire.ca release page links
``/news-releases/news-releases-list/``) and PR Newswire's 2017 page template with a
``/CNW/`` dateline, so its markup narrows PR Newswire's. Its title is the template's bare
h1, read as the heading structure on every page: not one of its rule fields."""

from newswire.wires import Wire, register
from newswire.wires.prnewswire import WIRE as PRNEWSWIRE

WIRE = register(
    Wire(
        name="newswireca",
        hosts=("www.newswire.ca", "newswire.ca"),
        base_url="https://www.newswire.ca",
        base_url_env="NEWSWIRECA_BASE_URL",
        feeds=PRNEWSWIRE.feeds,
        feeds_env=("NEWSWIRE_NEWSWIRECA_FEEDS",),
        listing=PRNEWSWIRE.listing,
        release_path=PRNEWSWIRE.release_path,
        parser="newswire.parsing.newswireca",
        rule_fields=("issuer", "published_at", "body_text"),
        narrows=PRNEWSWIRE.name,
    )
)

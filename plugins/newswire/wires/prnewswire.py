"""PR Newswire (www.prnewswire.com), the wire newswire began with.

Its declaration lives here, not in its parser module (:mod:`newswire.parsing.prnewswire`):
reading it must not load lxml. What it says comes from the real site: the release URLs end
in ``-<id>.html``, the listing jumps to an hour with ``?month=M&day=D&year=Y&hour=H``, and
robots.txt lists the news sitemap.
"""

import re

from newswire.wires import Listing, Wire, register

WIRE = register(
    Wire(
        name="prnewswire",
        hosts=("www.prnewswire.com", "prnewswire.com"),
        base_url="https://www.prnewswire.com",
        base_url_env="PRNEWSWIRE_BASE_URL",
        feeds=("/rss/news-releases-list.rss",),
        # NEWSWIRE_FEEDS is its older name, from before there was more than one wire
        feeds_env=("NEWSWIRE_PRNEWSWIRE_FEEDS", "NEWSWIRE_FEEDS"),
        listing=Listing("/news-releases/news-releases-list/", date_jump=True),
        release_path=re.compile(r"^/news-releases/[^/]*?-(\d{6,12})\.html$"),
        parser="newswire.parsing.prnewswire",
        rule_fields=("title", "issuer", "published_at", "body_text"),
        news_sitemap="/sitemap-news.xml",
        sample_renderer="newswire_sample_site.render",
    )
)

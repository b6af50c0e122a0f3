"""GlobeNewswire (www.globenewswire.com), which also carries the former Marketwired
releases. Its release pages link ``/newsroom`` and ``/rss/list``; its feeds live under
``/RssFeed/...`` and its release URLs are
``/news-release/YYYY/MM/DD/<id>/<n>/<lang>/<slug>.html``."""

import re

from newswire.wires import Listing, Wire, register

WIRE = register(
    Wire(
        name="globenewswire",
        hosts=("www.globenewswire.com", "globenewswire.com"),
        base_url="https://www.globenewswire.com",
        base_url_env="GLOBENEWSWIRE_BASE_URL",
        feeds=(
            "/RssFeed/orgclass/1/feedTitle/GlobeNewswire%20-%20News%20about%20Public%20Companies",
        ),
        feeds_env=("NEWSWIRE_GLOBENEWSWIRE_FEEDS",),
        listing=Listing(
            "/newsroom", size_param="pageSize", pagesize=50, card="li.row", card_time="time"
        ),
        release_path=re.compile(r"^/news-release/\d{4}/\d\d/\d\d/(\d+)/\d+/[a-z]{2}/[^/]+\.html$"),
        parser="newswire.parsing.globenewswire",
        rule_fields=("title", "issuer", "published_at", "body_text"),
        sample_renderer="newswire_sample_site.globe",
    )
)

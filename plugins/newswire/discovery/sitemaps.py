"""News sitemaps (``/sitemap-news.xml``, a sitemap index of news sitemaps, as robots.txt
lists it): the releases of the last two days or so, with their publication times. Discovery
reads them when the listing cannot be read, so a listing that is down does not lose the
recent releases.
"""

from __future__ import annotations

from lxml import etree

from newswire.discovery.items import Discovered, same_site
from newswire.fetching.client import FetchError, PoliteClient
from newswire.parsing.dates import parse_iso
from newswire.wires import Wire

MAX_SITEMAPS = 10  # news sitemaps read from one index
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def read_news_sitemaps(client: PoliteClient, wire: Wire, path: str) -> list[Discovered]:
    """The releases in the sitemap at ``path`` (an index is followed, boundedly)."""
    root = _get(client, client.base_url + path)
    if etree.QName(root).localname == "sitemapindex":
        locs = root.xpath("sm:sitemap/sm:loc/text()", namespaces=_NS)[:MAX_SITEMAPS]
        roots = [_get(client, same_site(client.base_url, loc.strip())) for loc in locs]
    else:
        roots = [root]
    items = []
    for urlset in roots:
        for url in urlset.xpath("sm:url", namespaces=_NS):
            link = same_site(client.base_url, url.findtext("sm:loc", "", _NS).strip())
            release_id = wire.release_id(link)
            if release_id:
                when = url.findtext("news:news/news:publication_date", None, _NS)
                when = when or url.findtext("sm:lastmod", None, _NS)
                items.append(Discovered(link, release_id, wire.name, parse_iso(when)))
    return items


def _get(client: PoliteClient, url: str):
    page = client.get(url, expect=("xml",))
    try:
        return etree.fromstring(page.content, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FetchError("bad_sitemap", str(exc), page.status, url) from None

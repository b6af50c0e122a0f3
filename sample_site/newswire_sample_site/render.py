"""HTML and RSS for the sample site, in the real www.prnewswire.com templates.

Every text and attribute goes through :func:`html.escape`; the pages are built from the
release data (:mod:`newswire_sample_site.releases`), never from other HTML.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from email.utils import format_datetime
from html import escape

from newswire_sample_site import chrome
from newswire_sample_site.releases import Block, Run, SampleRelease
from newswire_sample_site.vocabulary import INDUSTRIES

LISTING_PATH = "/news-releases/news-releases-list/"
RSS_PATH = "/rss/news-releases-list.rss"


def newest_first(releases: Iterable[SampleRelease]) -> list[SampleRelease]:
    return sorted(releases, key=lambda r: r.sort_key, reverse=True)


# -- release page -------------------------------------------------------------------------


def render_release_page(rel: SampleRelease, also: Sequence[SampleRelease] = ()) -> str:
    """The full page of one release; ``also`` fills "Also from this source" (other releases
    of the same issuer, linked relatively like the real site)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  {chrome.HEAD_START}
{_release_head(rel)}
  {chrome.HEAD_END}
</head>
<body class="prncom prncom_news-releases inline-gallery-template news blue-theme">
{chrome.SITE_HEADER}
<main id="main">
  <script>var PRN_NEWS_ID = "{rel.release_id}";</script>
  <input type="hidden" id="logoWidth" value="200"/>
  <article class="news-release inline-gallery-template">
    {_release_header(rel)}
    <section class="release-body container ">
      <div class="row">
        <div class="col-lg-10 col-lg-offset-1">
{_release_body(rel)}
        </div>
      </div>
      {chrome.PROMO}
    </section>
    {chrome.FINANCIAL_MODAL}
  </article>
  {_read_more_explore(rel, also)}
  <input type="hidden" value="/etc.clientlibs/prncom/clientlibs/clientlibs-common/resources/js/page.template-b.js" id="jsFileName"/>
</main>
{_hidden_inputs(rel)}
{chrome.SITE_FOOTER}
</body>
</html>
"""


def _release_head(rel: SampleRelease) -> str:
    teaser = rel.description
    title, description, url = escape(rel.title), escape(teaser), escape(rel.url)
    keywords = escape(", ".join((rel.issuer.name, *rel.industries)))
    published = rel.published.isoformat()
    images = [url for url, _ in rel.gallery] + ([rel.logo] if rel.logo else [])
    og_images = "".join(
        f'\n  <meta property="og:image" content="{escape(i)}?p=facebook"/>' for i in images
    )
    twitter_image = (
        f'\n  <meta name="twitter:image" content="{escape(images[0])}?p=twitter"/>'
        if images
        else ""
    )
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@id": rel.url},
            "headline": rel.title,
            "image": [f"{i}?p=facebook" for i in images],
            "datePublished": published,
            "dateModified": published,
            "description": teaser,
            "publisher": {"@type": "Organization", "name": "Cision PR Newswire"},
        },
        ensure_ascii=False,
        indent=2,
    ).replace("</", "<\\/")
    return f"""  <meta itemprop="description" content="{description}"/>
  <meta name="description" content="{description}"/>
  <meta itemprop="inLanguage" http-equiv="Content-Language" content="en-US"/>
  <title>{title}</title>
  <meta name="author" content="{escape(rel.issuer.name)}"/>
  <meta name="Publisher" content="Cision PR Newswire"/>
  <meta name="geo.placename" content="{escape(rel.dateline_location)}, {escape(rel.dateline_date)}"/>
  <meta name="date" content="{published}"/>
  <meta itemprop="keywords" content="{keywords}"/>
  <meta name="keywords" content="{keywords}"/>
  <meta name="twitter:card" content="summary_large_image"/>
  <meta name="twitter:site" content="@PRNewswire"/>
  <meta name="twitter:title" content="{title}"/>
  <meta name="twitter:description" content="{description}"/>{twitter_image}
  <meta property="og:title" content="{title}"/>
  <meta property="og:type" content="articles"/>
  <meta property="og:description" content="{description}"/>{og_images}
  <meta property="og:url" content="{url}"/>
  <meta name="robots" content="index, follow, max-image-preview:large"/>
  <link rel="canonical" href="{url}"/>
  <meta id="sharingTitle" content="{title}"/>
  <script type="application/ld+json">
{json_ld}
  </script>"""


def _release_header(rel: SampleRelease) -> str:
    subtitles = "".join(
        f'\n              <p class="subtitle">{"- " if rel.subtitle_dash else ""}{escape(s)}</p>'
        for s in rel.subtitles
    )
    title = escape(rel.title)
    return f"""<header class="container release-header">
      <div class="custom-container">
        <div class="row">
          <div class="col-sm-12">
            <div class="row detail-headline">
              <div class="col-sm-8 col-vcenter col-xs-12">
              <h1>{title}
					</h1>{subtitles}
              </div>
              <div class="col-sm-4 col-xs-12 col-vcenter">{_logo(rel)}
              </div>
            </div>
          </div>
        </div>
        <div class="row"><div class="col-sm-12"><hr/></div></div>
        <input type="hidden" id="isWhatsApp" value="enabled"/>
        <div class="row">
          <div class="col-lg-8 col-md-8 col-sm-7 swaping-class-left">
            <h2 class="meta">News provided by</h2>
            <a href="/news/{escape(rel.issuer.slug)}/">
              <strong>{escape(rel.issuer.name)}
                <span aria-hidden="true" class="btb bt-long-arrow-right"></span>
              </strong>
            </a>
            <p class="mb-no">{escape(rel.visible_time)}</p>
          </div>
          <div class="col-lg-4 col-md-4 col-sm-5 swaping-class-right">
            {_share_bar(rel)}
          </div>
        </div>
        <div class="row"><div class="col-sm-12 col-xs-12"><hr/></div></div>
      </div>
    </header>"""


def _logo(rel: SampleRelease) -> str:
    """The header logo: like the real page, the ``img`` has no ``src`` (lazy-loaded from
    ``data-getimg``); the plain URL is in ``data-download-url``."""
    if not rel.logo:
        return ""
    logo, alt = escape(rel.logo), escape(f"(PRNewsfoto/{rel.issuer.short})")
    return f"""
                <div class="image logo logo-wrapper" data-asset-label="Logo" data-asset-type="photo" data-download-url="{logo}" data-src="{logo}?p=publish" data-tweet-text="{alt}" data-twitter-share-url="{logo}?p=twitter">
                  <a class="tablogofocus" href="#" role="button"><img alt="{alt}" class="img-responsive" data-getimg="{logo}?w=200" loading="lazy" title="{alt}"/></a>
                </div>"""


def _share_bar(rel: SampleRelease) -> str:
    items = "".join(
        f"""
                <a aria-label="{name} sharing" class="btn-{name}" href="javascript:;" onclick="sharing_url('{name}','top nav','www.prnewswire.com')">
                  <li class="social-{name}"><span aria-hidden="true"><i class="fab fab-{name}"></i></span></li>
                </a>"""
        for name in ("facebook", "linkedin", "whatsapp", "pinterest")
    )
    return f"""<div class="social-share-circle pull-right hidden-xs">
              <h2 class="meta text-uppercase mb-s">Share this article</h2>
              <div class="social-links">
                <ul class="list-unstyled">
                <a aria-label="twitter sharing" class="btn-twitter" data-tweet-text="{escape(rel.title)}" data-twitter-share-url="{escape(rel.url)}" href="javascript:;" onclick="shareIt(this,'Twitter','top nav')">
                  <li class="social-twitter"><span aria-hidden="true"><i class="fab fab-twitter"></i></span></li>
                </a>{items}
                </ul>
              </div>
            </div>"""


def _release_body(rel: SampleRelease) -> str:
    """The body container: dateline paragraph, continue-reading, gallery, the second
    paragraph nested in ``p#continue-jump`` (invalid nesting, as on the real page), the
    rest, the contacts paragraph, the SOURCE line and the tracking pixel."""
    first, second, *rest = rel.blocks
    parts = [
        f"          {_block(first, rel)}",
        """          <div class="continue-reading text-center mt-xl visible-xs-block">
            <span><a class="smooth-scroll" href="#continue-jump">Continue Reading<br/><i class="btr bt-angle-down mt-md"></i></a></span>
          </div>""",
    ]
    if rel.gallery:
        parts.append(_gallery(rel))
    parts.append(
        f'          <p id="continue-jump">\n            {_block(second, rel)}\n          </p>'
    )
    parts += [f"          {_block(block, rel)}" for block in rest]
    if rel.contacts:
        parts.append(f"          {_contacts(rel)}")
    parts.append(f"          <p>SOURCE {escape(rel.source_org)}</p>{_tracking_pixel(rel)}")
    return "\n".join(parts)


def _block(block: Block, rel: SampleRelease) -> str:
    if block.kind == "p":
        return "<p>" + "".join(_run(run, rel) for run in block.content) + "</p>"
    if block.kind == "heading":
        return f"<p><b>{_text(block.content)}</b></p>"
    if block.kind == "wcag-heading":
        return (
            '<div aria-level="3" class="wcag-arialevel-3" role="heading" style="display: block;'
            f' font-size: 1.17em; font-weight: bold;"> <b>{_text(block.content)}</b> </div>'
        )
    if block.kind == "ul":
        items = "".join(f"\n            <li>{_text(item)}</li>" for item in block.content)
        return f'<ul type="disc">{items}\n          </ul>'
    return _table(block)


def _run(run: Run, rel: SampleRelease) -> str:
    text = _text(run.text)
    if run.kind == "text":
        return text.replace("\u00a0", "&nbsp;")
    if run.kind == "person":
        name = unicodedata.normalize("NFD", text) if rel.nfd_names else text
        return f'<span class="xn-person">{name}</span>'
    if run.kind in ("location", "chron"):
        return f'<span class="xn-{run.kind}">{text}</span>'
    if run.kind in ("dl-location", "dl-chron"):
        return f'<span class="legendSpanClass"><span class="xn-{run.kind[3:]}">{text}</span></span>'
    if run.kind == "link":
        return f'<u><a href="{escape(run.href)}" rel="nofollow" target="_blank">{text}</a></u>'
    return f'<a class="ticket-symbol" data-toggle="modal" href="#financial-modal">{text}</a>'


def _text(text: str) -> str:
    """Escape element text; quotes stay literal like on the real pages."""
    return escape(text, quote=False)


def _table(block: Block) -> str:
    width = max(len(row) for row in block.content)
    rows = "".join(
        "\n              <tr>"
        + "".join(_cell(cell, width if len(row) == 1 else 1) for cell in row)
        + "</tr>"
        for row in block.content
    )
    return (
        f'{chrome.TABLE_STYLE}\n          <div class="table-responsive">'
        f'\n            <table class="prntbl" border="0" cellspacing="0" cellpadding="0">{rows}'
        "\n            </table>\n          </div>"
    )


def _cell(cell: str, colspan: int) -> str:
    """A table cell as the wire writes it: the text in ``p > span``, a line break as
    ``<br class="dnr"/>`` and a newline in the source, an empty cell as a lone ``<br>``."""
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    if not cell:
        return f'<td class="prngen24"{span}><br class="dnr"/></td>'
    text = '<br class="dnr"/>\n'.join(
        _text(line).replace("\u00a0", "&nbsp;") for line in cell.split("\n")
    )
    return f'<td class="prngen2"{span}><p class="prnews_p"><span class="prnews_span">{text}</span></p></td>'


def _gallery(rel: SampleRelease) -> str:
    figures = "".join(
        f"""
                  <figure>
                    <div class="image lightbox-item" data-src="{escape(url)}?p=publish" data-asset-type="photo" data-sub-html="{escape(caption)}" data-download-url="{escape(url)}?p=publish">
                      <a href="#" class="tabfocus" role="button"><img title="{escape(caption)}" data-getimg="{escape(url)}?w=600" alt="{escape(caption)}" class="gallery-thumb img-responsive" rel="newsImage" itemprop="contentUrl" loading="lazy"/></a>
                    </div>
                    <figcaption>
                      {escape(caption)}
                    </figcaption>
                  </figure>"""
        for url, caption in rel.gallery
    )
    return f"""          <div class="pull-right inline-gallery-container col-md-8 col-sm-7 col-xs-12">
            <div class="gallery inline-gallery">
              <div class="row">
                <div class="col-sm-12 clearfix">{figures}
                </div>
              </div>
            </div>
          </div>"""


def _contacts(rel: SampleRelease) -> str:
    """``<p><b>Media Contact:</b><br/>Name<br/>[Agency<br/>]email link<br/>phone</p>``"""
    label, name, *middle, email, phone = rel.contacts
    lines = [
        f"<b>{escape(label)}</b>",
        f'<span class="xn-person">{escape(name)}</span>',
        *(escape(line) for line in middle),
        f'<u><a href="mailto:{escape(email)}" rel="nofollow" target="_blank">{escape(email)}</a></u>',
        escape(phone),
    ]
    return "<p>" + "<br/>".join(lines) + "</p>"


def _tracking_pixel(rel: SampleRelease) -> str:
    item = f"CN{rel.release_id[-5:]}"
    stamp = rel.published
    return (
        f'<img alt="" src="https://rt.prnewswire.com/rt.gif?NewsItemId={item}&amp;Transmission_Id='
        f'{stamp:%Y%m%d%H%M}PR_NEWS_USPR_____{item}&amp;DateId={stamp:%Y%m%d}" '
        'style="border:0px; width:1px; height:1px;"/>'
    )


def _read_more_explore(rel: SampleRelease, also: Sequence[SampleRelease]) -> str:
    teasers = "".join(
        f"""
          <div class="row" role="group" aria-label="Also From this Source">
            <div class="col-sm-3"><a href="{escape(other.slug)}-{other.release_id}.html"><div class="imgSec photo-wrap"><img src="{escape(other.logo or "/content/dam/prnewswire/common/prn_placeholder.png")}?w=300" alt="{escape(other.title)}" loading="lazy"/></div></a></div>
            <div class="col-sm-9"><div class="contentSec">
              <a class="omniture-news-release-readMore-clicks" href="{escape(other.slug)}-{other.release_id}.html" title="">
                <h3 class="heading3">{escape(other.title)} </h3>
                <p>{escape(other.description)}</p>
              </a>
            </div></div>
          </div>"""
        for other in also
    )
    industries = "".join(
        f"""
            <div class="col-sm-6 col-xs-6 py-7" role="group" aria-label="category">
              <a href="/news-releases/{i.section}/{i.list_slug}/"><div class="imgSec"><img src="/content/dam/prnewswire/subject-and-industry-code-images/{i.code}.jpg" alt="{escape(i.name)}" title=""/></div></a>
              <p class="img-title"><a href="/news-releases/{i.section}/{i.list_slug}/">{escape(i.name)}</a></p>
            </div>"""
        for i in (INDUSTRIES[name] for name in rel.industries)
    )
    return f"""<section class="container read-more-explore" id="js-mkt-promo-hook-legacy">
    <div class="row">
      <div class="col-lg-10 col-lg-offset-1">
        <div class="row releaseList-section">
        <div class="col-sm-8 source-section">
          <h2 class="heading2">Also from this source</h2>{teasers}
          <a href="/news/{escape(rel.issuer.slug)}/" class="prweb-textlink">More Releases From This Source
          {chrome.ARROW_SVG}</a>
        </div>
        <div class="col-sm-4 explore-section">
          <h2 class="heading2">Explore</h2>
          <div class="row">{industries}
          </div>
          <a href="/news-releases/" class="prweb-textlink no-border">News Releases in Similar Topics</a>
        </div>
        </div>
      </div>
    </div>
  </section>"""


def _hidden_inputs(rel: SampleRelease) -> str:
    transmission = f"{rel.published:%Y%m%d%H%M}PR_NEWS_USPR_____CN{rel.release_id[-5:]}"
    codes = ",".join(INDUSTRIES[name].code for name in rel.industries)
    return f"""<input type="hidden" id="prop9" value="en-US"/>
<input type="hidden" id="prop35" value="{codes}"/>
<input type="hidden" id="prop26" value="{escape(rel.visible_time)}"/>
<input type="hidden" id="companies" value="{escape(rel.issuer.name)}"/>
<input type="hidden" id="transmissionId" value="{transmission}"/>
<input type="hidden" id="evar78" value="{rel.published:%Y-%m-%d}"/>"""


# -- RSS ----------------------------------------------------------------------------------


def render_rss(releases: Iterable[SampleRelease], base_url: str, varied_dates: bool = False) -> str:
    """RSS 2.0 like ``/rss/news-releases-list.rss``: newest first, links on ``base_url``;
    ``varied_dates`` writes each ``pubDate`` in one of the shapes feeds use in the wild."""
    pubdate = _varied_pubdate if varied_dates else _rfc822
    items = newest_first(releases)
    built = _rfc822(items[0]) if items else "Tue, 01 Jan 2019 00:00:00 GMT"
    entries = "".join(rss_item(rel, base_url + rel.path, pubdate(rel)) for rel in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>PR Newswire: News Releases</title>
    <link>{_xml(base_url + LISTING_PATH)}</link>
    <description>PR Newswire: the latest news releases</description>
    <language>en-us</language>
    <lastBuildDate>{built}</lastBuildDate>{entries}
  </channel>
</rss>
"""


def rss_item(rel: SampleRelease, link: str, pubdate: str | None = None) -> str:
    """One ``<item>`` of the feed (indented to sit in its ``<channel>``), pointing at ``link``;
    ``pubdate`` as written (default: RFC 822 in GMT)."""
    return f"""
    <item>
      <title>{_xml(rel.title)}</title>
      <link>{_xml(link)}</link>
      <description>{_xml(rel.description)}</description>
      <pubDate>{pubdate or _rfc822(rel)}</pubDate>
      <guid isPermaLink="true">{_xml(link)}</guid>
    </item>"""


def _rfc822(rel: SampleRelease) -> str:
    return format_datetime(rel.published_utc, usegmt=True)


def _varied_pubdate(rel: SampleRelease) -> str:
    """The same instant as RFC 822 with GMT, ``-0000`` or an Eastern offset, with a bare
    ``ET``, or as ISO 8601 with an offset or ``Z`` (by the release's index)."""
    utc, local = rel.published_utc, rel.published
    return (
        format_datetime(utc, usegmt=True),
        format_datetime(utc.replace(tzinfo=None)),  # "-0000": UTC, local zone unknown
        format_datetime(local),
        format_datetime(local.replace(tzinfo=None)).removesuffix(" -0000") + " ET",
        local.isoformat(),
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )[rel.index % 6]


def _xml(text: str) -> str:
    return _text(text)


# -- listing pages ------------------------------------------------------------------------


def render_listing(
    releases: Sequence[SampleRelease],
    page: int,
    pagesize: int,
    base_url: str,
    today: date | None = None,
) -> str:
    """Page ``page`` (1-based) of ``/news-releases/news-releases-list/``, newest first.
    ``releases`` must already be sorted newest first (the server sorts once). Cards link
    with relative hrefs; past the end the list of cards is empty. Like the real site, a
    card of the site's Eastern ``today`` shows only its time ("09:36 ET")."""
    start = (page - 1) * pagesize
    shown = releases[start : start + pagesize]
    cards = "".join(_card(rel, today) for rel in shown)
    pages = []
    if page > 1:
        pages.append(
            f'<li><a href="?page={page - 1}&amp;pagesize={pagesize}" aria-label="Previous">&laquo;</a></li>'
        )
    pages.append(
        f'<li class="active"><a href="?page={page}&amp;pagesize={pagesize}">{page}</a></li>'
    )
    if start + pagesize < len(releases):
        pages.append(
            f'<li><a href="?page={page + 1}&amp;pagesize={pagesize}" aria-label="Next">&raquo;</a></li>'
        )
    canonical = escape(f"{base_url}{LISTING_PATH}?page={page}&pagesize={pagesize}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  {chrome.HEAD_START}
  <title>News Releases List | PR Newswire</title>
  <meta name="description" content="The latest news releases from PR Newswire"/>
  <link rel="canonical" href="{canonical}"/>
  {chrome.HEAD_END}
</head>
<body class="prncom prncom_news-releases_news-releases-list">
{chrome.SITE_HEADER}
<main id="main">
  <section class="container">
    <div class="row"><div class="col-sm-12"><h1>News Releases</h1></div></div>
    <div class="row newsCards" lang="en-US">{cards}
    </div>
    <nav aria-label="pagination"><ul class="pagination">{"".join(pages)}</ul></nav>
  </section>
</main>
{chrome.SITE_FOOTER}
</body>
</html>
"""


def _card(rel: SampleRelease, today: date | None = None) -> str:
    image = (
        f'<div class="col-sm-4 col-lg-3 pl-0 pr-0"><div class="img-wrap"><img src="{escape(rel.logo)}?w=200" '
        f'alt="{escape(rel.title)}" loading="lazy"/></div></div>'
        if rel.logo
        else ""
    )
    return f"""
      <div class="card col-view">
        <a class="newsreleaseconsolidatelink display-outline w-100" href="{escape(rel.path)}">
          <div class="col-sm-12 card-list card-list-hr">
            <div class="row">
              <div class="col-sm-8 col-lg-9 pl-0 pr-0">
                <h3><small>{escape(_card_time(rel, today))}</small> {escape(rel.title)} </h3>
                <p class="remove-outline">{escape(rel.description)}</p>
              </div>{image}
            </div>
          </div>
        </a>
      </div>"""


def _card_time(rel: SampleRelease, today: date | None) -> str:
    if rel.published.date() == today:
        return f"{rel.published:%H:%M} ET"
    return rel.visible_time


# -- news sitemaps -------------------------------------------------------------------------


def render_news_sitemap_index(count: int, base_url: str) -> str:
    """``/sitemap-news.xml``: an index of ``count`` news sitemaps (one per Eastern day)."""
    entries = "".join(
        f"\n  <sitemap><loc>{_xml(base_url)}/sitemap-news-{n}.xml</loc></sitemap>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}\n'
        "</sitemapindex>\n"
    )


def render_news_sitemap(releases: Iterable[SampleRelease], base_url: str) -> str:
    """A news sitemap: each release's URL, publication time and title."""
    entries = "".join(
        f"""
  <url>
    <loc>{_xml(base_url + rel.path)}</loc>
    <news:news>
      <news:publication><news:name>PR Newswire</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>{rel.published.isoformat()}</news:publication_date>
      <news:title>{_xml(rel.title)}</news:title>
    </news:news>
  </url>"""
        for rel in releases
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}\n</urlset>\n'
    )


# -- robots.txt ---------------------------------------------------------------------------


def render_robots() -> str:
    return "User-agent: *\nDisallow: /account/\nDisallow: /search/\n"

"""The site chrome shared by every sample page: head boilerplate, navigation, footer, scripts.

Modelled on the real 2023 page (``prnewswire_2023_workday.html`` of the shared fixtures): a
parser must find the release inside all of this, and none of it links to a release page.
The pieces are built once at import; they do not vary per release.
"""

from __future__ import annotations

from html import escape

_NEWS_SECTIONS = (
    (
        "News in Focus",
        (
            ("Browse News Releases", "/news-releases/"),
            ("Multimedia Gallery", "/news-releases/multimedia/"),
            ("Trending Topics", "/news-releases/trending-topics/"),
        ),
    ),
    (
        "Business & Money",
        (
            ("Auto & Transportation", "/news-releases/auto-transportation-latest-news/"),
            ("Business Technology", "/news-releases/business-technology-latest-news/"),
            ("Financial Services & Investing", "/news-releases/financial-services-latest-news/"),
        ),
    ),
    (
        "Science & Tech",
        (
            ("Consumer Technology", "/news-releases/consumer-technology-latest-news/"),
            ("Energy & Natural Resources", "/news-releases/energy-latest-news/"),
            ("Environment", "/news-releases/environment-latest-news/"),
        ),
    ),
    (
        "Lifestyle & Health",
        (
            ("Consumer Products & Retail", "/news-releases/consumer-products-retail-latest-news/"),
            ("Health", "/news-releases/health-latest-news/"),
            ("Travel", "/news-releases/travel-latest-news/"),
        ),
    ),
    (
        "Policy & Public Interest",
        (("Policy & Public Interest", "/news-releases/policy-public-interest-latest-news/"),),
    ),
)
_UTILITY_LINKS = (
    ("Send a Release", "/account/online-membership-form/"),
    ("Client Login", "https://app.prnewswire.com/login/auto"),
    ("Resources", "/resources/"),
    ("Blog", "/resources/articles/"),
    ("Journalists", "https://prnmedia.prnewswire.com/"),
    ("RSS", "/rss/"),
)
_FOOTER_COLUMNS = (
    (
        "Contact PR Newswire",
        (
            ("Call PR Newswire at 888-776-0942", "tel:888-776-0942"),
            ("General Inquiries", "/contact-us/general-inquiries/"),
            ("Editorial Bureaus", "/contact-us/editorial-bureaus/"),
        ),
    ),
    (
        "Products",
        (
            ("Overview", "/products/overview/"),
            ("Distribution", "/products/distribution/"),
            ("Investor Relations", "/products/investor-relations/"),
        ),
    ),
    (
        "About",
        (
            ("About PR Newswire", "/about/"),
            ("About Cision", "https://www.cision.com/about/"),
            ("Become a Publishing Partner", "/distribution/"),
        ),
    ),
    (
        "My Services",
        (
            ("All News Releases", "/news-releases/"),
            ("Online Member Log In", "/account/"),
            ("Register for Free", "/account/register/"),
        ),
    ),
)


def _links(items, li_class: str = "") -> str:
    cls = f' class="{li_class}"' if li_class else ""
    return "\n".join(
        f'          <li{cls}><a href="{escape(href)}" target="_self">{escape(text)}</a></li>'
        for text, href in items
    )


def _build_header() -> str:
    panels = "\n".join(
        f"""      <li>
        <span>{escape(title)}</span>
        <ul class="tier-three">
{_links(links)}
        </ul>
      </li>"""
        for title, links in _NEWS_SECTIONS
    )
    return f"""<a href="https://www.cision.com/about/accessibility/" tabindex="0" class="skipNavLink screen-only">Accessibility Statement</a>
<a href="#main" tabindex="0" class="skipNavLink screen-only">Skip Navigation</a>
<div class="page-wrap">
<div>
  <header class="main-header visible-lg-block prnewswire">
    <section class="nav-junior">
      <div class="container">
        <nav class="navbar navbar-junior" aria-label="primary">
          <div>
            <ul class="nav navbar-nav">
{_links(_UTILITY_LINKS[2:5])}
            </ul>
            <ul class="nav navbar-nav navbar-right">
{_links(_UTILITY_LINKS[:2], "bg-brand-secondary")}
            </ul>
          </div>
        </nav>
      </div>
    </section>
    <section class="nav-main">
      <div class="container">
        <nav class="navbar navbar-default" aria-label="secondary">
          <div class="navbar-header">
            <a class="navbar-brand" href="/" target="_self"><img class="img-responsive" src="/content/dam/prnewswire/homepage/prn_cision_logo_desktop.png" title="Return to PR Newswire homepage" alt="Return to PR Newswire homepage" loading="lazy"/></a>
          </div>
          <ul class="nav navbar-nav">
            <li class="dropdown" id="news"><a href="/news-releases/" target="_self" data-subnav="news">News</a></li>
            <li class="dropdown" id="products"><a href="/products/overview/" target="_self" data-subnav="products">Products</a></li>
            <li class="dropdown" id="contact"><a href="/contact-us/" target="_self" data-subnav="contact">Contact</a></li>
          </ul>
          <script>
            var siteSearchProperties = '{{"viewAllorglabelHtml":"Organizations <span>View all<\\/span>","newsReleasePrefix":null}}';
            siteSearchProperties = JSON.parse(siteSearchProperties);
          </script>
          <div id="sitesearch">
            <form class="search-bar" action="/search/all/">
              <label class="search-label" id="SearchLabel" for="sitesearchbox">Search</label>
              <input type="text" id="sitesearchbox" name="keyword" autocomplete="off"/>
              <input type="hidden" id="siteValue" name="siteValue" value="prnewswire"/>
              <input type="hidden" id="langValue" name="langValue" value="en"/>
              <p class="text-muted qs-pending">Searching for your content...</p>
            </form>
          </div>
        </nav>
      </div>
    </section>
  </header>
  <nav id="nav-mobile">
    <div id="mm-panel-news" class="Panel parent-panel">
      <ul id="mm-news">
{panels}
{_links(_UTILITY_LINKS, "mm-footer")}
      </ul>
    </div>
  </nav>
</div>
</div>"""


def _build_footer() -> str:
    columns = "\n".join(
        f"""        <div class="col-sm-3 col-xs-12 hidden-xs">
          <div class="footer-head hidden-xs"><h2 class="omniture-footer-main">{escape(title)}</h2></div>
          <ul class="footer-links">
{_links(links)}
          </ul>
        </div>"""
        for title, links in _FOOTER_COLUMNS
    )
    return f"""<div>
<footer id="js-footer">
  <section class="main-footer">
    <div class="container">
      <div class="row">
{columns}
      </div>
    </div>
  </section>
  <section class="sub-footer">
    <div class="container">
      <div class="row">
        <div class="col-sm-12">
          <p>&copy; 2025 Cision US Inc. All Rights Reserved.</p>
          <ul class="list-inline">
            <li><a href="/terms-of-use/">Terms of Use</a></li>
            <li><a href="https://www.cision.com/legal/privacy-policy/">Privacy Policy</a></li>
            <li><a href="/sitemap/">Site Map</a></li>
            <li><a href="/rss/">RSS</a></li>
            <li><a href="#" class="optanon-toggle-display">Cookie Settings</a></li>
          </ul>
        </div>
      </div>
    </div>
  </section>
</footer>
</div>
<script src="/etc.clientlibs/prncom/clientlibs/share_clientlibs.min.js"></script>
<script src="/etc.clientlibs/prncom/clientlibs/clientlibs-common/resources/js/lib/require.js"></script>
<script>
  if (document.getElementById("jsFileName")) {{
    var jsFileName = document.getElementById("jsFileName").value;
    requirejs([jsFileName]);
  }}
  var promoHtml = "<div class=\\"newsFeaturedSection\\"><p>Send your release<\\/p><\\/div>";
</script>
<script src="/etc.clientlibs/prncom/clientlibs/clientlibs-common/resources/js/ticker_model.js"></script>
<a id="liveagent_button_online_573d0000000oLnn" href="javascript://Chat" style="display: none;"><!-- Online Chat Content --></a>
<div id="liveagent_button_offline_573d0000000oLnn" style="display: none;"><!-- Offline Chat Content --></div>
<script type="text/javascript">
  if (!window._laq) {{ window._laq = []; }}
  window._laq.push(function(){{ liveagent.showWhenOnline('573d0000000oLnn', document.getElementById('liveagent_button_online_573d0000000oLnn')); }});
</script>"""


HEAD_START = """<meta charset="utf-8"/>
  <meta content="IE=edge,chrome=1" http-equiv="X-UA-Compatible"/>
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <link rel="icon" href="/content/dam/prnewswire/icons/2019-Q4-PRN-Icon-32-32.png" type="image/png"/>
  <meta name="adobeLaunchScript" content="//assets.adobedtm.com/launch-ENb957f6e7383d4549b191e1190ed5476e.min"/>
  <script src="https://widgets.financialcontent.com/cision/stockquote.js" async></script>
  <script src="https://code.jquery.com/jquery-3.5.0.min.js"></script>
  <link rel="stylesheet" href="/etc.clientlibs/prncom/clientlibs/newspage-clientlibs.min.css" type="text/css"/>"""

HEAD_END = """<meta name="msvalidate.01" content="9D28F7743C790DD88F2D9C7375EF7ED5"/>
  <meta name="referrer" content="unsafe-url"/>
  <script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
  </script>"""

SITE_HEADER = _build_header()
SITE_FOOTER = _build_footer()

PROMO = """<div class="row">
        <div class="col-sm-10 col-sm-offset-1">
          <link rel="stylesheet" href="/etc.clientlibs/prncom/components/content/prnWidgetButton/clientlib.min.css" type="text/css">
          <div class="newsFeaturedSection ">
            <div class="newsFeaturedWrap">
              <div class="newsFeaturedHeading">
                <h2>WANT YOUR COMPANY'S NEWS <span>FEATURED ON PRNEWSWIRE.COM?</span></h2>
              </div>
              <div class="newFeaturedIcon">
                <div class="featuredIcon-col">
                  <div class="icon-bg"><img src="/content/dam/newsfeatured/icon3.png" alt="icon3"/></div>
                  <div class="icon-text">440k+<br />Newsrooms &amp;<br />Influencers</div>
                </div>
                <div class="featuredIcon-col">
                  <div class="icon-bg"><img src="/content/dam/newsfeatured/icon1.png" alt="icon1"/></div>
                  <div class="icon-text">9k+<br />Digital Media<br />Outlets</div>
                </div>
                <div class="featuredIcon-col">
                  <div class="icon-bg"><img src="/content/dam/newsfeatured/icon2.png" alt="icon2"/></div>
                  <div class="icon-text">270k+<br />Journalists<br />Opted In</div>
                </div>
              </div>
              <div class="bottom-section">
                <a href="https://www.prnewswire.com/account/online-membership-form/?site_refer=press-release-widget" class="btnCustom">GET STARTED</a>
              </div>
            </div>
          </div>
        </div>
      </div>"""

FINANCIAL_MODAL = """<div class="modal fade" id="financial-modal" tabindex="-1" role="dialog" aria-labelledby="financial-modalLabel" aria-modal="true">
      <div class="modal-dialog" role="document">
        <div class="modal-content" id="stock-modal-content">
          <div class="modal-header">
            <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
            <h3 class="modal-title" id="financial-modalLabel">Modal title</h3>
          </div>
        </div>
      </div>
    </div>"""

ARROW_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="19" height="13" viewBox="0 0 19 13" fill="none">
            <path d="M0 6H17.9444L9.97741 1" stroke="#E26540" stroke-width="2.07" stroke-linejoin="round"/>
            <path d="M17.9446 6L10.5557 12" stroke="#E26540" stroke-width="2.07" stroke-linejoin="round"/>
          </svg>"""

TABLE_STYLE = """<style>
/* Style Definitions */
span.prnews_span { font-size:8pt; font-family:"Arial"; color:black; }
p.prnews_p { font-size:0.62em; font-family:"Arial"; color:black; margin:0in; }
td.prngen2 { border-bottom:solid black 1.0pt; vertical-align:bottom; }
</style>"""

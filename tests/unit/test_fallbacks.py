"""Layered extraction: the wire's rules first, then, for a field they leave empty, what every
release page says whatever its classes (newswire.parsing.fallbacks), each field saying which
layer gave it (``field_sources``). Pages here are built by hand in the shapes the issue
names; the real pages under a template change are in test_template_changes.py."""

import json

import pytest

from newswire.parsing import ParseError, parse_release
from newswire.record import DERIVED_FIELDS, LAYERS, RELEASE_FIELDS, content_sha256
from tests.support.corpus import shared

URL = "https://www.prnewswire.com/news-releases/acme-opens-a-plant-302000001.html"


def _unknown_template(head: str = "", header: str = "", body: str = "") -> str:
    """A PR Newswire release in a template no rule knows: every class a hash."""
    return (
        f'<html lang="en"><head><meta name="Publisher" content="Cision PR Newswire">{head}'
        '</head><body><div class="x1f3a"><nav><a href="/">Home</a></nav>'
        f'<div class="x9c2e">{header or "<h1>Acme Opens a Plant</h1>"}</div>'
        '<div class="x77b0"><div class="x0d1c">'
        + (
            body
            or "<p>DALLAS, June 1, 2026 /PRNewswire/ -- Acme (NYSE: ACME) opened a plant.</p>"
            "<p>It employs 300.</p>"
            "<p>Media Contact:<br>Jane Doe<br>press@acme.example</p>"
            "<p>SOURCE Acme Corp.</p>"
        )
        + "</div></div></div></body></html>"
    )


def test_a_page_in_an_unknown_template_is_read_by_the_fallback_layers():
    head = (
        '<meta name="author" content="Acme Corp.">'
        '<meta property="article:published_time" content="2026-06-01T09:00:00-04:00">'
    )
    header = "<h1>Acme Opens a Plant</h1><p>Texas site doubles capacity</p>"
    record = parse_release(_unknown_template(head, header), URL)
    assert tuple(record) == RELEASE_FIELDS
    assert (record["title"], record["subtitle"]) == (
        "Acme Opens a Plant",
        "Texas site doubles capacity",
    )
    assert (record["issuer"], record["published_at"]) == ("Acme Corp.", "2026-06-01T13:00:00+00:00")
    assert (record["dateline_location"], record["dateline_date"]) == ("DALLAS", "2026-06-01")
    assert record["body_text"] == "Acme (NYSE: ACME) opened a plant.\n\nIt employs 300."
    assert record["contacts"] == "Media Contact:\nJane Doe\npress@acme.example"
    assert record["source_org"] == "Acme Corp."
    assert record["tickers"] == [{"exchange": "NYSE", "symbol": "ACME"}]
    assert record["field_sources"] == {
        "title": "headings",
        "subtitle": "headings",
        "issuer": "meta",
        "published_at": "meta",
        "dateline_location": "text",
        "source_org": "text",
        "tickers": "text",
        "language": "rules",  # html lang / meta, read alike on every template
        "body_text": "text",
        "contacts": "text",
        "dateline_date": "text",
    }


def test_field_sources_name_a_layer_for_every_non_empty_field_and_are_not_content():
    record = parse_release(_unknown_template(), URL)
    non_empty = {
        f for f in RELEASE_FIELDS if f not in DERIVED_FIELDS and record[f] not in (None, "", [])
    }
    assert set(record["field_sources"]) == non_empty
    assert set(record["field_sources"].values()) <= set(LAYERS)
    json.dumps(record)  # JSON-ready, as stored
    relabelled = {**record, "field_sources": {"title": "rules"}}
    assert content_sha256(relabelled) == record["content_sha256"]


def test_a_cut_json_ld_headline_yields_to_the_h1_it_begins():
    """JSON-LD and og:title headlines are cut at 100 characters on PR Newswire."""
    full = (
        "Acme and Globex Partner to Close the Skills Gap in Federal Government Agencies Across"
        " the United States"
    )
    cut = json.dumps({"@type": "NewsArticle", "headline": full[:90] + "..."})
    head = f'<script type="application/ld+json">{cut}</script>'
    record = parse_release(_unknown_template(head, f"<h1>{full}</h1>"), URL)
    assert (record["title"], record["field_sources"]["title"]) == (full, "headings")
    no_h1 = parse_release(_unknown_template(head, "<div>Acme news</div>"), URL)
    assert (no_h1["title"], no_h1["field_sources"]["title"]) == (full[:90] + "...", "jsonld")


@pytest.mark.parametrize("where", ["first", "eleventh", "oversized"])
def test_json_ld_is_read_within_bounds(where):
    """A stranger's page cannot make us parse megabytes of JSON: ten scripts of at most
    100,000 characters each are read, the rest is not."""
    from newswire.parsing.document import MAX_JSON_LD_CHARS, MAX_JSON_LD_SCRIPTS

    article = {"@type": "NewsArticle", "headline": "Acme Opens a Plant"}
    if where == "oversized":
        article["articleBody"] = "x" * MAX_JSON_LD_CHARS
    script = f'<script type="application/ld+json">{json.dumps(article)}</script>'
    junk = '<script type="application/ld+json">{"@type": "Thing"}</script>'
    head = script + junk if where == "first" else junk * MAX_JSON_LD_SCRIPTS + script
    if where == "oversized":
        head = script
    page = _unknown_template(head, "<div>Acme news</div>")
    if where == "first":
        assert parse_release(page, URL)["title"] == "Acme Opens a Plant"
        return
    with pytest.raises(ParseError) as caught:
        parse_release(page, URL)
    assert caught.value.reason == "missing_title"


def test_json_ld_gives_time_and_author_when_the_meta_tags_do_not():
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "Acme Opens a Plant",
            "datePublished": "2026-06-01T09:00:00-04:00",
            "author": {"@type": "Organization", "name": "Acme Corp."},
        }
    )
    head = f'<script type="application/ld+json">{ld}</script>'
    record = parse_release(_unknown_template(head), URL)
    assert (record["published_at"], record["issuer"]) == ("2026-06-01T13:00:00+00:00", "Acme Corp.")
    # The wire's time rule cross-checks the page's own signals, JSON-LD among them: a rule.
    assert record["field_sources"]["published_at"] == "rules"
    assert record["field_sources"]["issuer"] == "jsonld"


def test_without_author_the_source_line_names_the_issuer():
    record = parse_release(_unknown_template(), URL)
    assert (record["issuer"], record["field_sources"]["issuer"]) == ("Acme Corp.", "text")


def test_the_body_leaves_out_share_bars_captions_pop_ups_and_continue_reading():
    body = (
        "<p>Acme Opens Its Largest Plant</p>"  # a subhead before the dateline is text
        "<p>DALLAS, June 1, 2026 /PRNewswire/ -- Acme opened a plant.</p>"
        '<div class="xa"><a href="#more">Continue Reading</a></div>'
        '<div class="xb"><img src="https://mma.example/plant.jpg">'
        '<div class="xc">The new plant in Dallas.<span><a href="" onclick="share()">'
        '<img src="/fb.png"></a><a href="javascript:void(0)">Twitter</a></span></div></div>'
        '<div role="dialog" aria-hidden="true"><ul><li>Download</li></ul></div>'
        "<figure><img src='https://mma.example/x.jpg'>"
        "<figcaption>Photo credit: Acme</figcaption></figure>"
        '<p>Shares trade as <a href="" onclick="quote()">ACME</a> on the NYSE.</p>'
        "<p>SOURCE Acme Corp.</p>"
    )
    record = parse_release(_unknown_template(body=body), URL)
    assert record["body_text"] == (
        "Acme Opens Its Largest Plant\n\nAcme opened a plant.\n\nShares trade as ACME on the NYSE."
    )
    assert record["dateline_location"] == "DALLAS"


def test_a_page_without_a_dateline_anchor_or_known_body_is_no_release():
    page = _unknown_template(body="<p>Our latest news</p><p>SOURCE Acme Corp.</p>")
    with pytest.raises(ParseError) as caught:
        parse_release(page, URL)
    assert caught.value.reason == "not_a_release_page"


# -- recognising the wire's page -----------------------------------------------------------


@pytest.mark.parametrize(
    "publisher", ["Cision PR Newswire", "PR Newswire", "PRNewswire", "cision pr newswire"]
)
def test_the_wires_publisher_is_recognised_whatever_the_classes(publisher):
    page = _unknown_template().replace("Cision PR Newswire", publisher)
    assert parse_release(page)["wire"] == "prnewswire"  # a file: no URL to go by


def test_the_publisher_in_json_ld_is_enough():
    ld = json.dumps({"@type": "NewsArticle", "publisher": {"name": "Cision PR Newswire"}})
    page = _unknown_template().replace(
        '<meta name="Publisher" content="Cision PR Newswire">',
        f'<script type="application/ld+json">{ld}</script>',
    )
    assert parse_release(page)["wire"] == "prnewswire"


def test_the_2025_release_body_section_alone_is_the_wires_markup():
    page = (
        "<html><body><h1>Acme Opens a Plant</h1><section class='release-body container'>"
        "<p>DALLAS, June 1, 2026 /PRNewswire/ -- Acme opened a plant.</p>"
        "<p>SOURCE Acme Corp.</p></section></body></html>"
    )
    record = parse_release(page)
    assert (record["wire"], record["body_text"]) == ("prnewswire", "Acme opened a plant.")


def test_a_dateline_anchor_without_the_publisher_is_not_enough_to_be_the_wires_page():
    """Every copy of a release carries the wire's dateline (a SYS-CON copy even has no
    canonical URL): without the wire's markup or its name as publisher, a file is refused."""
    page = _unknown_template().replace('<meta name="Publisher" content="Cision PR Newswire">', "")
    with pytest.raises(ParseError) as caught:
        parse_release(page)
    assert caught.value.reason == "not_a_wire_page"


@pytest.mark.parametrize(
    "copy", ["cloudcomputingexpo2", "finance.yahoo.com", "mheducation", "wn.com"]
)
def test_real_copies_of_releases_are_still_not_the_wires_page(copy):
    """Recognising the wire by its publisher or its 2025 markup must not take in a portal's,
    a news site's or an issuer's copy (the SYS-CON one has no canonical URL at all)."""
    content = shared("copies", f"{copy}.html").read_bytes()
    for url in (None, f"https://{copy}.example/news/1"):
        with pytest.raises(ParseError) as caught:
            parse_release(content, url)
        assert caught.value.reason == "not_a_wire_page"


# -- the known misses, by general rules ----------------------------------------------------


def _known_template(body: str) -> str:
    return (
        "<html><head></head><body><article class='news-release'><header "
        "class='release-header'><h1>Acme Reports Results</h1></header>"
        "<section class='release-body container'><div class='row'><div class='col-lg-10'>"
        f"{body}</div></div></section></article></body></html>"
    )


def test_a_dateline_after_the_highlights_is_still_the_dateline():
    body = (
        "<p><b><i>Strong results across the business</i></b></p>"
        "<p><b>First Quarter Highlights</b></p><ul><li>Sales up 10%</li><li>EPS up 20%</li></ul>"
        "<p><b>Outlook</b></p><ul><li>Raised</li></ul>"
        "<p>CHICAGO, May 7, 2026 /PRNewswire/ -- Acme (NYSE: ACME) reported results.</p>"
        "<p>SOURCE Acme Corp.</p>"
    )
    record = parse_release(_known_template(body), URL)
    assert (record["dateline_location"], record["dateline_date"]) == ("CHICAGO", "2026-05-07")
    assert record["body_text"] == (
        "Strong results across the business\n\nFirst Quarter Highlights\n\n- Sales up 10%\n"
        "- EPS up 20%\n\nOutlook\n\n- Raised\n\nAcme (NYSE: ACME) reported results."
    )


def test_a_sentence_deep_in_the_body_is_no_dateline():
    body = (
        "<p>Acme reported results.</p><p>More.</p><p>And more.</p>"
        "<p>Boston, in June, hosts the fair (the Fair) - a sentence, not a dateline.</p>"
        "<p>SOURCE Acme Corp.</p>"
    )
    assert parse_release(_known_template(body), URL)["dateline_location"] is None


def test_empty_table_cells_are_no_columns():
    body = (
        "<p>CHICAGO, May 7, 2026 /PRNewswire/ -- Results:</p>"
        "<table><tr><td></td><td>Q1 2026</td><td>&nbsp;</td><td>Q1 2025</td></tr>"
        "<tr><td>Net sales</td><td>$ 4,742</td><td><br></td><td>$ 4,306</td></tr>"
        "<tr><td>Segment Operating Margin</td><td></td><td></td></tr>"
        "<tr><td></td><td> </td></tr></table><p>SOURCE Acme Corp.</p>"
    )
    assert parse_release(_known_template(body), URL)["body_text"] == (
        "Results:\n\nQ1 2026 | Q1 2025\nNet sales | $ 4,742 | $ 4,306\nSegment Operating Margin"
    )


def test_contacts_laid_out_as_a_table_are_contacts_not_body():
    body = (
        "<p>CHICAGO, May 7, 2026 /PRNewswire/ -- Acme reported results.</p>"
        "<p>Safe Harbor: forward-looking statements.</p>"
        "<p><b>Contacts:</b></p><div><div><table>"
        "<tr><td><b>Media:</b></td><td><br></td><td><b>Investors:</b></td></tr>"
        "<tr><td>Erin Doe</td><td></td><td>Kyle Roe</td></tr>"
        "<tr><td>media@acme.example</td><td></td><td>ir@acme.example</td></tr>"
        "</table></div></div>"
        "<p>CONDENSED STATEMENTS OF EARNINGS</p>"
        "<table><tr><td>Net sales</td><td>$ 4,742</td></tr></table>"
        "<p>SOURCE Acme Corp.</p>"
    )
    record = parse_release(_known_template(body), URL)
    assert record["contacts"] == (
        "Contacts:\nMedia:\nInvestors:\nErin Doe\nKyle Roe\nmedia@acme.example\nir@acme.example"
    )
    assert record["body_text"] == (
        "Acme reported results.\n\nSafe Harbor: forward-looking statements.\n\n"
        "CONDENSED STATEMENTS OF EARNINGS\n\nNet sales | $ 4,742"
    )


def test_a_table_after_an_ordinary_paragraph_stays_in_the_body():
    body = (
        "<p>CHICAGO, May 7, 2026 /PRNewswire/ -- Results:</p>"
        "<table><tr><td>Net sales</td><td>$ 4,742</td></tr></table><p>SOURCE Acme Corp.</p>"
    )
    record = parse_release(_known_template(body), URL)
    assert (record["body_text"], record["contacts"]) == ("Results:\n\nNet sales | $ 4,742", None)


@pytest.mark.parametrize(
    "trailer",
    [
        "<p>To view the original version on PR Newswire, visit: "
        "http://www.prnewswire.com/news-releases/acme-300100001.html</p>",
        "<br>To view the original version on PR Newswire, visit: "
        "http://www.prnewswire.com/news-releases/acme-300100001.html",
    ],
    ids=["a paragraph of its own", "a line of the contacts"],
)
def test_the_old_templates_trailer_is_neither_contacts_nor_body(trailer):
    in_contacts = trailer.startswith("<br>")
    body = (
        "<p>NEW YORK, June 1, 2015 /PRNewswire/ -- Acme opened a plant.</p>"
        f"<p>Media Contact:<br>Jane Doe<br>press@acme.example{trailer if in_contacts else ''}</p>"
        "<p>SOURCE Acme Corp.</p>" + ("" if in_contacts else trailer)
    )
    record = parse_release(_known_template(body), URL)
    assert record["contacts"] == "Media Contact:\nJane Doe\npress@acme.example"
    assert "original version" not in record["body_text"]
    before_source = body.replace("<p>SOURCE Acme Corp.</p>", "") + "<p>SOURCE Acme Corp.</p>"
    record = parse_release(_known_template(before_source), URL)
    assert record["contacts"] == "Media Contact:\nJane Doe\npress@acme.example"
    assert "original version" not in record["body_text"]


@pytest.mark.parametrize(
    "dateline",
    [
        "DALLAS, June 1, 2026 /PRNewswire/ --",
        "DALLAS, June 1, 2026 /PRNEWSWIRE/ --",
        # text_of() drops zero-width characters and collapses whitespace before the dateline
        # is read: a wire's name split by them is still the wire's
        "DALLAS, June 1, 2026 /PRNews\u200bwire/ --",
        "DALLAS,\n   June 1, 2026\n  /PRNewswire/ --",
        # a case-insensitive match reads the Turkish dotted capital I as an i
        "DALLAS, June 1, 2026 /PRNEWSW\u0130RE/ --",
        "ISTANBUL, June 1, 2026 (GLOBE NEWSWIRE) --",
        "TORONTO, June 1, 2026 /CNW/ --",
    ],
)
def test_the_dateline_anchor_is_found_however_the_wires_name_is_written(dateline):
    """The text layer tests each block's head for a wire's name before it reads a dateline
    there: the test must pass every head the dateline's own reading accepts."""
    body = f"<p>{dateline} Acme opened a plant.</p><p>It employs 300.</p><p>SOURCE Acme Corp.</p>"
    record = parse_release(_unknown_template(body=body), URL)
    assert record["field_sources"]["dateline_location"] == "text"
    assert record["body_text"] == "Acme opened a plant.\n\nIt employs 300."
    assert record["source_org"] == "Acme Corp."

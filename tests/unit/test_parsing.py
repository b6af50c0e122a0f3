"""The parser against truth that does not come from the parser: hand-written labels of the
real pages (tests/fixtures/labels/*.expected.json, the pages in ../shared/fixtures/real/) and
the sample site's generator inputs."""

import json
import re
import subprocess
import sys

import pytest

from newswire.parsing import ParseError, parse_release, wire_for_url
from newswire.parsing.dateline import split_dateline
from newswire.parsing.dates import parse_iso, parse_visible_et
from newswire.parsing.tickers import find_tickers, tickers_from_keywords
from newswire.record import RELEASE_FIELDS
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from tests.support import FIXTURES
from tests.support.corpus import LABELS, real_page, real_pages, shared

CONSTRUCTED = FIXTURES / "constructed"
# The parser is tuned on the development pages only, so only they are held to their labels
# here; the test pages are measured by `make eval` and never asserted (asserting them would
# be tuning on them).
DEV_PAGES = real_pages("dev")
TEST_PAGES = real_pages("test")


# -- real pages, labelled by hand ----------------------------------------------------------


def test_every_real_page_has_a_label_and_a_set():
    on_disk = sorted(path.name for path in shared("real").glob("*.html"))
    labelled = real_pages()
    assert len(on_disk) >= 5
    assert sorted(page.name for page in labelled) == on_disk
    assert [p.name for p in labelled if not (LABELS / f"{p.stem}.expected.json").exists()] == []
    assert {page.split for page in labelled} == {"dev", "test"}


@pytest.mark.parametrize("page", TEST_PAGES, ids=lambda p: p.stem)
def test_a_test_page_is_parsed_or_refused_without_crashing(page):
    try:
        got = parse_release(page.read_bytes())
    except ParseError:
        return
    assert tuple(got) == RELEASE_FIELDS


@pytest.mark.parametrize("page", DEV_PAGES, ids=lambda p: p.stem)
def test_real_page_matches_its_label(page):
    expected = page.label
    if "reject" in expected:  # a page that must be refused, with this reason
        with pytest.raises(ParseError) as caught:
            parse_release(page.read_bytes())
        assert caught.value.reason == expected["reject"]
        return
    got = parse_release(page.read_bytes())
    assert tuple(got) == RELEASE_FIELDS
    for field in RELEASE_FIELDS:
        if field in expected:
            assert got[field] == expected[field], field


# -- sample site pages: truth from the generator's inputs ---------------------------------


def test_sample_pages_match_their_truth():
    mismatches = []
    for release in generate_releases(200):
        got = parse_release(render_release_page(release).encode("utf-8"), release.url)
        mismatches += [
            (release.index, key) for key, value in release.expected.items() if got[key] != value
        ]
    assert mismatches == []


def test_seed_release_from_the_command_line(tmp_path):
    seed = generate_releases(1)[0]
    page = tmp_path / "seed.html"
    page.write_text(render_release_page(seed), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "newswire.cli", "parse", str(page), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    record = json.loads(out)
    assert record["dateline_location"] == "BEIJING"
    assert record["published_at"].startswith("2025-02-19")
    assert record["source_org"] == "Global Times"
    assert record["body_text"].startswith("A netizen on people.cn")
    for chrome in (
        "Contact Us",
        "Sign up",
        "Explore",
        "WANT YOUR COMPANY",
        "Continue Reading",
        "Also from this source",
        "SOURCE Global Times",
        "/PRNewswire/",
    ):
        assert chrome not in record["body_text"]


# -- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, location, day, rest",
    [
        ("BEIJING, Feb. 19, 2025 /PRNewswire/ — A netizen", "BEIJING", "2025-02-19", "A netizen"),
        (
            "PARIS and TEANECK, N.J., June 3, 2025 /PRNewswire/ -- Acme",
            "PARIS and TEANECK, N.J.",
            "2025-06-03",
            "Acme",
        ),
        ("OTTAWA, 7 April 2017 /CNW/ - Bank of Canada", "OTTAWA", "2017-04-07", "Bank of Canada"),
        (
            "WASHINGTON, Sept. 9, 2024 /PRNewswire-USNewswire/ -- The",
            "WASHINGTON",
            "2024-09-09",
            "The",
        ),
        (
            "SAN FRANCISCO, CA--(Marketwired - April 06, 2016) - Segment",
            "SAN FRANCISCO, CA",
            "2016-04-06",
            "Segment",
        ),
        (
            "Oslo, Norway, May 2, 2024 (GLOBE NEWSWIRE) -- Nordic",
            "Oslo, Norway",
            "2024-05-02",
            "Nordic",
        ),
        ("NEW YORK--(BUSINESS WIRE)--Acme Corp.", "NEW YORK", None, "Acme Corp."),
    ],
)
def test_datelines(text, location, day, rest):
    dateline = split_dateline(text)
    assert (dateline.location, dateline.date and dateline.date.isoformat(), dateline.rest) == (
        location,
        day,
        rest,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The company, founded in 2001, grew fast.",
        "Shares rose 5% on June 3, 2025 after the report.",
        "",
    ],
)
def test_no_dateline_in_ordinary_sentences(text):
    assert split_dateline(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Workday, Inc. (NASDAQ: WDAY), a leader", [("NASDAQ", "WDAY")]),
        ("Acme (LSE: ACM; NASDAQ: ACME) said", [("LSE", "ACM"), ("NASDAQ", "ACME")]),
        (
            "Acme (NYSE American: AE) and Beta (TSX: BTA.UN)",
            [("NYSE American", "AE"), ("TSX", "BTA.UN")],
        ),
        ("Dragon (HKEX: 2288) today", [("HKEX", "2288")]),
        ("Foo (Nasdaq: FOO) and (OTCQX: FOOF)", [("NASDAQ", "FOO"), ("OTCQX", "FOOF")]),
        ("a member of the NASDAQ-100 Index (NASDAQ-100: yes)", []),
        ('the company (the "Company") and (see: below) and (NASDAQ: the market)', []),
        ("Tableau (NYSE: DATA) ... Tableau Software (NYSE: DATA)", [("NYSE", "DATA")]),
    ],
)
def test_tickers(text, expected):
    assert [(t["exchange"], t["symbol"]) for t in find_tickers(text)] == expected


def test_tickers_from_keywords():
    assert tickers_from_keywords("Cognizant, NASDAQ-NMS:CTSH, new jersey") == [
        {"exchange": "NASDAQ", "symbol": "CTSH"}
    ]


def test_eastern_times_have_the_right_offset():
    assert parse_visible_et("Feb 19, 2025, 08:00 ET").isoformat() == "2025-02-19T13:00:00+00:00"
    assert parse_visible_et("Jun 13, 2023, 09:05 ET").isoformat() == "2023-06-13T13:05:00+00:00"
    assert parse_visible_et("25 Apr, 2016, 03:39 ET").isoformat() == "2016-04-25T07:39:00+00:00"
    # 2015/2017 templates: "Z" but Eastern clock time
    assert (
        parse_iso("2015-02-24T08:30:00Z", z_is_eastern=True).isoformat()
        == "2015-02-24T13:30:00+00:00"
    )
    assert parse_iso("2023-06-13T09:05:00-04:00").isoformat() == "2023-06-13T13:05:00+00:00"


def test_wire_from_url():
    assert wire_for_url("https://www.prnewswire.com/news-releases/x-300000001.html") == "prnewswire"
    assert wire_for_url("http://newswire.ca/news-releases/x-618646013.html") == "newswireca"
    assert (
        wire_for_url("https://www.globenewswire.com/news-release/2016/04/06/1/0/en/x.html")
        == "globenewswire"
    )
    assert wire_for_url("https://evil-prnewswire.com/x") is None


# -- bytes in, right text out --------------------------------------------------------------


def _page(title: str, charset_meta: str = "") -> str:
    return (
        f"<html><head>{charset_meta}<title>x</title></head><body>"
        f"<article class='news-release'><header class='release-header'><h1>{title}</h1></header>"
        "<section class='release-body container'><div class='row'><div class='col-lg-10'>"
        "<p>MÜNCHEN, Feb. 3, 2025 /PRNewswire/ -- Zoë’s café opened.</p>"
        "<p>SOURCE Zoë AG</p></div></div></section></article></body></html>"
    )


def test_windows_1252_page_without_a_declared_charset():
    record = parse_release(_page("Café “Zoë” opens").encode("cp1252"))
    assert record["title"] == "Café “Zoë” opens"
    assert record["body_text"] == "Zoë’s café opened."
    assert record["dateline_location"] == "MÜNCHEN"


def test_charset_from_http_then_meta():
    html = _page("Café “Zoë” opens", '<meta charset="windows-1252">')
    assert parse_release(html.encode("cp1252"))["source_org"] == "Zoë AG"
    assert parse_release(_page("Zoë").encode("utf-8"), http_charset="utf-8")["title"] == "Zoë"


# -- never crash ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"<html><body><p>Hello</p></body></html>", "not_a_wire_page"),
        (
            b"<html><body><article class='news-release'><section class='release-body'><p>x</p>"
            b"</section></article></body></html>",
            "missing_title",
        ),
        (b"\x00\x01\x02" * 10, "empty"),
    ],
)
def test_bad_input_gives_a_reason(content, reason):
    with pytest.raises(ParseError) as caught:
        parse_release(
            content,
            "https://www.prnewswire.com/news-releases/x-300000001.html"
            if reason == "missing_title"
            else None,
        )
    assert caught.value.reason == reason


def test_too_large():
    with pytest.raises(ParseError) as caught:
        parse_release(b" " * (10 * 1024 * 1024 + 1))
    assert caught.value.reason == "too_large"


def _release_page_with_body(markup: str) -> bytes:
    """A sample release page whose release body is ``markup``."""
    page = render_release_page(generate_releases(1, 7)[0])
    start = page.index(">", page.index('<section class="release-body')) + 1
    end = page.index("</section>", start)
    return (page[:start] + markup + page[end:]).encode()


def _attributes(count: int, start: int = 0) -> str:
    return " ".join(f"a{n}" for n in range(start, start + count))


@pytest.mark.parametrize(
    "body, reason",
    [
        ("<p>x</p>" * 150_000, "too_many_elements"),  # 1.2 MB; it took seconds and GBs
        ("<div>" * 200_000 + "<p>Deep.</p>" + "</div>" * 200_000, "too_deep"),
        ("<div>" * 1_000 + "<p>Deep.</p>" + "</div>" * 1_000, "too_deep"),  # a small page
        ('<div class="row"><p> </p><p>\u00a0</p></div>', "empty_body"),
        # Attribute bombs, refused before libxml2 compares each attribute with the others.
        (f"<p {_attributes(100_000)}>x</p>", "too_many_attributes"),  # 0.9 MB: 22 s
        (f"<p {_attributes(600_000)}>x</p>", "too_many_attributes"),  # 5.9 MB: over 300 s
        # A quoted ">" does not end a tag: the attributes after it are the same element's.
        (
            "<p " + " x='>' ".join(_attributes(200, n) for n in range(0, 2000, 200)) + ">x</p>",
            "too_many_attributes",
        ),
        # Many elements of a few hundred attributes each: the page's total is bounded too.
        (f"<p {_attributes(250)}>x</p>" * 1_100, "too_many_attributes"),
        (f"<p {' '.join(['x'] * 300)}>x</p>", "too_many_attributes"),  # repeated names
    ],
    ids=[
        "element_bomb",
        "nested_divs",
        "a_few_nested_divs",
        "empty_body",
        "100k_attributes",
        "600k_attributes",
        "attributes_past_a_quoted_gt",
        "attributes_spread_over_elements",
        "a_repeated_attribute",
    ],
)
def test_pages_that_cost_too_much_or_hold_nothing_are_rejected(body, reason):
    with pytest.raises(ParseError) as caught:
        parse_release(
            _release_page_with_body(body),
            "https://www.prnewswire.com/news-releases/x-300000001.html",
        )
    assert caught.value.reason == reason


@pytest.mark.parametrize("count, refused", [(256, False), (257, True)])
def test_the_attribute_bound_is_exact_at_its_limit(count, refused):
    """The shortest tag that can pass the bound (one-letter names, one space each) is read
    attribute by attribute: 256 attributes on an element are a page, 257 are refused."""
    page = _release_page_with_body(f"<p {' '.join(['x'] * count)}>Revenue rose.</p>")
    url = "https://www.prnewswire.com/news-releases/x-300000001.html"
    if refused:
        with pytest.raises(ParseError, match="an element with 257 attributes"):
            parse_release(page, url)
    else:
        assert parse_release(page, url)["body_text"].endswith("Revenue rose.")


def test_tags_with_long_values_and_scripts_full_of_markup_are_not_attributes():
    """Honest pages that look busy to a scanner: a 1 MB data: URI, a script whose text has
    ``<`` and thousands of words, an element with a hundred attributes, a comparison."""
    script = "if (a<b) { " + " ".join(f"v{n} = {n};" for n in range(5_000)) + " }"
    body = (
        f'<p><img src="data:image/png;base64,{"A" * 1_000_000}" alt="logo"/>Revenue rose.</p>'
        f"<script>{script}</script><style>p<b {{ color: red }}</style>"
        f"<p {' '.join(f'data-k{n}=v' for n in range(100))}>Profit rose 5 < 7 percent.</p>"
    )
    record = parse_release(
        _release_page_with_body(body),
        "https://www.prnewswire.com/news-releases/x-300000001.html",
    )
    assert "Revenue rose." in record["body_text"]
    assert "Profit rose 5 < 7 percent." in record["body_text"]


# -- batch use -----------------------------------------------------------------------------


def test_parse_a_directory_as_jsonl(tmp_path):
    (tmp_path / "broken.html").write_bytes(b"<html><body><p>not a release</p></body></html>")
    releases = [p for p in real_pages() if "reject" not in p.label][:2]
    for page in releases:
        (tmp_path / page.name).write_bytes(page.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "newswire.cli", "parse", str(tmp_path), "--jsonl"],
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    assert [json.loads(line)["url"] for line in lines] == [p.label["url"] for p in releases]
    assert "broken.html: cannot parse (not_a_wire_page)" in done.stderr
    assert "2 parsed, 1 failed" in done.stderr
    assert done.returncode == 1  # one page failed, the others were still printed


def _cloudflare(address: str, key: int = 0x5A) -> str:
    """Cloudflare's encoding, written independently of the decoder: key byte, then XOR."""
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)


def test_cloudflare_emails_are_decoded_and_c212_links_unwrapped():
    hidden = (
        f'<a class="__cf_email__" href="/cdn-cgi/l/email-protection" '
        f'data-cfemail="{_cloudflare("press@acme.example")}">[email&#160;protected]</a>'
    )
    wrapped = (
        "https://c212.net/c/link/?t=0&amp;l=en&amp;o=1&amp;u=https%3A%2F%2Fwww.acme.example%2Fnews"
    )
    page = (
        f"<html><body><article class='news-release'><header class='release-header'><h1>T</h1>"
        f"</header><section class='release-body container'><div class='row'><div class='col-lg-10'>"
        f"<p>NEW YORK, May 1, 2025 /PRNewswire/ -- Read <a href='{wrapped}'>{wrapped}</a>.</p>"
        f"<p><b>Media Contact:</b><br>Jo Doe<br>{hidden}</p><p>SOURCE Acme</p>"
        f"</div></div></section></article></body></html>"
    )
    record = parse_release(page.encode())
    assert record["contacts"] == "Media Contact:\nJo Doe\npress@acme.example"
    assert record["body_text"] == "Read https://www.acme.example/news."


def test_each_wire_has_its_own_parser_even_without_a_url():
    from newswire.parsing import choose_wire, globenewswire, newswireca, prnewswire
    from newswire.parsing.document import load

    for name, module in [
        ("newswireca_2017_bank_of_canada", newswireca),
        ("globenewswire_2016_segment", globenewswire),
        ("prnewswire_2015_tableau", prnewswire),
    ]:
        html = real_page(name).read_text()
        for tag in ('rel="canonical"', 'property="og:url"'):  # hide the canonical URL
            html = html.replace(tag, 'rel="x"')
        assert choose_wire(load(html))[0] is module, name
        assert parse_release(html)["wire"] == name.split("_")[0]


def test_prnewswire_2017_legacy_template():
    """The 2017 template, in a page built from its description (no saved page of it yet)."""
    page = (CONSTRUCTED / "prnewswire_2017_legacy.html").read_bytes()
    record = parse_release(page)
    assert (record["title"], record["issuer"], record["source_org"]) == (
        "Acme Names CFO",
        "Acme Corp.",
        "Acme Corp.",
    )
    assert record["published_at"] == "2017-05-17T06:42:00+00:00"  # 02:42 EDT, not 02:42 UTC
    assert (record["dateline_location"], record["dateline_date"]) == ("TEANECK, N.J.", "2017-05-17")
    assert (
        record["body_text"] == "Acme Corp. (NASDAQ-NMS: ACME) named a CFO in PARIS.\n\n- One\n- Two"
    )
    assert record["tickers"] == [{"exchange": "NASDAQ", "symbol": "ACME"}]
    assert record["url"] == "https://www.prnewswire.com/news-releases/acme-names-cfo-300459871.html"
    assert (record["release_id"], record["language"]) == ("300459871", "en")


def test_sample_pages_without_any_charset_decode_right():
    """windows-1252 bytes, no charset in HTTP or meta: detection must not pick a look-alike
    code page (cp1250/cp850 turn ñ, ã, è into other letters)."""
    from newswire_sample_site.faults import encode_cp1252

    wrong = []
    for release in generate_releases(120):
        html = render_release_page(release)
        html = re.sub(r'<meta charset="utf-8"\s*/?>', "", html, flags=re.I)
        record = parse_release(encode_cp1252(html), release.url)
        if record != release.expected:
            wrong.append(release.index)
    assert wrong == []


def test_other_scripts_are_still_detected():
    text = "株式会社ミライテックは本日、新製品を発表しました。" * 20
    page = _page(text).encode("shift_jis", "xmlcharrefreplace")
    assert parse_release(page)["title"] == text


# -- issue 13: pages the parser had never seen ---------------------------------------------


def test_a_portals_copy_of_a_release_is_not_a_wire_page():
    """A finance portal's copy of a PR Newswire release (the shape of Yahoo Finance's, see
    constructed/README.md): schema.org itemprop=articleBody, the /PRNewswire/ dateline and
    "(NYSE: ACME)" in its text, yet not the wire's page. It must be refused, whether it comes
    with its URL or as a bare file, never parsed as another wire."""
    page = (CONSTRUCTED / "portal_copy_of_a_prnewswire_release.html").read_bytes()
    for url in (
        None,
        "https://finance.portal.example/news/acme-robotics-to-present-103000626.html",
    ):
        with pytest.raises(ParseError) as caught:
            parse_release(page, url)
        assert caught.value.reason == "not_a_wire_page"
        assert "finance.portal.example" in caught.value.detail


def test_wire_markup_without_a_canonical_url_is_still_read_and_other_markup_refused():
    # SYS-CON's copy has no canonical URL: only the markup can tell, and it is no wire's
    page = (CONSTRUCTED / "copy_of_a_prnewswire_release_without_canonical_url.html").read_bytes()
    with pytest.raises(ParseError) as caught:
        parse_release(page, "http://www.expo.example/node/3346367")
    assert caught.value.reason == "not_a_wire_page"
    # a schema.org article body alone is not GlobeNewswire's page
    bare = (
        b"<html><head></head><body><h1 itemprop=headline>Acme Wins</h1><div itemprop="
        b"articleBody><p>NEW YORK, June 1, 2020 /PRNewswire/ -- Acme (NYSE: ACME) won.</p>"
        b"</div></body></html>"
    )
    with pytest.raises(ParseError) as caught:
        parse_release(bare)
    assert caught.value.reason == "not_a_wire_page"


def test_a_wires_own_page_without_a_release_is_not_a_release_page():
    """GlobeNewswire's 2018 home page (what a withdrawn release's URL can land on): on the
    wire's site, so it is GlobeNewswire's, but it holds a list of releases and no release,
    so it is refused as not_a_release_page, not for want of a headline."""
    page = real_page("globenewswire_2018_homepage").read_bytes()
    for url in (None, "https://globenewswire.com/"):
        with pytest.raises(ParseError) as caught:
            parse_release(page, url)
        assert caught.value.reason == "not_a_release_page"


def test_a_12_hour_clock_that_lost_the_afternoon_yields_to_the_transmission_id(caplog):
    """The 2016 HackerRank release in the later template: visible time, meta date and JSON-LD
    all say 03:39 ET, its hidden transmissionId 201604251539 says 15:39 ET (the 2016 template
    of the same page shows the afternoon). Exactly 12 hours apart: the 24-hour stamp wins,
    and the disagreement is logged."""
    page = real_page("prnewswire_2016_hackerrank").read_bytes()
    with caplog.at_level("WARNING", logger="newswire.parsing"):
        record = parse_release(page)
    assert record["published_at"] == "2016-04-25T19:39:00+00:00"
    assert "time signals disagree" in caplog.text
    assert "visible time 2016-04-25T07:39:00+00:00" in caplog.text
    assert "transmission id 2016-04-25T19:39:00+00:00" in caplog.text


@pytest.mark.parametrize(
    "old, new, odd_one",
    [
        (
            'id="transmissionId" value="202306130905',
            'id="transmissionId" value="202306131005',
            "transmission id 2023-06-13T14:05:00+00:00",
        ),
        (
            "Jun 13, 2023, 09:05 ET",
            "Jun 13, 2023, 10:05 ET",
            "visible time 2023-06-13T14:05:00+00:00",
        ),
    ],
)
def test_other_disagreements_keep_the_best_signal_and_are_logged(caplog, old, new, odd_one):
    page = real_page("prnewswire_2023_workday").read_text()
    assert old in page
    with caplog.at_level("WARNING", logger="newswire.parsing"):
        record = parse_release(page.replace(old, new))
    assert record["published_at"] == "2023-06-13T13:05:00+00:00"  # the meta date's
    assert "time signals disagree" in caplog.text and odd_one in caplog.text


# No saved page of the next three shapes is in the corpus: the pages the issue found them on
# are held out for an independent evaluation, and no other public fixture shows them. The
# pages below are the shapes as the issue describes them, reduced to what matters.


def _page_2015(headline: str, body: str) -> str:
    return (
        '<html lang="en-US"><head><meta name="date" content="2015-06-01T09:00:00Z">'
        '<link rel="canonical" href="http://www.prnewswire.com/news-releases/'
        'acme-opens-a-plant-300100001.html"></head><body><div class="news-release-detail">'
        f'{headline}<div class="col-sm-9">{body}</div></div></body></html>'
    )


def test_a_subtitle_inside_the_headline_is_the_subtitle():
    """2015 template: the h1 holds the subtitle in a <small>."""
    page = _page_2015(
        "<h1>Acme Opens a Plant in Texas <small>New site doubles capacity</small> </h1>",
        '<p itemprop="articleBody"><span class="xn-location">DALLAS</span>, <span '
        'class="xn-chron">June 1, 2015</span> /PRNewswire/ -- Acme opened a plant.</p>'
        '<p itemprop="articleBody">SOURCE Acme</p>',
    )
    record = parse_release(page)
    assert record["title"] == "Acme Opens a Plant in Texas"
    assert record["subtitle"] == "New site doubles capacity"
    plain = parse_release(page.replace("<small>New site doubles capacity</small>", ""))
    assert (plain["title"], plain["subtitle"]) == ("Acme Opens a Plant in Texas", None)


@pytest.mark.parametrize(
    "container",
    [
        '<section class="release-body container"><div class="row"><div class="col-lg-10">{}'
        "</div></div></section>",
        '<div itemprop="articleBody">{}</div>',
    ],
)
def test_a_body_split_over_several_containers_is_read_whole(container):
    """2016 template: several release-body (or articleBody) blocks, a hidden gallery between."""
    first = container.format(
        '<p><span class="xn-location">DALLAS</span>, <span class="xn-chron">'
        "April 5, 2016</span> /PRNewswire/ -- Acme grew.</p>"
    )
    rest = container.format(
        "<p>It grew more.</p><p><b>Media Contact:</b><br>Jo Doe<br>"
        "555-0100</p><p>SOURCE Acme Corp.</p>"
    )
    gallery = (
        '<div class="gallery" style="display:none"><figure><img src="https://mma.'
        'prnewswire.com/media/1/acme.jpg?p=publish"><figcaption>Acme plant</figcaption>'
        "</figure></div>"
    )
    page = (
        '<html><head><meta name="date" content="2016-04-05T08:00:00-04:00"></head><body>'
        '<article class="news-release"><header class="release-header"><div class="detail-'
        f'headline"><h1>Acme Grows</h1></div></header>{first}{gallery}{rest}</article>'
        "</body></html>"
    )
    record = parse_release(page, "https://www.prnewswire.com/news-releases/acme-300200002.html")
    assert record["body_text"] == "Acme grew.\n\nIt grew more."
    assert record["contacts"] == "Media Contact:\nJo Doe\n555-0100"
    assert record["source_org"] == "Acme Corp."
    assert record["dateline_location"] == "DALLAS"


def test_media_pointers_in_every_spelling_leave_the_body_for_images():
    page = _page_2015(
        "<h1>Acme Opens a Plant</h1>",
        '<p itemprop="articleBody">DALLAS, June 1, 2015 /PRNewswire/ -- Acme (Logo: '
        "http://photos.prnewswire.com/prnh/20150601/ACMELOGO) opened a plant. (Photo: "
        "http://photos.prnewswire.com/prnh/20150601/1234 )</p>"
        '<p itemprop="articleBody">Video - https://www.youtube.com/watch?v=abc</p>'
        '<p itemprop="articleBody">SOURCE Acme</p>',
    )
    record = parse_release(page)
    assert record["body_text"] == "Acme opened a plant."  # no pointer left, video's neither
    assert record["images"] == [
        "http://photos.prnewswire.com/prnh/20150601/ACMELOGO",
        "http://photos.prnewswire.com/prnh/20150601/1234",
    ]


def test_an_inline_photo_pointer_with_spaces_inside_its_parentheses():
    from newswire.parsing.release import split_media_pointers

    # copies of 2015 releases on other sites keep the wire's paragraph as it was:
    # <p>     (Photo: <a href="...">http://photos.prnewswire.com/...</a> )<br/>
    blocks = [
        "… progressively rolled out in further African countries.",
        "(Photo: http://photos.prnewswire.com/prnh/20150623/123456 )",
    ]
    assert split_media_pointers(blocks) == (
        ["… progressively rolled out in further African countries."],
        ["http://photos.prnewswire.com/prnh/20150623/123456"],
    )


def test_a_control_character_in_the_text_is_dropped_not_a_parser_bug():
    """Found by the fuzz test: a \\x01 inside text that the parser later edits around (a
    removed element's tail) made lxml refuse the edit; such characters are not HTML text."""
    page = real_page("newswireca_2017_bank_of_canada").read_bytes()
    clean = parse_release(page, None)
    cut = page.index(b"Bank of Canada unveils", page.index(b"<body"))
    dirty = parse_release(page[:cut] + b"\x01" + page[cut:], None)
    assert dirty == clean

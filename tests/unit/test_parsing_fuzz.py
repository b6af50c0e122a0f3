"""Property tests: whatever the bytes, the parser returns a full record or raises
ParseError with a known reason (never a parser bug, never another exception)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswire.parsing import ParseError, parse_release
from newswire.record import RELEASE_FIELDS
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from tests.support.corpus import real_pages

KNOWN_REASONS = {
    "empty",
    "too_large",
    "not_a_release_page",
    "not_a_wire_page",
    "missing_title",
    "too_deep",
    "too_many_elements",
    "empty_body",
}
# The real pages when ../shared/fixtures/ is beside the checkout (else the sample pages alone).
REAL = [page for page in real_pages() if page.path.exists()]
RELEASES = [  # the real pages that hold a release (the others must be refused)
    page.path.read_bytes() for page in REAL if "reject" not in page.label
]
PAGES = [page.path.read_bytes() for page in REAL] + [
    render_release_page(r).encode("utf-8") for r in generate_releases(12)[::4]
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _outcome(content, url=None):
    """The record, or the ParseError's reason; anything else fails the test."""
    try:
        record = parse_release(content, url)
    except ParseError as exc:
        assert exc.reason in KNOWN_REASONS, exc
        return exc.reason
    assert tuple(record) == RELEASE_FIELDS
    assert record["title"] and isinstance(record["body_text"], str)
    assert all(isinstance(record[k], list) for k in ("tickers", "industries", "images", "subjects"))
    return record


@FUZZ
@given(page=st.sampled_from(PAGES), cut=st.floats(0, 1))
def test_truncated_pages(page, cut):
    _outcome(page[: int(len(page) * cut)])


@FUZZ
@given(
    page=st.sampled_from(PAGES),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 2), st.binary(min_size=0, max_size=12)),
        min_size=1,
        max_size=30,
    ),
)
def test_mutated_pages(page, edits):
    data = bytearray(page)
    for where, kind, blob in edits:
        i = int(len(data) * where)
        if kind == 0:
            data[i : i + len(blob)] = blob  # overwrite
        elif kind == 1:
            del data[i : i + 1 + len(blob) * 50]  # delete a stretch
        else:
            data[i:i] = blob  # insert
    _outcome(bytes(data), "https://www.prnewswire.com/news-releases/x-300000001.html")


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    _outcome(data)


_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "span",
        "b",
        "a",
        "ul",
        "li",
        "table",
        "tr",
        "td",
        "br",
        "h1",
        "h2",
        "section",
        "article",
        "header",
        "figure",
        "img",
        "script",
        "style",
    ]
)
_CLASSES = st.sampled_from(
    [
        "",
        "news-release",
        "release-body container",
        "row",
        "col-lg-10",
        "release-header",
        "subtitle",
        "xn-location",
        "legendSpanClass",
        "ticket-symbol",
        "continue-reading",
        "explore-section",
        "img-title",
        "logo-wrapper",
        "mb-no",
        "meta",
        "__cf_email__",
    ]
)
_TEXT = st.sampled_from(
    [
        "BEIJING, Feb. 19, 2025 /PRNewswire/ -- ",
        "SOURCE Acme",
        "(NASDAQ: ",
        "WDAY",
        ")",
        "Media Contact:",
        "Jun 13, 2023, 09:05 ET",
        "&nbsp;",
        "Zoë",
        "\u200b",
        "“quoted”",
        "-- ",
        "<",
        "&",
        "\n",
        " and ",
    ]
)


def _element(children):
    return st.builds(
        lambda tag, cls, attr, inner: f'<{tag} class="{cls}" {attr}>{"".join(inner)}</{tag}>',
        _TAGS,
        _CLASSES,
        st.sampled_from(
            [
                "",
                'href="/news/acme/"',
                'data-cfemail="zz"',
                'data-cfemail="422302"',
                'data-download-url="//x/y.jpg?p=1"',
                'href="https://c212.net/c/link/?u=https%3A%2F%2Fa.example"',
            ]
        ),
        st.lists(children, max_size=5),
    )


_HTML = st.recursive(_TEXT, _element, max_leaves=60)


@FUZZ
@given(body=st.lists(_HTML, max_size=8), canonical=st.booleans())
def test_random_pages_in_the_wire_vocabulary(body, canonical):
    head = (
        '<link rel="canonical" href="https://www.prnewswire.com/news-releases/a-300000001.html">'
        if canonical
        else ""
    )
    _outcome(f"<html><head>{head}</head><body>{''.join(body)}</body></html>")


def test_deeply_nested_markup_is_bounded():
    page = PAGES[0].replace(b"<p>", b"<div>" * 20_000 + b"<p>", 1)
    _outcome(page)


@pytest.mark.parametrize("page", RELEASES[:3])
def test_the_unmutated_pages_parse(page):
    assert isinstance(_outcome(page), dict)

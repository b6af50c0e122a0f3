"""The run says which wire: a page fetched from a declared source's site, or a file the
caller declares, is that source's page unless it states its own URL on another site.

Portal and issuer copies are the four real ones in ``../shared/fixtures/copies/``; what each
states as its own URL is written in ``tests/fixtures/labels/copies.tsv`` by reading the page.
A mirror is a real current-template page of the dev split with the wire's origin rewritten
to a loopback one, as a caching proxy or an internal mirror serves it."""

import csv
import json
import re

import pytest

from newswire.cli import main
from newswire.parsing import DeclaredSource, ParseError, parse_release
from tests.support.corpus import LABELS, real_page, shared

WIRE_ORIGIN = "https://www.prnewswire.com"
MIRROR = "http://127.0.0.1:8123"
PRNEWSWIRE = DeclaredSource("prnewswire", WIRE_ORIGIN)
ON_MIRROR = DeclaredSource("prnewswire", MIRROR)

with open(LABELS / "copies.tsv", encoding="utf-8", newline="") as _index:
    COPIES = list(csv.DictReader(_index, delimiter="\t"))
DEV_CURRENT = ["prnewswire_2016_hackerrank", "prnewswire_2023_workday"]  # dev split only


def copy_bytes(row) -> bytes:
    return shared("copies", row["file"]).read_bytes()


def mirrored(stem: str) -> tuple[bytes, str]:
    """(the page as the mirror serves it, its URL on the mirror)."""
    page = real_page(stem)
    assert page.split == "dev"
    html = (
        page.read_text().replace(WIRE_ORIGIN, MIRROR).replace("http://www.prnewswire.com", MIRROR)
    )
    return html.encode("utf-8"), page.url.replace(WIRE_ORIGIN, MIRROR)


@pytest.mark.parametrize("row", COPIES, ids=lambda r: r["file"])
def test_a_copy_is_not_a_wire_page_however_it_is_declared(row):
    content = copy_bytes(row)
    fetched_from_its_site = row["site"] + "/a-copy.html"
    for url, declared in [
        (None, PRNEWSWIRE),  # a file declared as the wire's
        (None, ON_MIRROR),
        (fetched_from_its_site, PRNEWSWIRE),  # fetched from the portal: not the declared site
        (fetched_from_its_site, None),
        (None, None),
    ]:
        with pytest.raises(ParseError) as caught:
            parse_release(content, url, declared=declared)
        assert caught.value.reason == "not_a_wire_page", (url, declared)


@pytest.mark.parametrize("row", [r for r in COPIES if r["stated_own_url"]], ids=lambda r: r["file"])
def test_a_copy_fetched_from_the_declared_site_is_refused_by_the_url_it_states(row):
    """Even served from the wire's site or the mirror, a page that says it lives on a portal
    is that portal's page."""
    for declared in (PRNEWSWIRE, ON_MIRROR):
        with pytest.raises(ParseError) as caught:
            parse_release(copy_bytes(row), declared.base_url + "/news-releases/x-300000001.html",
                          declared=declared)  # fmt: skip
        assert caught.value.reason == "not_a_wire_page"
        assert row["stated_own_url"].split("/")[2] in caught.value.detail


@pytest.mark.parametrize("stem", DEV_CURRENT)
def test_a_mirror_page_is_the_declared_wire_page(stem):
    original = parse_release(real_page(stem).read_bytes(), real_page(stem).url)
    content, url = mirrored(stem)
    with pytest.raises(ParseError) as caught:  # undeclared: what every mirror page got
        parse_release(content, url)
    assert caught.value.reason == "not_a_wire_page"
    got = parse_release(content, url, declared=ON_MIRROR)
    assert got["wire"] == "prnewswire" and got["release_id"] == original["release_id"]
    assert got["url"] == "https" + url.removeprefix("http")  # where the page says it lives
    for field in original:
        if field not in ("url", "content_sha256"):
            assert got[field] == original[field], field


@pytest.mark.parametrize("stem", DEV_CURRENT)
def test_a_mirror_page_fetched_from_elsewhere_is_not_taken_on_the_declaration(stem):
    content, _ = mirrored(stem)
    with pytest.raises(ParseError) as caught:  # a redirect off the mirror, say
        parse_release(content, "http://10.0.0.9/news-releases/x.html", declared=ON_MIRROR)
    assert caught.value.reason == "not_a_wire_page"


@pytest.mark.parametrize("stem", DEV_CURRENT)
def test_a_declared_file_states_its_own_url_on_the_wire_or_the_mirror(stem):
    assert parse_release(real_page(stem).read_bytes(), None, declared=ON_MIRROR)["wire"] == (
        "prnewswire"
    )
    content, _ = mirrored(stem)
    assert parse_release(content, None, declared=ON_MIRROR)["wire"] == "prnewswire"
    with pytest.raises(ParseError) as caught:  # a mirror page, declared on another site
        parse_release(content, None, declared=DeclaredSource("prnewswire", "http://10.0.0.9"))
    assert caught.value.reason == "not_a_wire_page"


def test_an_unknown_wire_cannot_be_declared():
    with pytest.raises(ValueError, match="no source .reuters."):
        DeclaredSource("reuters", "https://www.reuters.com")


def test_newswire_parse_source_reads_a_mirror_file_and_refuses_a_copy(tmp_path, capsys):
    content, _ = mirrored("prnewswire_2023_workday")
    mirror_file = tmp_path / "mirror.html"
    mirror_file.write_bytes(content)
    assert main(["parse", str(mirror_file)]) == 1  # undeclared
    assert "not_a_wire_page" in capsys.readouterr().err
    argv = ["parse", "--source", "prnewswire", "--base-url", MIRROR, str(mirror_file)]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["wire"] == "prnewswire"
    yahoo = shared("copies", "finance.yahoo.com.html")
    assert main([*argv[:-1], str(yahoo)]) == 1
    assert "(not_a_wire_page)" in capsys.readouterr().err


def test_newswire_parse_base_url_needs_a_source(tmp_path, capsys):
    assert main(["parse", "--base-url", MIRROR, str(tmp_path)]) != 0
    assert "--base-url needs --source" in capsys.readouterr().err


@pytest.mark.parametrize("stem", DEV_CURRENT)
def test_a_template_not_seen_yet_is_still_the_declared_wire_page(stem):
    """The wire's choice does not hang on class names: a mirror page whose every class is
    renamed is the wire's page (parsed, or refused for what it lacks, never as another
    site's)."""
    content, url = mirrored(stem)
    renamed = re.sub(rb'class="[^"]*"', b'class="x1f3a"', content)
    try:
        assert parse_release(renamed, url, declared=ON_MIRROR)["wire"] == "prnewswire"
    except ParseError as exc:
        assert exc.reason != "not_a_wire_page", exc

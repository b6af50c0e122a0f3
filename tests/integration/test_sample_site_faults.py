"""Sample site faults, seen raw over loopback: a plain ``requests`` session, no retries.

Each fault must look on the wire exactly as ``newswire_sample_site.faults`` documents it, and
after the documented number of failed requests every release path must serve the same page
as a site without faults.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from newswire_sample_site import SampleSite, generate_releases
from newswire_sample_site.faults import ALL, ATTRIBUTE_BOMB, ELEMENT_BOMB, ROBOTS_BOMB_MIB, Faults
from newswire_sample_site.releases import clean

LISTING = "/news-releases/news-releases-list/"
RSS = "/rss/news-releases-list.rss"
COUNT = 60  # the same count as the plain site: pages link to others of their issuer


@pytest.fixture(scope="module")
def plain():
    """The same releases without faults: what every page must finally look like."""
    with SampleSite(count=COUNT) as running, requests.Session() as session:
        yield lambda path: session.get(running.base_url + path)


@pytest.fixture
def http():
    with requests.Session() as session:  # requests' default: no retries
        yield session


def _document(html: str) -> str:
    """A page's document, whatever its bytes: meta charset dropped, JSON-LD parsed, and
    whitespace runs folded (removing the meta leaves a blank line)."""
    soup = BeautifulSoup(html, "lxml")
    for meta in soup.select("meta[charset]"):
        meta.decompose()
    for script in soup.select('script[type="application/ld+json"]'):
        script.string = json.dumps(json.loads(script.string), sort_keys=True)
    return " ".join(str(soup).split())


# -- transient faults ---------------------------------------------------------------------


def test_rate_limit_answers_burst_429s_with_retry_after_then_the_page(plain, http):
    with SampleSite(count=COUNT, faults=Faults(rate_limit_every=5, burst=3, retry_after=2)) as site:
        hit, spared = site.base_url + site.releases[4].path, site.base_url + site.releases[3].path
        answers = [http.get(hit) for _ in range(4)]
        assert [a.status_code for a in answers] == [429, 429, 429, 200]
        assert [a.headers.get("Retry-After") for a in answers] == ["2", "2", "2", None]
        assert answers[3].content == plain(site.releases[4].path).content
        assert http.get(spared).status_code == 200
        assert (
            http.get(
                site.base_url
                + "/news-releases/other-slug-"
                + site.releases[9].release_id
                + ".html?utm_source=x"
            ).status_code
            == 429
        )  # index 9 is hit too
        assert site.request_counts["429"] == 4 and site.request_counts["release"] == 2


def test_retry_after_as_http_date_is_never_early(http):
    with SampleSite(
        count=COUNT, faults=Faults(rate_limit_every=1, retry_after=2, retry_after_date=True)
    ) as site:
        before = time.time()
        answer = http.get(site.base_url + site.releases[0].path)
        after = time.time()
    assert answer.status_code == 429
    when = parsedate_to_datetime(answer.headers["Retry-After"]).timestamp()
    assert before + 2 <= when <= after + 3


def test_retry_after_log_measures_how_long_the_client_waited(http):
    """Each logged wait lies between what the client saw: no shorter than from receiving
    the 429 to sending the next request, no longer than from sending the request that got
    the 429 to receiving the next answer (the site runs in this process: one clock)."""

    def get(url):
        sent = time.monotonic()
        answer = http.get(url)
        return answer, sent, time.monotonic()

    with SampleSite(count=COUNT, faults=Faults(rate_limit_every=1, burst=2, retry_after=1)) as site:
        patient, hasty = (site.base_url + site.releases[i].path for i in (0, 1))
        exchanges = {patient: [get(patient)], hasty: [get(hasty)]}
        while exchanges[patient][-1][0].status_code == 429:
            time.sleep(int(exchanges[patient][-1][0].headers["Retry-After"]))
            exchanges[patient].append(get(patient))
        while exchanges[hasty][-1][0].status_code == 429:
            exchanges[hasty].append(get(hasty))
        log = list(site.retry_after_log)
    waits = {
        url: [t_next - t_429 for path, t_429, t_next in log if path == urlsplit(url).path]
        for url in exchanges
    }
    for url, seen in exchanges.items():
        assert [answer.status_code for answer, _, _ in seen] == [429, 429, 200]
        assert len(waits[url]) == 2  # one entry per 429 answer
        for wait, (_, sent, received), (_, sent_next, received_next) in zip(
            waits[url], seen, seen[1:]
        ):
            assert sent_next - received <= wait <= received_next - sent
    assert min(waits[patient]) >= 1  # it slept Retry-After before each retry


def test_server_errors_alternate_503_and_500_without_retry_after(plain, http):
    with SampleSite(count=COUNT, faults=Faults(server_error_every=2)) as site:
        first, second = (site.base_url + site.releases[i].path for i in (1, 3))
        errors = [http.get(first), http.get(second)]
        assert [e.status_code for e in errors] == [503, 500]
        assert all("Retry-After" not in e.headers for e in errors)
        assert http.get(first).content == plain(site.releases[1].path).content
        assert http.get(second).status_code == 200
        assert site.request_counts["5xx"] == 2


def test_slow_answer_comes_after_slow_seconds_once(plain, http):
    with SampleSite(count=COUNT, faults=Faults(slow_every=1, slow_seconds=0.6)) as site:
        impatient, patient = (site.base_url + site.releases[i].path for i in (0, 1))
        with pytest.raises(requests.exceptions.ReadTimeout):
            http.get(impatient, timeout=(2, 0.2))
        assert site.request_counts["slow"] == 1
        assert http.get(impatient, timeout=(2, 5)).status_code == 200
        assert site.request_counts["slow"] == 1  # the retry was not slowed
        started = time.monotonic()
        page = http.get(patient, timeout=(2, 5))
        assert time.monotonic() - started >= 0.6  # a lower bound: the site slept that long
        assert page.content == plain(site.releases[1].path).content
        assert site.request_counts["slow"] == 2


def test_dropped_connection_raises_connection_error_once(plain, http):
    with SampleSite(count=COUNT, faults=Faults(drop_every=1)) as site:
        url = site.base_url + site.releases[2].path
        with pytest.raises(requests.exceptions.ConnectionError) as raised:
            http.get(url)
        assert not isinstance(raised.value, requests.exceptions.Timeout)
        assert "without response" in str(raised.value)
        assert http.get(url).content == plain(site.releases[2].path).content
        assert site.request_counts["dropped"] == 1 and site.request_counts["release"] == 1


def test_truncated_page_is_an_incomplete_read(plain, http):
    with SampleSite(count=COUNT, faults=Faults(truncate_every=1)) as site:
        buffered, streamed = (site.base_url + site.releases[i].path for i in (0, 1))
        with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
            http.get(buffered)
        full = plain(site.releases[1].path).content
        response = http.get(streamed, stream=True)
        assert response.status_code == 200
        assert response.headers["Content-Length"] == str(len(full))
        received = bytearray()
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(1024):
                received += chunk
        # Half the page arrived; the last partial chunk is lost with the error.
        assert full.startswith(received) and len(full) // 2 - 1024 < len(received) <= len(full) // 2
        assert http.get(buffered).content == plain(site.releases[0].path).content
        assert http.get(streamed).content == full
        assert site.request_counts["truncated"] == 2


def test_a_release_hit_by_several_faults_gets_only_the_first(http):
    faults = Faults(rate_limit_every=2, burst=2, server_error_every=2, drop_every=2)
    with SampleSite(count=COUNT, faults=faults) as site:
        url = site.base_url + site.releases[1].path
        assert [http.get(url).status_code for _ in range(3)] == [429, 429, 200]
        assert faults.failing_requests(1) == 2 and faults.failing_requests(0) == 0


# -- charsets -----------------------------------------------------------------------------


def test_cp1252_pages_are_labelled_and_decode_to_the_same_document(plain, http):
    with SampleSite(count=COUNT, faults=Faults(cp1252_every=1)) as site:
        references = 0
        for rel in site.releases:
            page = http.get(site.base_url + rel.path)
            assert page.headers["Content-Type"] == "text/html; charset=windows-1252"
            assert page.encoding == "windows-1252"
            assert b'<meta charset="windows-1252"/>' in page.content
            assert b"utf-8" not in page.content.lower()
            assert _document(page.text) == _document(plain(rel.path).text)
            references += "&#" in page.text  # Łódź, Japanese names: outside windows-1252
        assert references >= 5
        assert site.request_counts["cp1252"] == COUNT


def test_unlabelled_pages_carry_no_charset_anywhere_and_are_windows_1252(plain, http):
    with SampleSite(count=COUNT, faults=Faults(no_charset_every=1)) as site:
        not_utf8 = 0
        for rel in site.releases:
            page = http.get(site.base_url + rel.path)
            assert page.headers["Content-Type"] == "text/html"
            assert b"charset" not in page.content.lower()
            try:
                page.content.decode("utf-8")
            except UnicodeDecodeError:
                not_utf8 += 1
            # What browsers do with an unlabelled page (WHATWG: windows-1252) gets it right.
            assert _document(page.content.decode("cp1252")) == _document(plain(rel.path).text)
        assert not_utf8 >= 50  # a decoder must notice: UTF-8 does not fit


# -- duplicate entries --------------------------------------------------------------------


def test_feed_lists_every_third_release_again_under_a_tracking_url(http):
    with SampleSite(
        count=COUNT, rss_size=COUNT, faults=Faults(duplicate_feed_entries=True)
    ) as site:
        feed = http.get(site.base_url + RSS)
        items = ET.fromstring(feed.content).findall("./channel/item")
        etag = feed.headers["ETag"]
        assert http.get(site.base_url + RSS, headers={"If-None-Match": etag}).status_code == 304
    links = [item.findtext("link") for item in items]
    assert all(item.findtext("guid") == item.findtext("link") for item in items)
    paths = Counter(urlsplit(link).path for link in links)
    duplicated = {rel.path for rel in site.releases if (rel.index + 1) % 3 == 0}
    assert set(paths) == {rel.path for rel in site.releases}
    assert {path for path, n in paths.items() if n == 2} == duplicated
    assert max(paths.values()) == 2 and len(links) == COUNT + len(duplicated)
    extra = links[COUNT:]  # the second entries come after the feed's own
    assert all(link != site.base_url + urlsplit(link).path for link in extra)
    assert any(
        link.startswith(site.base_url) and "utm_source=rss&utm_medium=feed" in link
        for link in extra
    )
    hosts = {urlsplit(link).netloc for link in extra}
    assert {"www.prnewswire.com", "prnewswire.com", "www.prnewswire.co.uk"} <= hosts
    assert {urlsplit(link).scheme for link in extra} == {"http", "https"}


def test_listing_pages_list_duplicates_with_relative_and_absolute_variants(http):
    with SampleSite(count=COUNT, faults=Faults(duplicate_feed_entries=True)) as site:
        hrefs, page = [], 1
        while True:
            html = http.get(f"{site.base_url}{LISTING}?page={page}&pagesize=7").text
            found = [a["href"] for a in BeautifulSoup(html, "lxml").select("div.newsCards a[href]")]
            if not found:
                break
            hrefs += found
            page += 1
    paths = Counter(urlsplit(href).path for href in hrefs)
    duplicated = {rel.path for rel in site.releases if (rel.index + 1) % 3 == 0}
    assert set(paths) == {rel.path for rel in site.releases}
    assert {path for path, n in paths.items() if n == 2} == duplicated
    assert any(href.startswith("/news-releases/") and "utm_source=" in href for href in hrefs)
    assert any(href.startswith("https://www.prnewswire.com/") for href in hrefs)


# -- changing releases --------------------------------------------------------------------


def _body_text(html: str) -> str:
    body = BeautifulSoup(html, "lxml").select_one("section.release-body")
    return clean(body.get_text())


def test_changing_releases_serve_a_new_version_each_epoch(plain, http):
    faults = Faults(changing_releases=2)
    with SampleSite(count=COUNT, faults=faults) as site:
        changing, fixed = site.releases[1], site.releases[2]
        get = lambda rel: http.get(site.base_url + rel.path).text  # noqa: E731
        assert (
            get(changing) == plain(changing.path).text
            and site.expected(changing) == changing.expected
        )
        assert site.advance() == 1
        first = get(changing)
        assert get(fixed) == plain(fixed.path).text
        assert site.expected(fixed) == fixed.expected
        site.advance()
        second = get(changing)
    truths = [faults.expected_at(changing, epoch) for epoch in (0, 1, 2)]
    assert truths[0] == changing.expected
    assert len({t["body_text"] for t in truths}) == len({t["content_sha256"] for t in truths}) == 3
    for html, truth in ((first, truths[1]), (second, truths[2])):
        changed = truth["body_text"].split("\n\n")[1]
        assert "Updated in revision" in changed and changed in _body_text(html)
        assert {
            k: v for k, v in truth.items() if k not in ("body_text", "word_count", "content_sha256")
        } == {
            k: v
            for k, v in changing.expected.items()
            if k not in ("body_text", "word_count", "content_sha256")
        }
    assert "Updated in revision 1:" in first and "Updated in revision 2:" in second


# -- the promise: retries always end with the normal page ---------------------------------


def test_every_release_serves_the_normal_page_after_the_documented_failures(plain, http):
    faults = Faults(
        rate_limit_every=6,
        burst=3,
        server_error_every=5,
        drop_every=7,
        truncate_every=4,
        slow_every=11,
        slow_seconds=1.0,
        cp1252_every=8,
        no_charset_every=9,
    )
    with SampleSite(count=COUNT, faults=faults) as site:
        for rel in site.releases:
            failures = 0
            while True:
                try:
                    page = http.get(site.base_url + rel.path, timeout=(2, 0.5))
                    if page.status_code == 200:
                        break
                except requests.exceptions.RequestException:
                    pass
                failures += 1
                assert failures <= faults.failing_requests(rel.index), rel.index
            assert failures == faults.failing_requests(rel.index), rel.index
            charset = faults.charset_fault(rel.index)
            reference = plain(rel.path)
            if charset is None:
                assert page.content == reference.content
            else:
                assert _document(page.content.decode("cp1252")) == _document(reference.text)
        counts = dict(site.request_counts)
    # The Nth, 2Nth ... release is hit, and a release picked by several faults gets the first
    # in the order 429, 5xx, dropped, truncated, slow: the 30th is a 429, not a 5xx; of the
    # multiples of 4 (truncated) 12, 24, 36, 48, 60 are 429s, 20, 40 5xx and 28, 56 dropped.
    kinds = Counter(faults.transient_fault(rel.index) for rel in site.releases)
    assert (kinds["429"], kinds["5xx"], kinds["dropped"], kinds["truncated"], kinds["slow"]) == (
        10,
        10,
        6,
        6,
        3,
    )
    assert counts["429"] == 3 * 10 and counts["5xx"] == 10 and counts["dropped"] == 6
    assert counts["truncated"] == 6 and counts["slow"] == 3
    assert counts["release"] == COUNT + 3  # one page each, plus the slow pages nobody waited for


def test_robots_feed_and_listing_are_never_failed(http):
    everything = Faults(
        rate_limit_every=1,
        server_error_every=1,
        drop_every=1,
        truncate_every=1,
        slow_every=1,
        cp1252_every=1,
        no_charset_every=1,
    )
    with SampleSite(count=COUNT, faults=everything) as site:
        for path, kind in (("/robots.txt", "text/plain"), (RSS, "xml"), (LISTING, "utf-8")):
            answer = http.get(site.base_url + path, timeout=(2, 0.5))
            assert answer.status_code == 200 and kind in answer.headers["Content-Type"]


# -- hostile faults (issue 11: 5-8) --------------------------------------------------------


def test_robots_bomb_is_the_rules_then_mebibytes_of_comments_in_gzip_members(http):
    with SampleSite(count=COUNT, faults=Faults(robots_bomb=True)) as site:
        answer = http.get(site.base_url + "/robots.txt", stream=True)
        wire = answer.raw.read(decode_content=False)  # what was sent, not what it unpacks to
    assert answer.headers["Content-Encoding"] == "gzip" and len(wire) < 1024 * 1024
    first = zlib.decompressobj(31)
    rules = first.decompress(wire)
    second = zlib.decompressobj(31)
    padding = second.decompress(first.unused_data)
    assert rules.startswith(b"User-agent:") and b"Disallow: /account/" in rules
    assert padding == b"#" * (1024 * 1024 - 1) + b"\n"
    assert second.unused_data == first.unused_data[len(first.unused_data) // ROBOTS_BOMB_MIB :]


def test_trickle_sends_the_first_answer_a_byte_at_a_time_then_the_page(plain):
    faults = Faults(trickle_every=5, trickle_interval=1.0)
    with SampleSite(count=COUNT, faults=faults) as site:
        rel = site.releases[4]
        with socket.create_connection(urlsplit(site.base_url)[1].split(":")) as sock:
            sock.sendall(f"GET {rel.path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(65536)
            head, body = answer.split(b"\r\n\r\n", 1)
            body += sock.recv(65536)  # a byte a second: one or two by now, not 29 KB
        normal = plain(rel.path).content
        assert (
            head.startswith(b"HTTP/1.1 200") and f"Content-Length: {len(normal)}" in head.decode()
        )
        assert 1 <= len(body) <= 3 and normal.startswith(body)
        assert requests.get(site.base_url + rel.path, timeout=5).content == normal
        assert site.request_counts["trickle"] == 1


def test_huge_retry_after_answers_the_first_request_only(plain, http):
    with SampleSite(count=COUNT, faults=Faults(huge_retry_after_every=5)) as site:
        rel = site.releases[4]
        first, second = http.get(site.base_url + rel.path), http.get(site.base_url + rel.path)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "999999")
    assert second.content == plain(rel.path).content


def test_element_bomb_pages_carry_the_bomb_on_every_serve(plain, http):
    with SampleSite(count=COUNT, faults=Faults(element_bomb_every=5)) as site:
        bombed, spared = site.releases[4], site.releases[3]
        answers = [http.get(site.base_url + bombed.path) for _ in range(2)]
        assert http.get(site.base_url + spared.path).content == plain(spared.path).content
    normal = plain(bombed.path).content
    for answer in answers:
        assert answer.content.count(b"<p>.</p>") == ELEMENT_BOMB
        assert answer.content.replace(b"<p>.</p>", b"") == normal


def test_attribute_bomb_pages_carry_one_element_of_many_attributes_on_every_serve(plain, http):
    with SampleSite(count=COUNT, faults=Faults(attribute_bomb_every=5)) as site:
        bombed = site.releases[4]
        answers = [http.get(site.base_url + bombed.path) for _ in range(2)]
    normal = plain(bombed.path).content
    for answer in answers:
        bomb = re.search(rb"<p (a0 .*? a99999)>\.</p>", answer.content)
        assert len(bomb[1].split()) == ATTRIBUTE_BOMB
        assert answer.content.replace(bomb[0], b"") == normal


# -- command line -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs SIGUSR1")
def test_cli_serves_faults_and_sigusr1_advances_the_epoch():
    releases = generate_releases(COUNT)
    rate_limited = releases[ALL.rate_limit_every - 1]
    changing = releases[ALL.changing_releases - 1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newswire.cli",
            "sample-site",
            "--count",
            str(COUNT),
            "--faults",
            "all",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = re.search(r"http://[^ ]+", process.stdout.readline())[0]
        assert process.stdout.readline().startswith("faults: rate_limit_every=23, burst=2,")
        answer = requests.get(base + rate_limited.path, timeout=5)
        assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
        assert "revision" not in requests.get(base + changing.path, timeout=5).text
        process.send_signal(signal.SIGUSR1)
        assert process.stdout.readline() == "epoch 1\n"
        assert "Updated in revision 1:" in requests.get(base + changing.path, timeout=5).text
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stderr.read() == ""

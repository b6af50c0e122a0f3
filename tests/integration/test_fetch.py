"""The HTTP client over real loopback HTTP: allow-list, redirects, private addresses,
URLs that parsers read differently, DNS, retries, Retry-After, deadlines, rate limit,
robots.txt, conditional GET."""

import gzip
import socket
import time
import tracemalloc

import pytest

from newswire.fetching.allowlist import AllowList, HostNotAllowed, is_loopback
from newswire.fetching.client import (
    ROBOTS_FAILURE_AGE,
    ROBOTS_MAX_AGE,
    FetchError,
    PoliteClient,
)
from tests.support.http import Recorder, tls_context
from tests.support.listings import robots_txt


@pytest.fixture
def servers():
    made = []

    def make(routes=None, tls=None):
        made.append(Recorder(routes, tls))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_redirect_to_another_host_is_refused_and_the_canary_hears_nothing(servers):
    canary = servers()
    site = servers(
        {"/news-releases/a-300000001.html": (302, {"Location": canary.url + "/stolen"}, b"")}
    )
    with PoliteClient(site.url) as client:
        with pytest.raises(FetchError) as caught:
            client.get(site.url + "/news-releases/a-300000001.html")
        assert caught.value.reason == "host_not_allowed"
        with pytest.raises(FetchError):  # same address, other port: another service
            client.get(canary.url + "/news-releases/a-300000001.html")
    assert canary.seen == []


def test_a_redirect_on_the_same_site_is_followed(servers):
    site = servers({"/old": (301, {"Location": "/new"}, b"")})
    with PoliteClient(site.url) as client:
        page = client.get(site.url + "/old")
    assert page.url == site.url + "/new" and page.content == b"<html>ok</html>"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://10.1.2.3/news-releases/a-300000001.html", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://localhost:8080/", "private_address"),
        ("http://[::1]/", "private_address"),
        ("http://evil.example/news-releases/a-300000001.html", "host_not_allowed"),
        ("file:///etc/passwd", "bad_scheme"),
        # IPv4 loopback wrapped in IPv6: NAT64, 6to4, IPv4-compatible, IPv4-mapped, Teredo
        ("http://[64:ff9b::7f00:1]/", "private_address"),
        ("http://[2002:7f00:1::]/", "private_address"),
        ("http://[::7f00:1]/", "private_address"),
        ("http://[::ffff:127.0.0.1]/", "private_address"),
        ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "private_address"),
        ("http://nothing.invalid/", "dns_failure"),  # a failed lookup is no permission
        ("http://93.184.216.34:22/", "port_not_allowed"),
        ("https://www.prnewswire.com:8443/", "port_not_allowed"),
        # what urllib.parse and urllib3 read differently
        ("http://127.0.0.1:8080\\@www.prnewswire.com/", "bad_url"),
        ("http://www.prnewswire.com\\@127.0.0.1/", "bad_url"),
        ("http://user:secret@www.prnewswire.com/", "bad_url"),
        ("http://www.prnewswire.com@127.0.0.1/", "bad_url"),
        ("http://www.prnewswire.com /x", "bad_url"),
        ("http://www.prnewswire.com\t/x", "bad_url"),
        ("http://www.prnewswire.com/x\ny", "bad_url"),
        ("http://www.prnewswire.com\x00.127.0.0.1/", "bad_url"),
    ],
)
def test_allow_list_for_the_real_site(url, reason, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def offline(host, *args, **kwargs):  # the real site, without asking a DNS server
        if host == "www.prnewswire.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    allow = AllowList(
        "https://www.prnewswire.com",
        extra_hosts=(
            "10.1.2.3",
            "169.254.169.254",
            "localhost",
            "::1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "::7f00:1",
            "::ffff:127.0.0.1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "nothing.invalid",
            "93.184.216.34",
        ),
    )
    with pytest.raises(HostNotAllowed) as caught:
        allow.check(url)
    assert caught.value.reason == reason


def test_only_a_loopback_base_url_may_be_a_local_address():
    assert all(is_loopback(u) for u in ("http://127.0.0.1:80", "http://localhost/", "http://[::1]"))
    assert not any(is_loopback(u) for u in ("http://10.1.2.3/", "https://www.prnewswire.com/"))
    AllowList("http://127.0.0.1:8000").check("http://127.0.0.1:8000/news-releases/")
    with pytest.raises(HostNotAllowed) as caught:
        AllowList("http://10.1.2.3:8000").check("http://10.1.2.3:8000/news-releases/")
    assert caught.value.reason == "private_address"


def test_the_wire_hosts_are_allowed_for_the_real_site():
    allow = AllowList("https://www.prnewswire.com")
    assert {"www.prnewswire.com", "prnewswire.com"} <= allow.hosts
    assert "www.globenewswire.com" not in allow.hosts


def test_retry_after_is_honoured(servers):
    answers = iter(
        [
            (429, {"Retry-After": "1", "Content-Type": "text/html"}, b"slow down"),
            (200, {"Content-Type": "text/html"}, b"<html>ok</html>"),
        ]
    )
    site = servers({"/page": (0, {}, lambda handler: next(answers))})
    with PoliteClient(site.url) as client:
        assert client.get(site.url + "/page").content == b"<html>ok</html>"
    page_hits = [t for path, _, t in site.seen if path == "/page"]
    assert len(page_hits) == 2 and page_hits[1] - page_hits[0] >= 0.95


def test_rate_limit_spaces_requests(servers):
    site = servers()
    with PoliteClient(site.url, max_rps=5) as client:
        for n in range(4):
            client.get(f"{site.url}/p{n}")
    times = [t for path, _, t in site.seen if path.startswith("/p")]
    assert all(b - a >= 0.18 for a, b in zip(times, times[1:]))


def test_robots_txt_is_obeyed_and_the_user_agent_is_honest(servers):
    site = servers(
        {
            "/robots.txt": (
                200,
                {"Content-Type": "text/plain"},
                b"User-agent: *\nDisallow: /private/\n",
            )
        }
    )
    with PoliteClient(site.url) as client:
        with pytest.raises(FetchError) as caught:
            client.get(site.url + "/private/x.html")
        client.get(site.url + "/public.html")
    assert caught.value.reason == "robots_disallowed"
    assert [p for p, _, _ in site.seen] == ["/robots.txt", "/public.html"]
    agent = site.seen[-1][1]["User-Agent"]
    assert agent.startswith("newswire/") and "+" in agent


def test_conditional_get_sends_the_validators(servers):
    def feed(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, b"<rss/>"

    site = servers({"/feed": (0, {}, feed)})
    with PoliteClient(site.url) as client:
        first = client.get(site.url + "/feed", expect=("xml",))
        second = client.get(
            site.url + "/feed", expect=("xml",), headers={"If-None-Match": first.headers["ETag"]}
        )
    assert (first.status, second.status, second.content) == (200, 304, b"")


def test_oversized_and_wrong_type_responses_are_refused(servers):
    site = servers(
        {
            "/big": (200, {"Content-Type": "text/html"}, b"x" * (10 * 1024 * 1024 + 10)),
            "/img": (200, {"Content-Type": "image/png"}, b"\x89PNG"),
        }
    )
    with PoliteClient(site.url) as client:
        reasons = []
        for path in ("/big", "/img"):
            with pytest.raises(FetchError) as caught:
                client.get(site.url + path)
            reasons.append(caught.value.reason)
    assert reasons == ["too_large", "unexpected_content_type"]


# -- URLs that hide their host; the checked address is the connected one ------------------


def test_a_backslash_url_cannot_reach_a_loopback_service(servers):
    """urllib.parse reads the host after the ``\\@``, urllib3 connects to the one before."""
    canary = servers()
    port = canary.server_address[1]
    bad = f"http://127.0.0.1:{port}\\@www.prnewswire.com/news-releases/a-300000001.html"
    site = servers({"/news-releases/a-300000001.html": (302, {"Location": bad}, b"")})
    with PoliteClient("https://www.prnewswire.com") as client:
        with pytest.raises(FetchError) as direct:
            client.get(bad)
    with PoliteClient(site.url, allowed_hosts=("www.prnewswire.com",)) as client:
        with pytest.raises(FetchError) as redirected:
            client.get(site.url + "/news-releases/a-300000001.html")
    assert (direct.value.reason, redirected.value.reason) == ("bad_url", "bad_url")
    assert canary.seen == []


def test_newswire_parse_of_a_backslash_url_requests_nothing(servers, capsys):
    from newswire.cli import main

    canary = servers()
    port = canary.server_address[1]
    assert main(["parse", f"http://127.0.0.1:{port}\\@www.prnewswire.com/a-300000001.html"]) == 1
    assert "bad_url" in capsys.readouterr().err
    assert canary.seen == []


def test_the_connection_goes_to_the_checked_address(servers, monkeypatch):
    """A DNS answer that changes between the check and the connection (rebinding, TTL 0)
    must not take the request to a loopback service."""
    canary = servers()
    port = canary.server_address[1]
    answers = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host != "www.prnewswire.com":
            return real_getaddrinfo(host, *args, **kwargs)
        answers.append("93.184.216.34" if len(answers) < 2 else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[-1], port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with PoliteClient(f"http://www.prnewswire.com:{port}", retries=0, deadline=1) as client:
        try:
            client.get(f"http://www.prnewswire.com:{port}/news-releases/a-300000001.html")
        except FetchError:
            pass  # wherever 93.184.216.34 leads from here, it is not the canary
    assert canary.seen == []


def test_https_goes_to_the_checked_address_under_the_host_name(servers, tmp_path):
    """Connected to the checked address, TLS still names the host: SNI and the certificate
    check are for ``localhost`` (its certificate does not name 127.0.0.1), and so is Host."""
    context, authority = tls_context(tmp_path)
    site = servers({"/slow.html": (0, {}, _trickle(headers_too=False))}, tls=context)
    with PoliteClient(site.url, deadline=1) as client:
        client.session.verify = str(authority)
        assert client.get(site.url + "/a.html").content == b"<html>ok</html>"
        with pytest.raises(FetchError) as slow:
            client.get(site.url + "/slow.html")
    assert slow.value.reason == "deadline_exceeded"  # the deadline holds over TLS too
    assert [(p, h["Host"]) for p, h, _ in site.seen[:2]] == [
        ("/robots.txt", site.url.removeprefix("https://")),
        ("/a.html", site.url.removeprefix("https://")),
    ]
    with PoliteClient(site.url, retries=0) as untrusting:  # certificates are checked
        with pytest.raises(FetchError):
            untrusting.get(site.url + "/a.html")
    assert len(site.seen) == 3


# -- time: deadlines and Retry-After --------------------------------------------------------


def _trickle(headers_too: bool):
    """An answer sent one byte at a time, 50 ms apart (about 15 s in all)."""

    def answer(handler):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n"
        data = (head if headers_too else b"") + b"x" * 200
        if not headers_too:
            handler.wfile.write(head)
        try:
            for n in range(len(data)):
                handler.wfile.write(data[n : n + 1])
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the client gave up
        handler.close_connection = True

    return answer


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_trickling_answer_is_cut_at_the_deadline(servers, headers_too):
    site = servers({"/slow.html": (0, {}, _trickle(headers_too))})
    with PoliteClient(site.url, deadline=1) as client:
        with pytest.raises(FetchError) as caught:
            client.get(site.url + "/slow.html")
        assert caught.value.reason == "deadline_exceeded"
        assert client.get(site.url + "/fast.html").content == b"<html>ok</html>"
    assert [p for p, _, _ in site.seen].count("/slow.html") == 1  # not retried


def test_a_retry_after_beyond_the_cap_is_a_reject_not_a_nap(servers):
    site = servers(
        {
            "/later.html": (429, {"Retry-After": "999999", "Content-Type": "text/html"}, b""),
            "/soon.html": (503, {"Retry-After": "3", "Content-Type": "text/html"}, b""),
        }
    )
    with PoliteClient(site.url) as client:
        with pytest.raises(FetchError) as default_cap:
            client.get(site.url + "/later.html")
    with PoliteClient(site.url, max_retry_after=2) as client:
        with pytest.raises(FetchError) as configured_cap:
            client.get(site.url + "/soon.html")
    assert default_cap.value.reason == configured_cap.value.reason == "retry_after_too_long"
    assert [p for p, _, _ in site.seen if p != "/robots.txt"] == ["/later.html", "/soon.html"]


# -- robots.txt -------------------------------------------------------------------------------


def test_robots_txt_wildcards_are_obeyed(servers):
    rules = b"User-agent: *\nDisallow: /*?tc=\nDisallow: /*.pdf$\n"
    site = servers({"/robots.txt": (200, {"Content-Type": "text/plain"}, rules)})
    with PoliteClient(site.url) as client:
        assert not client.allowed_by_robots(site.url + "/news-releases/a-300000001.html?tc=eml")
        assert not client.allowed_by_robots(site.url + "/files/report.pdf")
        assert client.allowed_by_robots(site.url + "/files/report.pdf.html")
        assert client.allowed_by_robots(site.url + "/news-releases/a-300000001.html")


def test_the_real_prnewswire_robots_txt(servers):
    rules = robots_txt()
    site = servers({"/robots.txt": (200, {"Content-Type": "text/plain"}, rules)})
    with PoliteClient(site.url) as client:
        allowed = {
            path: client.allowed_by_robots(site.url + path)
            for path in (
                "/news-releases/acme-wins-an-award-300000001.html",
                "/rss/news-releases-list.rss",
                "/search/news/?keyword=acme",
                "/multivu/1234-acme",
                "/content/dam/acme/annual-report.pdf",
            )
        }
    assert [path for path, ok in allowed.items() if ok] == [
        "/news-releases/acme-wins-an-award-300000001.html",
        "/rss/news-releases-list.rss",
    ]


def test_a_robots_txt_bomb_is_read_only_up_to_the_parsing_limit(servers):
    """64 MiB of comments behind 64 KiB of gzip: the rules on top count, memory stays low."""
    member = gzip.compress(b"#" * (1024 * 1024 - 1) + b"\n", 9)
    bomb = gzip.compress(b"User-agent: *\nDisallow: /private/\n") + member * 64
    headers = {"Content-Type": "text/plain", "Content-Encoding": "gzip"}
    site = servers({"/robots.txt": (200, headers, bomb)})
    tracemalloc.start()
    try:
        with PoliteClient(site.url) as client:
            assert not client.allowed_by_robots(site.url + "/private/x.html")
            assert client.allowed_by_robots(site.url + "/public.html")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_a_robots_txt_that_cannot_be_read_disallows_everything(servers):
    """RFC 9309: unreachable (here: cut off mid-body) means complete disallow, not a crash."""

    def cut(handler):
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n10\r\nUser-agent: *\n"
        )
        handler.close_connection = True

    site = servers({"/robots.txt": (0, {}, cut)})
    with PoliteClient(site.url) as client:
        with pytest.raises(FetchError) as caught:
            client.get(site.url + "/news-releases/a-300000001.html")
    # Its own reason: nothing forbade the page, reading the rules failed (retried next run).
    assert caught.value.reason == "robots_unreachable"
    assert "robots.txt of " + site.url + " unreachable" in caught.value.detail


def _robots_answers(*answers):
    """A robots.txt route that gives ``answers`` ((status, text) each) in turn, the last
    for good."""
    queue = list(answers)

    def answer(handler):
        status, text = queue.pop(0) if len(queue) > 1 else queue[0]
        return status, {"Content-Type": "text/plain"}, text.encode()

    return (0, {}, answer)


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_unreachable_robots_txt_is_asked_again_after_a_while(servers):
    """One 503 must not stop a long-lived client (the feed watcher's) for good."""
    page = "/news-releases/a-300000001.html"
    site = servers({"/robots.txt": _robots_answers((503, "busy"), (200, "User-agent: *\n"))})
    clock = _Clock()
    with PoliteClient(site.url, retries=0) as client:  # the 503 is not retried at once
        client.robots.clock = clock
        for _ in range(2):  # the failure is kept a while: robots.txt is not asked every time
            with pytest.raises(FetchError) as caught:
                client.get(site.url + page)
            assert caught.value.reason == "robots_unreachable"
        clock.now += ROBOTS_FAILURE_AGE
        assert client.get(site.url + page).status == 200
    assert [path for path, *_ in site.seen] == ["/robots.txt", "/robots.txt", page]


def test_robots_txt_is_read_again_when_a_day_old(servers):
    """RFC 9309 2.4: no cached robots.txt older than 24 hours; a Disallow added is obeyed."""
    page = "/news-releases/a-300000001.html"
    site = servers(
        {
            "/robots.txt": _robots_answers(
                (200, "User-agent: *\nDisallow: /private/\n"),
                (200, "User-agent: *\nDisallow: /news-releases/\n"),
            )
        }
    )
    clock = _Clock()
    with PoliteClient(site.url) as client:
        client.robots.clock = clock
        assert client.get(site.url + page).status == 200
        clock.now += ROBOTS_MAX_AGE - 1
        assert client.get(site.url + page).status == 200  # the rules of a day ago still hold
        clock.now += 1
        with pytest.raises(FetchError) as caught:
            client.get(site.url + page)
        assert caught.value.reason == "robots_disallowed"
    assert [path for path, *_ in site.seen] == ["/robots.txt", page, page, "/robots.txt"]

"""The HTTP client over real loopback HTTP: allow-list, redirects, private addresses,
retries, rate limit, robots.txt, conditional GET."""

import pytest

from newswire.fetching.allowlist import AllowList, HostNotAllowed, is_loopback
from newswire.fetching.client import FetchError, PoliteClient
from tests.support.http import Recorder


@pytest.fixture
def servers():
    made = []

    def make(routes=None):
        made.append(Recorder(routes))
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
    ],
)
def test_allow_list_for_the_real_site(url, reason):
    allow = AllowList(
        "https://www.prnewswire.com",
        extra_hosts=("10.1.2.3", "169.254.169.254", "localhost", "::1"),
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

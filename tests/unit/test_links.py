"""The one safe-URL rule of the pages and the alerts (newswire.links.web_url)."""

import pytest

from newswire.links import web_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.prnewswire.com/news-releases/x-302000000.html",
        "http://127.0.0.1:8080/news-releases/x.html",
        "HTTPS://WWW.PRNEWSWIRE.COM/x.html",
    ],
)
def test_http_urls_are_links(url):
    assert web_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/news-releases/x.html",
        "https:no-host",
        "http://[::1",
        "ftp://example.com/x",
    ],
)
def test_other_values_are_not(url):
    assert web_url(url) == ""

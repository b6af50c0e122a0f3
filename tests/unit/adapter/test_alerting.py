"""What an alert says and where it may go: the webhook payload (Slack-escaped text and the
structured fields) and the webhook URL check, without a server."""

import pytest

from newswire.fetching.allowlist import HostNotAllowed, for_receiver, parse
from newswire_airflow.alerting import webhook_payload
from newswire_airflow.notifications.webhook import WebhookError, checked_webhook_url
from tests.support.records import make_alert

ALERT = make_alert()


def test_the_payload_has_text_for_people_and_fields_for_programs():
    payload = webhook_payload(ALERT)
    assert payload["text"].splitlines() == [
        "&lt;!channel&gt; Workday &amp; Co &lt;https://evil.example|click&gt;",
        "Workday, Inc. · NASDAQ:WDAY, NYSE:X · published 2025-02-17 21:05 UTC",
        "https://www.prnewswire.com/news-releases/release-302000000.html",
        "watchlist wday: ticker NASDAQ:WDAY",
    ]
    assert payload["newswire"] == {
        "alert_id": 7,
        "watchlist": "wday",
        "matched": "ticker NASDAQ:WDAY",
        "title": ALERT.title,
        "issuer": "Workday, Inc.",
        "tickers": ["NASDAQ:WDAY", "NYSE:X"],
        "published_at": "2025-02-17T21:05:00+00:00",
        "url": ALERT.url,
        "wire": "prnewswire",
        "release_id": "302000000",
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0/B0/abc",
        "https://example.webhook.office.com/webhookb2/x@y/IncomingWebhook/z",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9/hook",
    ],
)
def test_https_webhooks_and_http_to_this_machine_are_accepted(url):
    assert checked_webhook_url(url, "hook") == url


@pytest.mark.parametrize(
    "url, why",
    [
        ("", "is empty: put the URL in the connection's password"),
        ("http://hooks.slack.com/services/T0/B0/abc", "must be https://"),
        ("ftp://example.com/x", "must be https://"),
        ("hooks.slack.com/services/x", "must be https://"),
        ("https://user:pw@example.com/x", "a host and no user name or password"),
        ("https://example.com/a b", "has spaces or controls"),
        ("https://example.com\\@evil.example/", "has spaces or controls"),
        ("https://example.com:99999/x", "is not a URL with a host"),
        ("https://example.com/" + "x" * 2048, "is longer than 2048 characters"),
    ],
)
def test_other_webhook_urls_are_refused_without_repeating_them(url, why):
    with pytest.raises(WebhookError) as refused:
        checked_webhook_url(url, "hook")
    assert str(refused.value).startswith("the webhook URL of connection 'hook' ")
    assert why in str(refused.value)
    assert not url or url not in str(refused.value)


@pytest.mark.parametrize(
    "url, opted_in, refused",
    [
        ("https://8.8.8.8/hooks/x", False, None),
        ("https://10.0.0.5/hooks/x", False, "private_address"),
        ("https://169.254.169.254/latest/meta-data", True, "private_address"),
        ("https://[::ffff:192.168.1.1]/x", True, "private_address"),
        ("https://[64:ff9b::7f00:1]/x", True, "private_address"),  # loopback, disguised
        ("http://127.0.0.1:8080/hook", False, "private_address"),
        ("http://localhost:8080/hook", False, "private_address"),
        ("http://127.0.0.1:8080/hook", True, None),  # make up's stand-in
        ("http://[::1]:9/hook", True, None),
    ],
)
def test_a_webhook_goes_where_a_fetch_may_go_and_to_this_machine_only_when_opted_in(
    monkeypatch, url, opted_in, refused
):
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1" if opted_in else "")
    if refused:
        with pytest.raises(HostNotAllowed) as caught:
            for_receiver(url).check(url)
        assert caught.value.reason == refused
    else:
        target = for_receiver(url).check(url)
        assert (target.host, target.port) == (parse(url).host.strip("[]"), parse(url).port or 443)


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", " javascript:alert(1)", "data:text/html,<b>x"]
)
def test_an_email_alert_links_only_an_http_url(url):
    """A URL planted in the warehouse is shown as text in the e-mail, never as a link."""
    from dataclasses import replace

    from newswire_airflow.alerting import notifier_for

    mail = notifier_for(replace(ALERT, webhook_conn_id=None, email_to=["desk@example.com"]))
    assert f'<a href="{ALERT.url}">' in mail.html_content
    planted = replace(ALERT, webhook_conn_id=None, email_to=["desk@example.com"], url=url)
    html = notifier_for(planted).html_content
    assert "<a " not in html and "href" not in html

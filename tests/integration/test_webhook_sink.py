"""The webhook stand-in `make up` starts, fed by the real webhook notifier over loopback: the
pair that shows the watchlists' alerts arriving (README, "Watching alerts fire")."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

import pytest
import requests

from newswire.warehouse.watchlists import Alert
from newswire_airflow.alerting import alert_key, webhook_payload
from newswire_airflow.notifications.webhook import WebhookNotifier
from newswire_sample_site.webhook_sink import MAX_BODY, WebhookSink


@pytest.fixture
def sink():
    out = io.StringIO()
    with WebhookSink(out=out) as server:
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        yield server, out
        server.shutdown()


def _alert(alert_id: int) -> Alert:
    return Alert(
        alert_id=alert_id,
        watchlist="demo",
        webhook_conn_id="newswire_demo_webhook",
        email_to=None,
        matched="query",
        attempts=0,
        wire="prnewswire",
        release_id="302000847",
        title="Atlas <Analytics> Launches a New Office",
        issuer="Atlas Analytics",
        tickers=["NYSE:ATLS"],
        published_at=datetime(2026, 11, 30, 16, 43, 24, tzinfo=UTC),
        url="https://www.prnewswire.com/news-releases/atlas-302000847.html",
    )


def test_the_notifiers_alerts_are_printed_once_and_a_repeat_is_marked(sink, monkeypatch):
    server, out = sink
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")  # as `make up` sets it
    monkeypatch.setenv(
        "AIRFLOW_CONN_NEWSWIRE_DEMO_WEBHOOK",
        f'{{"conn_type": "generic", "password": "{server.url}"}}',
    )
    first, second = _alert(1), _alert(2)
    for alert in (first, second, first):
        notifier = WebhookNotifier(
            "newswire_demo_webhook", webhook_payload(alert), alert_key(alert)
        )
        notifier.notify({})
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"alert {alert_key(first)}: ")
    assert lines[0].endswith(": Atlas <Analytics> Launches a New Office")
    assert lines[1].startswith(f"alert {alert_key(second)}: ")
    assert lines[2].startswith(f"alert {alert_key(first)} (repeat: already received): ")


def test_what_is_not_an_alert_is_refused(sink):
    server, out = sink
    assert requests.post(server.url, data=b"[1, 2]", timeout=5).status_code == 400
    assert requests.post(server.url, data=b"{", timeout=5).status_code == 400
    assert requests.post(server.url, data=b"x" * (MAX_BODY + 1), timeout=5).status_code == 413
    assert out.getvalue() == ""

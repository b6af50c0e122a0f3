"""The webhook stand-in `make up` starts, fed by the real webhook notifier over loopback: the
pair that shows the watchlists' alerts arriving (README, "Watching alerts fire")."""

from __future__ import annotations

import io
import threading

import pytest
import requests

from newswire_airflow.alerting import alert_key, webhook_payload
from newswire_airflow.notifications.webhook import WebhookNotifier
from newswire_sample_site.webhook_sink import MAX_BODY, WebhookSink
from tests.support.records import make_alert


@pytest.fixture
def sink():
    out = io.StringIO()
    with WebhookSink(out=out) as server:
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        yield server, out
        server.shutdown()


def test_the_notifiers_alerts_are_printed_once_and_a_repeat_is_marked(sink, monkeypatch):
    server, out = sink
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")  # as `make up` sets it
    monkeypatch.setenv(
        "AIRFLOW_CONN_NEWSWIRE_DEMO_WEBHOOK",
        f'{{"conn_type": "generic", "password": "{server.url}"}}',
    )
    first, second = make_alert(alert_id=1), make_alert(alert_id=2)
    for alert in (first, second, first):
        notifier = WebhookNotifier(
            "newswire_demo_webhook", webhook_payload(alert), alert_key(alert)
        )
        notifier.notify({})
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"alert {alert_key(first)}: ")
    assert lines[0].endswith(f": {first.title}")
    assert lines[1].startswith(f"alert {alert_key(second)}: ")
    assert lines[2].startswith(f"alert {alert_key(first)} (repeat: already received): ")


def test_what_is_not_an_alert_is_refused(sink):
    server, out = sink
    assert requests.post(server.url, data=b"[1, 2]", timeout=5).status_code == 400
    assert requests.post(server.url, data=b"{", timeout=5).status_code == 400
    assert requests.post(server.url, data=b"x" * (MAX_BODY + 1), timeout=5).status_code == 413
    assert out.getvalue() == ""

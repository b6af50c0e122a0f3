"""Watchlist alerts delivered under real Airflow to a loopback webhook receiver: exactly one
alert per matching release, including when the alerting task is retried, run again, or
killed after the receiver got an alert (then the repeat carries the same idempotency key)."""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest

from newswire.warehouse import watchlists
from newswire.warehouse.watchlists import Watchlist
from newswire_airflow.alerting import AlertDeliveryFailed, deliver_alerts
from newswire_airflow.notifications.webhook import WebhookError, WebhookNotifier
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.records import load, make_record

HOOK = "alerts_hook"
STATUS = "SELECT release_id, status, attempts, last_error FROM newswire.alerts ORDER BY alert_id"


@pytest.fixture(autouse=True)
def loopback_receivers(monkeypatch):
    """The receivers here are on loopback, which the operator must allow (as `make up` does)."""
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")


def hook_connection(url: str) -> str:
    """The connection as an operator would set it: the webhook URL is its password."""
    return json.dumps({"conn_type": "generic", "password": url})


@pytest.fixture
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    from tests.support import ROOT

    return DagBag(dag_folder=str(ROOT / "dags"))


def tickers_of(release) -> set[str]:
    return {f"{t['exchange']}:{t['symbol']}" for t in release.expected["tickers"]}


def test_a_ticker_watchlist_gets_one_alert_per_matching_release_when_the_task_retries(
    dagbag, airflow_db, warehouse, sample_site, monkeypatch, query
):
    ticker = "HKEX:2288"
    matching = {r.release_id: r for r in sample_site.releases if ticker in tickers_of(r)}
    assert len(matching) >= 5
    watchlists.add(warehouse, Watchlist("hk", tickers=[ticker], webhook_conn_id=HOOK))
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    monkeypatch.setenv("AIRFLOW_VAR_PRNEWSWIRE_BASE_URL", sample_site.base_url)
    dag = dagbag.dags["prnewswire_ingest"]
    dag.get_task("send_alerts").retry_delay = timedelta(0)  # retried at once, not in 30 s

    with WebhookReceiver(answers=[503]) as receiver:  # the first delivery fails
        monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection(receiver.url))
        run = dag.test()
        again = dag.test()  # nothing new, nothing pending: nothing sent

    assert (run.state, again.state) == ("success", "success")
    [ti] = [ti for ti in run.get_task_instances() if ti.task_id == "send_alerts"]
    assert (ti.state, ti.try_number) == ("success", 2)  # failed once, retried by Airflow
    assert receiver.statuses == [503] + [200] * len(matching)
    accepted = receiver.accepted()
    assert sorted(p.body["newswire"]["release_id"] for p in accepted) == sorted(matching)
    for post in accepted:
        fields, release = post.body["newswire"], matching[post.body["newswire"]["release_id"]]
        assert post.path == "/hooks/T000/B000/secret-path"
        assert post.headers["Idempotency-Key"] == f"newswire-alert-{fields['alert_id']}"
        assert ticker in fields["tickers"] and fields["matched"] == f"ticker {ticker}"
        assert fields["url"] == release.expected["url"] and fields["url"] in post.body["text"]
        assert fields["published_at"] == release.expected["published_at"]
        assert (fields["title"], fields["issuer"]) == (
            release.expected["title"],
            release.expected["issuer"],
        )
    statuses = query(warehouse, STATUS)
    assert {s[1] for s in statuses} == {"sent"}
    assert sorted(s[2] for s in statuses) == [1] * (len(matching) - 1) + [2]


def test_a_sender_killed_after_the_receiver_got_an_alert_repeats_it_with_the_same_key(
    airflow_db, warehouse, monkeypatch, query
):
    """At least once: killed between the receiver's answer and the commit, the alert stays
    pending and goes again, with the key a receiver deduplicates on."""
    watchlists.add(warehouse, Watchlist("wday", ["NASDAQ:WDAY"], webhook_conn_id=HOOK))
    load(warehouse, "r1", [make_record(0)])
    answer = threading.Event()
    with WebhookReceiver(hold=answer) as receiver:
        env = {**os.environ, f"AIRFLOW_CONN_{HOOK.upper()}": hook_connection(receiver.url)}
        code = (
            "import sys; from newswire_airflow.alerting import deliver_alerts as d; d(sys.argv[1])"
        )
        sender = subprocess.Popen([sys.executable, "-c", code, warehouse], env=env)
        try:
            assert receiver.received.wait(120), "the sender posted nothing"
        finally:
            sender.kill()
            sender.wait(30)
        answer.set()
        assert query(warehouse, STATUS) == [(make_record(0)["release_id"], "pending", 0, None)]

        monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection(receiver.url))
        assert deliver_alerts(warehouse) == {"sent": 1, "failed": 0}
        assert deliver_alerts(warehouse) == {"sent": 0, "failed": 0}

    keys = [post.headers["Idempotency-Key"] for post in receiver.posts]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert len(receiver.accepted()) == 1
    assert query(warehouse, STATUS)[0][1:3] == ("sent", 1)


def test_failed_deliveries_are_recorded_without_the_secret_url_and_fail_the_task(
    airflow_db, warehouse, monkeypatch, query
):
    watchlists.add(warehouse, Watchlist("a-hook", ["NASDAQ:WDAY"], webhook_conn_id=HOOK))
    watchlists.add(warehouse, Watchlist("b-none", ["NASDAQ:WDAY"], webhook_conn_id="missing"))
    load(warehouse, "r1", [make_record(0)])
    with WebhookReceiver(answers=[500]) as receiver:
        monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection(receiver.url))
        with pytest.raises(AlertDeliveryFailed, match="2 of 2 alerts not delivered"):
            deliver_alerts(warehouse)
    errors = [row[3] for row in query(warehouse, STATUS)]
    assert errors == [
        "WebhookError: HTTP 500 from the webhook of connection 'alerts_hook'",
        "WebhookError: no Airflow connection 'missing'",
    ]
    # The receiver is gone now: a refused connection, named without its URL.
    with pytest.raises(AlertDeliveryFailed):
        deliver_alerts(warehouse)
    error = query(warehouse, STATUS)[0][3]
    assert (
        error == "WebhookError: connection_error posting to the webhook of connection 'alerts_hook'"
    )
    assert query(warehouse, "SELECT attempts FROM newswire.alerts ORDER BY alert_id") == [
        (2,),
        (2,),
    ]


def test_a_webhook_that_does_not_answer_in_time_or_redirects_is_not_a_delivery(
    airflow_db, monkeypatch
):
    monkeypatch.setenv("NEWSWIRE_REQUEST_DEADLINE", "1")
    answer = threading.Event()
    with WebhookReceiver(hold=answer) as slow, WebhookReceiver(answers=[302]) as moved:
        for receiver, message in ((slow, "deadline_exceeded posting"), (moved, "HTTP 302 from")):
            monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection(receiver.url))
            with pytest.raises(WebhookError, match=message):
                WebhookNotifier(HOOK, {"text": "x"}).notify({})
        answer.set()
    monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection("http://example.com/x"))
    with pytest.raises(WebhookError, match="must be https://"):
        WebhookNotifier(HOOK, {"text": "x"}).notify({})


def test_the_newswire_page_lists_the_watchlists_with_their_recent_alerts(
    airflow_db, warehouse, monkeypatch
):
    """The page's watchlists section, rendered by the real app on a real warehouse (the
    Airflow login is the browser test's: tests/e2e/test_ui.py); warehouse text is escaped."""
    from fastapi.testclient import TestClient

    from newswire_airflow.ui.app import app
    from newswire_airflow.ui.auth import PageAccess, page_access

    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    watchlists.add(warehouse, Watchlist("wday", ["NASDAQ:WDAY"], ["Workday Inc."], None, HOOK))
    watchlists.add(warehouse, Watchlist("quiet", query="nothing", email_to=["a@b.example"]))
    load(warehouse, "r1", [make_record(0, title="<b>Workday</b> & Co")])
    with WebhookReceiver(answers=[500]) as receiver:
        monkeypatch.setenv(f"AIRFLOW_CONN_{HOOK.upper()}", hook_connection(receiver.url))
        with pytest.raises(AlertDeliveryFailed):
            deliver_alerts(warehouse)

    app.dependency_overrides[page_access] = lambda: PageAccess(None, sees_connections=True)
    try:
        page = TestClient(app).get("/")
    finally:
        app.dependency_overrides.clear()
    assert page.status_code == 200
    section = page.text[page.text.index('<section id="watchlists">') :]
    assert '<h3 class="watchlist">quiet</h3>' in section and "No alerts yet." in section
    assert "tickers NASDAQ:WDAY or issuers Workday Inc.; to webhook alerts_hook." in section
    assert "Alerts: 0 sent, 1 pending, 0 failed." in section
    assert "&lt;b&gt;Workday&lt;/b&gt; &amp; Co</a>" in section and "<b>" not in section
    assert "ticker NASDAQ:WDAY; issuer Workday Inc." in section
    assert "HTTP 500 from the webhook of connection &#39;alerts_hook&#39;" in section


def test_an_email_watchlist_gets_its_alert_through_the_smtp_notifier(
    airflow_db, warehouse, monkeypatch, query
):
    watchlists.add(warehouse, Watchlist("mail", ["NASDAQ:WDAY"], email_to=["desk@example.com"]))
    load(warehouse, "r1", [make_record(0, title="Workday <Q4> results")])
    with SmtpReceiver() as smtp:
        extra = {"disable_ssl": True, "disable_tls": True, "from_email": "newswire@example.com"}
        connection = {"conn_type": "smtp", "host": "127.0.0.1", "port": smtp.port, "extra": extra}
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(connection))
        assert deliver_alerts(warehouse) == {"sent": 1, "failed": 0}
        assert deliver_alerts(warehouse) == {"sent": 0, "failed": 0}
    [message] = smtp.messages
    assert message["To"] == "desk@example.com"
    assert message["Subject"] == "[newswire mail] Workday <Q4> results"
    [alert_id] = query(warehouse, "SELECT alert_id FROM newswire.alerts WHERE status = 'sent'")
    assert message["X-Newswire-Alert-Id"] == f"newswire-alert-{alert_id[0]}"
    html = message.get_body(("html",)).get_content()
    url = make_record(0)["url"]
    assert "<p>Workday &lt;Q4&gt; results</p>" in html
    assert f'<a href="{url}">{url}</a>' in html and "NASDAQ:WDAY" in html

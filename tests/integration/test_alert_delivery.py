"""Alert delivery on the terms of every outgoing request, over real loopback HTTP into a real
warehouse: one wall-clock deadline (a receiver that trickles its answer fails that delivery,
counted, and holds up no other watchlist), one address policy (a receiver on this machine
only with the operator's opt-in), and only the status of a failed delivery kept."""

import io
import json
import threading

import pytest

from newswire.warehouse import watchlists
from newswire.warehouse.watchlists import Watchlist
from newswire_airflow.alerting import AlertDeliveryFailed, deliver_alerts
from newswire_airflow.notifications.webhook import WebhookError, WebhookNotifier
from newswire_sample_site.webhook_sink import WebhookSink
from tests.support.receivers import WebhookReceiver
from tests.support.records import load, make_record

STATUS = """SELECT w.name, a.status, a.attempts, a.last_error FROM newswire.alerts a
            JOIN newswire.watchlists w USING (watchlist_id) ORDER BY a.alert_id"""


def connect_hook(monkeypatch, conn_id: str, url: str) -> None:
    """The Airflow connection ``conn_id`` as an operator sets it: the URL is its password."""
    connection = json.dumps({"conn_type": "generic", "password": url})
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", connection)


@pytest.fixture
def trickling_sink():
    """The sample site's webhook stand-in as a hostile receiver: a byte of its answer every
    2 s, about 80 s for the whole of it."""
    with WebhookSink(out=io.StringIO(), trickle=2.0) as sink:
        threading.Thread(target=sink.serve_forever, args=(0.05,), daemon=True).start()
        yield sink
        sink.shutdown()


def test_a_receiver_that_trickles_fails_within_the_deadline_and_holds_up_no_other(
    warehouse, query, monkeypatch, trickling_sink
):
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")
    monkeypatch.setenv("NEWSWIRE_REQUEST_DEADLINE", "1")
    # The stuck watchlist's alert comes first, as the oldest pending alert does.
    watchlists.add(warehouse, Watchlist("a-stuck", ["NASDAQ:WDAY"], webhook_conn_id="stuck"))
    watchlists.add(warehouse, Watchlist("b-fine", ["NASDAQ:WDAY"], webhook_conn_id="fine"))
    load(warehouse, "r1", [make_record(0)])
    with WebhookReceiver() as fine:
        connect_hook(monkeypatch, "stuck", trickling_sink.url)
        connect_hook(monkeypatch, "fine", fine.url)
        with pytest.raises(AlertDeliveryFailed, match="1 of 2 alerts not delivered"):
            deliver_alerts(warehouse)
        assert len(fine.accepted()) == 1
    assert query(warehouse, STATUS) == [
        (
            "a-stuck",
            "pending",
            1,  # the attempt is counted: after MAX_ATTEMPTS the alert is given up
            "WebhookError: deadline_exceeded posting to the webhook of connection 'stuck'",
        ),
        ("b-fine", "sent", 1, None),
    ]


def test_a_failed_delivery_keeps_its_status_never_the_answer(warehouse, query, monkeypatch):
    monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")
    watchlists.add(warehouse, Watchlist("a-hook", ["NASDAQ:WDAY"], webhook_conn_id="hook"))
    load(warehouse, "r1", [make_record(0)])
    with WebhookReceiver(answers=[500]) as receiver:  # it answers "no service"
        connect_hook(monkeypatch, "hook", receiver.url)
        with pytest.raises(AlertDeliveryFailed) as failed:
            deliver_alerts(warehouse)
    error = "WebhookError: HTTP 500 from the webhook of connection 'hook'"
    assert query(warehouse, STATUS) == [("a-hook", "pending", 1, error)]
    assert str(failed.value).endswith(
        f"last error: {error}. See newswire.alerts (status, attempts, last_error)"
    )


@pytest.mark.parametrize("opted_in", [False, True], ids=["refused", "opted_in"])
def test_a_receiver_on_this_machine_needs_the_operators_opt_in(monkeypatch, opted_in):
    if opted_in:
        monkeypatch.setenv("NEWSWIRE_LOOPBACK_WEBHOOKS", "1")
    else:
        monkeypatch.delenv("NEWSWIRE_LOOPBACK_WEBHOOKS", raising=False)
    with WebhookReceiver() as receiver:
        connect_hook(monkeypatch, "hook", receiver.url)
        notifier = WebhookNotifier("hook", {"text": "x"})
        if opted_in:
            notifier.notify({})
        else:
            with pytest.raises(WebhookError) as refused:
                notifier.notify({})
            assert str(refused.value) == (
                "private_address posting to the webhook of connection 'hook'"
                " (a receiver on this machine needs NEWSWIRE_LOOPBACK_WEBHOOKS=1)"
            )
    assert len(receiver.posts) == int(opted_in)

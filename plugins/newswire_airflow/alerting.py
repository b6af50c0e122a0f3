"""Delivering the watchlists' alerts through Airflow notifiers: what the task
:func:`newswire_airflow.tasks.send_alerts` does, after ``load`` in every ingestion DAG
(``load() >> send_alerts()``).

The load records an alert per (watchlist, release) in its own transaction
(:mod:`newswire.warehouse.watchlists`); this module sends the pending ones, each through a
notifier: the webhook notifier (:mod:`newswire_airflow.notifications.webhook`) for a
watchlist with a webhook connection (Slack and Teams incoming webhooks, or any receiver of
JSON), the SMTP provider's ``SmtpNotifier`` for one with e-mail addresses (the connection
``smtp_default``). Notifiers are called with the alert's text already made (``notify``, not
``__call__``): a release title is never rendered as a Jinja template.

**None lost, none doubled.** Each alert is taken in a transaction of its own that locks its
row (``FOR UPDATE SKIP LOCKED``: a second ``send_alerts`` running at the same time, a retry
overlapping a zombie, skips it), sent, and marked ``sent`` (or its failure counted) in that
same transaction, committed right after the receiver answered. So:

* a delivery that fails (an error answer, a timeout, a refused connection) leaves the alert
  pending with ``attempts`` + 1 and ``last_error`` (and that destination's other alerts
  pending, untried this time); the task fails after trying the other destinations,
  Airflow retries it (with backoff), and the next ingestion run tries again; after
  ``MAX_ATTEMPTS`` failed deliveries the alert is ``failed`` (shown on the Newswire page);
* a task retried, cleared or run twice finds only what is still pending: a sent alert is
  never sent again;
* a task killed between the receiver's answer and the commit (a window of one ``UPDATE``)
  leaves the transaction uncommitted: the alert stays pending and is sent again. Exactly
  once across that window would need the receiver's help, and no protocol over HTTP or SMTP
  gives it without: delivery is **at least once**, and every delivery of one alert carries
  the same key (``Idempotency-Key: newswire-alert-<id>`` on webhooks, ``X-Newswire-Alert-Id``
  on e-mail, and ``alert_id`` in the JSON), on which a receiver drops a repeat. A receiver
  that answers only after the deadline (``NEWSWIRE_REQUEST_DEADLINE``) is the other way to
  get a repeat, with the same key; a receiver that never finishes its answer (it trickles)
  costs one deadline and one counted attempt, and holds up no other destination.
"""

from __future__ import annotations

import logging
from datetime import UTC
from html import escape

from airflow.sdk import BaseNotifier

from newswire.links import web_url
from newswire_airflow.notifications.webhook import WebhookNotifier

log = logging.getLogger(__name__)

SMTP_CONN_ID = "smtp_default"
MAX_PER_RUN = 500  # alerts one task run sends at most; the next run takes the rest


class AlertDeliveryFailed(RuntimeError):
    """Some alerts could not be delivered this time (they stay pending, or failed)."""


# -- what an alert says ---------------------------------------------------------------------
def alert_key(alert) -> str:
    return f"newswire-alert-{alert.alert_id}"


def alert_fields(alert) -> dict:
    """The alert's structured fields (JSON-ready)."""
    return {
        "alert_id": alert.alert_id,
        "watchlist": alert.watchlist,
        "matched": alert.matched,
        "title": alert.title,
        "issuer": alert.issuer,
        "tickers": alert.tickers,
        "published_at": alert.published_at and alert.published_at.astimezone(UTC).isoformat(),
        "url": alert.url,
        "wire": alert.wire,
        "release_id": alert.release_id,
    }


def alert_lines(alert) -> list[str]:
    """Title; issuer, tickers and published time; link; what matched: plain text."""
    published = alert.published_at and alert.published_at.astimezone(UTC)
    about = [
        alert.issuer or "issuer unknown",
        ", ".join(alert.tickers),
        f"published {published:%Y-%m-%d %H:%M} UTC" if published else "",
    ]
    return [
        alert.title,
        " · ".join(part for part in about if part),
        alert.url,
        f"watchlist {alert.watchlist}: {alert.matched}",
    ]


def webhook_payload(alert) -> dict:
    """``{"text": ..., "newswire": {fields}}``: Slack and Teams incoming webhooks show
    ``text`` and ignore the rest. ``&``, ``<`` and ``>`` are escaped as Slack requires, so a
    release title cannot ping a channel (``<!channel>``) or hide a link."""
    text = "\n".join(alert_lines(alert))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    return {"text": text, "newswire": alert_fields(alert)}


def email_html(alert) -> str:
    """The e-mail's HTML: :func:`alert_lines` as escaped paragraphs, the release's URL a
    link only when it is an http(s) one (:func:`newswire.links.web_url`), else text."""
    html = [escape(line) for line in alert_lines(alert)]
    if web_url(alert.url):
        html[2] = f'<a href="{html[2]}">{html[2]}</a>'
    return "".join(f"<p>{line}</p>" for line in html)


# -- delivery -----------------------------------------------------------------------------
def notifier_for(alert) -> BaseNotifier:
    """The notifier that delivers ``alert``: its watchlist's webhook, or e-mail."""
    if alert.webhook_conn_id:
        return WebhookNotifier(alert.webhook_conn_id, webhook_payload(alert), alert_key(alert))
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    subject = " ".join(f"[newswire {alert.watchlist}] {alert_lines(alert)[0]}".split())[:200]
    return SmtpNotifier(
        to=alert.email_to,
        subject=subject,
        html_content=email_html(alert),
        smtp_conn_id=SMTP_CONN_ID,
        custom_headers={"X-Newswire-Alert-Id": alert_key(alert)},
    )


def deliver_alerts(dsn: str, limit: int = MAX_PER_RUN) -> dict:
    """Send up to ``limit`` pending alerts, each at most once this call; raises
    :class:`AlertDeliveryFailed` after trying them all when any could not be delivered.

    A destination (a webhook connection, or SMTP) that failed once is not tried again this
    call: its other alerts stay pending, uncounted, for the retry or the next run, so a
    receiver that is down costs one timeout, not one per alert."""
    from newswire.warehouse.watchlists import pending_alerts

    sent, failed, given_up, last_error, down = 0, 0, 0, "", set()
    for delivery in pending_alerts(dsn, limit):
        alert = delivery.alert
        destination = alert.webhook_conn_id or SMTP_CONN_ID
        if destination in down:
            continue  # left without an outcome: rolled back, still pending
        try:
            notifier_for(alert).notify({"alert": alert_fields(alert)})
        except Exception as exc:  # one receiver's failure must not stop the others
            last_error = " ".join(f"{type(exc).__name__}: {exc}".split())
            given_up += delivery.failed(last_error)
            failed += 1
            down.add(destination)
            log.warning("alert %s (watchlist %s): %s", alert.alert_id, alert.watchlist, last_error)
        else:
            delivery.sent()
            sent += 1
            log.info("alert %s sent (watchlist %s): %s", alert.alert_id, alert.watchlist, alert.url)
    log.info("alerts: %d sent, %d not delivered (%d given up)", sent, failed, given_up)
    if failed:
        raise AlertDeliveryFailed(
            f"{failed} of {sent + failed} alerts not delivered ({given_up} given up after "
            f"their last attempt; the others stay pending and are retried, as do those for "
            f"{', '.join(sorted(down))}); last error: {last_error}. See newswire.alerts "
            "(status, attempts, last_error)"
        )
    return {"sent": sent, "failed": failed}

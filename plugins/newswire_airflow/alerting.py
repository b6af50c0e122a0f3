"""Delivering the watchlists' alerts through Airflow notifiers: the task ``send_alerts``,
added after ``load`` in every ingestion DAG (``load() >> send_alerts()``).

The load records an alert per (watchlist, release) in its own transaction
(:mod:`newswire.warehouse.watchlists`); this task sends the pending ones, each through a
notifier: :class:`WebhookNotifier` for a watchlist with a webhook connection (Slack and
Teams incoming webhooks, or any receiver of JSON), the SMTP provider's ``SmtpNotifier`` for
one with e-mail addresses (the connection ``smtp_default``). Notifiers are called with the
alert's text already made (``notify``, not ``__call__``): a release title is never rendered
as a Jinja template.

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

import json
import logging
from datetime import UTC, timedelta
from html import escape

from airflow.sdk import BaseNotifier, task

from newswire.fetching.allowlist import HostNotAllowed, for_receiver, is_loopback, parse
from newswire.links import web_url

log = logging.getLogger(__name__)

SMTP_CONN_ID = "smtp_default"
MAX_PER_RUN = 500  # alerts one task run sends at most; the next run takes the rest
MAX_URL_CHARS = 2048
SEND_TIMEOUT = timedelta(minutes=30)  # a backstop: every delivery has its own deadline


class AlertDeliveryFailed(RuntimeError):
    """Some alerts could not be delivered this time (they stay pending, or failed)."""


class WebhookError(RuntimeError):
    """A webhook that is misconfigured, unreachable or answered with an error."""


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


# -- webhooks -----------------------------------------------------------------------------
def checked_webhook_url(url: str, conn_id: str) -> str:
    """``url`` when it is an absolute https URL (http only to this machine, which the address
    policy allows only with ``NEWSWIRE_LOOPBACK_WEBHOOKS=1``) without user info, whitespace
    or control characters, as urllib3 (the parser ``requests`` connects with) reads it; else
    :class:`WebhookError`. The message never repeats the URL: its path is the secret."""

    def refuse(why: str):
        return WebhookError(f"the webhook URL of connection {conn_id!r} {why}")

    if not url:
        raise refuse("is empty: put the URL in the connection's password")
    if len(url) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise refuse(f"is longer than {MAX_URL_CHARS} characters or has spaces or controls")
    try:
        parts = parse(url)
    except HostNotAllowed as refused:
        if refused.reason == "bad_scheme":
            raise refuse("must be https:// (http:// only to this machine)") from None
        raise refuse("is not a URL with a host and no user name or password in it") from None
    if not parts.host:
        raise refuse("is not a URL with a host and no user name or password in it")
    if parts.scheme == "https" or is_loopback(url):
        return url
    raise refuse("must be https:// (http:// only to this machine)")


class WebhookNotifier(BaseNotifier):
    """POST ``payload`` as JSON to the webhook URL kept in the Airflow connection
    ``conn_id`` (its password, e.g. ``AIRFLOW_CONN_ALERTS_SLACK='{"conn_type": "generic",
    "password": "https://hooks.slack.com/services/..."}'``; its host when the password is
    empty). It goes out as every fetch does (:func:`newswire.fetching.client.post`): to a
    public address (this machine's only with ``NEWSWIRE_LOOPBACK_WEBHOOKS=1``), within the
    deadline ``NEWSWIRE_REQUEST_DEADLINE``, no redirect followed. Only a 2xx answer is a
    delivery; of any other, only the status is kept (its body may be an internal service's
    answer). ``idempotency_key`` goes in the ``Idempotency-Key`` header."""

    template_fields = ()

    def __init__(self, conn_id: str, payload: dict, idempotency_key: str | None = None):
        super().__init__()
        self.conn_id, self.payload, self.idempotency_key = conn_id, payload, idempotency_key

    def notify(self, context) -> None:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException

        from newswire.fetching.client import FetchError, post

        try:
            conn = Connection.get(self.conn_id)
        except AirflowNotFoundException:
            raise WebhookError(f"no Airflow connection {self.conn_id!r}") from None
        url = checked_webhook_url(conn.password or conn.host or "", self.conn_id)
        headers = {"Content-Type": "application/json"}
        if self.idempotency_key:
            headers["Idempotency-Key"] = self.idempotency_key
        body = json.dumps(self.payload, ensure_ascii=False).encode()
        try:
            status = post(url, body, headers, for_receiver(url))
        except FetchError as exc:  # its detail may name the URL: only the reason is kept
            hint = ""
            if exc.reason == "private_address" and is_loopback(url):
                hint = " (a receiver on this machine needs NEWSWIRE_LOOPBACK_WEBHOOKS=1)"
            raise WebhookError(
                f"{exc.reason} posting to the webhook of connection {self.conn_id!r}{hint}"
            ) from None
        if not 200 <= status < 300:
            raise WebhookError(f"HTTP {status} from the webhook of connection {self.conn_id!r}")


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


@task(
    retries=3,
    retry_delay=timedelta(seconds=30),
    retry_exponential_backoff=2.0,
    max_retry_delay=timedelta(minutes=5),
    execution_timeout=SEND_TIMEOUT,
)
def send_alerts() -> dict:
    """Deliver the watchlists' pending alerts (see the module docstring)."""
    from newswire_airflow.connection import warehouse_dsn

    return deliver_alerts(warehouse_dsn())

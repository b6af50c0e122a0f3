"""Webhooks as an Airflow notifier: :class:`WebhookNotifier` posts JSON to the URL kept in
an Airflow connection (Slack and Teams incoming webhooks, or any receiver of JSON), after
:func:`checked_webhook_url` has read that URL as the client that connects will. The
watchlists' alerts are delivered through it (:mod:`newswire_airflow.alerting`).
"""

from __future__ import annotations

import json

from airflow.sdk import BaseNotifier

from newswire.fetching.allowlist import HostNotAllowed, for_receiver, is_loopback, parse

MAX_URL_CHARS = 2048


class WebhookError(RuntimeError):
    """A webhook that is misconfigured, unreachable or answered with an error."""


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

"""A development stand-in for a Slack/Teams incoming webhook, so that `make up` shows the
watchlists' alerts arriving: ``python -m newswire_sample_site.webhook_sink [--port N]``.

It prints its URL on the first line of standard output, then one line per alert POSTed to it:
the alert's ``Idempotency-Key`` and its text (the JSON ``text`` field the newswire webhook
notifier sends). A key it has seen before is printed as a repeat, which is what a receiver
that deduplicates on the key would drop. Bodies over 64 KiB are refused (413).

With ``--trickle S`` it is a hostile receiver instead: it takes each alert, then sends its
answer's status line and headers one byte every ``S`` seconds, which a sender without a
wall-clock deadline waits on for ever.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024


class WebhookSink(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, out=sys.stdout, trickle: float = 0.0
    ):
        """``trickle``: seconds between two bytes of each answer's head (0: no trickle)."""
        self.out, self.seen, self.lock, self.trickle = out, set(), threading.Lock(), trickle
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/hook"

    def received(self, key: str, text: str) -> None:
        with self.lock:
            repeat = " (repeat: already received)" if key in self.seen else ""
            self.seen.add(key)
            # the notifier escapes &, < and > as Slack wants; show what a chat would show
            first_line = html.unescape(text.splitlines()[0]) if text else ""
            print(f"alert {key}{repeat}: {first_line}", file=self.out, flush=True)


class _Handler(BaseHTTPRequestHandler):
    server: WebhookSink

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return self._answer(413, b"want a Content-Length of at most 64 KiB")
        try:
            text = str(json.loads(self.rfile.read(length)).get("text", ""))
        except (ValueError, AttributeError):
            return self._answer(400, b"want a JSON object")
        self.server.received(self.headers.get("Idempotency-Key", "(no key)"), text)
        self._answer(200, b"ok")

    def _answer(self, status: int, body: bytes) -> None:
        if self.server.trickle:
            return self._trickle(status, body)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, status: int, body: bytes) -> None:
        self.close_connection = True
        head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Length: {len(body)}"
        try:
            for byte in f"{head}\r\n\r\n".encode() + body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.server.trickle)
        except OSError:  # the sender gave up
            pass

    def log_message(self, format: str, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newswire_sample_site.webhook_sink")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument(
        "--trickle",
        type=float,
        default=0.0,
        metavar="S",
        help="send each answer's head one byte every S seconds (a hostile receiver)",
    )
    args = parser.parse_args(argv)
    with WebhookSink(args.host, args.port, trickle=args.trickle) as sink:
        print(sink.url, flush=True)
        try:
            sink.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""Loopback receivers of alerts: a webhook, as a Slack/Teams incoming webhook would be (it
records every POST, its headers and JSON, and answers from a plan, so a test can fail a
delivery, or hold the answer back while the sender is killed), and a bare SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict
    body: dict


class WebhookReceiver(ThreadingHTTPServer):
    """``answers``: statuses for the first POSTs, in order (then 200); ``hold``: an event the
    handler waits for (at most 60 s) before answering, after recording the POST."""

    def __init__(self, answers: list[int] | None = None, hold: threading.Event | None = None):
        self.posts: list[Post] = []
        self.statuses: list[int] = []  # what each POST was answered
        self.answers, self.hold = list(answers or []), hold
        self.lock = threading.Lock()
        self.received = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/T000/B000/secret-path"

    def accepted(self) -> list[Post]:
        """The POSTs answered 2xx, once per idempotency key (what a deduplicating receiver
        keeps)."""
        kept: dict[str, Post] = {}
        for post, status in zip(self.posts, self.statuses):
            if 200 <= status < 300:
                kept.setdefault(post.headers.get("Idempotency-Key"), post)
        return list(kept.values())

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        server: WebhookReceiver = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with server.lock:
            server.posts.append(Post(self.path, dict(self.headers), body))
            status = server.answers.pop(0) if server.answers else 200
            server.statuses.append(status)
        server.received.set()
        if server.hold is not None:
            server.hold.wait(60)
        answer = b"ok" if status == 200 else b"no service"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class SmtpReceiver(socketserver.ThreadingTCPServer):
    """Just enough SMTP (RFC 5321 without extensions) to take mail on loopback: every
    message received, parsed, in :attr:`messages`."""

    daemon_threads = True

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.reply("220 localhost")
        while line := self.rfile.readline(65536):
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 localhost")
            elif verb == b"DATA":
                self.reply("354 end with .")
                self.server.messages.append(self.message())
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")

    def message(self) -> email.message.EmailMessage:
        lines = []
        while (line := self.rfile.readline(65536)) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return email.message_from_bytes(b"".join(lines), policy=email.policy.default)

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

"""A loopback HTTP server that records what it was asked and answers from a table."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder(ThreadingHTTPServer):
    """A loopback server that records every request and answers from ``routes``
    (path -> (status, headers, body)); unknown paths get ``default`` (200 text/html).
    A ``Date`` among the headers replaces the server's own (a replayed capture's clock)."""

    def __init__(self, routes=None, default=None):
        self.routes, self.seen = routes or {}, []
        self.default = default or (200, {"Content-Type": "text/html"}, b"<html>ok</html>")
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers), time.monotonic()))
        status, headers, body = self.server.routes.get(self.path, self.server.default)
        if callable(body):
            status, headers, body = body(self)
        if "Date" in headers:
            self.log_request(status)
            self.send_response_only(status)
        else:
            self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

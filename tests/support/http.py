"""A loopback HTTP(S) server that records what it was asked and answers from a table."""

import datetime
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Recorder(ThreadingHTTPServer):
    """A loopback server that records every request and answers from ``routes``
    (path -> (status, headers, body)); unknown paths get ``default`` (200 text/html). A
    body may be a function of the handler giving (status, headers, body), or None when it
    has answered by itself (to trickle, or to break the answer). A ``Date`` among the
    headers replaces the server's own (a replayed capture's clock). With ``tls`` (see
    :func:`tls_context`) it speaks HTTPS as ``localhost``."""

    def __init__(self, routes=None, tls: ssl.SSLContext | None = None, default=None):
        self.routes, self.seen, self.tls = routes or {}, [], tls
        self.default = default or (200, {"Content-Type": "text/html"}, b"<html>ok</html>")
        super().__init__(("127.0.0.1", 0), _Handler)
        if tls:  # the handshake happens in the handler's thread, on its first read
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self):
        if self.tls:
            return f"https://localhost:{self.server_address[1]}"
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers), time.monotonic()))
        status, headers, body = self.server.routes.get(self.path, self.server.default)
        if callable(body):
            answer = body(self)
            if answer is None:
                return
            status, headers, body = answer
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


def tls_context(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context with a new self-signed certificate for ``localhost``, and the
    certificate's file: the one authority a client must trust to talk to it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "localhost.pem", folder / "localhost.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file

"""Sentry's ingest endpoint, on 127.0.0.1: what a generated project's sentry-sdk
sends, decoded for a test to read.

The SDK posts envelopes to /api/<project id>/envelope/ of the host its DSN
names, compressed with Brotli when the project has it (it does) or gzip. An
envelope is a JSON header line, then for each item a JSON header line and its
payload (`length` bytes when the header says so).
"""

import contextlib
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli

from tests.support.runners import wait_until

PROJECT_ID = 1
ENVELOPE_PATH = f"/api/{PROJECT_ID}/envelope/"
DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}


def envelope_items(body):
    """(item type, parsed payload) of each item of one envelope."""
    _, _, rest = body.partition(b"\n")
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        header = json.loads(line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        yield header["type"], json.loads(payload)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        body = DECOMPRESS[self.headers.get("Content-Encoding")](body)
        with self.server.lock:
            self.server.posts.append((self.path, self.headers.get("X-Sentry-Auth", "")))
            self.server.events += [p for kind, p in envelope_items(body) if kind == "event"]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format, *args):
        """Quiet: the tests read what arrived."""


class EnvelopeReceiver(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.posts = []
        self.events = []

    @property
    def dsn(self):
        return f"http://public@127.0.0.1:{self.server_port}/{PROJECT_ID}"

    def event(self, what, matches, timeout=30):
        """The first event for which matches(event) is true, once it has arrived."""

        def found():
            with self.lock:
                return next((e for e in self.events if matches(e)), None)

        return wait_until(found, timeout, interval=0.2, what=f"Sentry's event of {what}")


@contextlib.contextmanager
def envelope_receiver():
    """An EnvelopeReceiver on a free loopback port, until the block ends."""
    server = EnvelopeReceiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

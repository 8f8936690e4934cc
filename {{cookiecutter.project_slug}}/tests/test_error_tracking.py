"""Error tracking: off without a DSN; with one, an unhandled error reaches Sentry.

The DSN points at a receiver on 127.0.0.1 that takes envelopes as Sentry's
ingest endpoint does: the real SDK sends them over its real transport.
"""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk
{%- if cookiecutter.use_celery %}
from celery import shared_task
{%- endif %}

from {{ cookiecutter.package_name }}.app import create_app

# The SDK compresses what it sends with Brotli when it can, else gzip.
DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}


def envelope_items(body):
    """(type, payload) of each item of a Sentry envelope: a header line, then
    per item a header line and its JSON payload (`length` bytes when given)."""
    _, _, rest = body.partition(b"\n")
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        header = json.loads(line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        yield header["type"], json.loads(payload)


class EnvelopeHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        body = DECOMPRESS[self.headers.get("Content-Encoding")](body)
        self.server.paths.append(self.path)
        self.server.events += [p for kind, p in envelope_items(body) if kind == "event"]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format, *args):
        """Quiet: the tests read what arrived, not an access log."""


class Receiver(ThreadingHTTPServer):
    """Sentry's envelope endpoint on a free loopback port; keeps every event."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), EnvelopeHandler)
        self.paths, self.events = [], []

    @property
    def dsn(self):
        return f"http://public@127.0.0.1:{self.server_port}/1"


@pytest.fixture
def receiver():
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    # The SDK is process-wide: stop it, so that no later test reports here.
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    server.shutdown()
    server.server_close()


def fail():
    raise RuntimeError("Unhandled in a view")
{%- if cookiecutter.use_celery %}


@shared_task
def failing_task():
    raise RuntimeError("Unhandled in a task")
{%- endif %}


def app_with(overrides, **settings_override):
    """An app with a route that fails, which answers 500 as in production."""
    app = create_app({**overrides, "PROPAGATE_EXCEPTIONS": False, **settings_override})
    app.add_url_rule("/fail", view_func=fail, methods=["GET", "POST"])
    return app


def test_without_a_dsn_the_sdk_is_not_started(overrides):
    app = app_with(overrides, SENTRY_DSN="")
    assert app.test_client().get("/fail").status_code == 500
    assert not sentry_sdk.get_client().is_active()


def test_an_unhandled_error_reaches_sentry(overrides, receiver):
    app = app_with(overrides, SENTRY_DSN=receiver.dsn, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.set_cookie("session", "a-session-cookie")
    response = client.post(
        "/fail",
        data={"note": "Dear diary"},
        headers={"Authorization": "Bearer a-token"},
        # An address from the documentation range, to look for in the event.
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 500
    sentry_sdk.flush()

    assert set(receiver.paths) == {"/api/1/envelope/"}
    [event] = receiver.events
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == (
        "RuntimeError",
        "Unhandled in a view",
    )
    assert exception["mechanism"] == {"type": "flask", "handled": False}
    assert event["release"] == app.config["SENTRY_RELEASE"]
    assert event["environment"] == app.config["SENTRY_ENVIRONMENT"]
    assert event["request"]["url"] == "http://localhost/fail"
    # No personal data, wherever it could hide (headers, the frames' variables).
    sent = json.dumps(event)
    for private in ("a-session-cookie", "Dear diary", "a-token", "203.0.113.7"):
        assert private not in sent, private
{%- if cookiecutter.use_celery %}


def test_a_failing_task_reaches_sentry(overrides, receiver):
    app_with(overrides, SENTRY_DSN=receiver.dsn)
    assert failing_task.apply().failed()
    sentry_sdk.flush()

    [event] = receiver.events
    [exception] = event["exception"]["values"]
    assert exception["value"] == "Unhandled in a task"
    assert exception["mechanism"] == {"type": "celery", "handled": False}
    assert event["transaction"] == failing_task.name
{%- endif %}


def test_a_dsn_that_is_not_one_is_refused_by_name(overrides):
    with pytest.raises(ValueError, match="SENTRY_DSN is not a Sentry DSN"):
        create_app({**overrides, "SENTRY_DSN": "https://sentry.example.com/1"})

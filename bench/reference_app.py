"""The reference app of `./run bench`: the generated home page's work, hand-written.

Copied into a baked project and served by the same gunicorn config, it answers
`/` with the same HTML as the generated app (the project's own templates, the
same query on the same database, the same CSRF meta tag and session cookie,
the same notes cached in Redis when REDIS_URL is set) and `/up` with the same
checks (`SELECT 1`, a Redis PING), and does nothing else: no security headers,
no trusted hosts, no logging set-up, no error pages, no extensions beyond
Flask-WTF's token. It reads through a lean SQLAlchemy engine (autocommit on a
server database, since it only reads), as a careful hand-written app would, so
the ratio of the generated app to it is what the template adds.
"""

import json
import os
from pathlib import Path

from config import settings
from flask import Flask, render_template
from flask_wtf.csrf import CSRFProtect
from jinja2 import FileSystemLoader
from sqlalchemy import create_engine, text

PACKAGE = next(p for p in Path(__file__).parent.iterdir() if (p / "app.py").exists())
REDIS_URL = os.environ.get("REDIS_URL")
CACHE_KEY = f"{os.environ.get('CACHE_KEY_PREFIX', PACKAGE.name + ':')}reference_titles"

app = Flask(__name__, static_folder=str(PACKAGE / "static"))
app.config.update(
    SECRET_KEY=settings.SECRET_KEY or "reference-" * 4,
    APP_NAME=settings.APP_NAME,
    EXAMPLES_ENABLED=False,
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
)
app.jinja_loader = FileSystemLoader(
    [str(PACKAGE / "templates"), str(PACKAGE / "blueprints/page/templates")]
)
CSRFProtect(app)
url = settings.SQLALCHEMY_DATABASE_URI
engine = create_engine(
    url,
    pool_pre_ping=True,
    **({} if url.startswith("sqlite") else {"isolation_level": "AUTOCOMMIT"}),
)
redis = None
if REDIS_URL:
    from redis import Redis

    redis = Redis.from_url(REDIS_URL)

# The layout's links, written out once as a hand-written app would.
LINKS = {
    "home": "/",
    "health_check": "/up",
    "favicon": "/static/images/favicon.svg",
    "stylesheet": "/static/css/app.css",
    "script": "/static/js/app.js",
}
MANIFEST = PACKAGE / "static" / "cache_manifest.json"
if MANIFEST.exists():
    digested = json.loads(MANIFEST.read_text())
    for name, link in LINKS.items():
        if link.startswith("/static/"):
            LINKS[name] = "/static/" + digested.get(link[8:], link[8:])


def note_titles():
    with engine.connect() as connection:
        return connection.execute(text("SELECT title FROM notes ORDER BY id")).scalars().all()


@app.get("/")
def home():
    if redis is None:
        notes = note_titles()
    else:
        cached = redis.get(CACHE_KEY)
        notes = json.loads(cached) if cached else None
        if notes is None:
            notes = note_titles()
            redis.set(CACHE_KEY, json.dumps(notes), ex=30)
    return render_template("page/home.html", notes=notes, links=LINKS)


@app.get("/up")
def up():
    checks = {"database": "ok"}
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    if redis is not None:
        redis.ping()
        checks["redis"] = "ok"
    return {"status": "ok", "failed": [], "checks": checks}, 200, {"Cache-Control": "no-store"}

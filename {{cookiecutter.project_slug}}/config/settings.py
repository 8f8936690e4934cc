"""Every setting is read from the environment (twelve-factor).

Defaults suit local development. A ``.env`` file in the project root is read
first, without overriding variables that are already set.
"""

{% if cookiecutter.error_tracking == "sentry" -%}
import tomllib
{% endif -%}
{% if cookiecutter.auth == "accounts" -%}
from datetime import timedelta
{% endif -%}
from pathlib import Path
{%- if cookiecutter.auth == "accounts" %}
from urllib.parse import unquote, urlsplit
{%- endif %}

from environs import Env, validate

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)
{%- if cookiecutter.auth == "accounts" %}

# The schemes of MAIL_URL: the default port, STARTTLS, TLS from the start.
MAIL_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


def mail_settings(url):
    """MAIL_URL taken apart into Flask-Mailman's settings."""
    parts = urlsplit(url)
    if parts.scheme not in MAIL_SCHEMES or not parts.hostname:
        raise ValueError(
            f"MAIL_URL {parts.scheme}://... is not an SMTP server URL: use e.g."
            " smtp+starttls://user:password@smtp.example.com:587"
            " (or smtp://, smtps://)."
        )
    port, use_tls, use_ssl = MAIL_SCHEMES[parts.scheme]
    return {
        "server": parts.hostname,
        "port": parts.port or port,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
    }
{% endif %}

{# The trailing comma keeps this call on three lines whatever the name's length,
    so `ruff format` leaves it as generated. -#}
APP_NAME = env.str(
    "APP_NAME",
    {{ cookiecutter.project_name|pystr }},
)

# FLASK_DEBUG=1 turns on the debugger, template reloading and the toolbar.
DEBUG = env.bool("FLASK_DEBUG", False)

# Required outside debugging: generate one with `./run secrets`.
SECRET_KEY = env.str("SECRET_KEY", None)

LOG_LEVEL = env.log_level("LOG_LEVEL", "INFO")

# "text" for people, "json" (one object per line) for log aggregation.
LOG_FORMAT = env.str("LOG_FORMAT", "text", validate=validate.OneOf(["text", "json"]))

# The host names the app answers to (Flask's TRUSTED_HOSTS): a request with any
# other Host header gets 400 before it reaches a route or a redirect. List the
# public names, comma-separated; ".example.com" also allows every subdomain.
# localhost and 127.0.0.1 are always allowed: local runs and the health checks
# (the image's, the readiness probe's) ask for them.
TRUSTED_HOSTS = [
    "localhost",
    "127.0.0.1",
    *env.list("TRUSTED_HOSTS", [], subcast=str.strip),
]
# Render and Railway set the service's public name themselves; Railway's
# deploy health check asks for healthcheck.railway.app.
if env.str("RENDER_EXTERNAL_HOSTNAME", ""):
    TRUSTED_HOSTS.append(env.str("RENDER_EXTERNAL_HOSTNAME"))
if env.str("RAILWAY_PUBLIC_DOMAIN", ""):
    TRUSTED_HOSTS += [env.str("RAILWAY_PUBLIC_DOMAIN"), "healthcheck.railway.app"]

# Requests with a bigger body get 413 instead of filling memory.
MAX_CONTENT_LENGTH = env.int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

# Cookies travel only over HTTPS outside debugging, never to scripts, and
# not with cross-site requests.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Strict-Transport-Security outside debugging; 0 leaves the header off. Browsers
# remember it for HSTS_SECONDS, so it starts at five minutes: raise it to a year
# (31536000) once every page is known to work over HTTPS (see the README).
HSTS_SECONDS = env.int("HSTS_SECONDS", 0 if DEBUG else 300)
# Opt-ins that reach beyond this host: every subdomain must serve HTTPS too, and
# preloading (which needs a year and the subdomains) is hard to undo.
HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", False)
HSTS_PRELOAD = env.bool("HSTS_PRELOAD", False)
{%- if cookiecutter is with_examples %}

# The examples ({{ cookiecutter.package_name }}/examples.py): on while debugging,
# off in production unless EXAMPLES_ENABLED=1; off, their routes answer 404.
# The README says how to delete them for good.
EXAMPLES_ENABLED = env.bool("EXAMPLES_ENABLED", DEBUG)
{%- endif %}

{% if cookiecutter.database is sql -%}
# Unset, the app runs on an embedded SQLite file in instance/.
SQLALCHEMY_DATABASE_URI = env.str(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'instance' / '{{ cookiecutter.project_slug }}.sqlite3'}",
)
# Before a pooled connection is used, a ping (one round trip to a database
# server) checks that it is still open, so requests after a database restart
# reconnect instead of failing. DATABASE_PRE_PING=0 saves that round trip on
# every request that reads the database; after a restart, each worker then
# fails one request before its pool reconnects.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": env.bool("DATABASE_PRE_PING", True)}
{%- if cookiecutter.database == "postgresql" %}

# PaaS providers hand out postgres:// URLs; SQLAlchemy needs the driver named.
for scheme in ("postgres://", "postgresql://"):
    if SQLALCHEMY_DATABASE_URI.startswith(scheme):
        SQLALCHEMY_DATABASE_URI = SQLALCHEMY_DATABASE_URI.replace(
            scheme, "postgresql+psycopg://", 1
        )
if SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
    # Fail fast when the server is unreachable instead of hanging a worker.
    SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", 2)
    }
{%- elif cookiecutter.database == "mysql" %}

# mysql:// and mariadb:// URLs get the PyMySQL driver, which speaks to both.
for scheme in ("mysql://", "mariadb://"):
    if SQLALCHEMY_DATABASE_URI.startswith(scheme):
        SQLALCHEMY_DATABASE_URI = SQLALCHEMY_DATABASE_URI.replace(
            scheme, "mysql+pymysql://", 1
        )
if SQLALCHEMY_DATABASE_URI.startswith("mysql"):
    # Fail fast when the server is unreachable instead of hanging a worker, and
    # store full Unicode (emoji included).
    SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", 2),
        "charset": "utf8mb4",
    }
{%- endif %}

FLASK_DB_SEEDS_PATH = str(BASE_DIR / "db" / "seeds.py")

{% elif cookiecutter.database == "mongodb" -%}
# The database is the one the URL names.
{# Trailing commas keep these calls on three lines for any project name. -#}
MONGO_URL = env.str(
    "MONGO_URL",
    "mongodb://127.0.0.1:27017/{{ cookiecutter.project_slug }}",
)
# Fail fast when the server is unreachable instead of hanging a worker.
MONGO_TIMEOUT_MS = env.int("MONGO_TIMEOUT_MS", 2000)

{% endif -%}
{% if cookiecutter.database != "none" -%}
# `./run release` (run by every deploy) {% if cookiecutter.database is sql %}applies the migrations{% else %}creates the indexes{% endif %} only; set this to
# seed the example records there too. `./run start`, compose.dev.yaml and
# `./run db seed` always seed them.
SEED_EXAMPLE_DATA = env.bool("SEED_EXAMPLE_DATA", False)

{% endif -%}
{% if cookiecutter.use_redis -%}
REDIS_URL = env.str("REDIS_URL", "redis://127.0.0.1:6379/0")

# Flask-Caching keeps its entries in the same Redis, under this prefix.
CACHE_TYPE = "RedisCache"
CACHE_REDIS_URL = REDIS_URL
CACHE_KEY_PREFIX = env.str(
    "CACHE_KEY_PREFIX",
    "{{ cookiecutter.project_slug }}:",
)
CACHE_DEFAULT_TIMEOUT = env.int("CACHE_DEFAULT_TIMEOUT", 300)
# A cache that does not answer makes pages slower, never broken.
CACHE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

{% endif -%}
{% if cookiecutter.use_celery -%}
# Celery reads the lowercase keys of this dict (see {{ cookiecutter.package_name }}/celery_app.py).
CELERY = {
    "broker_url": env.str("CELERY_BROKER_URL", REDIS_URL),
    "result_backend": env.str("CELERY_RESULT_BACKEND", REDIS_URL),
    "result_expires": env.int("CELERY_RESULT_EXPIRES", 24 * 60 * 60),
    "task_ignore_result": True,
    "broker_connection_retry_on_startup": True,
    "worker_hijack_root_logger": False,
    # `celery beat` (the beat service in compose.yaml) sends these on a schedule;
    # add your jobs here. The example job is added while EXAMPLES_ENABLED is on.
    "beat_schedule": {},
}

{% endif -%}
{% if cookiecutter.auth == "accounts" -%}
# User accounts (see "User accounts" in the README). A password reset link
# works for this many seconds, and only until the password changes.
PASSWORD_RESET_SECONDS = env.int("PASSWORD_RESET_SECONDS", 60 * 60)
# With ACCOUNTS_CONFIRM_EMAIL=1, sign-up mails a link to confirm the address,
# good for this many seconds, and log-in waits until it is followed.
ACCOUNTS_CONFIRM_EMAIL = env.bool("ACCOUNTS_CONFIRM_EMAIL", False)
EMAIL_CONFIRM_SECONDS = env.int("EMAIL_CONFIRM_SECONDS", 24 * 60 * 60)
# "Remember me" keeps a user logged in for this many days, in a cookie kept
# as safe as the session's.
REMEMBER_COOKIE_DURATION = timedelta(days=env.int("REMEMBER_COOKIE_DAYS", 30))
REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

# Log-in, sign-up and reset attempts allowed per client address (Flask-Limiter
# notation); more get 429 Too Many Requests.
ACCOUNTS_RATE_LIMIT = env.str("ACCOUNTS_RATE_LIMIT", "10 per minute; 100 per hour")
{%- if cookiecutter.use_redis %}
# Counted in Redis, so every worker and container shares the counts; counted
# per process while Redis does not answer.
RATELIMIT_STORAGE_URI = env.str("RATELIMIT_STORAGE_URI", REDIS_URL)
RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
RATELIMIT_KEY_PREFIX = CACHE_KEY_PREFIX + "limits"
{%- else %}
# Counted in each process's memory: with several workers, the limit applies to
# each of them.
RATELIMIT_STORAGE_URI = env.str("RATELIMIT_STORAGE_URI", "memory://")
{%- endif %}
RATELIMIT_HEADERS_ENABLED = True

# Email (Flask-Mailman) for the reset and confirmation links: MAIL_URL in one
# line (smtp://, smtp+starttls:// or smtps://user:password@host:port), or the
# MAIL_SERVER, MAIL_PORT, ... settings. With neither, debugging prints the
# messages to the console.
MAIL_URL = env.str("MAIL_URL", "")
if MAIL_URL:
    mail = mail_settings(MAIL_URL)
    MAIL_SERVER, MAIL_PORT = mail["server"], mail["port"]
    MAIL_USERNAME, MAIL_PASSWORD = mail["username"], mail["password"]
    MAIL_USE_TLS, MAIL_USE_SSL = mail["use_tls"], mail["use_ssl"]
else:
    MAIL_SERVER = env.str("MAIL_SERVER", "localhost")
    MAIL_PORT = env.int("MAIL_PORT", 25)
    MAIL_USERNAME = env.str("MAIL_USERNAME", None)
    MAIL_PASSWORD = env.str("MAIL_PASSWORD", None)
    MAIL_USE_TLS = env.bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env.bool("MAIL_USE_SSL", False)
MAIL_TIMEOUT = env.int("MAIL_TIMEOUT", 10)
MAIL_DEFAULT_SENDER = env.str(
    "MAIL_DEFAULT_SENDER",
    {{ cookiecutter.email|pystr }},
)
MAIL_CONFIGURED = bool(MAIL_URL or env.str("MAIL_SERVER", ""))
MAIL_BACKEND = env.str(
    "MAIL_BACKEND", "console" if DEBUG and not MAIL_CONFIGURED else "smtp"
)

{% endif -%}
{% if cookiecutter.error_tracking == "sentry" -%}
# Error tracking with Sentry, started by error_tracking.py in the package: off
# while SENTRY_DSN is empty. Each event names its environment and its release,
# the project's name and version in pyproject.toml.
SENTRY_DSN = env.str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env.str(
    "SENTRY_ENVIRONMENT", "development" if DEBUG else "production"
)
project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
SENTRY_RELEASE = env.str("SENTRY_RELEASE", f"{project['name']}@{project['version']}")
# Performance tracing: the share of transactions whose timings are sent too,
# from 0 (none) to 1 (all).
SENTRY_TRACES_SAMPLE_RATE = env.float(
    "SENTRY_TRACES_SAMPLE_RATE", 0.0, validate=validate.Range(min=0, max=1)
)
{% endif -%}
{% if cookiecutter.use_nginx -%}
# How many proxies in front of the app set X-Forwarded-* headers: 1 behind the
# nginx service of compose.yaml, 0 (trust none) when clients reach gunicorn.
PROXY_COUNT = env.int("PROXY_COUNT", 0)

{% endif -%}
FLASK_STATIC_DIGEST_COMPRESSION = ["gzip", "brotli"]

DEBUG_TB_INTERCEPT_REDIRECTS = False

"""Every setting is read from the environment (twelve-factor).

Defaults suit local development. A ``.env`` file in the project root is read
first, without overriding variables that are already set.
"""

from pathlib import Path

from environs import Env, validate

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

# The trailing comma keeps this call on three lines whatever the name's length,
# so `ruff format` leaves it as generated.
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

# Requests with a bigger body get 413 instead of filling memory.
MAX_CONTENT_LENGTH = env.int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

# Cookies travel only over HTTPS outside debugging, never to scripts, and
# not with cross-site requests.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Strict-Transport-Security max-age outside debugging; 0 leaves the header off.
HSTS_SECONDS = env.int("HSTS_SECONDS", 0 if DEBUG else 63072000)

{% if cookiecutter.database in ["postgresql", "sqlite"] -%}
# Unset, the app runs on an embedded SQLite file in instance/.
SQLALCHEMY_DATABASE_URI = env.str(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'instance' / '{{ cookiecutter.project_slug }}.sqlite3'}",
)
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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
{%- endif %}

FLASK_DB_SEEDS_PATH = str(BASE_DIR / "db" / "seeds.py")

{% endif -%}
FLASK_STATIC_DIGEST_COMPRESSION = ["gzip", "brotli"]

DEBUG_TB_INTERCEPT_REDIRECTS = False

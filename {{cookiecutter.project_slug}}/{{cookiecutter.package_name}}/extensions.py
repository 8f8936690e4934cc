"""Flask extensions, created once and bound to each app by init_extensions()."""

{% if cookiecutter.use_redis -%}
from flask_caching import Cache
{% endif -%}
{% if cookiecutter.database is sql -%}
from flask_sqlalchemy import SQLAlchemy
{% endif -%}
from flask_static_digest import FlaskStaticDigest
from flask_wtf import CSRFProtect
{%- if cookiecutter.use_redis %}
from redis import Redis
{%- endif %}
{%- if cookiecutter.use_celery or cookiecutter.database == "mongodb" %}{{ "\n" }}{% endif %}
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.package_name }}.celery_app import init_celery
{%- endif %}
{%- if cookiecutter.database == "mongodb" %}
from {{ cookiecutter.package_name }}.mongo import Mongo
{%- endif %}

{% if cookiecutter.use_redis -%}
cache = Cache()
{% endif -%}
{% if cookiecutter.database is sql -%}
db = SQLAlchemy()
{% elif cookiecutter.database == "mongodb" -%}
mongo = Mongo()
{% endif -%}
static_digest = FlaskStaticDigest()
# Every POST, PUT, PATCH and DELETE must carry the session's CSRF token: in a
# form's csrf_token field, or in the X-CSRFToken header that the JavaScript
# reads from the layout's <meta name="csrf-token">.
csrf = CSRFProtect()


def init_extensions(app):
{%- if cookiecutter.database is sql %}
    db.init_app(app)
{%- elif cookiecutter.database == "mongodb" %}
    mongo.init_app(app)
{%- endif %}
{%- if cookiecutter.use_redis %}
    cache.init_app(app)
    # The client /up pings; the cache keeps its own connections.
    app.extensions["redis"] = Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=2
    )
{%- endif %}
{%- if cookiecutter.use_celery %}
    init_celery(app)
{%- endif %}
    static_digest.init_app(app)
    csrf.init_app(app)
    if app.debug and not app.testing:
        # Imported here so production never loads the toolbar at all.
        from flask_debugtoolbar import DebugToolbarExtension

        DebugToolbarExtension(app)
{%- if cookiecutter.database == "postgresql" %}


def read_connection():
    """A pooled connection for a read on its own, outside the ORM session (the
    home page's notes, /up's check); close it with a with block.

    On PostgreSQL it runs in autocommit: the query goes alone, without a BEGIN
    before it and a ROLLBACK after it. SQLite starts no transaction for a read,
    so its connection stays as it is.
    """
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection
{%- endif %}

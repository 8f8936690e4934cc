"""The example model, created by the first migration and filled by db/seeds.py."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

{% if cookiecutter.database == "postgresql" -%}
{# Exploded (the magic trailing comma keeps it so): one line would pass 88
   characters with a 40-character package name. -#}
from {{ cookiecutter.package_name }}.extensions import (
{%- if cookiecutter.use_redis %}
    cache,
{%- endif %}
    db,
    read_connection,
)
{%- else -%}
from {{ cookiecutter.package_name }}.extensions import {% if cookiecutter.use_redis %}cache, {% endif %}db
{%- endif %}
{%- if cookiecutter.use_redis %}

# The home page lists the notes on every view; Redis keeps the list this long,
# so new notes show up there within NOTES_CACHE_SECONDS.
NOTES_CACHE_SECONDS = 30
{%- endif %}


def utcnow():
    return datetime.now(UTC)


class Note(db.Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    def __repr__(self):
        return f"<Note {self.id} {self.title!r}>"


# The home page's query, built once: SQLAlchemy then finds its compiled form
# without deriving a cache key from a new statement on every request.
NOTE_TITLES = db.select(Note.title).order_by(Note.id)

{% if cookiecutter.use_redis %}
@cache.cached(timeout=NOTES_CACHE_SECONDS, key_prefix="note_titles")
{%- endif %}
def note_titles():
    # A read alone needs no ORM session: a pooled connection does it in fewer
    # steps (see "Reads without a session" in the README).
    with {% if cookiecutter.database == "postgresql" %}read_connection(){% else %}db.engine.connect(){% endif %} as connection:
        return connection.scalars(NOTE_TITLES).all()

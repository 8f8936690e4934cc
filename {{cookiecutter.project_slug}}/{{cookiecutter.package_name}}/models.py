"""The example model, created by the first migration and filled by db/seeds.py."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from {{ cookiecutter.package_name }}.extensions import {% if cookiecutter.use_redis %}cache, {% endif %}db
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

{% if cookiecutter.use_redis %}
@cache.cached(timeout=NOTES_CACHE_SECONDS, key_prefix="note_titles")
{%- endif %}
def note_titles():
    return db.session.scalars(db.select(Note.title).order_by(Note.id)).all()

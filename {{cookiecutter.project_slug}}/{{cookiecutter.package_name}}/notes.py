"""The example collection, notes: {"title": str, "created_at": datetime}.

`flask db create-indexes` (./run release) creates its index; `flask db seed`
(./run db seed) adds the examples once.
"""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

{% if cookiecutter.auth == "accounts" -%}
from {{ cookiecutter.package_name }} import users
{% endif -%}
from {{ cookiecutter.package_name }}.extensions import {% if cookiecutter.use_redis %}cache, {% endif %}mongo

EXAMPLE_NOTES = [
    "Settings come from the environment (.env).",
    "The notes live in the MongoDB collection notes.",
    "GET /up checks every backing service.",
]
{%- if cookiecutter.use_redis %}

# The home page lists the notes on every view; Redis keeps the list this long,
# so new notes show up there within NOTES_CACHE_SECONDS.
NOTES_CACHE_SECONDS = 30
{%- endif %}


def notes():
    return mongo.db.notes

{% if cookiecutter.use_redis %}
@cache.cached(timeout=NOTES_CACHE_SECONDS, key_prefix="note_titles")
{%- endif %}
def note_titles():
    return [note["title"] for note in notes().find({}, {"title": 1}).sort("_id")]


def create_indexes():
    notes().create_index("title", unique=True)
{%- if cookiecutter.auth == "accounts" %}
    users.create_indexes()
{%- endif %}


def seed():
    """Add the example notes that are missing; return how many were added."""
    create_indexes()
    added = 0
    for title in EXAMPLE_NOTES:
        result = notes().update_one(
            {"title": title},
            {"$setOnInsert": {"created_at": datetime.now(UTC)}},
            upsert=True,
        )
        added += result.upserted_id is not None
    return added


db_cli = AppGroup("db", help="The MongoDB database.")


@db_cli.command("create-indexes")
def create_indexes_command():
    """Create the collections' indexes (running it twice changes nothing)."""
    create_indexes()
    click.echo("Created the indexes.")


@db_cli.command("seed")
def seed_command():
    """Add the example notes (running it twice adds nothing)."""
    click.echo(f"Added {seed()} example notes.")

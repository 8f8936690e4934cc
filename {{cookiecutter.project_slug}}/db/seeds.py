"""Example records; `flask db seed` runs this file, and running it twice adds nothing.

They are for development: `./run start` and compose.dev.yaml seed them, a
release (`./run release`) only when SEED_EXAMPLE_DATA=1.

Flask-DB runs it with exec() inside a function, so it sticks to plain
statements: a comprehension here could not see the names defined above it.
"""

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Note

EXAMPLE_NOTES = [
    "Settings come from the environment (.env).",
    "Migrations live in db/versions and run with ./run db migrate.",
    "GET /up checks every backing service.",
]

existing = set(db.session.scalars(db.select(Note.title)))
added = 0
for title in EXAMPLE_NOTES:
    if title not in existing:
        db.session.add(Note(title=title))
        added += 1
db.session.commit()
print(f"Added {added} example notes.")

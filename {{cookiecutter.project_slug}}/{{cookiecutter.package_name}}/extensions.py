"""Flask extensions, created once and bound to each app by init_extensions()."""

from flask_sqlalchemy import SQLAlchemy
from flask_static_digest import FlaskStaticDigest

db = SQLAlchemy()
static_digest = FlaskStaticDigest()


def init_extensions(app):
    db.init_app(app)
    static_digest.init_app(app)
    if app.debug and not app.testing:
        # Imported here so production never loads the toolbar at all.
        from flask_debugtoolbar import DebugToolbarExtension

        DebugToolbarExtension(app)

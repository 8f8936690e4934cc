"""A small Flask extension around PyMongo: one client per app, made lazily.

The database is the one MONGO_URL names, e.g. mongodb://host:27017/name.
"""

from flask import current_app
from pymongo import MongoClient


class Mongo:
    def init_app(self, app):
        # connect=False: the client connects on first use, after gunicorn forks.
        app.extensions["mongo"] = MongoClient(
            app.config["MONGO_URL"],
            connect=False,
            serverSelectionTimeoutMS=app.config["MONGO_TIMEOUT_MS"],
            tz_aware=True,
        )

    @property
    def client(self):
        return current_app.extensions["mongo"]

    @property
    def db(self):
        return self.client.get_default_database()

"""The users collection: {"email": str, "password_hash": str, "created_at":
datetime, "confirmed_at": datetime or None}, one document per account, found by
its (lowercase) email.

The unique index on email is created by `flask db create-indexes` (./run
release) and before every sign-up, so no two accounts share an address.
"""

import hashlib
from datetime import UTC, datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_login import UserMixin
from pymongo.errors import DuplicateKeyError

from {{ cookiecutter.package_name }}.extensions import mongo


class EmailTaken(ValueError):
    """Another account has this email."""


class User(UserMixin):
    def __init__(self, document):
        self.id = str(document["_id"])
        self.email = document["email"]
        self.password_hash = document["password_hash"]
        self.created_at = document["created_at"]
        # When the user followed the link mailed at sign-up (ACCOUNTS_CONFIRM_EMAIL),
        # or reset their password by email; None until then.
        self.confirmed_at = document.get("confirmed_at")

    def __repr__(self):
        return f"<User {self.id} {self.email!r}>"

    @property
    def password_fingerprint(self):
        """A short digest of the password hash: what is signed with it (the
        session, the remember-me cookie, a reset link) stops being valid
        once the password changes."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self):
        # What Flask-Login keeps in the session and the remember-me cookie.
        return f"{self.id}:{self.password_fingerprint}"


def users():
    return mongo.db.users


def create_indexes():
    users().create_index("email", unique=True)


def normalized(email):
    return email.strip().lower()


def _found(document):
    return User(document) if document else None


def get(user_id):
    try:
        return _found(users().find_one({"_id": ObjectId(user_id)}))
    except InvalidId:
        return None


def find_by_email(email):
    return _found(users().find_one({"email": normalized(email)}))


def create(email, password_hash, confirmed=False):
    create_indexes()
    now = datetime.now(UTC)
    document = {
        "email": normalized(email),
        "password_hash": password_hash,
        "created_at": now,
        "confirmed_at": now if confirmed else None,
    }
    try:
        users().insert_one(document)
    except DuplicateKeyError:
        raise EmailTaken(email) from None
    return User(document)


def set_password_hash(user, password_hash):
    users().update_one(
        {"_id": ObjectId(user.id)}, {"$set": {"password_hash": password_hash}}
    )
    user.password_hash = password_hash


def confirm(user):
    """Mark the user's email as confirmed; the first time counts."""
    if user.confirmed_at is None:
        now = datetime.now(UTC)
        users().update_one(
            {"_id": ObjectId(user.id), "confirmed_at": None},
            {"$set": {"confirmed_at": now}},
        )
        user.confirmed_at = now

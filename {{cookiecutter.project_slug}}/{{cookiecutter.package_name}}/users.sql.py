"""The users table: one row per account, found by its (lowercase) email."""

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import utcnow


class EmailTaken(ValueError):
    """Another account has this email."""


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 254 characters: the longest address SMTP carries.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    # When the user followed the link mailed at sign-up (ACCOUNTS_CONFIRM_EMAIL),
    # or reset their password by email; None until then.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

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


def normalized(email):
    return email.strip().lower()


def get(user_id):
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None


def find_by_email(email):
    return db.session.scalar(db.select(User).filter_by(email=normalized(email)))


def create(email, password_hash, confirmed=False):
    user = User(
        email=normalized(email),
        password_hash=password_hash,
        confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # The unique index decides, even when two sign-ups race.
        db.session.rollback()
        raise EmailTaken(email) from None
    return user


def set_password_hash(user, password_hash):
    user.password_hash = password_hash
    db.session.commit()


def confirm(user):
    """Mark the user's email as confirmed; the first time counts."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()

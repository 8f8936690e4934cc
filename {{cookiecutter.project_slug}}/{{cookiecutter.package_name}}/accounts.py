"""User accounts: sessions, password hashing, reset and confirmation links,
email, rate limits.

The pages live in blueprints/accounts, the users in users.py; the README's
"User accounts" section explains the flow and how to remove it.
"""

import hmac

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask.cli import AppGroup
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import EmailMessage, Mail
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from {{ cookiecutter.package_name }} import users

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Log in to see that page."
# Attempts are counted per client address (behind a proxy, the one it reports).
limiter = Limiter(key_func=get_remote_address)
mail = Mail()
# Argon2id with argon2-cffi's current recommended parameters; hashes made with
# older parameters are replaced at the next successful log-in.
hasher = PasswordHasher()
# Verified when an email is unknown, so that the answer takes as long as for
# a known one and its timing does not tell which addresses have accounts.
UNKNOWN_USER_HASH = hasher.hash("not a password of anyone")

RESET_SALT = "password-reset"
CONFIRM_SALT = "email-confirm"


class TokenError(ValueError):
    """A reset or confirmation link that cannot be used; the message says why."""


def init_accounts(app):
    login_manager.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    app.cli.add_command(users_cli)


@login_manager.user_loader
def load_user(value):
    """The user of a session, as long as the password it was made with is the
    current one: changing the password ends every other session."""
    user_id, _, fingerprint = value.partition(":")
    user = users.get(user_id)
    if user and hmac.compare_digest(fingerprint, user.password_fingerprint):
        return user
    return None


def hash_password(password):
    return hasher.hash(password)


def check_password(user, password):
    """Whether the password is the user's; rehashes it when the parameters
    have changed. A missing user takes as long as a wrong password."""
    try:
        hasher.verify(user.password_hash if user else UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user.password_hash):
        users.set_password_hash(user, hasher.hash(password))
    return True


def authenticate(email, password):
    """The user with this email and password, or None."""
    user = users.find_by_email(email)
    return user if check_password(user, password) else None


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(token, salt, max_age, what):
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(f"This {what} link has expired: ask for a new one.") from None
    except BadSignature:
        raise TokenError(f"This {what} link is not valid: ask for a new one.") from None


def reset_token(user):
    return _serializer(RESET_SALT).dumps([str(user.id), user.password_fingerprint])


def user_for_reset_token(token):
    """The user a reset link was made for, if it is still good."""
    max_age = current_app.config["PASSWORD_RESET_SECONDS"]
    # Only this app can sign, so a good signature holds what reset_token put.
    user_id, fingerprint = _load(token, RESET_SALT, max_age, "reset")
    user = users.get(user_id)
    if user is None or not hmac.compare_digest(fingerprint, user.password_fingerprint):
        # The password changed since: the link was used, or is stale.
        raise TokenError("This reset link has already been used: ask for a new one.")
    return user


def confirmation_required(user):
    return current_app.config["ACCOUNTS_CONFIRM_EMAIL"] and user.confirmed_at is None


def confirm_token(user):
    return _serializer(CONFIRM_SALT).dumps([str(user.id), user.email])


def user_for_confirm_token(token):
    """The user a confirmation link was made for, if it is still good. A link
    followed twice finds the user confirmed already, which does no harm."""
    max_age = current_app.config["EMAIL_CONFIRM_SECONDS"]
    user_id, email = _load(token, CONFIRM_SALT, max_age, "confirmation")
    user = users.get(user_id)
    if user is None or user.email != email:
        raise TokenError("This confirmation link is not valid: ask for a new one.")
    return user


def send_reset_email(user, link):
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    body = (
        f"Someone, hopefully you, asked to reset the password of {user.email} "
        f"on {current_app.config['APP_NAME']}.\n\n"
        f"Choose a new password here within {minutes} minutes:\n\n{link}\n\n"
        "The link works once. If you did not ask, ignore this email: your "
        "password stays as it is.\n"
    )
    _send(user, "Reset your password", body)


def send_confirm_email(user, link):
    hours = current_app.config["EMAIL_CONFIRM_SECONDS"] // 3600
    body = (
        f"Someone, hopefully you, signed up on {current_app.config['APP_NAME']} "
        f"with {user.email}.\n\n"
        f"Confirm this address here within {hours} hours, then log in:\n\n"
        f"{link}\n\n"
        "If it was not you, ignore this email: nobody can log in with this "
        "address until it is confirmed.\n"
    )
    _send(user, "Confirm your email", body)


def _send(user, subject, body):
    """One email to the user, its subject naming the app."""
    EmailMessage(
        subject=f"{subject} on {current_app.config['APP_NAME']}",
        body=body,
        to=[user.email],
    ).send()


users_cli = AppGroup("users", help="The user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.password_option(help="Asked for, twice, when not given.")
def create_user_command(email, password):
    """Create a user, e.g. the first administrator, with a confirmed email."""
    try:
        user = users.create(email, hash_password(password), confirmed=True)
    except users.EmailTaken:
        raise click.ClickException(f"{email} already has an account.") from None
    click.echo(f"Created the user {user.email}.")

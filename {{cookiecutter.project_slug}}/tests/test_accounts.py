"""User accounts: every page, and every way each can fail.

The tests act as a browser does: each form post carries the CSRF token of the
session, read from a page's <meta name="csrf-token">.
"""

import logging
import re
import uuid
from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher
{%- if cookiecutter.use_redis %}
from redis import Redis
{%- endif %}

from {{ cookiecutter.package_name }} import users
from {{ cookiecutter.package_name }}.accounts import confirm_token, reset_token
from {{ cookiecutter.package_name }}.app import create_app
{%- if cookiecutter.database is sql %}
from {{ cookiecutter.package_name }}.extensions import db
{%- endif %}

from config import settings
{%- if cookiecutter.database == "mongodb" %}

pytestmark = pytest.mark.usefixtures("mongo_server")
{%- endif %}

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple of another horse"
RESET_SENT = "If an account has that email, a link to reset its password is on"
CONFIRM_SENT = "If an unconfirmed account has that email, a new link is on its way."
LINK = re.compile(r"https?://\S+/password/reset/\S+")
CONFIRM_LINK = re.compile(r"https?://\S+/confirm/\S+")


@pytest.fixture
def email():
    """An address no other test uses: the database lives for the whole run."""
    return f"ada-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def outbox(app):
    """The emails the app sends (MAIL_BACKEND=locmem keeps them in memory)."""
    sent = app.extensions["mailman"].outbox = []
    return sent


@pytest.fixture
def post(csrf_token):
    """POST a form as a browser does, with the session's current CSRF token."""

    def send(client, path, **fields):
        return client.post(path, data={"csrf_token": csrf_token(client), **fields})

    return send


@pytest.fixture
def signed_up(client, post, email):
    """A user who has just signed up, and so is logged in."""
    response = post(client, "/signup", email=email, password=PASSWORD, confirm=PASSWORD)
    assert response.status_code == 303, page(response)
    return email


def log_in(post, client, email, password, **fields):
    return post(client, "/login", email=email, password=password, **fields)


def page(response):
    return response.get_data(as_text=True)


def create_client(client):
    """A second browser on the same app."""
    return client.application.test_client()


def test_signing_up_logs_in_with_an_argon2id_hash(client, signed_up, app_context):
    account = client.get("/account")
    assert account.status_code == 200
    assert signed_up in page(account)
    user = users.find_by_email(signed_up.upper())
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_an_email_signs_up_once_whatever_its_case(client, post, signed_up):
    other = create_client(client)
    response = post(
        other, "/signup", email=signed_up.upper(), password=PASSWORD, confirm=PASSWORD
    )
    assert response.status_code == 422
    assert "That email already has an account" in page(response)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"confirm": "something else entirely"}, "The passwords differ."),
    ],
)
def test_sign_up_says_what_is_wrong(client, post, email, fields, error):
    form = {"email": email, "password": PASSWORD, "confirm": PASSWORD, **fields}
    response = post(client, "/signup", **form)
    assert response.status_code == 422
    assert error in page(response)
    assert client.get("/account").status_code == 302


def test_the_account_page_needs_a_log_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Faccount"


def test_log_in_with_the_right_password(client, post, signed_up):
    post(client, "/logout")
    response = log_in(post, client, signed_up, PASSWORD)
    assert (response.status_code, response.location) == (303, "/account")
    assert signed_up in page(client.get("/account"))


@pytest.mark.parametrize("wrong", ["password", "email"])
def test_a_wrong_password_or_unknown_email_gets_one_answer_and_a_log_line(
    app, client, post, signed_up, caplog, wrong
):
    email, password = signed_up, PASSWORD
    if wrong == "password":
        password = "not the password at all"
    else:
        email = "nobody-" + signed_up
    other = create_client(client)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = log_in(post, other, email, password)
    assert response.status_code == 422
    assert "Wrong email or password." in page(response)
    assert other.get("/account").status_code == 302
    [record] = [r for r in caplog.records if "Failed log-in" in r.getMessage()]
    assert email in record.getMessage()
    assert password not in record.getMessage()


def test_log_in_starts_a_new_session_and_remembers_on_request(client, post, signed_up):
    other = create_client(client)
    with other.session_transaction() as session:
        session["set before"] = "log-in"
    response = log_in(post, other, signed_up, PASSWORD)
    assert response.status_code == 303
    with other.session_transaction() as session:
        assert "set before" not in session
    assert other.get_cookie("remember_token") is None

    remembered = create_client(client)
    log_in(post, remembered, signed_up, PASSWORD, remember="y")
    cookie = remembered.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    # Without its session, the remember cookie logs the user back in.
    remembered.delete_cookie("session")
    assert remembered.get("/account").status_code == 200
    # Logging out deletes it.
    post(remembered, "/logout")
    assert remembered.get_cookie("remember_token") is None
    assert remembered.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("target", "landing"),
    [("/account/password", "/account/password"), ("https://evil.example/", "/account"),
     ("//evil.example/", "/account")],
)  # fmt: skip
def test_log_in_returns_only_to_a_page_of_this_site(
    client, post, signed_up, target, landing
):
    path = f"/login?next={quote(target, safe='')}"
    response = post(create_client(client), path, email=signed_up, password=PASSWORD)
    assert (response.status_code, response.location) == (303, landing)


def test_log_out_is_a_post(client, post, signed_up):
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    response = post(client, "/logout")
    assert (response.status_code, response.location) == (303, "/login")
    assert client.get("/account").status_code == 302


def test_a_form_without_the_csrf_token_is_refused(client, signed_up):
    response = client.post("/logout")
    assert response.status_code == 400
    assert "The CSRF token is missing." in page(response)
    assert client.get("/account").status_code == 200
    response = client.post("/login", data={"email": signed_up, "password": PASSWORD})
    assert response.status_code == 400


def test_changing_the_password_ends_the_other_sessions(client, post, signed_up):
    elsewhere = create_client(client)
    log_in(post, elsewhere, signed_up, PASSWORD)
    assert elsewhere.get("/account").status_code == 200

    wrong = post(
        client, "/account/password",
        current="not my password", password=NEW_PASSWORD, confirm=NEW_PASSWORD,
    )  # fmt: skip
    assert wrong.status_code == 422
    assert "That is not your current password." in page(wrong)
    response = post(
        client, "/account/password",
        current=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD,
    )  # fmt: skip
    assert (response.status_code, response.location) == (303, "/account")
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302

    third = create_client(client)
    assert "Wrong email or password." in page(log_in(post, third, signed_up, PASSWORD))
    assert log_in(post, third, signed_up, NEW_PASSWORD).status_code == 303


def test_a_hash_of_older_parameters_is_replaced_at_log_in(
    client, post, email, app_context
):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users.create(email, weak.hash(PASSWORD))
    assert log_in(post, client, email, PASSWORD).status_code == 303
    assert users.find_by_email(email).password_hash != weak.hash(PASSWORD)
    assert not PasswordHasher().check_needs_rehash(
        users.find_by_email(email).password_hash
    )


def test_a_reset_link_sets_a_new_password_once(client, post, signed_up, outbox):
    stranger = create_client(client)
    response = post(stranger, "/password/reset", email=signed_up)
    assert (response.status_code, response.location) == (303, "/login")
    assert RESET_SENT in page(stranger.get("/login"))
    [message] = outbox
    assert message.to == [signed_up]
    link = LINK.search(message.body)[0]
    path = link.split("localhost", 1)[1]

    form = stranger.get(path)
    assert form.status_code == 200 and "Choose a new password" in page(form)
    response = post(stranger, path, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert (response.status_code, response.location) == (303, "/account")
    assert stranger.get("/account").status_code == 200
    again = log_in(post, create_client(client), signed_up, NEW_PASSWORD)
    assert again.status_code == 303

    reused = create_client(client).get(path, follow_redirects=True)
    assert "This reset link has already been used" in page(reused)


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, post, outbox):
    response = post(client, "/password/reset", email="nobody@example.com")
    assert (response.status_code, response.location) == (303, "/login")
    assert RESET_SENT in page(client.get("/login"))
    assert outbox == []


def test_an_expired_or_forged_link_is_refused(
    app, client, signed_up, monkeypatch, app_context
):
    token = reset_token(users.find_by_email(signed_up))
    monkeypatch.setitem(app.config, "PASSWORD_RESET_SECONDS", -1)
    expired = client.get(f"/password/reset/{token}", follow_redirects=True)
    assert "This reset link has expired" in page(expired)
    monkeypatch.undo()
    forged = client.get(f"/password/reset/{token}x", follow_redirects=True)
    assert "This reset link is not valid" in page(forged)


@pytest.fixture
def make_app(overrides, app):
    """Apps of other settings, on the test database that `app` set up."""

    def make(**settings):
        made.append(create_app({**overrides, **settings}))
        return made[-1]

    made = []
    yield make
{%- if cookiecutter.database is sql %}
    for other in made:
        with other.app_context():
            db.engine.dispose()
{%- endif %}


@pytest.fixture
def limited_app(make_app, request):
    """An app that allows 2 attempts a minute, with the confirmation pages on;
    its settings may be parametrized."""
    settings = getattr(request, "param", {})
    return make_app(
        ACCOUNTS_RATE_LIMIT="2 per minute", ACCOUNTS_CONFIRM_EMAIL=True, **settings
    )


def client_of(app):
    """A browser at an address of its own: the attempts of no other test count."""
    client = app.test_client()
    # In the IPv6 documentation range: no real client has it.
    client.environ_base["REMOTE_ADDR"] = f"2001:db8::{uuid.uuid4().hex[:4]}"
    return client


@pytest.mark.parametrize("path", ["/login", "/signup", "/password/reset", "/confirm"])
def test_too_many_attempts_get_the_429_page(limited_app, post, path):
    client = client_of(limited_app)
    for _ in range(2):
        assert post(client, path, email="nobody@example.com").status_code != 429
    response = post(client, path, email="nobody@example.com")
    assert response.status_code == 429
    assert "429 Too Many Requests" in page(response)
    assert "Too many attempts from your address" in page(response)
    assert int(response.headers["Retry-After"]) > 0
    # Showing the form is never limited.
    assert client.get(path).status_code == 200
{%- if cookiecutter.use_redis %}


@pytest.mark.parametrize(
    "limited_app", [{"RATELIMIT_STORAGE_URI": settings.REDIS_URL}], indirect=True
)
def test_with_redis_the_counts_live_in_redis(limited_app, post, redis_server):
    """Where every worker and container sees them."""
    client = client_of(limited_app)
    statuses = [post(client, "/login").status_code for _ in range(3)]
    assert 429 not in statuses[:2] and statuses[2] == 429, statuses
    address = client.environ_base["REMOTE_ADDR"]
    assert Redis.from_url(settings.REDIS_URL).keys(f"*{address}*"), "no count in Redis"
{%- endif %}


def test_the_cli_creates_a_confirmed_user_who_can_log_in(
    app, client, post, email, confirming
):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert f"Created the user {email}." in result.output
    assert log_in(post, client, email, PASSWORD).status_code == 303
    assert log_in(post, client_of(confirming), email, PASSWORD).status_code == 303
    again = runner.invoke(args=["users", "create", email, "--password", PASSWORD])
    assert again.exit_code == 1
    assert f"{email} already has an account." in again.output


@pytest.fixture
def confirming(make_app):
    """An app that asks for email confirmation at sign-up, its outbox emptied."""
    app = make_app(ACCOUNTS_CONFIRM_EMAIL=True)
    app.extensions["mailman"].outbox = []
    return app


def confirm_path(app):
    """The path of the confirmation link in the app's one email, which it takes."""
    [message] = app.extensions["mailman"].outbox
    app.extensions["mailman"].outbox.clear()
    return urlsplit(CONFIRM_LINK.search(message.body)[0]).path


def test_with_confirmation_off_there_are_no_confirm_pages(client):
    assert client.get("/confirm").status_code == 404
    assert client.get("/confirm/anything").status_code == 404
    assert "Send it again" not in page(client.get("/login"))


def test_with_confirmation_on_log_in_waits_for_the_emailed_link(
    confirming, post, email
):
    client = client_of(confirming)
    response = post(client, "/signup", email=email, password=PASSWORD, confirm=PASSWORD)
    assert (response.status_code, response.location) == (303, "/login")
    assert f"follow the link just sent to {email}" in page(client.get("/login"))
    assert client.get("/account").status_code == 302
    refused = log_in(post, client, email, PASSWORD)
    assert refused.status_code == 422
    assert "Confirm this email first" in page(refused)
    assert "Send it again" in page(refused)
    assert client.get("/account").status_code == 302

    path = confirm_path(confirming)
    response = client.get(path)
    assert (response.status_code, response.location) == (303, "/login")
    assert "Your email is confirmed" in page(client.get("/login"))
    assert log_in(post, client, email, PASSWORD).status_code == 303
    assert client.get("/account").status_code == 200
    # Followed again, the link does no harm.
    again = client_of(confirming).get(path, follow_redirects=True)
    assert "Your email is confirmed" in page(again)


def test_an_expired_or_forged_confirmation_link_is_refused(
    confirming, email, monkeypatch
):
    client = client_of(confirming)
    with confirming.app_context():
        user = users.create(email, PasswordHasher().hash(PASSWORD))
        token, reset = confirm_token(user), reset_token(user)
    monkeypatch.setitem(confirming.config, "EMAIL_CONFIRM_SECONDS", -1)
    expired = client.get(f"/confirm/{token}", follow_redirects=True)
    assert expired.request.path == "/confirm"
    assert "This confirmation link has expired" in page(expired)
    monkeypatch.undo()
    for forged in [f"{token}x", reset]:
        refused = client.get(f"/confirm/{forged}", follow_redirects=True)
        assert "This confirmation link is not valid" in page(refused)
    with confirming.app_context():
        assert users.find_by_email(email).confirmed_at is None


def test_a_new_confirmation_link_gets_one_answer_for_every_email(
    confirming, post, email
):
    client = client_of(confirming)
    post(client, "/signup", email=email, password=PASSWORD, confirm=PASSWORD)
    confirm_path(confirming)
    for address in [email, "nobody@example.com"]:
        response = post(client, "/confirm", email=address)
        assert (response.status_code, response.location) == (303, "/login")
        assert CONFIRM_SENT in page(client.get("/login"))
    client.get(confirm_path(confirming))
    assert log_in(post, client, email, PASSWORD).status_code == 303
    # A confirmed email gets the same answer, and no email.
    assert post(client, "/confirm", email=email).status_code == 303
    assert confirming.extensions["mailman"].outbox == []


def test_a_password_reset_by_email_confirms_the_email(confirming, post, email):
    client = client_of(confirming)
    post(client, "/signup", email=email, password=PASSWORD, confirm=PASSWORD)
    confirm_path(confirming)
    post(client, "/password/reset", email=email)
    [message] = confirming.extensions["mailman"].outbox
    path = urlsplit(LINK.search(message.body)[0]).path
    response = post(client, path, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert (response.status_code, response.location) == (303, "/account")
    post(client, "/logout")
    assert log_in(post, client, email, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", ("mail.example.com", 25, None, None, False, False)),
        ("smtp+starttls://ada:p%40ss@mail.example.com",
         ("mail.example.com", 587, "ada", "p@ss", True, False)),
        ("smtps://ada:secret@mail.example.com:2465",
         ("mail.example.com", 2465, "ada", "secret", False, True)),
    ],
)  # fmt: skip
def test_mail_url_gives_the_smtp_settings(url, expected):
    found = settings.mail_settings(url)
    keys = ("server", "port", "username", "password", "use_tls", "use_ssl")
    assert tuple(found[key] for key in keys) == expected


def test_a_mail_url_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="MAIL_URL https://... is not an SMTP server"):
        settings.mail_settings("https://mail.example.com")

"""The user-account flow of a project baked with auth=accounts, as a person goes
through it: over HTTP with a cookie jar, against a running app."""

import re
import urllib.parse

from tests.support.runners import Browser

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple of another horse"
RESET_SENT = "If an account has that email, a link to reset its password is on its way."
RESET_LINK = re.compile(r"https?://\S+/password/reset/\S+")
CONFIRM_LINK = re.compile(r"https?://\S+/confirm/\S+")


def path_of(url):
    return urllib.parse.urlsplit(url).path


def expect(answer, path, *texts, status=200):
    """The page a step lands on: its status, path and some of its text."""
    got, text, url = answer
    assert (got, path_of(url)) == (status, path), f"{got} {url}: {text[-1500:]}"
    for expected in texts:
        assert expected in text, f"{url} lacks {expected!r}: {text[-1500:]}"
    return text


def sign_up_log_out_log_in(base, email):
    """Sign up, log out, find the account page closed, log in; returns the browser."""
    browser = Browser(base)
    expect(browser.open("/signup"), "/signup", "Sign up")
    fields = {"email": email, "password": PASSWORD, "confirm": PASSWORD}
    expect(browser.open("/signup", fields), "/account", email)
    expect(browser.open("/logout", {}), "/login", "You are logged out.")
    expect(browser.open("/account"), "/login", "Log in to see that page.")
    expect(browser.open("/login", {"email": email, "password": PASSWORD}), "/account", email)
    return browser


def reset_by_email(base, email, inbox):
    """Ask for a reset, follow the emailed link, set a new password that then logs
    in while the old one no longer does; the link then refuses a second use."""
    browser = Browser(base)
    expect(browser.open("/password/reset"), "/password/reset")
    expect(browser.open("/password/reset", {"email": email}), "/login", RESET_SENT)
    message = inbox.wait_for(email)
    link = RESET_LINK.search(message.get_body(("plain",)).get_content())[0]
    path = path_of(link)
    expect(browser.open(path), path, "Choose a new password")
    fields = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    expect(browser.open(path, fields), "/account", email)
    expect(browser.open("/logout", {}), "/login")
    old = browser.open("/login", {"email": email, "password": PASSWORD})
    expect(old, "/login", "Wrong email or password.", status=422)
    expect(browser.open("/login", {"email": email, "password": NEW_PASSWORD}), "/account")
    expect(Browser(base).open(path), "/password/reset", "already been used")
    return link


def sign_up_confirm_log_in(base, email, inbox):
    """With ACCOUNTS_CONFIRM_EMAIL on: sign up, be refused at log-in, follow the
    emailed link, then log in; returns the link."""
    browser = Browser(base)
    expect(browser.open("/signup"), "/signup", "Sign up")
    fields = {"email": email, "password": PASSWORD, "confirm": PASSWORD}
    expect(browser.open("/signup", fields), "/login", f"link just sent to {email}")
    log_in = {"email": email, "password": PASSWORD}
    expect(browser.open("/login", log_in), "/login", "Confirm this email first", status=422)
    expect(browser.open("/account"), "/login", "Log in to see that page.")
    message = inbox.wait_for(email)
    link = CONFIRM_LINK.search(message.get_body(("plain",)).get_content())[0]
    expect(browser.open(path_of(link)), "/login", "Your email is confirmed")
    expect(browser.open("/login", log_in), "/account", email)
    return link

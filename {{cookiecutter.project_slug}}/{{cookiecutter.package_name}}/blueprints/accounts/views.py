"""Sign up, log in and out, change or reset a password, and the account page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from {{ cookiecutter.package_name }} import users
from {{ cookiecutter.package_name }}.accounts import (
    TokenError,
    authenticate,
    check_password,
    confirm_token,
    confirmation_required,
    hash_password,
    limiter,
    reset_token,
    send_confirm_email,
    send_reset_email,
    user_for_confirm_token,
    user_for_reset_token,
)
from {{ cookiecutter.package_name }}.blueprints.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    LogInForm,
    ResetPasswordForm,
    SignUpForm,
)

accounts = Blueprint("accounts", __name__, template_folder="templates")

# Only the form posts count: showing a form costs nothing to guess with.
rate_limited = limiter.limit(
    lambda: current_app.config["ACCOUNTS_RATE_LIMIT"],
    methods=["POST"],
    error_message="Too many attempts from your address: wait a little, then try again.",
)
RESET_SENT = "If an account has that email, a link to reset its password is on its way."
CONFIRM_SENT = "If an unconfirmed account has that email, a new link is on its way."


def start_session(user, remember=False):
    # A new session at every log-in: nothing set before it (a CSRF token
    # included) carries over to the logged-in user.
    session.clear()
    login_user(user, remember=remember)


def form_page(template, form):
    # 422 when the form was refused: scripts that submit forms with fetch()
    # then know to show the page with its errors.
    return render_template(template, form=form), 422 if form.errors else 200


def see_other(endpoint):
    # 303: the browser follows a form's POST with a GET, as scripts that
    # submit forms with fetch() expect too.
    return redirect(url_for(endpoint), 303)


def mail_link(send, user, endpoint, token):
    """Email the user a link to endpoint with token."""
    link = url_for(endpoint, token=token, _external=True)
    try:
        send(user, link)
    except OSError:
        # The answer stays the same, or a failure would tell that the address
        # has an account.
        current_app.logger.exception("Could not send the email for %s", endpoint)


def safe_next():
    """The page to return to after logging in: a path on this site only."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("accounts.account")


@accounts.route("/signup", methods=["GET", "POST"])
@rate_limited
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = users.create(form.email.data, hash_password(form.password.data))
        except users.EmailTaken:
            form.email.errors.append(
                "That email already has an account: log in, or reset its password."
            )
        else:
            if confirmation_required(user):
                token = confirm_token(user)
                mail_link(send_confirm_email, user, "accounts.confirm_email", token)
                flash(
                    f"Almost there: follow the link just sent to {user.email} to "
                    "confirm it, then log in."
                )
                return see_other("accounts.login")
            start_session(user)
            flash("Welcome! Your account is ready.")
            return see_other("accounts.account")
    return form_page("accounts/signup.html", form)


@accounts.route("/login", methods=["GET", "POST"])
@rate_limited
def login():
    form = LogInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user and confirmation_required(user):
            form.email.errors.append(
                "Confirm this email first, with the link sent to it at sign-up."
            )
        elif user:
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(), 303)
        else:
            # Never the password, not even a wrong one: it may be one of the
            # user's other passwords.
            current_app.logger.warning(
                "Failed log-in for %r from %s", form.email.data, request.remote_addr
            )
            form.password.errors.append("Wrong email or password.")
    return form_page("accounts/login.html", form)


@accounts.post("/logout")
def logout():
    # In this order: logout_user() leaves the note in the session that has the
    # "remember me" cookie deleted too.
    session.clear()
    logout_user()
    flash("You are logged out.")
    return see_other("accounts.login")


@accounts.get("/account")
@login_required
def account():
    return render_template("accounts/account.html")


@accounts.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if check_password(current_user, form.current.data):
            users.set_password_hash(current_user, hash_password(form.password.data))
            # Other sessions end with the old password; this one goes on.
            start_session(current_user._get_current_object())
            flash("Your password is changed.")
            return see_other("accounts.account")
        form.current.errors.append("That is not your current password.")
    return form_page("accounts/change_password.html", form)


@accounts.route("/password/reset", methods=["GET", "POST"])
@rate_limited
def reset_request():
    form = EmailForm()
    if form.validate_on_submit():
        user = users.find_by_email(form.email.data)
        if user:
            token = reset_token(user)
            mail_link(send_reset_email, user, "accounts.reset_password", token)
        flash(RESET_SENT)
        return see_other("accounts.login")
    return form_page("accounts/reset_request.html", form)


@accounts.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limited
def reset_password(token):
    try:
        user = user_for_reset_token(token)
    except TokenError as error:
        flash(str(error))
        return see_other("accounts.reset_request")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        users.set_password_hash(user, hash_password(form.password.data))
        # The link came by email: the address is the user's.
        users.confirm(user)
        start_session(user)
        flash("Your password is changed, and you are logged in.")
        return see_other("accounts.account")
    return form_page("accounts/reset_password.html", form)


def require_confirmation_on():
    if not current_app.config["ACCOUNTS_CONFIRM_EMAIL"]:
        abort(404)


@accounts.route("/confirm", methods=["GET", "POST"])
@rate_limited
def confirm_request():
    require_confirmation_on()
    form = EmailForm()
    if form.validate_on_submit():
        user = users.find_by_email(form.email.data)
        if user and user.confirmed_at is None:
            token = confirm_token(user)
            mail_link(send_confirm_email, user, "accounts.confirm_email", token)
        flash(CONFIRM_SENT)
        return see_other("accounts.login")
    return form_page("accounts/confirm_request.html", form)


@accounts.get("/confirm/<token>")
def confirm_email(token):
    require_confirmation_on()
    try:
        user = user_for_confirm_token(token)
    except TokenError as error:
        flash(str(error))
        return see_other("accounts.confirm_request")
    users.confirm(user)
    flash("Your email is confirmed: you can log in.")
    return see_other("accounts.login")

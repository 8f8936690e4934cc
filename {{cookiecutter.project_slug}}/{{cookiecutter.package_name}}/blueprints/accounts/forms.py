"""The account forms; Flask-WTF checks each one's CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

# Long enough to resist guessing; the upper bound keeps hashing cheap to ask for.
PASSWORD_LENGTH = Length(
    min=10, max=128, message="Use at least 10 characters, and at most 128."
)


class SignUpForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the password",
        validators=[InputRequired(), EqualTo("password", "The passwords differ.")],
    )


class LogInForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=128)])
    remember = BooleanField("Remember me on this device")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired()])
    password = PasswordField(
        "New password", validators=[InputRequired(), PASSWORD_LENGTH]
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("password", "The passwords differ.")],
    )


class EmailForm(FlaskForm):
    """Where to send a new password reset or confirmation link."""

    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[InputRequired(), PASSWORD_LENGTH]
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("password", "The passwords differ.")],
    )

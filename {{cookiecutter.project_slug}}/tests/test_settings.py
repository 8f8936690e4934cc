{% if cookiecutter is with_examples or cookiecutter.error_tracking == "sentry" -%}
import os
import subprocess
import sys
{%- if cookiecutter.error_tracking == "sentry" %}
import tomllib
{%- endif %}

{% endif -%}
import pytest

from {{ cookiecutter.package_name }}.app import ConfigError, create_app
{%- if cookiecutter is with_examples or cookiecutter.error_tracking == "sentry" %}

from config import settings
{%- endif %}


@pytest.mark.parametrize("key", [None, "", "change-me", "short"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app({"DEBUG": False, "TESTING": False, "SECRET_KEY": key})


def test_production_accepts_a_real_secret_key():
    key = "a-real-secret-key-that-is-long-enough-0123456789"
    app = create_app({"DEBUG": False, "TESTING": False, "SECRET_KEY": key})
    assert app.config["SECRET_KEY"] == key


def test_debugging_without_a_secret_key_gets_a_random_one():
    first = create_app({"DEBUG": True, "SECRET_KEY": None})
    second = create_app({"DEBUG": True, "SECRET_KEY": None})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
{%- if cookiecutter is with_examples or cookiecutter.error_tracking == "sentry" %}


def fresh_setting(name, unset, **environ):
    """A setting as config/settings.py reads it in a fresh process, printed; the
    variables in `unset` are left out of its environment unless environ sets them."""
    env = {k: v for k, v in os.environ.items() if k not in unset}
    code = f"from config import settings; print(settings.{name})"
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, **environ},
        capture_output=True,
        text=True,
        check=False,
    )
{%- endif %}
{%- if cookiecutter is with_examples %}


def examples_enabled(**environ):
    unset = ("FLASK_DEBUG", "EXAMPLES_ENABLED")
    return fresh_setting("EXAMPLES_ENABLED", unset, **environ)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"FLASK_DEBUG": "1"}, "True"),
        ({"FLASK_DEBUG": "0"}, "False"),
        ({"FLASK_DEBUG": "0", "EXAMPLES_ENABLED": "1"}, "True"),
        ({"FLASK_DEBUG": "1", "EXAMPLES_ENABLED": "0"}, "False"),
    ],
)
def test_the_examples_are_on_while_debugging_unless_set(environ, expected):
    result = examples_enabled(**environ)
    assert result.stdout.strip() == expected, result.stderr


def test_a_bad_examples_enabled_is_refused_by_name():
    result = examples_enabled(FLASK_DEBUG="0", EXAMPLES_ENABLED="maybe")
    assert result.returncode != 0
    assert '"EXAMPLES_ENABLED" invalid' in result.stderr
{%- endif %}
{%- if cookiecutter.error_tracking == "sentry" %}


@pytest.mark.parametrize(
    ("debug", "environment"), [("1", "development"), ("0", "production")]
)
def test_sentry_events_name_the_environment_by_debugging(debug, environment):
    unset = ("FLASK_DEBUG", "SENTRY_ENVIRONMENT")
    result = fresh_setting("SENTRY_ENVIRONMENT", unset, FLASK_DEBUG=debug)
    assert result.stdout.strip() == environment, result.stderr


def test_sentry_events_name_the_release_in_pyproject():
    project = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    release = f"{project['project']['name']}@{project['project']['version']}"
    result = fresh_setting("SENTRY_RELEASE", ("SENTRY_RELEASE",))
    assert result.stdout.strip() == release, result.stderr


def test_a_sentry_sample_rate_out_of_range_is_refused_by_name():
    name = "SENTRY_TRACES_SAMPLE_RATE"
    result = fresh_setting(name, (name,), **{name: "2"})
    assert result.returncode != 0
    assert '"SENTRY_TRACES_SAMPLE_RATE" invalid' in result.stderr
{%- endif %}

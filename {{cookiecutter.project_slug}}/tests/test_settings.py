import pytest

from {{ cookiecutter.package_name }}.app import ConfigError, create_app


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

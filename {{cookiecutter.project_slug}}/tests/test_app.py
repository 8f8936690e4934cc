from {{ cookiecutter.package_name }}.app import create_app


def test_settings_override_applies():
    app = create_app({"TESTING": True, "APP_NAME": "Overridden"})
    assert app.testing
    assert app.config["APP_NAME"] == "Overridden"


def test_debug_toolbar_only_when_debugging():
    assert "debugtoolbar" not in create_app({"TESTING": True}).blueprints
    debugging = create_app({"DEBUG": True, "SECRET_KEY": "k" * 64})
    assert "debugtoolbar" in debugging.blueprints


def test_logs_go_to_stdout(capsys):
    app = create_app({"TESTING": True})
    app.logger.warning("hello from the test")
    captured = capsys.readouterr()
    assert "hello from the test" in captured.out
    assert "hello from the test" not in captured.err

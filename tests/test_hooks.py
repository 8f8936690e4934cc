"""The hooks: bad answers are refused clearly, odd text lands safely everywhere."""

import ast
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.baking import bake, bake_cli, parse_structured
from tests.support.checks import parse_problems, ruff_problems
from tests.support.template import TEMPLATE_DIR

REFUSALS = [
    ({"project_slug": "1app"}, "project_slug '1app' starts with a digit"),
    ({"project_slug": "class"}, "project_slug 'class' is a Python keyword"),
    ({"project_slug": "My-App"}, "may contain only lowercase ASCII letters, digits and _"),
    ({"project_slug": "flask"}, "would shadow the module 'flask'"),
    ({"project_slug": "config"}, "would shadow the module 'config'"),
    ({"project_slug": "json"}, "would shadow the module 'json'"),
    ({"project_slug": "vine"}, "project_slug 'vine' is the name of a package"),
    ({"project_slug": "my_app_"}, "project_slug 'my_app_' ends with _"),
    ({"project_name": "???"}, "project_name '???' has no letter or digit"),
    ({"project_name": ""}, "project_name '' has no letter or digit"),
    ({"package_name": "my-app"}, "package_name 'my-app' may contain only"),
    ({"package_name": "celery"}, "package_name 'celery' would shadow"),
    ({"email": "not-an-email"}, "email 'not-an-email' is not an email address"),
    ({"version": "one"}, "version 'one' is not a version"),
    ({"use_celery": "yes"}, "use_celery needs Redis as its broker: answer yes to use_redis"),
    ({"use_kubernetes": "yes", "database": "sqlite"}, "use_kubernetes needs a database server"),
]


@pytest.mark.parametrize("answers, message", REFUSALS, ids=[str(a) for a, _ in REFUSALS])
def test_bad_answers_are_refused_clearly_and_leave_nothing(tmp_path, answers, message):
    result = bake_cli(tmp_path, answers)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert any(message in line for line in errors), result.stderr
    assert list(tmp_path.iterdir()) == [], "a refused bake left files behind"


def test_a_refusal_is_its_line_and_the_way_back_to_the_saved_answers(tmp_path):
    """No traceback from cookiecutter follows the hook's line; the next line
    names the replay file cookiecutter wrote, and its command bakes once the
    answer is corrected there."""
    config = tmp_path / "cookiecutterrc"
    config.write_text(
        f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path / 'repos'}\n"
    )
    output = tmp_path / "out"
    env = {"COOKIECUTTER_CONFIG": str(config)}
    result = bake_cli(output, {"use_celery": "yes"}, env=env)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["Hook script failed (exit status: 1)"], result.stdout
    refusal, saved = result.stderr.splitlines()
    assert refusal.startswith("ERROR: use_celery needs Redis"), result.stderr
    replay = tmp_path / "replay" / f"{TEMPLATE_DIR.name}.json"
    command = f"then run cookiecutter --replay-file {replay} {TEMPLATE_DIR} -o {output}"
    assert saved == f"Your answers are in {replay}: correct them there, {command}"

    answers = json.loads(replay.read_text())
    answers["cookiecutter"]["use_redis"] = True
    replay.write_text(json.dumps(answers))
    again = subprocess.run(
        [sys.executable, "-m", *shlex.split(command.removeprefix("then run "))],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert (output / "my_flask_app" / "my_flask_app" / "celery_app.py").is_file()


HOSTILE_TEXT = {
    "project_name": 'Ünïcode "Quoted" \\ back: #hash <b>bold</b> {{ x }}\nnext line',
    "description": 'It\'s a "test": `code`, *stars*, [link](x), # not a heading\\',
    "author_name": 'O\'Brien \\ "Jr" 🚀',
}


def test_hostile_text_lands_safely_in_every_format(cookies):
    answers = {**HOSTILE_TEXT, "project_name": HOSTILE_TEXT["project_name"].replace("{{ x }}", "")}
    project = bake(cookies, project_slug="hostile_text", **answers)
    assert parse_problems(project) == []

    one_line = " ".join(answers["project_name"].split())
    settings = ast.parse((project / "config/settings.py").read_text())
    app_name = next(
        node.value.args[1]
        for node in settings.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "APP_NAME"
    )
    assert ast.literal_eval(app_name) == one_line

    pyproject = parse_structured(project / "pyproject.toml")
    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"] == [
        {"name": answers["author_name"], "email": "you@example.com"}
    ]

    readme_title = (project / "README.md").read_text().splitlines()[0]
    assert readme_title.startswith("# Ünïcode") and "\\<b\\>" in readme_title
    assert "\n" not in readme_title

    assert ruff_problems([project]) == {}


def test_jinja_in_a_text_answer_is_refused_or_rendered_not_left_raw(cookies):
    result = cookies.bake(extra_context={"project_name": "Broken {{ app", "project_slug": "x_app"})
    assert (
        result.exit_code != 0 or "{{" not in (Path(result.project_path) / "README.md").read_text()
    )


@pytest.mark.parametrize(
    "answers", [{}, {"use_redis": True, "use_celery": True}], ids=["default", "celery"]
)
def test_the_final_message_names_a_folder_the_user_can_cd_to(tmp_path, answers):
    """From the folder cookiecutter ran in: a relative path below it (`-o`), an
    absolute one elsewhere; a Celery project is told how to run its worker."""
    shell = tmp_path / "shell"
    shell.mkdir()
    for output, shown in (("out/sub", "./out/sub/my_flask_app"), (tmp_path / "x", None)):
        result = bake_cli(output, answers, cwd=shell)
        assert result.returncode == 0, result.stderr
        shown = shown or str(tmp_path / "x" / "my_flask_app")
        assert f"Your project is ready in {shown}\n" in result.stdout, result.stdout
        assert f"cd {shown} && ./run start" in result.stdout, result.stdout
        assert (shell / shown).resolve().joinpath("run").is_file()
        assert ("./run worker" in result.stdout) == bool(answers), result.stdout

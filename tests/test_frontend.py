"""The frontend choice: every frontend x css pair bakes, builds, digests and runs.

The static tests bake each pair and read it. The slow ones install its pinned
npm packages (npm ci, sharing npm's cache in ~/.npm between pairs), build the
bundles, run `flask digest compile` and serve the app; the browser ones drive
Debian's Chromium (never a browser that a tool downloads) against it: as in
production the page has no demo and its bundle runs without an error; with the
examples on (EXAMPLES_ENABLED=1) the demo is live under the app's strict
Content-Security-Policy, an unsafe request sent through the bundle's own wiring
carries the layout's CSRF token and is accepted, and a POST without it gets 400.
The pairs are baked with user accounts (auth=accounts), and a person signs up,
logs out, logs in and out through the styled forms without a console error or
a CSP violation.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.support import variants
from tests.support.baking import bake, package_of, parse_structured
from tests.support.checks import manifest_problems, static_problems
from tests.support.hooks import RenderedHook
from tests.support.runners import (
    EXAMPLES_ON,
    check_examples,
    gunicorn,
    project_env,
    run,
)
from tests.support.venvs import venv_for

PAIRS = [(pair["frontend"], pair["css"]) for pair in variants.frontend_pairs()]
PAIR_IDS = [f"{frontend}-{css}" for frontend, css in PAIRS]

# The npm packages of each frontend, and strings that survive minification in
# a bundle that includes the library (and in no bundle without it).
PACKAGES = {
    "htmx": {"htmx.org"},
    "hotwire": {"@hotwired/turbo", "@hotwired/stimulus"},
    "alpinejs": {"@alpinejs/csp"},
    "vue": {"vue"},
    "react": {"react", "react-dom"},
    "jquery": {"jquery"},
}
SIGNATURES = {
    "htmx": ["htmx:"],
    "hotwire": ["turbo-frame", "data-controller"],
    "alpinejs": ["alpine:init"],
    "vue": ["__vue_app__"],
    "react": ["react.transitional.element"],
    "jquery": ["Syntax error, unrecognized expression"],
}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- Static: every pair bakes into a clean project that holds only its own choice.


@pytest.fixture(scope="module")
def post_gen_hook():
    return RenderedHook("post_gen_project.py")


@pytest.fixture(scope="module", params=PAIRS, ids=PAIR_IDS)
def baked(request, cookies_session):
    frontend, css = request.param
    return frontend, css, bake(cookies_session, frontend=frontend, css=css)


def test_pair_is_static_clean(baked):
    """Every static check, the traces of every other library and of Tailwind included."""
    frontend, css, project = baked
    answers = {**variants.DEFAULTS, "frontend": frontend, "css": css}
    assert static_problems([project], lambda _: answers)[project] == []


def test_pair_leaves_no_other_version_behind(baked, post_gen_hook):
    frontend, css, project = baked
    answers = {**variants.DEFAULTS, "frontend": frontend, "css": css}
    assert manifest_problems(project, answers, post_gen_hook) == []
    assert not (project / "assets/locks").exists() and not (project / "licenses").exists()


def test_pair_pins_exact_versions_and_locks_them(baked):
    frontend, css, project = baked
    package_json = project / "assets/package.json"
    if not variants.has_assets({"frontend": frontend, "css": css}):
        assert not (project / "assets").exists()
        assert not list(project.rglob("package.json"))
        return
    package = parse_structured(package_json)
    pins = {**package.get("dependencies", {}), **package["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pins.values()), pins
    expected = PACKAGES.get(frontend, set()) | (
        {"tailwindcss", "@tailwindcss/cli"} if css == "tailwind" else set()
    )
    if frontend != "none":
        expected.add("esbuild")
    assert set(pins) == expected
    lock = json.loads((project / "assets/package-lock.json").read_text())
    root = lock["packages"][""]
    assert root["name"] == package["name"] == "my-flask-app-assets"
    assert {**root.get("dependencies", {}), **root["devDependencies"]} == pins
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_none_with_plain_css_has_no_javascript_toolchain(cookies):
    project = bake(cookies, frontend="none", css="plain")
    assert not (project / "assets").exists()
    assert not list(project.rglob("package*.json"))
    assert (project / "my_flask_app/static/css/app.css").is_file()
    assert not (project / "my_flask_app/blueprints/demo").exists()
    dockerfile = (project / "Dockerfile").read_text()
    assert "node" not in dockerfile.lower() and "npm" not in dockerfile
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    dev = parse_structured(project / "compose.dev.yaml")
    assert set(dev["services"]) == {"web", "release"}  # release: seeds the examples
    assert not re.search(r"npm|node|assets", (project / "run").read_text())
    assert "<script" not in (project / "my_flask_app/templates/layouts/base.html").read_text()


def test_none_with_tailwind_has_only_the_css_toolchain(cookies):
    project = bake(cookies, frontend="none", css="tailwind")
    package = parse_structured(project / "assets/package.json")
    assert "dependencies" not in package
    assert set(package["devDependencies"]) == {"tailwindcss", "@tailwindcss/cli"}
    assert set(package["scripts"]) == {"build", "watch:css"}
    assert not (project / "assets/js").exists()
    assert not (project / "assets/esbuild.config.mjs").exists()
    assert not (project / "my_flask_app/static/css/app.css").exists()
    dev = parse_structured(project / "compose.dev.yaml")
    assert set(dev["services"]) == {"web", "release", "css"}


def test_js_frontend_gets_a_node_stage_and_watchers(cookies):
    project = bake(cookies, frontend="react", css="plain")
    dockerfile = (project / "Dockerfile").read_text()
    assert "FROM node:24-slim AS assets" in dockerfile
    assert "COPY --from=assets /app/my_flask_app/static/" in dockerfile
    assert dockerfile.index("COPY --from=assets") < dockerfile.index("flask digest compile")
    dev = parse_structured(project / "compose.dev.yaml")
    assert set(dev["services"]) == {"web", "release", "js"}
    assert dev["services"]["js"]["command"] == ["npm", "run", "watch:js"]
    assert "**/node_modules/" in (project / ".dockerignore").read_text().splitlines()
    assert (project / "assets/js/app.jsx").is_file()
    assert (project / "assets/css/app.css").is_file()  # the plain sheet, bundled by esbuild


# --- Slow: install, build, digest and serve every pair for real.


@pytest.fixture(scope="session")
def shared_venv(cookies_session):
    """One virtual environment for every pair: their Python requirements are the same."""
    if not shutil.which("npm"):
        pytest.fail("npm is needed to build the frontends: install Node.js 24 (20 and newer work)")
    project = bake(cookies_session, frontend="none", auth="accounts")
    return venv_for(project, dev=False)


@pytest.fixture(scope="session")
def built_projects(cookies_session, shared_venv):
    """Projects baked (with user accounts, on the SQLite file that PostgreSQL's
    projects use without DATABASE_URL), npm-installed, built, digested and
    migrated, once per pair."""
    cache = {}

    def build(frontend, css):
        if (frontend, css) in cache:
            return cache[frontend, css]
        project = bake(cookies_session, frontend=frontend, css=css, auth="accounts")
        (project / ".venv").symlink_to(shared_venv)
        env = project_env(project)
        if variants.has_assets({"frontend": frontend, "css": css}):
            npm_ci = ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"]
            run(*npm_ci, cwd=project / "assets", env=env, timeout=600, check=True)
            run("npm", "run", "build", cwd=project / "assets", env=env, check=True)
        app = f"{package_of(project).name}.app"
        run("flask", "--app", app, "digest", "compile", cwd=project, env=env, check=True)
        run("./run", "migrate", cwd=project, env=env, check=True)
        cache[frontend, css] = project
        return project

    return build


@pytest.mark.slow
@pytest.mark.parametrize("frontend, css", PAIRS, ids=PAIR_IDS)
def test_bundle_builds_holds_only_its_library_and_is_digested(built_projects, frontend, css):
    project = built_projects(frontend, css)
    static = project / "my_flask_app/static"
    bundle = static / "js/app.js"
    if frontend == "none":
        assert not bundle.exists()
    else:
        text = bundle.read_text()
        code = text.split("\n/*")[0]  # esbuild moves license comments to the end
        assert len(code) / len(code.splitlines()) > 1000, "the bundle is not minified"
        for other, signatures in SIGNATURES.items():
            present = [s for s in signatures if s in text]
            if other == frontend:
                assert present == signatures, f"{frontend} bundle lacks {signatures}"
            else:
                assert present == [], f"{frontend} bundle holds {other}: {present}"
    manifest = json.loads((static.parent / "static/cache_manifest.json").read_text())
    wanted = ["css/app.css"] + ([] if frontend == "none" else ["js/app.js"])
    for name in wanted:
        digested = manifest[name]
        assert re.fullmatch(rf"{name[: -len(Path(name).suffix)]}-[0-9a-f]{{32}}\.\w+", digested)
        for suffix in ("", ".gz", ".br"):
            assert (static / f"{digested}{suffix}").is_file(), f"{digested}{suffix}"
    css_text = (static / "css/app.css").read_text()
    assert ".button" in css_text and ".card" in css_text
    assert ("tailwindcss v4" in css_text) == (css == "tailwind")


# --- Browser: the demo is live in headless Chromium.


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (Debian's package)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def demo_is_live(page, frontend):
    """Interact with the demo and wait for the DOM to show that it worked.

    Waits use locators, which run outside the page: the app's
    Content-Security-Policy forbids the eval that wait_for_function needs.
    """
    from playwright.sync_api import expect

    if frontend == "htmx":
        page.click("#demo button")
        page.wait_for_selector("#greeting-slot #greeting")
        assert "Hello from Flask" in page.inner_text("#greeting")
    elif frontend == "hotwire":
        page.click("#demo button")
        page.click("#demo button")
        assert page.inner_text("#demo [data-counter-target=count]") == "2"
        page.evaluate("window.notReloaded = true")
        page.click("#second-page-link")
        page.wait_for_selector("#second-page")
        assert page.url.endswith("/demo/second-page")
        assert page.evaluate("window.notReloaded") is True, "Turbo Drive did not navigate"
        page.click("[data-controller=counter] button")
        expect(page.locator("[data-counter-target=count]")).to_have_text("1")
    elif frontend in {"alpinejs", "jquery"}:
        assert page.query_selector("#server-message") is None
        page.click("#demo button")
        page.wait_for_selector("#server-message")
        assert page.inner_text("#server-message").startswith("Hello from My Flask App at ")
    elif frontend in {"vue", "react"}:
        page.wait_for_selector("#server-message")  # fetched when the component mounted
        first = page.inner_text("#server-message time")
        assert page.inner_text("#server-message").startswith("Hello from My Flask App at ")
        page.click("#demo button")
        expect(page.locator("#server-message time")).not_to_have_text(first)


# The app with one POST endpoint that answers as a form's target should: a
# redirect (Turbo insists on one). CSRF is checked before any view runs.
PROBE = "/csrf-probe"
PROBE_APP = """from flask import redirect

from {package}.app import create_app

app = create_app()


@app.post("{probe}")
def csrf_probe():
    return redirect("/", 303)
"""

# Each frontend sends a POST through its own CSRF wiring (evaluated functions
# take (probe URL, the bundle's URL) and run outside the page's CSP; the
# bundle's dynamic import is its own script, which the CSP allows).
UNSAFE_REQUEST = {
    "htmx": "([url]) => htmx.ajax('POST', url, {target: '#greeting-slot', swap: 'none'})",
    "alpinejs": "async ([url, bundle]) => (await import(bundle)).csrfFetch(url, {method: 'POST'})",
    "vue": "async ([url, bundle]) => (await import(bundle)).csrfFetch(url, {method: 'POST'})",
    "react": "async ([url, bundle]) => (await import(bundle)).csrfFetch(url, {method: 'POST'})",
    "jquery": """async ([url, bundle]) => {
        const { $ } = await import(bundle);
        await new Promise((done) => $.post(url).always(done));
    }""",
}
# Turbo submits a form of the page; the test adds one.
TURBO_FORM = """([url]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    const button = document.createElement("button");
    button.id = "csrf-probe-submit";
    button.textContent = "Send";
    form.append(button);
    document.querySelector("main").append(form);
}"""
# A POST from the page with its session cookie but no token, as HTML and JSON.
TOKENLESS_POST = """async (url) => {
    const page = await fetch(url, {method: "POST"});
    const json = await fetch(url, {method: "POST", headers: {Accept: "application/json"}});
    return [page.status, await page.text(), json.status, await json.json()];
}"""


def unsafe_request_carries_the_token(page, base, frontend, token):
    """The bundle's POST carries the layout's token in a header Flask-WTF reads,
    and the app accepts it (the probe's 303)."""
    bundle = base + page.get_attribute("script[type=module]", "src")
    with page.expect_request(lambda request: request.url.endswith(PROBE)) as sent:
        if frontend == "hotwire":
            page.evaluate(TURBO_FORM, [PROBE])
            page.click("#csrf-probe-submit")
        else:
            page.evaluate(UNSAFE_REQUEST[frontend], [PROBE, bundle])
    request = sent.value
    headers = request.all_headers()
    assert request.method == "POST"
    # Turbo sends X-CSRF-Token of its own accord; the others X-CSRFToken.
    assert token in (headers.get("x-csrftoken"), headers.get("x-csrf-token")), headers
    assert request.response().status == 303, request.response().text()[:800]
    if frontend == "hotwire":
        page.wait_for_selector("#demo")  # Turbo followed the redirect home


def tokenless_post_is_refused(page):
    status, text, json_status, body = page.evaluate(TOKENLESS_POST, PROBE)
    assert (status, json_status) == (400, 400)
    assert "400 Bad Request" in text and "The CSRF token is missing." in text
    assert body == {"error": "Bad Request", "message": "The CSRF token is missing."}


def open_home(browser, base, frontend, examples):
    """Load the home page in Chromium, styled. With the examples off there is no
    demo; with them on the demo is live and the bundle's unsafe requests carry the
    CSRF token, while a tokenless POST is refused. Every console error or
    warning, page error and failed request before that refusal fails the test."""
    page, problems = watched_page(browser)
    try:
        page.goto(f"{base}/", wait_until="load")
        border = page.eval_on_selector(".site-header", "e => getComputedStyle(e).borderBottomStyle")
        assert border == "solid", "the stylesheet is not applied"
        assert page.get_attribute('meta[name="csrf-token"]', "content"), "no CSRF token"
        if not examples:
            assert page.query_selector("#demo") is None
            assert problems == []
            return
        demo_is_live(page, frontend)
        # The page shown now (Turbo may have moved on) signs its token afresh.
        token = page.get_attribute('meta[name="csrf-token"]', "content")
        if frontend != "none":
            unsafe_request_carries_the_token(page, base, frontend, token)
        assert problems == []
        # Chromium reports the refused requests in the console: checked last.
        tokenless_post_is_refused(page)
    finally:
        page.close()


def watched_page(browser):
    """A new page, and the list its console errors and warnings (a CSP violation
    among them), page errors and failed requests go to."""
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: m.type in {"error", "warning"} and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return page, problems


def submit(page, base, fields, lands_on):
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click("main form.form button[type=submit]")
    page.wait_for_url(base + lands_on)


def accounts_work_in_chromium(browser, base):
    """Sign up, log out, log in (remembered) and log out again through the pages'
    own forms and the header's log-out button, with the forms styled, and not one
    console error or CSP violation on the way."""
    email, password = "ada@example.com", "correct horse battery"
    page, problems = watched_page(browser)
    try:
        page.goto(f"{base}/signup", wait_until="load")
        radius = page.eval_on_selector("#email", "e => getComputedStyle(e).borderTopLeftRadius")
        assert radius not in ("", "0px"), "the form's fields are not styled"
        fields = {"#email": email, "#password": password, "#confirm": password}
        submit(page, base, fields, "/account")
        assert page.inner_text("#account-email") == email
        page.click(".nav .link-button")
        page.wait_for_url(f"{base}/login")
        page.check("#remember")
        submit(page, base, {"#email": email, "#password": password}, "/account")
        assert any(c["name"] == "remember_token" for c in page.context.cookies())
        page.click(".nav .link-button")
        page.wait_for_url(f"{base}/login")
        assert page.query_selector(".nav a[href='/signup']") is not None
        assert problems == []
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("frontend, css", PAIRS, ids=PAIR_IDS)
def test_demo_is_live_in_chromium(built_projects, browser, frontend, css):
    project = built_projects(frontend, css)
    answers = {"frontend": frontend, "css": css}
    probe_app = PROBE_APP.format(package=package_of(project).name, probe=PROBE)
    (project / "csrf_probe.py").write_text(probe_app)
    # As in production: no demo, and the bundle runs without it.
    with gunicorn(project, app="csrf_probe:app") as (base, _):
        check_examples(base, answers, enabled=False)
        open_home(browser, base, frontend, examples=False)
        accounts_work_in_chromium(browser, base)
    with gunicorn(project, app="csrf_probe:app", **EXAMPLES_ON) as (base, _):
        check_examples(base, answers, enabled=True)
        open_home(browser, base, frontend, examples=True)

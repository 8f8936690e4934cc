"""Gzip size of each frontend's production bundle next to its library's own dist file.

    .venv/bin/python bench/bundle_sizes.py      (after ./run test has made .venv)

For every frontend it bakes a project (css=plain), installs its locked npm
packages (npm ci, sharing npm's cache), runs the production build and prints
the gzip -9 size of static/js/app.js next to the gzip -9 size of the library's
own minified distribution file from node_modules, and their ratio. The target
is a ratio of at most 1.1: our glue code adds almost nothing to the library.

Where a package ships no minified file (Turbo, Stimulus, React), its own
production file is minified with the project's esbuild, and the table says so.
"""

import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
TARGET = 1.1

# The library's own distribution files, relative to node_modules, and whether
# they still need minifying.
REFERENCES = {
    "htmx": (["htmx.org/dist/htmx.esm.min.js"], False),
    "hotwire": (
        ["@hotwired/turbo/dist/turbo.es2017-esm.js", "@hotwired/stimulus/dist/stimulus.js"],
        True,
    ),
    "alpinejs": (["@alpinejs/csp/dist/module.esm.min.js"], False),
    "vue": (["vue/dist/vue.runtime.global.prod.js"], False),
    "react": (
        [
            "react/cjs/react.production.js",
            "react-dom/cjs/react-dom-client.production.js",
            "react-dom/cjs/react-dom.production.js",
            "scheduler/cjs/scheduler.production.js",
        ],
        True,
    ),
    "jquery": (["jquery/dist/jquery.min.js"], False),
}


def gzip_size(data):
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def build(frontend, workdir):
    # The command line, so that the hook's greeting stays out of the table.
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE_DIR),
         "-o", str(workdir / frontend), f"frontend={frontend}", "css=plain"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    project = workdir / frontend / "my_flask_app"
    assets = project / "assets"
    for command in (
        ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
        ["npm", "run", "build"],
    ):
        subprocess.run(command, cwd=assets, check=True, capture_output=True)
    bundle = (project / project.name / "static/js/app.js").read_bytes()
    return assets, bundle


def reference(assets, frontend):
    files, minify = REFERENCES[frontend]
    parts = []
    for name in files:
        path = assets / "node_modules" / name
        if minify:
            esbuild = assets / "node_modules/.bin/esbuild"
            result = subprocess.run(
                [str(esbuild), str(path), "--minify", "--log-level=error"],
                check=True,
                capture_output=True,
            )
            parts.append(result.stdout)
        else:
            parts.append(path.read_bytes())
    label = " + ".join(Path(name).name for name in files)
    return b"\n".join(parts), label + (" (minified by esbuild)" if minify else "")


def main():
    frontends = sys.argv[1:] or list(REFERENCES)
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for frontend in frontends:
            print(f"building {frontend}...", file=sys.stderr, flush=True)
            assets, bundle = build(frontend, Path(workdir))
            library, label = reference(assets, frontend)
            ours, theirs = gzip_size(bundle), gzip_size(library)
            rows.append((frontend, ours, theirs, ours / theirs, label))
    print(f"{'frontend':<10} {'bundle gz':>10} {'library gz':>11} {'ratio':>6}  library file")
    for frontend, ours, theirs, ratio, label in rows:
        mark = "" if ratio <= TARGET else f"  > {TARGET}"
        print(f"{frontend:<10} {ours:>10,} {theirs:>11,} {ratio:>6.2f}  {label}{mark}")
    return 0 if all(row[3] <= TARGET for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

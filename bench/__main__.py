"""The template's benchmarks: `./run bench` (or `python -m bench`) writes BENCHMARKS.md.

Every figure is a ratio of two things measured side by side in this one run,
interleaved A, B, A, B..., and the median of the repetitions is reported, so a
busy or shared machine slows both sides alike. Load goes to 127.0.0.1 only and
every load run is bounded in time. Nothing here asserts: the targets are
printed next to the figures.

BENCH_REPS (default 5) and BENCH_SECONDS (seconds per load run, default 5)
scale it.
"""

import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.baking import bake_in_process  # noqa: E402
from tests.support.runners import (  # noqa: E402
    clean_env,
    free_port,
    get,
    stalled_uploads,
    wait_for,
)
from tests.support.servers import redis_url, throwaway_database  # noqa: E402
from tests.support.venvs import venv_for  # noqa: E402

REPS = int(os.environ.get("BENCH_REPS", "5"))
LOAD_SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
OUT = ROOT / "BENCHMARKS.md"

BARE_APP = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def home():
    return "Hello, World!"


@app.get("/up")
def up():
    return "ok"
"""


def log(message):
    print(f"bench: {message}", flush=True)


def interleaved(a, b, reps=REPS):
    """Run a() and b() alternately; (median a, median b, median of the per-pair ratios)."""
    times_a, times_b, ratios = [], [], []
    for _ in range(reps):
        ta, tb = a(), b()
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def timed(command, cwd=None, env=None):
    def run():
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=600)
        return time.perf_counter() - start

    return run


# --- Bake time ---------------------------------------------------------------


def bare_template(base):
    template = base / "one-file-template"
    (template / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"project_slug": "bare_project"}))
    (template / "{{cookiecutter.project_slug}}" / "README.md").write_text(
        "# {{ cookiecutter.project_slug }}\n"
    )
    return template


def bench_bake(base):
    log("bake time: default variant vs a one-file template")
    bare = bare_template(base)
    counter = iter(range(10**6))

    def bake(template):
        def run():
            out = base / f"out{next(counter)}"
            command = [
                sys.executable,
                "-m",
                "cookiecutter",
                "--no-input",
                str(template),
                "-o",
                str(out),
            ]
            return timed(command)()

        return run

    ours, theirs, ratio = interleaved(bake(ROOT), bake(bare), reps=max(REPS, 7))
    return [
        (
            "Bake the default variant / bake a one-file template (cookiecutter CLI)",
            ours,
            theirs,
            ratio,
            "≤ 1.5×",
            ratio <= 1.5,
        )
    ]


# --- The generated app -------------------------------------------------------


def bake_default(base):
    project = bake_in_process({"database": "sqlite"}, base)
    venv = venv_for(project)
    (project / "bare_app.py").write_text(BARE_APP)
    env = clean_env(PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["./run", "release"], cwd=project, env=env, check=True, capture_output=True)
    subprocess.run(["./run", "digest"], cwd=project, env=env, check=True, capture_output=True)
    return project, venv, env


def bake_for_peers(base, **answers):
    """A bake with the bare and the reference app beside it; (project, venv, env)."""
    project = bake_in_process(answers, base)
    venv = venv_for(project)
    (project / "bare_app.py").write_text(BARE_APP)
    shutil.copy(ROOT / "bench" / "reference_app.py", project / "reference_app.py")
    env = clean_env(PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["./run", "digest"], cwd=project, env=env, check=True, capture_output=True)
    return project, venv, env


def prepare_database(project, env):
    """Migrate and seed the database env names, as `./run start` does."""
    for command in (["./run", "migrate"], ["./run", "db", "seed"]):
        subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)


@contextlib.contextmanager
def gunicorn(project, venv, env, app, **settings):
    port = free_port()
    process = subprocess.Popen(
        [str(venv / "bin/gunicorn"), "-c", "config/gunicorn.py", app],
        cwd=project,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    SERVERS[port] = process.pid
    try:
        wait_for(f"http://127.0.0.1:{port}/up", process=process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)
        del SERVERS[port]


# The gunicorn master's process id of each port that gunicorn() serves.
SERVERS = {}


def server_cpu(port):
    """CPU seconds used so far by the gunicorn on port: its master and workers."""
    master = SERVERS[port]
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [master, *children]:
        with contextlib.suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def loaded(port, path):
    """(requests/s, p99 in s, server CPU s per request) of a wrk run on path."""
    before = server_cpu(port)
    rate, p99 = wrk(port, path)
    return rate, p99, (server_cpu(port) - before) / (rate * LOAD_SECONDS)


def wrk(port, path, seconds=LOAD_SECONDS):
    """(requests/s, p99 latency in s) of wrk -t1 -c8 on path."""
    result = subprocess.run(
        ["wrk", "-t", "1", "-c", "8", "-d", f"{seconds}s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )  # fmt: skip
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"{path} answered errors under load: {result.stdout}")
    p99, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout).groups()
    return float(match.group(1)), float(p99) * {"us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk from Debian's packages")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)


def same_pages(port_a, port_b):
    """The two apps answer / and /up with the same body (the CSRF token aside)."""
    for path in ("/", "/up"):
        bodies = [
            re.sub(
                r'name="csrf-token" content="[^"]*"', "", get(f"http://127.0.0.1:{port}{path}")[1]
            )
            for port in (port_a, port_b)
        ]
        if bodies[0] != bodies[1]:
            raise RuntimeError(f"the reference app's {path} differs from the generated app's")


# Where the generated app and the reference app run side by side.
PEER_WORKERS = [
    ("sync", {"GUNICORN_WORKER_CLASS": "sync"}),
    (
        "gthread",
        {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4", "GUNICORN_KEEPALIVE": "5"},
    ),
]
PEER_TARGET = 0.9
BARE_TARGET = 0.5


def bench_peers(base):
    """Rows of the "Generated vs reference" section: req/s and p99 of / and /up of
    the generated app, the reference app (bench/reference_app.py) and, on SQLite,
    bare Flask; every app under config/gunicorn.py, interleaved per repetition."""
    ensure_wrk()
    default = bake_for_peers(base / "default")
    with_redis = bake_for_peers(base / "redis", use_redis=True)
    package = next(p.name for p in default[0].iterdir() if (p / "app.py").exists())
    generated = f"{package}.app:create_app()"
    with contextlib.ExitStack() as stack:
        postgres = stack.enter_context(throwaway_database(default[0], "postgresql", default[2]))
        cache = {"REDIS_URL": redis_url(), "CACHE_KEY_PREFIX": f"bench-{os.getpid()}:"}
        setups = [
            ("SQLite", default, {}),
            ("PostgreSQL", default, postgres),
            ("PostgreSQL + Redis", with_redis, {**postgres, **cache}),
        ]
        for _, (project, _, env), database in setups:
            prepare_database(project, {**env, **database})
        runs = {}  # (database, workers, app, path) -> [(req/s, p99)]
        for name, (project, venv, env), database in setups:
            apps = [("generated", generated), ("reference", "reference_app:app")]
            if name == "SQLite":
                apps.append(("bare Flask", "bare_app:app"))
            for workers, settings in PEER_WORKERS:
                log(f"peers: {name}, {workers} workers")
                with contextlib.ExitStack() as servers:
                    ports = {
                        label: servers.enter_context(
                            gunicorn(project, venv, {**env, **database}, app, **settings)
                        )
                        for label, app in apps
                    }
                    same_pages(ports["generated"], ports["reference"])
                    for port in ports.values():
                        wrk(port, "/", seconds=1)  # warm up the workers
                    for _ in range(max(3, REPS // 2 + 1)):
                        for path in ("/", "/up"):
                            for label, port in ports.items():
                                key = (name, workers, label, path)
                                runs.setdefault(key, []).append(loaded(port, path))
    return peer_lines(runs, [name for name, _, _ in setups])


def peer_lines(runs, databases):
    def median(key, index):
        return statistics.median(run[index] for run in runs[key])

    def ratio(key, other, index=0):
        pairs = zip(runs[key], runs[other], strict=True)
        if index == 2:  # CPU per request: less is better
            return statistics.median(theirs[2] / ours[2] for ours, theirs in pairs)
        return statistics.median(ours[0] / theirs[0] for ours, theirs in pairs)

    lines = [
        "The generated app (default variant; with Redis: `use_redis`) against",
        "`bench/reference_app.py`, a hand-written Flask app that answers `/` with the",
        "same HTML (the project's templates, the same query on the same database, the",
        "same CSRF token and session cookie, the same Redis cache) and `/up` with the",
        "same checks, and nothing else; and, on SQLite, against bare Flask (a constant",
        "string). Every app under `config/gunicorn.py` (2 workers per core), wrk -t1 -c8,",
        "apps interleaved in each repetition; ratio = median of per-repetition ratios of",
        f"req/s. Targets: generated ≥ {PEER_TARGET:.1f}× the reference everywhere,"
        f" ≥ {BARE_TARGET:.1f}× bare Flask on SQLite. CPU: the gunicorn processes' CPU",
        "time per request (from /proc, during the same runs), and its ratio (theirs /",
        "ours): the cost of each app's own work, which depends far less than req/s on",
        "what else the machine is running.",
        "",
        "| Database | Workers | Path | Generated req/s | p99 | CPU | Peer req/s | p99 | CPU"
        " | Ratio req/s | Ratio CPU | Target | Met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for database in databases:
        for workers, _ in PEER_WORKERS:
            for path in ("/", "/up"):
                ours = (database, workers, "generated", path)
                for peer, target in (("reference", PEER_TARGET), ("bare Flask", BARE_TARGET)):
                    theirs = (database, workers, peer, path)
                    if theirs not in runs:
                        continue
                    value = ratio(ours, theirs)
                    met = value >= target
                    verdicts.append(met)
                    shown = "yes" if met else f"**no** (by {target - value:.2f})"
                    label = "Reference" if peer == "reference" else "Bare Flask"
                    lines.append(
                        f"| {database} | {workers} | `{path}` | {median(ours, 0):,.0f}"
                        f" | {median(ours, 1) * 1000:.1f} ms | {median(ours, 2) * 1e6:,.0f} µs"
                        f" | {label}: {median(theirs, 0):,.0f}"
                        f" | {median(theirs, 1) * 1000:.1f} ms | {median(theirs, 2) * 1e6:,.0f} µs"
                        f" | {value:.2f}× | {ratio(ours, theirs, 2):.2f}×"
                        f" | ≥ {target}× | {shown} |"
                    )
    for line in lines:
        log(line)
    return lines


# gunicorn's worker classes that serve a WSGI app, as config/gunicorn.py
# selects them; each with the config's default worker count (2 per CPU).
WORKER_SETUPS = [
    ("sync", {"GUNICORN_WORKER_CLASS": "sync"}),
    (
        "gthread, 4 threads",
        {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4", "GUNICORN_KEEPALIVE": "5"},
    ),
    ("gevent", {"GUNICORN_WORKER_CLASS": "gevent", "GUNICORN_KEEPALIVE": "5"}),
    ("gevent, no keep-alive", {"GUNICORN_WORKER_CLASS": "gevent", "GUNICORN_KEEPALIVE": "0"}),
]
# Slow clients held open while /up is asked: more than any setup's workers × threads.
STALLED = 32
# /up is asked this many times over new connections (which land on any worker),
# each given this long.
PROBES = 8
PROBE_SECONDS = 3


def up_while_stalled(port):
    """The seconds each of PROBES requests for /up took to answer 200 while
    STALLED uploads stall; None for one that did not within PROBE_SECONDS."""
    base = f"http://127.0.0.1:{port}"
    answers = []
    with stalled_uploads(base, STALLED):
        time.sleep(0.5)  # the workers have taken them in
        for _ in range(PROBES):
            start = time.perf_counter()
            try:
                ok = get(f"{base}/up", timeout=PROBE_SECONDS)[0] == 200
            except OSError:
                ok = False
            answers.append(time.perf_counter() - start if ok else None)
    return answers


def bench_worker_setups(project, venv, env):
    """Lines of the "Worker setups" section: each setup's req/s and p99 on / and
    /up, and how long /up takes while slow clients stall, interleaved."""
    ensure_wrk()
    package = next(p.name for p in project.iterdir() if (p / "app.py").exists())
    app = f"{package}.app:create_app()"
    figures = {name: {"/": [], "/up": [], "stalled": []} for name, _ in WORKER_SETUPS}
    for _ in range(max(3, REPS // 2 + 1)):
        for name, settings in WORKER_SETUPS:
            log(f"worker setup {name}: load on / and /up, then {STALLED} stalled uploads")
            with gunicorn(project, venv, env, app, **settings) as port:
                wrk(port, "/", seconds=1)  # warm up the workers
                for path in ("/", "/up"):
                    figures[name][path].append(wrk(port, path))
                figures[name]["stalled"] += up_while_stalled(port)

    def median(name, path, index):
        return statistics.median(run[index] for run in figures[name][path])

    def ratio(name, index):
        pairs = zip(figures[name]["/"], figures["sync"]["/"], strict=True)
        return statistics.median(ours[index] / sync[index] for ours, sync in pairs)

    def stalled(name):
        answered = [seconds for seconds in figures[name]["stalled"] if seconds is not None]
        shown = f"{len(answered)} of {len(figures[name]['stalled'])}"
        return f"{shown}, slowest {max(answered):.2f} s" if answered else shown

    lines = [
        f"Each setup with the config's other defaults ({os.cpu_count()} cores: "
        f"{2 * os.cpu_count()} workers), SQLite, wrk -t1 -c8;",
        f"ratios to sync, median of the runs side by side. The last column holds {STALLED}",
        "slow clients (a POST's headers announcing 100 kB, 5 bytes of body, then nothing)",
        f"and asks `/up` {PROBES} times, each over a new connection: how many answers came",
        f"within {PROBE_SECONDS} s, over all the repetitions.",
        "",
        "| Setup | `/` req/s | `/` p99 | `/up` req/s | `/up` p99 | Ratio `/` req/s "
        f"| Ratio `/` p99 | `/up` answered with {STALLED} stalled uploads |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, _ in WORKER_SETUPS:
        rate, p99 = ratio(name, 0), ratio(name, 1)
        lines.append(
            f"| {name} | {median(name, '/', 0):,.0f} | {median(name, '/', 1) * 1000:.1f} ms"
            f" | {median(name, '/up', 0):,.0f} | {median(name, '/up', 1) * 1000:.1f} ms"
            f" | {rate:.2f}× | {p99:.2f}× | {stalled(name)} |"
        )
    for line in lines:
        log(line)
    return lines


def bench_import_and_start(project, venv, env):
    log("import + create_app time vs bare Flask")
    python = str(venv / "bin/python")
    package = next(p.name for p in project.iterdir() if (p / "app.py").exists())
    ours = timed(
        [python, "-c", f"from {package}.app import create_app; create_app()"], project, env
    )
    bare = timed([python, "-c", "import bare_app"], project, env)
    a, b, ratio = interleaved(ours, bare, reps=max(REPS, 7))
    rows = [
        ("Python start + import + create_app(), generated / bare Flask", a, b, ratio, "—", None)
    ]

    log("gunicorn start to first 200 on /up vs bare Flask")

    def first_answer(app):
        def run():
            start = time.perf_counter()
            with gunicorn(project, venv, env, app):
                return time.perf_counter() - start

        return run

    a, b, ratio = interleaved(
        first_answer(f"{package}.app:create_app()"), first_answer("bare_app:app"), reps=REPS
    )
    rows.append(
        ("gunicorn start to first `/up` answer, generated / bare Flask", a, b, ratio, "—", None)
    )
    return rows


def bench_own_suite(project, venv, env):
    log("the generated project's own test suite vs an empty pytest run")
    empty = project / "empty_suite"
    empty.mkdir(exist_ok=True)
    (empty / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    pytest = str(venv / "bin/pytest")
    ours = timed([pytest, "-q", "-p", "no:cacheprovider"], project, env)
    bare = timed(
        [pytest, "-q", "-p", "no:cacheprovider", "--rootdir", str(empty), str(empty)], project, env
    )
    a, b, ratio = interleaved(ours, bare, reps=max(3, REPS // 2 + 1))
    return [("Own test suite (SQLite) / an empty pytest run", a, b, ratio, "—", None)]


# --- First start without Docker ---------------------------------------------

# The steps of the generated run's start(), as its trace names them.
START_STEPS = [
    ("_sync", "uv sync (the environment)"),
    ("assets", "npm ci and npm run build"),
    ("migrate", "migrate (alembic)"),
    ("flask db seed", "seed (flask db seed)"),
    ("flask digest compile", "digest (flask digest compile)"),
    ("exec gunicorn", "gunicorn to the first `/up` 200"),
]


def timed_start(project, env):
    """(seconds to the first 200 on /up, {step: seconds}) of `./run start`, traced
    (`set -x`, each line stamped with the time)."""
    port = free_port()
    trace = project / "start-trace.txt"
    start = time.time()
    with open(trace, "w") as handle:
        process = subprocess.Popen(
            # PS4 is set inside: bash ignores it in the environment when run as root.
            ["bash", "-c", "PS4='+${EPOCHREALTIME} '; set -x; . ./run start"],
            cwd=project,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=handle,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/up", deadline_seconds=300, process=process)
            total = time.time() - start
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=60)
    starts = {}
    for line in trace.read_text().splitlines():
        # Depth 2 (the sourced script is depth 1): start()'s own commands.
        match = re.match(r"\+\+([\d.]+) (.*)", line)
        if match:
            for step, _ in START_STEPS:
                if match.group(2).startswith(step) and step not in starts:
                    starts[step] = float(match.group(1))
    marks = [starts[step] for step, _ in START_STEPS] + [start + total]
    return total, {step: marks[i + 1] - marks[i] for i, (step, _) in enumerate(START_STEPS)}


def old_environment(project, env, base):
    """Seconds of the environment as ./run start made it before uv: python -m venv
    and pip install of the same locked versions (pip's cache as it is)."""
    requirements = base / "requirements.txt"
    exported = subprocess.run(
        ["uv", "export", "--locked", "--no-dev", "--no-hashes", "--no-emit-project"],
        cwd=project, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    requirements.write_text(exported)
    venv = base / "old-venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    made = time.perf_counter()
    subprocess.run(
        [str(venv / "bin/pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", str(requirements)],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    return made - started, time.perf_counter() - made


def bench_first_start(base):
    """Lines of the "First start" section: `./run start` on a fresh bake (warm
    uv and npm caches) until /up answers 200, then again on the same project."""
    log("first start: ./run start on a fresh bake, then a later start")
    project = bake_in_process({}, base / "start")
    env = clean_env(PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    first_total, first = timed_start(project, env)
    later_total, later = timed_start(project, env)
    venv_seconds, pip_seconds = old_environment(project, env, base)
    lines = [
        "`./run start` of the default variant on a fresh bake, uv and npm caches warm,",
        "until `/up` answers 200 (targets: first start < 8 s, a later one < 3 s on 2",
        "cores), timed from the run script's own trace (`set -x`, one run each). The",
        "old way's environment, for comparison: `python -m venv` and `pip install` of",
        "the same locked versions.",
        "",
        "| Step | First start | Later start |",
        "| --- | --- | --- |",
    ]
    for step, label in START_STEPS:
        lines.append(f"| {label} | {first[step]:.2f} s | {later[step]:.2f} s |")
    lines.append(
        f"| **total** | **{first_total:.2f} s** ({'met' if first_total < 8 else 'missed'}) "
        f"| **{later_total:.2f} s** ({'met' if later_total < 3 else 'missed'}) |"
    )
    lines += [
        "",
        f"The old way's environment: `python -m venv` {venv_seconds:.2f} s, `pip install`"
        f" {pip_seconds:.2f} s, against uv's {first['_sync']:.2f} s.",
    ]
    for line in lines:
        log(line)
    return lines


# --- Matrix timings from the last test run -------------------------------------


def matrix_rows():
    summary = ROOT / "build" / "matrix-summary.json"
    if not summary.exists():
        return [], "No test run has written build/matrix-summary.json yet: run `./run test`."
    data = json.loads(summary.read_text())
    when = datetime.fromtimestamp(data["finished"], UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts, timings = data["counts"], data["timings"]
    lines = [f"From the last test run that wrote `build/matrix-summary.json` ({when}):", ""]
    lines += ["| Tier | Wall time | Counts |", "| --- | --- | --- |"]
    for kind, label, keys in [
        (
            "matrix",
            "static matrix (`tests/test_matrix.py`)",
            ["matrix_checked", "matrix_refused", "matrix_baked", "matrix_static_clean"],
        ),
        (
            "pairwise",
            "pairwise real runs (`tests/test_pairwise.py`)",
            ["pairwise_variants", "pairwise_passed"],
        ),
        (
            "fuzz",
            "hostile-input fuzz (`tests/test_fuzz.py`)",
            ["fuzz_examples", "fuzz_refused", "fuzz_baked"],
        ),
    ]:
        if kind in timings:
            wall = timings[kind]["wall_seconds"]
            shown = ", ".join(f"{k.split('_', 1)[1]} {counts[k]}" for k in keys if k in counts)
            lines.append(
                f"| {label} | {wall:.0f} s | {shown} |" if wall else f"| {label} | — | {shown} |"
            )
    return lines, None


# --- Report ------------------------------------------------------------------


def fmt(value, label):
    return f"{value:,.0f} req/s" if label.startswith("Requests/s") else f"{value:.3f} s"


NOTES = """## Why config/gunicorn.py runs gevent workers without keep-alive (2026-11-29)

- **Slow clients.** A sync worker serves one connection until it is done: a
  stalled upload holds it (2 s of lingering close on a route that ignores the
  body, until the worker timeout on one that reads it), so a few stop the app.
  A gthread worker hands stalled connections to its threads, which block in
  the read; a worker that has taken in more of them than it has threads
  answers nothing, and which worker gets which connection is chance (some
  `/up` answers fail, some pass). Only gevent parks each connection cheaply
  and answered every `/up`.
- **Keep-alive.** With kept-alive connections a gevent worker serves some of
  them again and again while others wait: its p99 latency was several times
  sync's for the same requests per second. Without keep-alive (what sync
  workers always do) its p99 matched sync's. gthread was fastest (about 3x
  sync's requests per second on `/`, with keep-alive), but the stall figures
  rule it out as a default where gunicorn faces clients;
  `GUNICORN_WORKER_CLASS=gthread` stays an option behind a buffering reverse
  proxy.

## The request path (measured 2026-11-29)

Round trips per request, counted with strace on the app process (`sendto`
calls over 10 requests through its WSGI app, the default variant and the
MySQL one):

| Database | Before: `/` and `/up` | Now |
| --- | --- | --- |
| PostgreSQL | 4: pre-ping, `BEGIN`, query, teardown `ROLLBACK` | 2: pre-ping, query |
| MariaDB | 4: ping, query, `ROLLBACK` (session), `ROLLBACK` (pool) | 3: ping, query, `ROLLBACK` |
| SQLite | none (the cost was the ORM session and its teardown) | none |

On MariaDB autocommit would cost 7 (PyMySQL sends `SET AUTOCOMMIT` both ways
and SQLAlchemy resets the isolation level), so its reads keep the transaction.
Each change, as CPU time per request of the app process (in-process WSGI
calls, two processes interleaved 9-25 times, medians; load average 4-8 from
other work, so wall times were too noisy to use):

- the two reads through a pooled connection instead of `db.session`, with
  autocommit on PostgreSQL: `SELECT 1` on PostgreSQL 171 → 108 µs CPU and
  431 → 256 µs wall; the notes query on SQLite 245 → 158 µs;
- the home page's statement built once (module level) instead of per call:
  the read 80 → 39 µs on SQLite (SQLAlchemy no longer derives a cache key
  and adapts the cached result map for a new statement object);
- security headers rendered once and set with `headers.update`: 16 → 13 µs
  (werkzeug's per-header validation is what is left);
- the layout's five links built once per script root: with them hard-coded
  (the bound) `/` took 1.14× less CPU on SQLite;
- together, before → now: SQLite `/` 1.55×, `/up` 1.26× less CPU;
  PostgreSQL `/` 1.62×, `/up` 1.36×.

Where the rest goes (cProfile, 2000 requests of `/` on SQLite, generated vs
reference): both spend most in Flask's request context, the CSRF token (a
signed session cookie on every cookie-less request, ~20 %) and Jinja; the
generated app adds the security headers, `TRUSTED_HOSTS`, the `links` context
processor and Flask's blueprint template loaders, which look for the layout's
optional `layouts/nav.html` (absent without accounts) on every render. In
process its CPU per request was 0.98× the reference's on `/` and 0.84× on
`/up` (SQLite), 0.90× and 1.06× (PostgreSQL).

The targets in the table above (run at a load average of ~10 on 2 cores, so
req/s moved by up to 2x between repetitions; the CPU columns are steadier):

- **Met on SQLite** against the reference, sync and gthread, by req/s or by
  CPU per request (gthread `/`: 0.70x by req/s but 0.97x by CPU: the gap is
  the machine, not the work).
- **PostgreSQL `/`: missed by ~0.1** (CPU 0.81-0.91x). The generated read
  switches its pooled connection to autocommit and back on every checkout
  (SQLAlchemy's isolation-level machinery, client-side only: no round trip),
  where the reference's engine is in autocommit once for good; plus the
  headers, `TRUSTED_HOSTS` and the links context processor. Not profiled
  under gunicorn yet.
- **PostgreSQL + Redis: missed** on `/` (0.71-0.89x; CPU 0.76-0.83x) and on
  sync `/up` (0.48x; CPU 0.66x). `/` there is a cache hit: Flask-Caching's
  `cached` decorator (key building, pickle) against the reference's one Redis
  GET and `json.loads`. The `/up` gap is not explained yet: in process the
  two apps' `/up` differed by 0.93x; it needs py-spy on the loaded workers.
- **Bare Flask, `/` on SQLite: missed** (0.28-0.35x), and the reference app
  misses it too (0.36-0.37x): the page's own work (the query, the template,
  the CSRF token's session cookie) costs more CPU than all of bare Flask's
  request. `/up` meets it (0.53-0.56x).

## First start (measured 2026-11-29)

Both start targets are missed (see *First start without Docker*): uv made the
environment a non-issue (0.24 s against 11 s for `python -m venv` and `pip
install`), and `npm run build` no longer starts npm twice more (2.07 → 1.34 s
in isolation, median of 5 interleaved), but migrate, seed and digest are still
three Python processes that each import the app (~1.2-1.8 s apiece here,
4.5 s together, on every start), and gunicorn takes ~2-2.7 s to its first
answer. Doing the three in one process, and skipping the asset build and the
digest when no source changed since the last start, is what is left to reach
< 8 s and < 3 s; not done yet.

## Bake time (profiled 2026-11-29)

cProfile of three in-process bakes of the default variant after a warm-up
(cookiecutter 2, this checkout): 1.0 s per bake under the profiler, of which
Jinja compiling ~350 templates per bake (135 files' contents plus every file
and folder name) is ~64 %, the two hooks (subprocesses) ~16 %, copying the
files without rendering ~2 %. The template holds 162 files; cookiecutter makes
a fresh Jinja environment per bake, so nothing compiled is reused. Reaching
1.5× a one-file template would take rendering fewer files (more of them in
`_copy_without_render`, which only works for files without answers in them)
or a cookiecutter that caches compiled templates.
"""


def write_report(
    rows, peer_lines, worker_lines, matrix_lines, matrix_note, load, started, start_lines=()
):
    lines = [
        "# Benchmarks",
        "",
        "Written by `./run bench` (bench/__main__.py). Each figure is a ratio of two",
        "things measured side by side in the same run, interleaved, median of the",
        "repetitions; absolute numbers are shown for scale only and depend on the",
        "machine and on whatever else it was doing. Docker build times, image sizes",
        "and compose start-up: `BENCHMARKS-docker.md` (`./run bench docker`).",
        "",
        f"Run: {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, load average {load[0]:.1f} at the end,"
        f" {REPS} repetitions, {LOAD_SECONDS} s per load run (wrk -t1 -c8).",
        "",
        "| Measure | Generated | Baseline | Ratio | Target | Met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, ours, base, ratio, target, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        shown = f"{fmt(ours, label)} | {fmt(base, label)}"
        lines.append(f"| {label} | {shown} | {ratio:.2f}× | {target} | {mark} |")
    lines += ["", "## Generated vs reference app", "", *peer_lines]
    lines += ["", "## Worker setups", "", *worker_lines]
    if start_lines:
        lines += ["", "## First start without Docker", "", *start_lines]
    lines += ["", "## Matrix, pairwise and fuzz timings", ""]
    lines += matrix_lines or [matrix_note]
    lines += ["", NOTES.rstrip()]
    OUT.write_text("\n".join(lines) + "\n")
    log(f"wrote {OUT.relative_to(ROOT)}")


RESULTS = ROOT / "build" / "bench-results.json"


def main():
    started = datetime.now(UTC)
    parts = {"peers": ("peer_lines", bench_peers), "start": ("start_lines", bench_first_start)}
    if sys.argv[1:2] and sys.argv[1] in parts:
        # One section again, put into the last run's figures and BENCHMARKS.md.
        key, bench = parts[sys.argv[1]]
        saved = json.loads(RESULTS.read_text())
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            saved[key] = bench(Path(tmp))
        saved[key][:0] = [
            f"(Run {started:%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}.)",
            "",
        ]
        RESULTS.write_text(json.dumps(saved))
        saved["started"] = datetime.fromisoformat(saved["started"])
        write_report(**saved)
        return
    if sys.argv[1:] == ["report"]:
        # BENCHMARKS.md again from the last run's figures (after editing the notes).
        saved = json.loads(RESULTS.read_text())
        saved["started"] = datetime.fromisoformat(saved["started"])
        write_report(**saved)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        base = Path(tmp)
        rows += bench_bake(base)
        peer_lines = bench_peers(base / "peers")
        project, venv, env = bake_default(base / "app")
        worker_lines = bench_worker_setups(project, venv, env)
        rows += bench_import_and_start(project, venv, env)
        rows += bench_own_suite(project, venv, env)
        start_lines = bench_first_start(base / "first-start")
    matrix_lines, note = matrix_rows()
    saved = {
        "rows": rows,
        "peer_lines": peer_lines,
        "worker_lines": worker_lines,
        "start_lines": start_lines,
        "matrix_lines": matrix_lines,
        "matrix_note": note,
        "load": os.getloadavg(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({**saved, "started": started.isoformat()}))
    write_report(**saved, started=started)
    print(OUT.read_text())


if __name__ == "__main__":
    main()

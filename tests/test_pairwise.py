"""A pairwise covering set of variants, installed and run for real.

Every pair of option values that some baking combination holds appears in at
least one variant (checked below, fast); each variant is then baked, linked to
the shared virtual environment of its exact pins, tested with its own suite
against the real servers in a fresh database of its own, and served by
`./run start` (which builds its assets, migrates, seeds and starts gunicorn
with the examples on) until `/` and `/up` answer 200 and the examples answer.
The real runs are marked slow.
"""

import os
import time

import pytest

from tests.support import variants
from tests.support.baking import bake_in_process
from tests.support.runners import check_examples, get, own_suite, run_start
from tests.support.servers import DATABASES, redis_url, throwaway_database
from tests.support.venvs import venv_for

PAIRWISE = variants.pairwise_set()


def test_the_pairwise_set_covers_every_possible_pair():
    covered = set()
    for variant in PAIRWISE:
        assert variants.bakes(variant), variant
        covered |= variants.pairs_of(variant)
    missing = variants.possible_pairs() - covered
    assert not missing, f"{len(missing)} pairs uncovered, e.g. {sorted(missing, key=str)[:5]}"


# CI runs a bounded, documented part: the first PAIRWISE_LIMIT variants of the
# deterministic set (allpairspy puts the rows that cover most pairs first).
RUN_FOR_REAL = PAIRWISE[: int(os.environ.get("PAIRWISE_LIMIT") or len(PAIRWISE))]


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant",
    RUN_FOR_REAL,
    ids=[f"pw{i:02d}-{variants.variant_id(v)}" for i, v in enumerate(RUN_FOR_REAL)],
)
def test_pairwise_variant_installs_tests_and_serves(variant, tmp_path, record_property):
    record_property("pairwise_variants", 1)
    clock = time.perf_counter()

    def phase(name):
        nonlocal clock
        now = time.perf_counter()
        record_property(f"seconds_{name}", round(now - clock, 2))
        clock = now

    project = bake_in_process(variant, tmp_path)
    phase("bake")
    venv_for(project)
    phase("venv")
    env = {"REDIS_URL": redis_url()} if variant["use_redis"] else {}
    database = DATABASES[variant["database"]]
    with throwaway_database(project, variant["database"], env) as url:
        env |= url
        own_suite(project, allowed_skip=database.skips_without_server, **env)
        phase("own_tests")
        if database.no_server:
            # ./run start seeds the database first; with no server that step must
            # fail, so the serve phase is skipped, visibly (README: the gap).
            pytest.skip(f"{database.no_server}, so ./run start was not run")
        with run_start(project, startup_seconds=300, **env) as (base, _):
            for path in ("/", "/up"):
                status, body = get(base + path)
                assert status == 200, f"{path}: {status} {body[:500]}"
            check_examples(base, variant, enabled=True)
        phase("start_and_serve")

"""Gunicorn's settings: workers fit the CPUs the container may use, and a
worker class that slow clients cannot stall."""

import importlib

import pytest
from environs import EnvValidationError
from gunicorn.util import load_class
from gunicorn.workers.base import Worker

from config import gunicorn
from config.gunicorn import available_cpus


def cgroup_v2(root, quota, period="100000"):
    (root / "cpu.max").write_text(f"{quota} {period}\n")


def cgroup_v1(root, quota, period="100000"):
    (root / "cpu").mkdir(exist_ok=True)
    (root / "cpu" / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (root / "cpu" / "cpu.cfs_period_us").write_text(f"{period}\n")


@pytest.mark.parametrize(
    ("cgroup", "no_quota"), [(cgroup_v2, "max"), (cgroup_v1, "-1")], ids=["v2", "v1"]
)
def test_the_cpu_count_follows_the_cgroup_quota(tmp_path, cgroup, no_quota):
    unlimited = available_cpus(tmp_path / "no-cgroup")
    assert unlimited >= 1
    cgroup(tmp_path, no_quota)
    assert available_cpus(tmp_path) == unlimited
    # Half a CPU still gets one; one and a half get two, when there are two.
    cgroup(tmp_path, "50000")
    assert available_cpus(tmp_path) == 1
    cgroup(tmp_path, "150000")
    assert available_cpus(tmp_path) == min(2, unlimited)
    # A quota above what the process may run on changes nothing.
    cgroup(tmp_path, "100000000")
    assert available_cpus(tmp_path) == unlimited


@pytest.fixture
def config_from(monkeypatch):
    """config/gunicorn.py read again with these variables; afterwards as before."""

    def read(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(gunicorn)

    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "GUNICORN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    yield read
    monkeypatch.undo()
    importlib.reload(gunicorn)


def test_workers_are_gevent_without_keep_alive_by_default(config_from):
    config = config_from()
    assert (config.worker_class, config.threads, config.keepalive) == ("gevent", 1, 0)
    # gevent, greenlet and packaging are installed: gunicorn can load the class.
    assert issubclass(load_class(config.worker_class), Worker)


def test_the_worker_class_and_threads_can_be_chosen(config_from):
    config = config_from(GUNICORN_WORKER_CLASS="gthread", GUNICORN_THREADS="4")
    assert (config.worker_class, config.threads) == ("gthread", 4)
    assert config_from(GUNICORN_WORKER_CLASS="sync").worker_class == "sync"


def test_an_unknown_worker_class_is_refused(config_from):
    with pytest.raises(EnvValidationError, match="GUNICORN_WORKER_CLASS"):
        config_from(GUNICORN_WORKER_CLASS="eventlet")

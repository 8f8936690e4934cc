"""Gunicorn's settings: workers fit the CPUs the container may use, and a
worker class that slow clients cannot stall."""

import importlib

import pytest
from environs import EnvValidationError
from gunicorn.util import load_class
from gunicorn.workers.base import Worker

from config import gunicorn
from config.gunicorn import available_cpus


def test_the_cpu_count_follows_the_cgroup_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    unlimited = available_cpus(tmp_path / "no-cgroup")
    assert unlimited >= 1
    cpu_max.write_text("max 100000\n")
    assert available_cpus(cpu_max) == unlimited
    # Half a CPU still gets one; one and a half get two, when there are two.
    cpu_max.write_text("50000 100000\n")
    assert available_cpus(cpu_max) == 1
    cpu_max.write_text("150000 100000\n")
    assert available_cpus(cpu_max) == min(2, unlimited)
    # A quota above what the process may run on changes nothing.
    cpu_max.write_text("100000000 100000\n")
    assert available_cpus(cpu_max) == unlimited


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

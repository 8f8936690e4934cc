"""Gunicorn settings, each overridable from the environment (and .env)."""

import math
import os
from pathlib import Path

from environs import validate

from {{ cookiecutter.package_name }}.log import logging_config

from config.settings import DEBUG, LOG_FORMAT, LOG_LEVEL, env


def cpu_quota(cgroup=Path("/sys/fs/cgroup")):
    """The CPU quota of the process's container, in CPUs, or None for none.

    cgroup v2 has cpu.max ("<quota> <period>", quota "max" for none); v1, still
    what some hosts run, has cpu/cpu.cfs_quota_us (-1 for none) and
    cpu/cpu.cfs_period_us.
    """
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()
    except (OSError, ValueError):
        try:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    if quota in ("max", "-1"):
        return None
    return int(quota) / int(period)


def available_cpus(cgroup=Path("/sys/fs/cgroup")):
    """The CPUs this process may use: the ones it may run on, capped by the CPU
    quota of its container, rounded up. Not the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        cpus = len(os.sched_getaffinity(0))
    else:
        cpus = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    if quota is None:
        return cpus
    return max(1, min(cpus, math.ceil(quota)))


# The Docker image binds 0.0.0.0; a local run stays on the loopback interface.
bind = env.str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env.int("GUNICORN_WORKERS", available_cpus() * 2)
# Gunicorn may face clients itself: in ./run start, or with no buffering proxy
# in front of the container (Render, Railway). A client that sends its headers
# and then stalls inside the body holds a sync worker, or a gthread thread,
# until it gives up, so a handful of them stop the app. A gevent worker parks
# each such connection in a greenlet of its own and goes on serving.
# Keep-alive stays off, as sync workers have it: in a gevent worker kept-alive
# connections starve each other (p99 latency several times sync's under load,
# in the template's benchmarks). GUNICORN_THREADS sizes the thread pool of
# gthread workers; the others ignore it.
worker_class = env.str(
    "GUNICORN_WORKER_CLASS",
    "gevent",
    validate=validate.OneOf(["gevent", "gthread", "sync"]),
)
threads = env.int("GUNICORN_THREADS", 1)
timeout = env.int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env.int("GUNICORN_KEEPALIVE", 0)

reload = DEBUG

# Gunicorn's control socket (for gunicornc) would sit at one path per user,
# $HOME/.gunicorn/gunicorn.ctl, where a second app run by the same user takes
# it over. Nothing here uses it.
control_socket_disable = True

# Gunicorn's own and access logs go to stdout, formatted like the app's
# (LOG_FORMAT), so the container runtime collects one stream.
loglevel = env.str("GUNICORN_LOG_LEVEL", "info")
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = logging_config(LOG_LEVEL, LOG_FORMAT)
# Gunicorn's defaults give its loggers a stderr handler of their own.
logconfig_dict["loggers"] = {
    name: {"handlers": ["stdout"], "propagate": False}
    for name in ("gunicorn.error", "gunicorn.access")
}

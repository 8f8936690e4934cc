"""Gunicorn settings, each overridable from the environment (and .env)."""

import multiprocessing

from config.settings import DEBUG, env

# The Docker image binds 0.0.0.0; a local run stays on the loopback interface.
bind = env.str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env.int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2)
threads = env.int("GUNICORN_THREADS", 1)
timeout = env.int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env.int("GUNICORN_KEEPALIVE", 5)

# "-" sends the access log to stdout and the error log to stderr, where the
# container runtime collects them; nothing is written to files.
accesslog = "-"
errorlog = "-"
loglevel = env.str("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

reload = DEBUG

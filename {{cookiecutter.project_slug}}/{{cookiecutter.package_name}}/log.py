"""Logging to stdout, one line per record, for the container runtime to collect.

LOG_FORMAT=json writes one JSON object per line for ELK, Loki and the like.
"""

import logging.config

FORMATTERS = {
    "text": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}


def logging_config(level, log_format):
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": FORMATTERS[log_format]},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
            },
        },
        "root": {"level": level, "handlers": ["stdout"]},
    }


def configure_logging(app):
    config = logging_config(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    logging.config.dictConfig(config)
    # Flask's own handler writes to stderr; records now reach stdout via root.
    app.logger.handlers.clear()

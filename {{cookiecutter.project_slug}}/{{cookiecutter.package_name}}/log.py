"""Logging to stdout, one line per record, for the container runtime to collect."""

import logging.config


def configure_logging(app):
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "line": {
                    "format": "%(asctime)s %(levelname)s [%(name)s] %(message)s",
                },
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "line",
                },
            },
            "root": {"level": app.config["LOG_LEVEL"], "handlers": ["stdout"]},
        }
    )
    # Flask's own handler writes to stderr; records now reach stdout via root.
    app.logger.handlers.clear()

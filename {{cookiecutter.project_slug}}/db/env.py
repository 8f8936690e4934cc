"""Alembic environment: migrations run against the app's own database settings."""

from logging.config import fileConfig

from alembic import context

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.extensions import db

config = context.config
if config.config_file_name and not config.attributes.get("keep_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# The tests hand over their own app (and so their own database); the command
# line builds one from the environment.
app = config.attributes.get("app") or create_app()
target_metadata = db.metadata


def skip_empty_autogenerate(context, revision, directives):
    # `revision --autogenerate` with no model change writes no empty file.
    if (
        getattr(config.cmd_opts, "autogenerate", False)
        and directives[0].upgrade_ops.is_empty()
    ):
        directives[:] = []


def run_migrations_offline():
    context.configure(
        url=app.config["SQLALCHEMY_DATABASE_URI"],
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with app.app_context(), db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=skip_empty_autogenerate,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

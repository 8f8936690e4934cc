"""One check per backing service; each raises when its service does not answer."""

from sqlalchemy import text

from {{ cookiecutter.package_name }}.extensions import db


def database():
    db.session.execute(text("SELECT 1"))


CHECKS = {
    "database": database,
}

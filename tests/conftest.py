import pytest

from tests.baking import bake


@pytest.fixture(scope="session")
def default_project(cookies_session):
    """The default bake (cookiecutter --no-input), shared by the read-only tests."""
    return bake(cookies_session)

import pytest

from tests.support.baking import bake
from tests.support.summary import pytest_runtest_logreport, pytest_terminal_summary  # noqa: F401


@pytest.fixture(scope="session")
def default_project(cookies_session):
    """The default bake (cookiecutter --no-input), shared by the read-only tests."""
    return bake(cookies_session)


def pytest_collection_modifyitems(items):
    # One Docker engine, one set of stand-in images: the docker tier runs in a
    # single xdist worker (./run test uses --dist loadgroup) while the rest
    # spreads over the others.
    for item in items:
        if item.get_closest_marker("docker"):
            item.add_marker(pytest.mark.xdist_group("docker"))

"""The docker tier's session fixtures, docker_engine and standin_images, come with
tests.support.stacks (from tools/standins, whose self-tests share them). Tests
using them are marked @pytest.mark.docker."""

from tests.support.stacks import docker_engine, standin_images  # noqa: F401

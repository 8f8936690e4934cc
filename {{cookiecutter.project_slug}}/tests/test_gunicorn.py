"""Gunicorn's settings: workers fit the CPUs the container may use."""

import pytest

from config.gunicorn import available_cpus


def cgroup_v2(root, quota, period="100000"):
    (root / "cpu.max").write_text(f"{quota} {period}\n")


def cgroup_v1(root, quota, period="100000"):
    (root / "cpu").mkdir(exist_ok=True)
    (root / "cpu" / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (root / "cpu" / "cpu.cfs_period_us").write_text(f"{period}\n")


@pytest.mark.parametrize(
    ("cgroup", "no_quota"), [(cgroup_v2, "max"), (cgroup_v1, "-1")], ids=["v2", "v1"]
)
def test_the_cpu_count_follows_the_cgroup_quota(tmp_path, cgroup, no_quota):
    unlimited = available_cpus(tmp_path / "no-cgroup")
    assert unlimited >= 1
    cgroup(tmp_path, no_quota)
    assert available_cpus(tmp_path) == unlimited
    # Half a CPU still gets one; one and a half get two, when there are two.
    cgroup(tmp_path, "50000")
    assert available_cpus(tmp_path) == 1
    cgroup(tmp_path, "150000")
    assert available_cpus(tmp_path) == min(2, unlimited)
    # A quota above what the process may run on changes nothing.
    cgroup(tmp_path, "100000000")
    assert available_cpus(tmp_path) == unlimited

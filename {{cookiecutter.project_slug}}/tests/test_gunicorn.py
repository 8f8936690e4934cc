"""Gunicorn's settings: workers fit the CPUs the container may use."""

from config.gunicorn import available_cpus


def test_the_cpu_count_follows_the_cgroup_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    unlimited = available_cpus(tmp_path / "no-cgroup")
    assert unlimited >= 1
    cpu_max.write_text("max 100000\n")
    assert available_cpus(cpu_max) == unlimited
    # Half a CPU still gets one; one and a half get two, when there are two.
    cpu_max.write_text("50000 100000\n")
    assert available_cpus(cpu_max) == 1
    cpu_max.write_text("150000 100000\n")
    assert available_cpus(cpu_max) == min(2, unlimited)
    # A quota above what the process may run on changes nothing.
    cpu_max.write_text("100000000 100000\n")
    assert available_cpus(cpu_max) == unlimited

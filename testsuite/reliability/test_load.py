"""Load (issue 12, item 3), in the 4-CPU guest: a counting probe on a hot
path (vfs_read), hit as fast as the guest allows by one process per CPU:
no oops, and each process's count is what it did.

The issue asks for 10 s of load; the suite runs STAP5_LOAD_SECONDS (3 s by
default, CI's budget) and `make bench` (testsuite/bench/load.py) the full
10 s, where the hits per second and the cost per hit are printed beside
4.8's.
"""

import os
import re

import pytest

from testsuite.reliability import harness

pytestmark = pytest.mark.vm

SECONDS = float(os.environ.get("STAP5_LOAD_SECONDS", "3"))
WORKERS = harness.CPUS

# Under TCG a hit of this probe costs more than half of what the 1-byte
# read() around it costs: stap's overload detection stops the run after a
# second, 4.8's module as well as ours (measured: "probe overhead
# (509125372 cycles) exceeded threshold"). Load is what is measured here.
@pytest.fixture(scope="module")
def counting(build_dir):
    return harness.module_of(harness.build_all(build_dir, {
        "load": (harness.COUNTING, ["-DSTP_NO_OVERLOAD"])}), "load")


def test_every_hit_of_a_hot_path_is_counted(counting, smp_guest, relwork):
    result = harness.run(smp_guest, counting, "-c", f"{relwork} read {WORKERS} {SECONDS:g}s",
                         timeout=300 + 2 * SECONDS)
    assert result.rc == 0, result.err
    assert result.err == ""             # no skipped probe, no error, no overload
    workers = harness.worker_counts(result.out)
    assert len(workers) == WORKERS and all(workers.values())
    hits = {int(pid): int(count)
            for pid, count in re.findall(r"^hits (\d+) (\d+)$", result.out, re.M)}
    # (the parent process reads a little too, before the workers start)
    assert {pid: hits.get(pid) for pid in workers} == workers

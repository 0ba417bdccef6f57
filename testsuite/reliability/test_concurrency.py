"""Concurrency (issue 12, item 2), in the 4-CPU guest: probes on every CPU
updating the same globals, arrays and statistics at once.

* The counts are exact: every hit is either counted (in the global, the
  array, the statistic, the array of statistics, all alike) or skipped and
  counted as skipped (stap's MAXTRYLOCK: a lock not had in time skips the
  probe); per-CPU aggregates merge to the same numbers.
* Lock contention past MAXSKIPPED ends the run with stap's message.
* foreach and delete in one probe, inserts in the others: no deadlock, and
  what was inserted minus what was deleted is what is left.
"""

import re

import pytest

from testsuite.reliability import harness

pytestmark = pytest.mark.vm

WORKERS = 4
CALLS = 20000

COUNTS = r'''
global n, per_cpu, s, by_pid
probe kprobe.function("__x64_sys_getppid") {
  if (execname() != "relwork") next
  n++
  per_cpu[cpu()]++
  s <<< 1
  by_pid[pid()] <<< 2
}
probe end {
  cpus = 0; total = 0
  foreach (c in per_cpu) { cpus++; total += per_cpu[c] }
  printf("n %d\n", n)
  printf("per_cpu %d on %d cpus\n", total, cpus)
  printf("stat %d %d\n", @count(s), @sum(s))
  foreach (p in by_pid) printf("pid %d %d %d\n", p, @count(by_pid[p]), @sum(by_pid[p]))
}
'''

# Every CPU holds the global's lock for 300 us at each tick: the others
# give up after one try (MAXTRYLOCK=1) and skip.
CONTENTION = r'''
global n
function spin(us) %{ udelay(STAP_ARG_us); %}
probe timer.profile { n++; spin(300) }
probe end { println("end probe") }
probe error { println("error probe") }
'''

FOREACH_DELETE = r'''
global a[8192], doomed[8192], inserted, deleted
probe kprobe.function("__x64_sys_getppid") {
  if (execname() != "relwork") next
  k = tid() % 250
  p = pid()
  if (!([p, k] in a)) inserted++
  a[p, k] = 1
}
probe timer.ms(3) {
  foreach ([p, k] in a) { if (k % 2) doomed[p, k] = 1 }
  foreach ([p, k] in doomed) { delete a[p, k]; deleted++ }
  delete doomed
}
probe timer.ms(11) {
  foreach ([p, k] in a) deleted++
  delete a
}
probe end {
  left = 0
  foreach ([p, k] in a) left++
  printf("inserted %d deleted %d left %d\n", inserted, deleted, left)
}
'''


# Four CPUs that do nothing but hit probes wanting one global's lock spend
# most of their time waiting for it, which counts as probe time: stap's
# overload detection would end these runs (see test_overload.py).
@pytest.fixture(scope="module")
def builds(build_dir):
    return harness.build_all(build_dir, {
        "counts": (COUNTS, ["-DMAXSKIPPED=1000000", "-DSTP_NO_OVERLOAD"]),
        "contention": (CONTENTION, ["-g", "-DSTP_NO_OVERLOAD", "-DMAXTRYLOCK=1"]),
        "foreach_delete": (FOREACH_DELETE, ["-DMAXSKIPPED=1000000", "-DSTP_NO_OVERLOAD"]),
    })


def _skipped(stderr):
    match = re.search(r"^WARNING: Number of errors: (\d+), skipped probes: (\d+)$", stderr,
                      re.M)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def test_counts_from_all_cpus_are_exact(builds, smp_guest, relwork):
    result = harness.run(smp_guest, harness.module_of(builds, "counts"), "-c",
                         f"{relwork} getppid {WORKERS} {CALLS}")
    assert result.rc == 0, result.err
    workers = harness.worker_counts(result.out)
    assert sorted(workers.values()) == [CALLS] * WORKERS
    errors, skipped = _skipped(result.err)
    assert errors == 0, result.err
    counted = WORKERS * CALLS - skipped
    assert f"n {counted}\n" in result.out
    assert f"per_cpu {counted} on {WORKERS} cpus\n" in result.out
    assert f"stat {counted} {counted}\n" in result.out
    by_pid = {int(pid): (int(count), int(total)) for pid, count, total
              in re.findall(r"^pid (\d+) (\d+) (\d+)$", result.out, re.M)}
    assert set(by_pid) == set(workers)
    assert sum(count for count, _ in by_pid.values()) == counted
    assert all(total == 2 * count for count, total in by_pid.values())
    if skipped == 0:
        assert {pid: count for pid, (count, _) in by_pid.items()} == workers


def test_contention_past_maxskipped_ends_the_run(builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, "contention"), "-T", "30")
    assert result.err.startswith(
        "ERROR: Skipped too many probes, check MAXSKIPPED or try again with stap -t for "
        "more details.\n")
    errors, skipped = _skipped(result.err)
    assert errors == 0 and skipped > 100, result.err
    assert result.out == "error probe\n"
    assert result.rc == 1


def test_foreach_and_delete_against_inserts_on_other_cpus(builds, smp_guest, relwork):
    result = harness.run(smp_guest, harness.module_of(builds, "foreach_delete"), "-c",
                         f"{relwork} getppid {WORKERS} {CALLS}")
    assert result.rc == 0, result.err
    match = re.search(r"^inserted (\d+) deleted (\d+) left (\d+)$", result.out, re.M)
    assert match, result.out
    inserted, deleted, left = map(int, match.groups())
    assert inserted > 0 and deleted > 0
    assert inserted - deleted == left
    assert _skipped(result.err)[0] == 0, result.err

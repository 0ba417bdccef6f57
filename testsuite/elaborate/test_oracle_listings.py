"""-l / -L / --dump-* against SystemTap 4.8, both reading 4.8's tapsets.

Not compared: patterns whose 4.8 answer involves tapset aliases on
tracepoints with target variables (e.g. `syscall.*` lists 25 more aliases
in 4.8, reached through `tp_syscall.*`; kernel.trace itself is compared in
testsuite/kernel/test_tracepoint_oracle.py), and --dump-functions (4.8 takes more
than a quarter of an hour on it here).  --dump-probe-types is compared on
the families stap5 runs.
"""

import pytest

from testsuite.elaborate.oracle_corpus import ENV
from testsuite.oracle.harness import needs_stap48, prefetch_stap48, run_stap48, run_stap5

pytestmark = [pytest.mark.oracle, needs_stap48]

LISTINGS = [
    ["-l", "begin"], ["-L", "begin"], ["-l", "begin,end,error"], ["-l", "never"],
    ["-l", "timer.*"], ["-l", "timer.ms(10)"], ["-l", "timer.s(1).randomize(1)"],
    ["-l", 'procfs("x").read'], ["-l", "procfs.write"],
    ["-l", 'kprobe.function("vfs_r*")'], ["-L", 'kprobe.function("vfs_read")'],
    ["-l", 'kprobe.function("vfs_read").return'],
    ["-l", "syscall.open*"], ["-L", "syscall.open"], ["-L", "syscall.read"],
    ["-L", "syscall.accept"], ["-L", "nd2_syscall.accept"], ["-l", "syscall.open?"],
    ["-L", "nd_syscall.close"], ["-l", "vfs.*"],
    ["-L", "ioblock.*"],
    ["-l", "nosuch"], ["-l", "begin,nosuch"], ["-l", "timer"],
]


@pytest.fixture(scope="module", autouse=True)
def _prefetch():
    prefetch_stap48([dict(argv=argv if isinstance(argv, list) else argv.values[0], env=ENV)
                     for argv in LISTINGS]
                    + [dict(argv=["--dump-probe-aliases"], env=ENV),
                       dict(argv=["--dump-probe-types"], env=ENV)])


@pytest.mark.parametrize("argv", LISTINGS, ids=[
    " ".join(a if isinstance(a, list) else a.values[0]) for a in LISTINGS])
def test_listing(argv):
    expected = run_stap48(argv, env=ENV)
    got = run_stap5(argv, env=ENV)
    assert (got.status, got.stdout) == (expected.status, expected.stdout)
    assert got.stderr == ""


def test_dump_probe_aliases():
    expected = run_stap48(["--dump-probe-aliases"], env=ENV)
    got = run_stap5(["--dump-probe-aliases"], env=ENV)
    assert (got.status, got.stdout) == (0, expected.stdout)


FAMILIES = ("begin", "end", "error", "never", "kprobe", "procfs", "timer", "kernel", "module",
            "process", "perf")
OTHER_KERNEL_FAMILIES = ("kernel.mark", "module(string).trace")


def test_dump_probe_types():
    expected = run_stap48(["--dump-probe-types"], env=ENV)
    ours = [line for line in expected.stdout.splitlines() if line.startswith(FAMILIES)
            and not line.startswith(OTHER_KERNEL_FAMILIES)]
    got = run_stap5(["--dump-probe-types"], env=ENV)
    assert (got.status, got.stdout.splitlines()) == (0, ours)


def test_dump_functions():
    got = run_stap5(["--dump-functions"], env=ENV)
    lines = got.stdout.splitlines()
    assert got.status == 0
    assert "pid:long ()" in lines and "exit:unknown ()" in lines
    assert "strlen:long (s:string)" in lines
    assert not [line for line in lines if line.startswith("_")]
    assert len(lines) > 500

"""Probe kinds of the runtime, in the guest: kprobes and kretprobes (by name,
in a module, at an absolute address, one that cannot be placed), jiffies
timers, timer.profile, hrtimers with randomize, procfs maxsize.

as_generated/probes.c is probes.stp translated by hand as the translator
would. (4.8 cannot be asked here: kprobes need its symbol table; these tests
check the behaviour itself.)
"""

import re

import pytest

pytestmark = pytest.mark.vm

MISSING = ('WARNING: probe kprobe.function("stap5_no_such_function") '
           '(stap5_no_such_function+0) registration error [man warning::pass5] (rc -2)\n')


def kallsyms_address(staprun, symbol):
    r = staprun.guest.run(["grep", "-w", symbol, "/proc/kallsyms"], timeout=30)
    for line in r.stdout.decode().splitlines():
        addr, kind, name = line.split()[:3]
        if name == symbol and kind in "Tt":
            return int(addr, 16)
    raise AssertionError(f"{symbol} not in the guest's /proc/kallsyms")


@pytest.fixture(scope="module")
def stmt(staprun):
    """The module parameter giving kprobe.statement(...).absolute its address."""
    return f"stmt_addr={kallsyms_address(staprun, 'vfs_read'):#x}"


def test_kprobes_count_reads_of_a_command(staprun, probes_module, stmt):
    run = staprun.run(probes_module, "mode=1", stmt,
                      options=["-c", "cat /etc/os-release /proc/version"])
    # A probe that cannot be placed is a warning; the session goes on.
    assert run.stderr == MISSING
    lines = run.out.splitlines()
    assert lines[-1] == "reads 1 returns 1 cat 1 statements 1 module 1 missing 0", run.out
    assert any(line.startswith("PRETTY_NAME=") for line in lines)    # cat's own output
    assert run.rc == 0
    assert run.loaded_after == []


@pytest.mark.parametrize("mode,output", [
    (2, "jiffies 5\n"),        # timer.jiffies(2).randomize(1)
    (3, "profile 20\n"),       # timer.profile
    (4, "hrtimer 10\n"),       # timer.us(500).randomize(100)
])
def test_timers_fire_and_exit(staprun, probes_module, stmt, mode, output):
    run = staprun.run(probes_module, f"mode={mode}", stmt)
    assert run.out == output
    assert run.stderr == MISSING
    assert run.rc == 0 and run.loaded_after == []


def test_procfs_value_larger_than_maxsize(staprun, probes_module, stmt):
    run = staprun.run(probes_module, "mode=5", stmt,
                      options=["-c", "cat /proc/systemtap/stap5_rt_probes/big"])
    # The reader gets what fits (maxsize 8: 7 bytes), then the error ends it.
    assert run.out == "0123456"
    assert run.stderr.endswith(
        "ERROR: buffer size exceeded, consider .maxsize(11). near identifier '$value' "
        "at probes.stp:19:54\nWARNING: Number of errors: 1, skipped probes: 0\n")
    assert run.rc == 1
    assert run.loaded_after == []


def test_statement_probe_at_a_bad_address_is_only_a_warning(staprun, probes_module):
    run = staprun.run(probes_module, "mode=2", "stmt_addr=0x1234")
    assert re.search(r"WARNING: probe kprobe.statement\(STMT_ADDR\).absolute "
                     r"\(address 0x1234\) registration error \[man warning::pass5\] "
                     r"\(rc -\d+\)\n", run.stderr), run.stderr
    assert run.out == "jiffies 5\n"
    assert run.rc == 0 and run.loaded_after == []

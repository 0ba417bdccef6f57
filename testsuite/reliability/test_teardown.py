"""Teardown (issue 12, item 7), in the 4-CPU guest: Ctrl-C and SIGTERM
during a flood; exit() called on every CPU at once; staprun5 killed with
SIGKILL, after which the module is not loaded for ever: `staprun5 -d` (stap's
answer) removes it, and the next staprun5 run says it found it and removes
it. (A probe that fails to register: test_errors_limits.py.) After each
test, no module of ours is left loaded and the kernel logged no oops.
"""

import re
import signal
import time

import pytest

from testsuite.reliability import harness

pytestmark = pytest.mark.vm

EXITS = r'''
global mode
probe timer.profile { if (mode == 1) exit() }
probe kprobe.function("__x64_sys_getppid") { if (mode == 2 && execname() == "relwork") exit() }
probe end { println("end") }
'''

# staprun's words for a module it cannot delete (4.8, measured), status 234
NOT_A_ZOMBIE = ("ERROR: Cannot attach to module {0} control channel; not running?\n"
                "ERROR: '{0}' is not a zombie systemtap module.\n")


@pytest.fixture(scope="module")
def exits(build_dir):
    return harness.module_of(harness.build_all(build_dir, {"exits": (EXITS, [])}), "exits")


def _flood_until(smp_guest, flood, signum):
    process, _ = harness.start(smp_guest, flood, params=["max_lines=0"])
    time.sleep(2)
    process.send_signal(signum)
    result = process.wait(timeout=300)
    numbers, printed = harness.flood_lines(result.out)
    failures, _ = harness.transport_failures(result.err)
    assert printed is not None, "the end probe did not run"
    assert len(numbers) + failures * harness.FLOOD_LINES == printed
    return result


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_a_flood_ends_it_cleanly(flood, smp_guest, signum):
    result = _flood_until(smp_guest, flood, signum)
    assert result.rc == 0, result.err


def test_exit_from_every_cpu_at_once(exits, smp_guest):
    result = harness.run(smp_guest, exits, params=["mode=1"])
    assert (result.out, result.err, result.rc) == ("end\n", "", 0)


def test_exit_from_every_worker_at_once(exits, smp_guest, relwork):
    result = harness.run(smp_guest, exits, "-c", f"{relwork} getppid {harness.CPUS} 20000",
                         params=["mode=2"])
    output = [line for line in result.out.splitlines() if not line.startswith("worker ")]
    assert (output, result.err, result.rc) == (["end"], "", 0)


def _kill_staprun5_during_a_flood(smp_guest, flood):
    process, _ = harness.start(smp_guest, flood, params=["max_lines=0"])
    time.sleep(1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=120)
    module = harness.MODULE_PREFIX + "flood"
    assert smp_guest.loaded_test_modules() == [module]
    orphaned = smp_guest.run(["cat", f"/sys/kernel/debug/stap5/{module}/orphaned"], timeout=30)
    assert orphaned.out == "1\n"
    return module


def test_staprun5_killed_then_d_removes_the_module(flood, smp_guest):
    module = _kill_staprun5_during_a_flood(smp_guest, flood)
    result = smp_guest.run(harness.staprun_command("-d", module), timeout=120)
    assert (result.out, result.err, result.rc) == ("", "", 0)


def test_staprun5_killed_then_the_next_run_removes_the_module(flood, exits, smp_guest):
    module = _kill_staprun5_during_a_flood(smp_guest, flood)
    result = harness.run(smp_guest, exits, params=["mode=1"])
    assert result.err == (f"WARNING: Removed stale module '{module}': its staprun5 did not "
                          f"finish (killed?) and left it loaded.\n")
    assert (result.out, result.rc) == ("end\n", 0)


def test_d_refuses_what_is_not_a_zombie(exits, smp_guest):
    result = smp_guest.run(harness.staprun_command("-d", "no_such_module"), timeout=120)
    assert (result.err, result.rc) == (NOT_A_ZOMBIE.format("no_such_module"), 234)
    # attached: a staprun5 runs it
    process, _ = harness.start(smp_guest, exits)
    try:
        module = harness.MODULE_PREFIX + "exits"
        result = smp_guest.run(harness.staprun_command("-d", module), timeout=120)
        assert (result.err, result.rc) == (NOT_A_ZOMBIE.format(module), 234)
    finally:
        process.send_signal(signal.SIGINT)
    assert re.fullmatch(r"end\n", process.wait(timeout=120).out)

"""Errors and limits (issue 12, items 6 and 7's failed registration), in the
4-CPU guest: each script of scripts/ must print what SystemTap 4.8 printed
for it (expected/, recorded by record48.py in the same kind of guest), exit
with its status and unload cleanly: MAXERRORS, --suppress-handler-errors,
MAXSTRINGLEN, division by zero, MAXNESTING, error() in an end probe, a read
fault in every kernel and user read path, a probe that cannot be registered
(the others are unregistered), kprobes the kernel refuses (optional ones
skipped silently).

The writers of guru mode (own/write_faults.stp) are checked here only: 4.8's
set_kernel_*() oops this kernel on a user address. So is
--suppress-time-limits (no MAXACTION).
"""

import re

import pytest

from testsuite.reliability import harness
from testsuite.script_cases import load_case, load_cases

pytestmark = pytest.mark.vm

CASES = load_cases(harness.SCRIPTS, harness.MODULE_PREFIX)
WRITE_FAULTS = load_case(harness.OWN / "write_faults.stp", harness.MODULE_PREFIX)


# 20000 statements in a begin probe: twice MAXACTION
UNLIMITED = r'''
global n
probe begin { for (i = 0; i < 20000; i++) n++; println(n); exit() }
'''


@pytest.fixture(scope="module")
def builds(build_dir):
    specs = {case.name: (case.path, case.stap_options) for case in CASES + [WRITE_FAULTS]}
    specs["unlimited"] = (UNLIMITED, ["-g", "--suppress-time-limits"])
    return harness.build_all(build_dir, specs)


def _expected(case, suffix):
    text = (harness.EXPECTED / (case.name + suffix)).read_text()
    return harness.normalized(text, case.path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_prints_what_4_8_prints(case, builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, case.name),
                         *case.staprun_options, cwd=str(harness.SCRIPTS))
    assert harness.normalized(result.out, case.path) == _expected(case, ".stdout")
    assert harness.normalized(result.err, case.path) == _expected(case, ".stderr")
    assert result.rc == case.exit_status


def test_registration_failure_leaves_nothing_registered(builds, smp_guest):
    """After the failed registration: no kprobe of ours, no /proc entry."""
    result = harness.run(smp_guest, harness.module_of(builds, "registration_failure"))
    assert result.rc == 1
    kprobes = smp_guest.run(["cat", "/sys/kernel/debug/kprobes/list"], timeout=30).out
    assert "vfs_read" not in kprobes
    assert smp_guest.run(["test", "-e", "/proc/systemtap"], timeout=30).rc == 1


KERNEL_WRITERS = ["string", "string_n", "long", "int", "short", "char", "pointer"]
USER_WRITERS = KERNEL_WRITERS


def test_guru_writers_fault_without_oops(builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, "write_faults"))
    # %p hashes the address (as in 4.8, whose user writers print the same way)
    err = re.sub(r"0x[0-9a-f]{16}", "0xHASHED", harness.normalized(result.err,
                                                                   WRITE_FAULTS.path))
    expected = []
    for space, names in (("kernel", KERNEL_WRITERS), ("user", USER_WRITERS)):
        for name in names:
            kind = "string" if name.startswith("string") else name
            address = "0x8" if space == "user" and kind == "string" else "0xHASHED"
            expected.append(f"ERROR: {space} {kind} copy fault at {address} "
                            f"[man error::fault] near identifier 'set_{space}_{name}' "
                            "at TAPSET\n")
    expected.append("WARNING: Number of errors: 14, skipped probes: 0\n")
    assert err == "".join(expected)
    assert result.out == "all write paths tried\n"
    assert result.rc == 1


def test_suppress_time_limits_lifts_maxaction(builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, "unlimited"))
    assert (result.out, result.err, result.rc) == ("20000\n", "", 0)

"""The syscall tapsets in a real kernel: the workload (workload.c) run
under workload.stp (syscall.NAME, nd_syscall.NAME, syscall_name) and
any.stp (syscall_any), built by stap5 and run by staprun5 in the guest,
must print what SystemTap 4.8 printed for it (expected/), but for the
known differences below.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from testsuite.script_cases import KVER, loaded_modules

pytestmark = [pytest.mark.vm,
              pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")]

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent

# 4.8's line -> ours.  4.8 reads the time structures of 64-bit programs
# with the 32-bit layout on this kernel (its time32 headers workaround
# renames struct timespec to old_timespec32...): it prints the seconds'
# two halves as seconds and nanoseconds.  We read each with its layout.
KNOWN_DIFFERENCES = {
    'utimensat(AT_FDCWD, "/proc/nonexistent", [5.000000000][1073741823.000000000], 0x0)':
        'utimensat(AT_FDCWD, "/proc/nonexistent", [UTIME_NOW][UTIME_OMIT], 0x0)',
    "futex(0x403094, FUTEX_WAIT, 0, [0.000000000])":
        "futex(0x403094, FUTEX_WAIT, 0, [0.000001000])",
    "timerfd_settime(18, 0x0, [1.000000,500.000000], 0x0)":
        "timerfd_settime(18, 0x0, [1.000500,2.000000], 0x0)",
    "ppoll(0x403080, 1, [0.000000000], 0x4031a8, 8)":
        "ppoll(0x403080, 1, [0.000002000], 0x4031a8, 8)",
    "nanosleep([0.000000000], 0x0)": "nanosleep([0.000001000], 0x0)",
    "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, [0.000000000], 0x0)":
        "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, [0.000001000], 0x0)",
}


def _stap5(*args, cwd):
    return subprocess.run([shutil.which("python3") or "python3", "-m", "stap5", "-r", KVER,
                           *args], cwd=cwd, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    return tmp_path_factory.mktemp("syscall-workload")


@pytest.fixture(scope="module")
def program(directory):
    program = directory / "workload"
    # As workload.c says: the addresses it prints are those of this build.
    subprocess.run(["gcc", "-O1", "-static", "-nostdlib", "-fno-pie", "-no-pie",
                    "-fno-stack-protector", "-o", str(program), str(HERE / "workload.c")],
                   check=True)
    return program


def _build(name, directory):
    proc = _stap5("-p4", "-m", "tt_sc_" + name, str(HERE / (name + ".stp")), cwd=directory)
    ko = directory / ("tt_sc_%s.ko" % name)
    if "tracepoint probes (kernel.trace) are not supported" in proc.stderr:
        pytest.skip("syscall_any rests on kernel.trace, not in this tree yet")
    assert proc.returncode == 0 and ko.exists(), proc.stdout + proc.stderr
    return ko


def _run(guest, program, ko):
    try:
        return guest.run(guest.python_command("-m", "stap5.run.staprun", "-c", program, ko),
                         cwd=str(HERE), timeout=600)
    finally:
        assert loaded_modules(guest, ("tt_sc_",)) == [], "a module was left loaded"


def _expected(name, suffix):
    return (HERE / "expected" / (name + suffix)).read_text()


def test_workload_prints_what_4_8_prints(directory, program, guest):
    result = _run(guest, program, _build("workload", directory))
    expected = [KNOWN_DIFFERENCES.get(line, line)
                for line in _expected("workload", ".stdout").splitlines()]
    assert result.out.splitlines() == expected
    assert result.err == _expected("workload", ".stderr")
    assert result.rc == 0


def test_syscall_any_sees_what_4_8_sees(directory, program, guest):
    result = _run(guest, program, _build("any", directory))
    assert result.out == _expected("any", ".stdout")
    assert result.err == _expected("any", ".stderr")
    assert result.rc == 0

"""stap5's -S and -F: checked on the command line as stap checks them, and
handed to staprun5 (the runs themselves: testsuite/e2e/test_flight_recorder.py)."""

import subprocess
import sys

import pytest

from stap5 import driver
from stap5.cli import parse_args
from stap5.session import SessionError


def stap5(*args):
    return subprocess.run([sys.executable, "-m", "stap5", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("spec", ["abc", "1,x", "1,", ",2", "-1"])
def test_a_bad_size_spec_is_stap_s_error(spec):
    r = stap5("-S", spec, "-p1", "-e", "probe begin {}")
    assert r.returncode == 1
    assert r.stderr == (f"ERROR: Safety pattern mismatch for -S parameter ('{spec}' vs. "
                        "'^[0-9]+(,[0-9]+)?$') rc=1\n")


def test_flight_recorder_needs_a_kernel_that_outlives_the_run():
    with pytest.raises(SessionError, match="-F cannot be used with --vm"):
        parse_args(["--vm", "-F", "-e", "probe begin {}"])


@pytest.mark.parametrize("options, expected", [
    (["-F"], ["-L"]),
    (["-F", "-o", "out"], ["-o", "out", "-D"]),
    (["-S", "2,3", "-o", "out"], ["-o", "out", "-S", "2,3"]),
    (["-F", "-S", "1", "-o", "out"], ["-o", "out", "-S", "1", "-D"]),
])
def test_pass_5_gets_the_staprun5_options(monkeypatch, options, expected):
    seen = []
    from stap5.run import staprun
    monkeypatch.setattr(staprun, "main", lambda args: seen.append(args) or 0)
    session = parse_args(options + ["-e", "probe begin {}"])
    assert driver._pass5(session, "m.ko") == 0
    assert seen == [expected + ["m.ko"]]

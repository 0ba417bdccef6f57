"""The runtime, run by staprun5 in the guest, against SystemTap 4.8's output.

scripts/script.stp is built by stap5; each scenario (the script's `mode`
global, set as a module parameter as stap -G would) must print exactly what
4.8 printed for the same script: scripts/expected_4.8.json was recorded with
the 4.8 oracle (test_runtime_oracle.py re-checks it against a live 4.8).
"""

import json
import re
import signal
import time
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent / "scripts"

pytestmark = pytest.mark.vm

EXPECTED = json.loads((SCRIPTS / "expected_4.8.json").read_text())


def check_same_as_48(run, mode):
    want = EXPECTED[str(mode)]
    assert run.stdout.decode(errors="surrogateescape") == want["stdout"]
    assert run.stderr == want["stderr"]
    assert run.rc == want["rc"]
    assert run.loaded_after == []


@pytest.mark.parametrize("mode,what", [
    (1, "begin and end probes in priority order; exit() in begin skips later begins"),
    (2, "printf directives, flags, widths, precisions, %b, %c escapes, sprintf"),
    (3, "maps: foreach sorted by value/key, asc/desc, limit; delete; exists"),
    (4, "@count/@sum/@min/@max/@avg/@variance, @hist_log and @hist_linear printing"),
    (5, "division by zero in a timer: error, no end probes, error probe, summary"),
    (6, "a runaway loop stopped by MAXACTION"),
    (8, "string functions of the tapset"),
    (9, "a timer that calls exit() on its third tick"),
    (11, "try/catch of runtime errors and error(); warn() shown once per text"),
    (12, "abort(): the handler stops, end probes still run"),
    (13, "array overflow of a sized array"),
    (14, "@min of an empty aggregate"),
    (15, "an uncaught error(): no 'near' part"),
    (18, "%m and %M, and a fault in a printf"),
])
def test_scenario_prints_what_48_prints(staprun, script_module, mode, what):
    check_same_as_48(staprun.run(script_module, f"mode={mode}"), mode)


def test_more_output_than_a_print_buffer(staprun, script_module):
    run = staprun.run(script_module, "mode=17")
    want = "".join("%05d abcdefghijklmnopqrstuvwxyz\n" % i for i in range(1500)) + "end\n"
    assert run.out == want       # 49 kB from one probe: several flushes, in order
    assert run.rc == 0 and run.stderr == "" and run.loaded_after == []


@pytest.mark.parametrize("signals", [[signal.SIGINT], [signal.SIGINT, signal.SIGINT],
                                     [signal.SIGTERM]])
def test_signals_run_the_end_probes(staprun, script_module, signals):
    proc, stderr = staprun.start_running(script_module, "mode=10")
    for sig in signals:      # a second Ctrl-C must not spoil the ending
        proc.send_signal(sig)
    r = proc.wait(60)
    assert r.stdout.decode() == EXPECTED["10"]["stdout"] == "ticks 1\n"
    assert [line for line in "".join(stderr).splitlines()
            if not line.startswith("staprun5: ")] == []
    assert r.rc == 0
    assert staprun.loaded() == []


def test_sigterm_during_startup_never_leaves_a_module(staprun, script_module):
    for delay in (1.0, 3.0):
        proc = staprun.start(script_module, "mode=10")
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        assert staprun.loaded() == []


def test_target_is_the_pid_of_the_command(staprun, script_module):
    # 4.8 prints "target N", the command's "child N", then "end target N".
    run = staprun.run(script_module, "mode=7", options=["-c", "sh -c 'echo child $$'"])
    m = re.fullmatch(r"target (\d+)\nchild (\d+)\nend target (\d+)\n", run.out)
    assert m, run.out
    assert m.group(1) == m.group(2) == m.group(3)
    assert run.rc == 0 and run.stderr == ""
    assert run.loaded_after == []


def test_session_ends_when_the_command_exits_and_its_failure_is_reported(staprun, script_module):
    run = staprun.run(script_module, "mode=7", options=["-c", "sh -c 'exit 3'"])
    assert run.stderr == "WARNING: Child process exited with status 3\n"
    assert run.rc == 1
    assert run.out.startswith("target ")
    assert run.loaded_after == []


def test_a_command_that_cannot_run(staprun, script_module):
    run = staprun.run(script_module, "mode=7", options=["-c", "/nonexistent/cmd"])
    assert run.stderr == ("/nonexistent/cmd: No such file or directory\n"
                          "WARNING: Child process exited with status 1\n")
    assert run.rc == 1
    assert run.loaded_after == []


def test_output_file(staprun, script_module, tmp_path):
    out = tmp_path / "out.txt"
    # The guest writes in its own /tmp; read the file back from there.
    run = staprun.run(script_module, "mode=1", options=["-o", str(out)])
    assert run.rc == 0 and run.stdout == b"" and run.stderr == ""
    r = staprun.guest.run(["cat", str(out)], timeout=30)
    assert r.stdout.decode() == EXPECTED["1"]["stdout"]
    assert run.loaded_after == []


def test_procfs_read_and_write(staprun, script_module):
    cmd = ("sh -c 'd=/proc/systemtap/stap5_rt_script; cat $d/value; "
           "echo hello > $d/value; cat $d/value; ls -l $d | cut -c1-10'")
    run = staprun.run(script_module, "mode=16", options=["-c", cmd])
    # 4.8 printed the same, with its transport's own files also listed.
    assert run.out == "nothing yet\nhello\n\ntotal 0\n-rw-------\nend\n"
    assert run.rc == 0 and run.stderr == ""
    assert run.loaded_after == []


def test_timeout_option_ends_the_session(staprun, script_module):
    start = time.monotonic()
    run = staprun.run(script_module, "mode=10", options=["-T", "2"])
    assert run.out == "ticks 1\n"
    assert run.rc == 0
    assert time.monotonic() - start < 60
    assert run.loaded_after == []


def test_a_module_of_the_same_name_already_loaded(staprun, script_module):
    first, _ = staprun.start_running(script_module, "mode=10")
    try:
        second = staprun.run(script_module, "mode=1")
        assert second.rc == 1
        assert second.stderr.startswith(
            f"ERROR: Couldn't insert module '{script_module}': File exists\n")
        assert second.stdout == b""
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(60)
    assert staprun.loaded() == []


def test_a_bad_global_value_is_refused_at_load(staprun, script_module):
    run = staprun.run(script_module, "mode=abc")
    assert run.rc == 1
    assert run.stderr == f"ERROR: Couldn't insert module '{script_module}': Invalid argument\n"
    assert run.loaded_after == []


def test_target_pid_option_buffer_size_and_timeout(staprun, script_module):
    run = staprun.run(script_module, "mode=7", options=["-x", "1", "-b", "1", "-T", "2"])
    assert run.out == "target 1\nend target 1\n"
    assert run.rc == 0 and run.stderr == "" and run.loaded_after == []


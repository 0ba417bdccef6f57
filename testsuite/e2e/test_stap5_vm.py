"""`stap5 --vm`: the user's whole path, passes 1-4 on the host and pass 5 in a
throw-away guest, with its output, -o, -c and Ctrl-C."""

import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.vm


def stap5(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "stap5", "--vm", *args],
                          capture_output=True, text=True, timeout=600, **kwargs)


def test_hello(vm_assets):
    result = stap5("-e", 'probe begin { printf("hello from %s\\n", "the guest"); exit() }')
    assert result.stdout == "hello from the guest\n"
    assert result.returncode == 0, result.stderr


def test_output_file_and_command(vm_assets, tmp_path):
    output = tmp_path / "out.txt"
    result = stap5("-o", str(output), "-c", "/bin/true",
                   "-e", 'probe begin { println("target ", target() > 0) }'
                         ' probe end { println("done") }')
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert output.read_text() == "target 1\ndone\n"


def test_ctrl_c_runs_end_probes(vm_assets):
    process = subprocess.Popen(
        [sys.executable, "-m", "stap5", "--vm", "-e",
         'probe begin { println("running") } probe end { println("ended by ^C") }'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=300)
    assert first == "running\n"
    assert rest == "ended by ^C\n"
    assert process.returncode == 0, errors


def test_a_runtime_error_fails_pass_5(vm_assets):
    result = stap5("-e", "probe begin { z = 0; println(1 / z) }")
    assert result.returncode == 1
    assert "ERROR: division by 0 near operator '/' at <input>:1:32" in result.stderr
    assert "WARNING: Number of errors: 1, skipped probes: 0" in result.stderr
    assert "Pass 5: run failed.  [man error::pass5]" in result.stderr


def test_vm_cpus_gives_the_guest_that_many_cpus(vm_assets):
    result = stap5("--vm-cpus=4", "-e",
                   "global cpus; probe timer.profile { cpus[cpu()] = 1 }"
                   " probe timer.ms(500) { n = 0; foreach (c in cpus) n++;"
                   ' println(n, " cpus"); exit() }')
    assert result.stdout == "4 cpus\n"
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["0", "x", "65"])
def test_vm_cpus_refuses_a_bad_number(value):
    result = stap5("--vm-cpus=" + value, "-e", "probe begin { exit() }")
    assert result.returncode == 1
    assert result.stderr == ("Invalid --vm-cpus argument '%s': it must be a number of CPUs "
                             "from 1 to 64.\n" % value)

"""Scripts run end to end in a real kernel: stap5 builds them on the host
(passes 1-4) and staprun5 runs them in the QEMU guest (pass 5); their output
must be what SystemTap 4.8 prints for them.

Each scripts/NAME.stp may say, in `# stap5-test:` comment lines, what else
its run needs (see testsuite/script_cases.py).

expected/NAME.stdout and NAME.stderr are what 4.8 printed (recorded with
`python -m testsuite.oracle --fast` in the same guest; __SCRIPT__ stands for
the script's path), except for procfs.stp whose 4.8 run cannot create its
file on this kernel, extensions.stp, which tests functions 4.8 lacks, and
tracepoint_module.stp, a tracepoint 4.8 cannot probe.  All modules are built first (two at a time), then run
in one guest boot; after each run no stap5 module may remain loaded.
"""

import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from testsuite.script_cases import KVER, build_all, build_result, load_cases, loaded_modules

HERE = Path(__file__).parent
SCRIPTS = HERE / "scripts"
EXPECTED = HERE / "expected"

CASES = load_cases(SCRIPTS, "e_")


def _build(directory, case):
    command = [sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m", case.module,
               *case.stap_options, str(case.path)]
    proc = subprocess.run(command, cwd=directory, capture_output=True, text=True,
                          timeout=900)
    return build_result(proc, Path(directory) / (case.module + ".ko"))


@pytest.fixture(scope="module")
def modules(tmp_path_factory, vm_assets):
    """Every script's module, built by stap5 -p4."""
    directory = tmp_path_factory.mktemp("e2e-modules")
    return build_all(CASES, partial(_build, directory))


def _expected(case, suffix):
    path = EXPECTED / (case.name + suffix)
    return path.read_text().replace("__SCRIPT__", str(case.path))


@pytest.mark.vm
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_script(case, modules, guest):
    build = modules[case.name]
    assert build.ko, "stap5 -p4 failed:\n" + build.output
    options = list(case.staprun_options)
    output_path = None
    if case.output_file:
        output_path = "/tmp/%s.%d.out" % (case.module, os.getpid())
        options += ["-o", output_path]
    argv = guest.python_command("-m", "stap5.run.staprun", *options, build.ko)
    try:
        if case.interrupt_after is not None:
            process = guest.start(argv, capture=True)
            deadline = time.monotonic() + 120
            while not process.result().stdout and process.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(case.interrupt_after)
            process.send_signal(signal.SIGINT)
            result = process.wait(timeout=120)
        else:
            result = guest.run(argv, timeout=120)
        assert result.out == _expected(case, ".stdout")
        assert result.err == _expected(case, ".stderr")
        assert result.rc == case.exit_status
        if output_path:
            written = guest.run(["cat", output_path], timeout=30).out
            assert written == _expected(case, ".file")
    finally:
        assert loaded_modules(guest, ("e_", "stap_")) == [], "a module was left loaded"

"""Scripts run end to end in a real kernel: stap5 builds them on the host
(passes 1-4) and staprun5 runs them in the QEMU guest (pass 5); their output
must be what SystemTap 4.8 prints for them.

Each scripts/NAME.stp may say, in `# stap5-test:` comment lines, what else
its run needs:

    # stap5-test: stap-options -DMAXACTION=500      (passes 1-4)
    # stap5-test: staprun-options -c "CMD"          (pass 5; __MODULE__ is the module name)
    # stap5-test: interrupt-after 1                 (SIGINT, like Ctrl-C, 1 s after the
                                                      first output: the guest is slow to start)
    # stap5-test: output-file                       (-o FILE; compared with NAME.file)
    # stap5-test: exit 1                            (expected exit status, default 0)

expected/NAME.stdout and NAME.stderr are what 4.8 printed (recorded with
`python -m testsuite.oracle --fast` in the same guest; __SCRIPT__ stands for
the script's path), except for procfs.stp whose 4.8 run cannot create its
file on this kernel, and extensions.stp, which tests functions 4.8 lacks.  All modules are built first (two at a time), then run
in one guest boot; after each run no stap5 module may remain loaded.
"""

import concurrent.futures
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SCRIPTS = HERE / "scripts"
EXPECTED = HERE / "expected"
KVER = "6.1.0-56-amd64"


@dataclass
class Case:
    name: str
    path: Path
    stap_options: list = field(default_factory=list)
    staprun_options: list = field(default_factory=list)
    interrupt_after: float = None
    output_file: bool = False
    exit_status: int = 0

    @property
    def module(self):
        return "e_" + self.name


def load_case(path):
    case = Case(path.stem, path)
    for match in re.finditer(r"^# stap5-test: (\S+)\s*(.*)$", path.read_text(), re.M):
        key, value = match.group(1), match.group(2)
        if key == "stap-options":
            case.stap_options += shlex.split(value)
        elif key == "staprun-options":
            case.staprun_options += shlex.split(value.replace("__MODULE__", case.module))
        elif key == "interrupt-after":
            case.interrupt_after = float(value)
        elif key == "output-file":
            case.output_file = True
        elif key == "exit":
            case.exit_status = int(value)
    return case


CASES = [load_case(p) for p in sorted(SCRIPTS.glob("*.stp"))]


@dataclass
class Build:
    ko: str = None
    output: str = ""


def _build(case, directory):
    command = [sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m", case.module,
               *case.stap_options, str(case.path)]
    proc = subprocess.run(command, cwd=directory, capture_output=True, text=True,
                          timeout=900)
    ko = Path(directory) / (case.module + ".ko")
    if proc.returncode != 0 or not ko.exists():
        return Build(None, proc.stdout + proc.stderr)
    return Build(str(ko), proc.stderr)


@pytest.fixture(scope="module")
def modules(tmp_path_factory, vm_assets):
    """Every script's module, built by stap5 -p4 (in parallel, two at a time)."""
    directory = tmp_path_factory.mktemp("e2e-modules")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case.name: pool.submit(_build, case, directory) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


def _expected(case, suffix):
    path = EXPECTED / (case.name + suffix)
    return path.read_text().replace("__SCRIPT__", str(case.path))


def _loaded_stap_modules(guest):
    modules = guest.run(["cat", "/proc/modules"], timeout=30).out
    return [line.split()[0] for line in modules.splitlines()
            if line.startswith(("e_", "stap_"))]


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
        assert _loaded_stap_modules(guest) == [], "a module was left loaded"

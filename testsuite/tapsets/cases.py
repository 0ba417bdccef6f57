"""Scripts exercising the tapset library, and how to build and run them.

scripts/NAME.stp are compared with SystemTap 4.8: expected/NAME.stdout and
NAME.stderr are what 4.8 printed for them, recorded in the test guest with

    cd testsuite/tapsets
    python -m testsuite.oracle --fast scripts/NAME.stp [STAP OPTIONS] [-c CMD]

(the options being the ones of the script's `# stap5-test:` lines).
own/NAME.stp are scripts whose results 4.8 cannot give on this kernel (see
each script's comment); their tests check the printed lines themselves.

`# stap5-test:` lines say what else a run needs:

    # stap5-test: stap-options -g                   (passes 1-4)
    # stap5-test: staprun-options -c "CMD"          (pass 5)
    # stap5-test: exit 1                            (expected exit status, default 0)

Everything runs with testsuite/tapsets as the working directory (the -c
commands use data/).
"""

import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
TAPSETS = PROJECT / "tapsets"
SCRIPTS = HERE / "scripts"
OWN = HERE / "own"
EXPECTED = HERE / "expected"
KVER = "6.1.0-56-amd64"
TAPSET48 = "/usr/share/systemtap/tapset"


@dataclass
class Case:
    name: str
    path: Path
    stap_options: list = field(default_factory=list)
    staprun_options: list = field(default_factory=list)
    exit_status: int = 0

    @property
    def module(self):
        return "tt_" + self.name

    @property
    def relative_path(self):
        """The script as the tests name it (and as 4.8's messages show it)."""
        return str(self.path.relative_to(HERE))


def load_case(path):
    case = Case(path.stem, path)
    for match in re.finditer(r"^# stap5-test: (\S+)\s*(.*)$", path.read_text(), re.M):
        key, value = match.group(1), match.group(2)
        if key == "stap-options":
            case.stap_options += shlex.split(value)
        elif key == "staprun-options":
            case.staprun_options += shlex.split(value)
        elif key == "exit":
            case.exit_status = int(value)
    return case


def cases(directory):
    return [load_case(p) for p in sorted(directory.glob("*.stp"))]


def stap5(*args, cwd=HERE, timeout=900, env_tapset=None):
    """Run stap5 (this tree's), by default from testsuite/tapsets; with
    env_tapset, against that library instead of ours."""
    env = dict(os.environ)
    env.pop("SYSTEMTAP_TAPSET", None)
    if env_tapset:
        env["SYSTEMTAP_TAPSET"] = env_tapset
    return subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


@dataclass
class Build:
    ko: str = None
    output: str = ""


def link_script_directories(directory):
    for name in (SCRIPTS.name, OWN.name):
        if not (directory / name).is_symlink():
            (directory / name).symlink_to(HERE / name)


def build(case, directory):
    """stap5 -p4 in `directory`, where the module lands; the script is named
    as from testsuite/tapsets (through links), as messages will show it."""
    directory = Path(directory)
    link_script_directories(directory)
    proc = stap5("-p4", "-m", case.module, *case.stap_options, case.relative_path,
                 cwd=directory)
    ko = directory / (case.module + ".ko")
    if proc.returncode != 0 or not ko.exists():
        return Build(None, proc.stdout + proc.stderr)
    return Build(str(ko), proc.stderr)


def build_all(all_cases, directory):
    """Build every case's module, two at a time (a build is mostly one gcc)."""
    link_script_directories(Path(directory))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {c.name: pool.submit(build, c, directory) for c in all_cases}
        return {name: future.result() for name, future in futures.items()}


def run(guest, case, ko, timeout=120):
    """Run a built module in the guest with staprun5; returns the Result."""
    argv = guest.python_command("-m", "stap5.run.staprun", *case.staprun_options, ko)
    return guest.run(argv, cwd=str(HERE), timeout=timeout)


def loaded_test_modules(guest):
    modules = guest.run(["cat", "/proc/modules"], timeout=30).out
    return [line.split()[0] for line in modules.splitlines() if line.startswith("tt_")]


def expected(case, suffix):
    return (EXPECTED / (case.name + suffix)).read_text()


def matches_4_8(actual, expected_text):
    """Whether `actual` is what 4.8 printed, up to where the library lives.

    4.8 reports an error raised inside a tapset function "near" that
    function's declaration in its own library (`near identifier
    'kernel_string' at /usr/share/systemtap/tapset/linux/conversions.stp:18:10`);
    ours is in tapsets/, with its own line numbers.  Such a location must
    then name the same function in a file of ours with the same name.
    """
    pattern = []
    position = 0
    location = re.compile(r"(near identifier '\w+' at )" + re.escape(TAPSET48)
                          + r"/((?:linux/)?)([\w.-]+)\.stp:\d+:\d+")
    for match in location.finditer(expected_text):
        pattern.append(re.escape(expected_text[position:match.start()]))
        stem = match.group(3).split("-")[0]      # conversions-guru.stp -> ours may split
        pattern.append(re.escape(match.group(1)) + re.escape(str(TAPSETS)) + "/"
                       + r"(?:linux/)?" + re.escape(stem) + r"[\w.-]*\.stp:\d+:\d+")
        position = match.end()
    pattern.append(re.escape(expected_text[position:]))
    return re.fullmatch("".join(pattern), actual) is not None

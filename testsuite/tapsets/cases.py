"""Scripts exercising the tapset library, and how to build and run them.

scripts/NAME.stp are compared with SystemTap 4.8: expected/NAME.stdout and
NAME.stderr are what 4.8 printed for them, recorded in the test guest with

    cd testsuite/tapsets
    python -m testsuite.oracle --fast scripts/NAME.stp [STAP OPTIONS] [-c CMD]

(the options being the ones of the script's `# stap5-test:` lines).
own/NAME.stp are scripts whose results 4.8 cannot give on this kernel (see
each script's comment); their tests check the printed lines themselves.

`# stap5-test:` lines say what else a run needs (see
testsuite/script_cases.py).

Everything runs with testsuite/tapsets as the working directory (the -c
commands use data/).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from testsuite.script_cases import KVER, build_result, load_cases, loaded_modules
from testsuite.script_cases import build_all as _build_all

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
TAPSETS = PROJECT / "tapsets"
SCRIPTS = HERE / "scripts"
OWN = HERE / "own"
EXPECTED = HERE / "expected"
TAPSET48 = "/usr/share/systemtap/tapset"


def cases(directory):
    return load_cases(directory, "tt_")


def relative_path(case):
    """The script as the tests name it (and as 4.8's messages show it)."""
    return str(case.path.relative_to(HERE))


def stap5(*args, cwd=HERE, timeout=900, env_tapset=None):
    """Run stap5 (this tree's), by default from testsuite/tapsets; with
    env_tapset, against that library instead of ours."""
    env = dict(os.environ)
    env.pop("SYSTEMTAP_TAPSET", None)
    if env_tapset:
        env["SYSTEMTAP_TAPSET"] = env_tapset
    return subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


def link_script_directories(directory):
    for name in (SCRIPTS.name, OWN.name):
        if not (directory / name).is_symlink():
            (directory / name).symlink_to(HERE / name)


def build(case, directory, env_tapset=None):
    """stap5 -p4 in `directory`, where the module lands; the script is named
    as from testsuite/tapsets (through links), as messages will show it."""
    directory = Path(directory)
    link_script_directories(directory)
    proc = stap5("-p4", "-m", case.module, *case.stap_options, relative_path(case),
                 cwd=directory, env_tapset=env_tapset)
    return build_result(proc, directory / (case.module + ".ko"))


def build_all(all_cases, directory, env_tapset=None):
    """Build every case's module, two at a time (a build is mostly one gcc)."""
    link_script_directories(Path(directory))
    return _build_all(all_cases, lambda case: build(case, directory, env_tapset))


def run(guest, case, ko, timeout=120):
    """Run a built module in the guest with staprun5; returns the Result."""
    argv = guest.python_command("-m", "stap5.run.staprun", *case.staprun_options, ko)
    return guest.run(argv, cwd=str(HERE), timeout=timeout)


def loaded_test_modules(guest):
    return loaded_modules(guest, ("tt_",))


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

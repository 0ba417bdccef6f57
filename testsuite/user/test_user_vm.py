"""Process probes run in the guest: stap5 builds each script of scripts/
on the host, staprun5 runs it in the guest with `-c "PROG ARGS"` (the
test program, testsuite/user/prog.c), and its output must be what
SystemTap 4.8 printed for the same script and program.

expected/NAME.stdout was recorded with `python -m testsuite.oracle --fast
scripts/NAME.stp -c "PROG ARGS" -- PROG` (PROG built by programs.py), with
the program's directory written __DIR__ and addresses (which ASLR moves)
0xADDR.  A script's `# stap5-test: args PROG` gives it the program's path
as @1; `# stap5-test: command PROG ARGS` is its -c command.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from testsuite.script_cases import KVER, build_all, build_result, loaded_modules
from testsuite.user.programs import compiler_available, program_path

HERE = Path(__file__).parent
SCRIPTS = sorted((HERE / "scripts").glob("*.stp"))

pytestmark = pytest.mark.skipif(not compiler_available(),
                                reason="gcc and <sys/sdt.h> (systemtap-sdt-dev) needed")


def _settings(script, prog):
    text = script.read_text()
    args = [prog] if re.search(r"^# stap5-test: args PROG$", text, re.M) else []
    command = re.search(r"^# stap5-test: command PROG(.*)$", text, re.M)
    return args, prog + (command.group(1) if command else "")


def normalized(text, prog):
    text = text.replace(str(Path(prog).parent), "__DIR__")
    return re.sub(r"0x[0-9a-f]{9,}", "0xADDR", text)


class _Case:
    def __init__(self, script):
        self.name = script.stem
        self.path = script
        self.module = "u_" + script.stem


@pytest.fixture(scope="module")
def prog():
    return program_path()


@pytest.fixture(scope="module")
def modules(tmp_path_factory, vm_assets, prog):
    directory = tmp_path_factory.mktemp("user-modules")

    def build(case):
        args, _ = _settings(case.path, prog)
        proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m",
                               case.module, str(case.path), *args], cwd=directory,
                              capture_output=True, text=True, timeout=900)
        return build_result(proc, directory / (case.module + ".ko"))
    return build_all([_Case(s) for s in SCRIPTS], build)


@pytest.mark.vm
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script(script, modules, guest, prog):
    build = modules[script.stem]
    assert build.ko, "stap5 -p4 failed:\n" + build.output
    _, command = _settings(script, prog)
    result = guest.run(guest.python_command("-m", "stap5.run.staprun", "-c", command,
                                            build.ko), timeout=180)
    expected = (HERE / "expected" / (script.stem + ".stdout")).read_text()
    assert normalized(result.out, prog) == expected, result.err
    assert result.rc == 0, result.err
    if script.stem == "backtrace":
        # the walk left the known binaries: 4.8's advice
        assert "WARNING: Missing unwind data for a module, rerun with " \
               "'stap -d /usr/lib/x86_64-linux-gnu/libc.so.6'" in result.err
    assert loaded_modules(guest, ["u_"]) == []


@pytest.mark.vm
def test_overlay_program(guest, tmp_path, prog):
    """A program under the guest's /tmp (an overlay over the host's): the
    uprobe goes on the real file (4.8 fails there with rc -5)."""
    copy = tmp_path / "prog"
    copy.write_bytes(Path(prog).read_bytes())
    copy.chmod(0o755)
    ko = tmp_path / "u_overlay.ko"
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m",
                           "u_overlay", "-e",
                           'probe process(@1).function("add") { println($a + $b) }',
                           str(copy)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    result = guest.run(guest.python_command("-m", "stap5.run.staprun", "-c",
                                            "%s 2" % copy, str(ko)), timeout=180)
    assert (result.out, result.rc) == ("2\n3\n", 0), result.err

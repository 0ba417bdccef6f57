"""kernel.function probes from BTF alone, run in the guest: the e2e
scripts that read function parameters, $return and pointer chains, built
as if no DWARF were installed (STAP5_NO_DEBUGINFO=1), must print what 4.8
prints for them with DWARF (testsuite/e2e/expected)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testsuite.script_cases import KVER, build_result, load_case, loaded_modules

E2E = Path(__file__).resolve().parents[1] / "e2e"
SCRIPTS = ["function_params"]


def _build(directory, case):
    env = dict(os.environ, STAP5_NO_DEBUGINFO="1")
    proc = subprocess.run([sys.executable, "-m", "stap5", "-v", "-r", KVER, "-p4", "-m",
                           case.module, *case.stap_options, str(case.path)],
                          cwd=directory, env=env, capture_output=True, text=True, timeout=900)
    return build_result(proc, Path(directory) / (case.module + ".ko"))


@pytest.mark.vm
@pytest.mark.parametrize("name", SCRIPTS)
def test_from_btf(name, guest, tmp_path):
    case = load_case(E2E / "scripts" / (name + ".stp"), "btf_")
    build = _build(tmp_path, case)
    assert build.ko, build.output
    assert "target variables of 3 probes from BTF" in build.output
    argv = guest.python_command("-m", "stap5.run.staprun", *case.staprun_options, build.ko)
    try:
        result = guest.run(argv, timeout=120)
        assert result.out == (E2E / "expected" / (name + ".stdout")).read_text()
        assert result.rc == 0
    finally:
        assert loaded_modules(guest, ("btf_",)) == []


def test_what_needs_dwarf_is_refused(monkeypatch):
    from testsuite.oracle.harness import run_stap5
    monkeypatch.setenv("STAP5_NO_DEBUGINFO", "1")
    got = run_stap5(["-p2", "-e", 'probe kernel.function("vfs_read") { println($ret) }'])
    assert got.status == 1
    assert "the kernel's BTF knows only the parameters of 'vfs_read'; '$ret' needs the " \
        "kernel's DWARF: install the kernel's debuginfo" in got.stderr
    got = run_stap5(["-p2", "-e", 'probe kernel.function("vfs_read").inline {}'])
    assert got.status == 1 and ".inline probes need the kernel's DWARF" in got.stderr
    got = run_stap5(["-p2", "-e", 'probe kernel.function("vfs_raed") {}'])
    assert got.status == 1 and "similar functions: vfs_read" in got.stderr

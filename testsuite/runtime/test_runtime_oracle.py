"""expected_4.8.json against a live SystemTap 4.8 (a developer check).

script.stp is built once with 4.8 (the oracle's patched runtime) and each
scenario is run by 4.8's own staprun in the guest, with `mode=N` as a module
parameter (what stap -G does); what it prints must be what the file records,
which is what test_runtime_script.py holds stap5's runtime to. To re-record
after changing script.stp: STAP5_RECORD=1 pytest -m oracle this file.
"""

import json
import os
import tempfile
from pathlib import Path

import pytest

from testsuite.oracle import runner

SCRIPTS = Path(__file__).resolve().parent / "scripts"
EXPECTED_FILE = SCRIPTS / "expected_4.8.json"

pytestmark = [pytest.mark.oracle, pytest.mark.vm,
              pytest.mark.skipif(not runner.stap_available(),
                                 reason="SystemTap 4.8 (stap) not installed")]


@pytest.fixture(scope="module")
def module_48():
    rt = runner.prepare_runtime()
    work = Path(tempfile.mkdtemp(dir=runner.oracle_dir()))
    # -g: the script has a little embedded C (an address for %m / %M).
    outcome, module = runner.build(runner.Job("script.stp", cwd=str(SCRIPTS),
                                              mode="staprun", options=["-g"]), rt, work)
    assert module is not None, outcome.build_stderr
    return module


def test_48_prints_what_expected_records(guest, module_48):
    expected = json.loads(EXPECTED_FILE.read_text())
    seen = {}
    for mode in expected:
        if mode == "10":    # needs a Ctrl-C: see test_runtime_script.py
            seen[mode] = expected[mode]
            continue
        r = guest.run(["staprun", str(module_48), f"mode={mode}"], timeout=120,
                      cwd=str(SCRIPTS))
        stderr = r.stderr.decode(errors="replace").replace(
            str(SCRIPTS / "script.stp"), "script.stp")
        seen[mode] = {"rc": r.rc, "stdout": r.stdout.decode(errors="surrogateescape"),
                      "stderr": stderr}
    if os.environ.get("STAP5_RECORD"):
        EXPECTED_FILE.write_text(json.dumps(seen, indent=1) + "\n")
    assert seen == expected

"""expected_4.8.json against a live SystemTap 4.8 (a developer check).

The other regex tests hold stap5 to what that file records; this one checks
the file still is what 4.8 says: verdicts and groups from scripts built with
4.8 and run by its staprun in the guest, error messages from its pass 2.
After changing cases.py: STAP5_RECORD=1 pytest -m oracle this file.
"""

import json
import os
from pathlib import Path

import pytest

from testsuite.oracle import runner

EXPECTED_FILE = Path(__file__).resolve().parent / "expected_4.8.json"

pytestmark = [pytest.mark.oracle, pytest.mark.vm,
              pytest.mark.skipif(not runner.stap_available(),
                                 reason="SystemTap 4.8 (stap) not installed")]


def test_48_says_what_expected_records(guest):
    from testsuite.regex import oracle48
    seen = oracle48.record(guest)
    if os.environ.get("STAP5_RECORD"):
        EXPECTED_FILE.write_text(json.dumps(seen, indent=1, ensure_ascii=True) + "\n")
    expected = json.loads(EXPECTED_FILE.read_text())
    assert seen["errors"] == expected["errors"]
    assert seen["verdicts"] == expected["verdicts"]
    assert seen["groups"] == expected["groups"]
    assert seen["group_aborts"] == expected["group_aborts"]

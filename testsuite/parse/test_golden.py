"""Golden -p1 dumps, one case per construct family (see golden_cases.py):
stap5 must print exactly what SystemTap 4.8 printed when the case was
recorded.  These need no stap; a test marked `oracle` checks that the
recordings still are what the installed 4.8 prints."""

import pytest

from testsuite.parse.golden_cases import ENV, GOLDEN_DIR, argv_of, case_names, expected_path
from testsuite.oracle.harness import needs_stap48, run_stap48, run_stap5

CASES = case_names()


def _expected(name):
    with open(expected_path(name)) as f:
        return f.read()


@pytest.mark.parametrize("name", CASES)
def test_golden_dump(name):
    outcome = run_stap5(argv_of(name), cwd=GOLDEN_DIR, env=ENV)
    assert outcome.stderr == ""
    assert outcome.status == 0
    assert outcome.stdout == _expected(name)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.oracle
@needs_stap48
def test_golden_recording_is_current(name):
    outcome = run_stap48(argv_of(name), cwd=GOLDEN_DIR, env=ENV)
    assert outcome.status == 0, outcome.stderr
    assert outcome.stdout == _expected(name)


def test_every_family_has_a_case():
    assert set(CASES) >= {"statements", "expressions", "literals", "probe_points", "aliases",
                          "functions", "globals", "embedded", "preprocessor", "macros",
                          "script_args"}

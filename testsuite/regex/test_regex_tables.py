"""The compiled tables of `=~`, run in Python (stap5.regex.simulate
steps through them exactly as the generated C does).

* 4.8's verdicts, groups and error messages (expected_4.8.json, recorded by
  test_regex_oracle.py) for the cases of cases.py;
* a backtracking reference (reference.py) on random patterns, and Python's
  `re` on the yes/no answer where the dialects agree;
* the limits: repetition counts, automaton size, groups.
"""

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from stap5.regex import Program, RegexError, check_pattern, parser
from testsuite.regex import cases, reference

EXPECTED = json.loads((Path(__file__).resolve().parent / "expected_4.8.json").read_text())

_programs = {}


def program(pattern, captures=False):
    key = (pattern, captures)
    if key not in _programs:
        _programs[key] = Program(pattern, captures)
    return _programs[key]


def texts(subject, spans):
    return None if spans is None else [subject[a:b] if a >= 0 else "" for a, b in spans]


# ---- 4.8's answers -----------------------------------------------------------

@pytest.mark.parametrize("pattern", sorted(EXPECTED["verdicts"]))
def test_verdicts_are_48s(pattern):
    for subject, verdict in EXPECTED["verdicts"][pattern]:
        assert program(pattern).matches(subject) == bool(verdict), repr(subject)
        # The recording matcher agrees on whether there is a match.
        assert (program(pattern, True).groups(subject) is not None) == bool(verdict)


def test_every_case_is_recorded():
    recorded = {(p, s) for p, pairs in EXPECTED["verdicts"].items() for s, _ in pairs}
    assert recorded == {(p, s) for p, subjects in cases.VERDICTS for s in subjects}
    assert set(EXPECTED["errors"]) == set(cases.ERRORS)
    assert [(p, s) for p, s, _ in EXPECTED["groups"]] == cases.GROUPS


@pytest.mark.parametrize("pattern", cases.ERRORS)
def test_error_messages_are_48s(pattern):
    try:
        check_pattern(pattern)
        ours = None
    except RegexError as exc:
        ours = str(exc)
    assert ours == EXPECTED["errors"][pattern]


def test_groups_are_48s_but_for_the_known_differences():
    for pattern, subject, groups in EXPECTED["groups"]:
        expected = cases.GROUP_DIFFERENCES.get((pattern, subject), groups)
        ours = texts(subject, program(pattern, True).groups(subject))
        assert ours == expected, (pattern, subject, groups)
        if groups is not None:
            assert program(pattern).ngroups == len(groups)


def test_known_differences_are_4_8_s_and_the_references():
    for pattern, subject, groups in EXPECTED["groups"]:
        if (pattern, subject) in cases.GROUP_DIFFERENCES:
            ours = cases.GROUP_DIFFERENCES[(pattern, subject)]
            assert groups != ours                       # still a difference
            assert texts(subject, reference.groups(pattern, subject)) == ours


def test_patterns_4_8_aborts_on_follow_the_reference():
    assert set(EXPECTED["group_aborts"]) == {p for p, _ in cases.GROUPS_48_ABORTS}
    for pattern, subject in cases.GROUPS_48_ABORTS:
        assert program(pattern, True).groups(subject) == reference.groups(pattern, subject)


# ---- the dialect, in detail ----------------------------------------------------

def test_literal_escapes_are_resolved_before_the_regex_reads_them():
    assert program(r"a\tb").matches("a\tb") and not program(r"a\tb").matches("atb")
    assert program(r"\x41\102").matches("AB")
    assert program(r"\\.").matches(".") and not program(r"\\.").matches("a")
    assert program(r"\x5c.").matches(".") and not program(r"\x5c.").matches("a")
    assert program(r"a\x7c").matches("anything")            # a| : the empty branch


def test_patterns_and_subjects_are_bytes():
    """Scripts are UTF-8: a pattern's é is two bytes, as in the subject.  4.8
    agrees on `.` against é; it crashes on any pattern byte >= 0x80, where
    we just match bytes."""
    e_acute = "\u00e9".encode()
    assert not program("^.$").matches(e_acute) and program("^..$").matches(e_acute)
    assert program("^\u00e9$").matches(e_acute)
    assert program("[\u00e9]").matches(b"x\xa9") and not program("^[^\u00e9]$").matches(b"\xc3")
    with pytest.raises(RegexError, match="at position 5\\): Inverted character range \udca9-a"):
        check_pattern("[\u00e9-a]")


def test_the_end_is_consumed_by_dollar():
    assert program("a$").matches("a") and not program("a$").matches("a\n")
    assert not program("a$$").matches("a")
    assert not program("$^").matches("")
    assert program("a$b*").matches("a")


def test_positions_count_in_the_literal_as_written():
    with pytest.raises(RegexError, match=r"at position 6\): expected \), found end"):
        check_pattern(r"\n\n\n(")


def test_our_own_refusals():
    with pytest.raises(RegexError, match=r"inverted repetition range \{2,1\}"):
        check_pattern("a{2,1}")                 # 4.8 trips an assertion
    with pytest.raises(RegexError, match="%d is too large" % (parser.MAX_REPEAT + 1)):
        check_pattern("a{%d}" % (parser.MAX_REPEAT + 1))
    check_pattern("a{%d}" % parser.MAX_REPEAT)
    with pytest.raises(RegexError, match="pattern too complex"):
        Program("(a|b)*a(a|b){14}")             # 2^14 states to remember the last 14 bytes
    with pytest.raises(RegexError, match="pattern too complex"):
        Program("(a{100}){100}")
    with pytest.raises(RegexError, match="too many subexpressions"):
        Program("()" * 32, captures=True)
    Program("()" * 31, captures=True)


def test_matchers_read_at_most_maxstringlen_bytes():
    # The subject is cut where the C buffer would be: MAXSTRINGLEN - 1 bytes.
    assert program("x$").matches("a" * 10 + "x", maxlen=12)
    assert not program("x$").matches("a" * 11 + "x", maxlen=12)
    assert program("a$", True).groups("b" * 20 + "a", maxlen=8) is None


# ---- random patterns against the reference and Python ------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2 ** 32), st.lists(st.text("abc:", max_size=7), min_size=1, max_size=8))
def test_random_patterns_match_the_reference(seed, subjects):
    generated = reference.random_pattern(random.Random(seed))
    yes_no, recording = program(generated.stap), program(generated.stap, True)
    for subject in subjects:
        expected = reference.groups(generated.stap, subject)
        assert recording.groups(subject) == expected, (generated.stap, subject)
        assert yes_no.matches(subject) == (expected is not None), (generated.stap, subject)
        if generated.python is not None:
            found = re.search(generated.python, subject, re.DOTALL) is not None
            assert found == (expected is not None), (generated.stap, generated.python, subject)


def test_a_fixed_sample_of_random_patterns():
    """The same, reproducibly and wider: 400 patterns, 8 subjects each."""
    for pattern, subjects in reference.sample(seed=5, count=400):
        for subject in subjects:
            expected = reference.groups(pattern, subject)
            assert program(pattern, True).groups(subject) == expected, (pattern, subject)
            assert program(pattern).matches(subject) == (expected is not None)


def test_group_limit_is_the_runtimes():
    """The compiler refuses what the runtime's struct stp_regex_match cannot hold."""
    import re
    from stap5.regex.captures import MAX_GROUPS
    from stap5.session import DEFAULT_RUNTIME_DIR
    with open(DEFAULT_RUNTIME_DIR + "/regex.h") as f:
        limit = re.search(r"#define STP_REGEX_MAX_GROUPS (\d+)", f.read())
    assert limit and int(limit.group(1)) == MAX_GROUPS

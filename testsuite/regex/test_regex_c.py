"""The generated C, compiled with gcc as a user-space program (cprogram.py)
under AddressSanitizer, answers like the tables run in Python --
which test_regex_tables.py holds to 4.8 and to the reference matcher.

One program holds every matcher (both kinds) of the cases and of a random
sample; a second is built with a tiny MAXSTRINGLEN to check the matchers
stop at the buffer's end.
"""

import shutil

import pytest

from stap5.regex import Program
from testsuite.regex import cases, reference
from testsuite.regex.cprogram import MatcherProgram

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")


def _specs_and_queries():
    subjects = {}
    for pattern, some in cases.VERDICTS:
        subjects.setdefault(pattern, []).extend(some)
    for pattern, subject in cases.GROUPS + cases.GROUPS_48_ABORTS:
        subjects.setdefault(pattern, []).append(subject)
    for pattern, some in reference.sample(seed=11, count=150):
        subjects.setdefault(pattern, []).extend(some)
    specs, queries = [], []
    for pattern, some in subjects.items():
        for records in (False, True):
            specs.append((pattern, records))
            queries += [(len(specs) - 1, subject, True) for subject in some]
    return specs, queries


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    specs, queries = _specs_and_queries()
    return MatcherProgram(specs, tmp_path_factory.mktemp("regex-c")), queries


def test_the_c_answers_like_the_tables(built):
    program, queries = built
    answers = program.run(queries)
    compiled = {}
    mismatches = []
    for (index, subject, _), (verdict, groups) in zip(queries, answers):
        pattern, records = program.specs[index]
        if (pattern, records) not in compiled:
            compiled[(pattern, records)] = Program(pattern, records)
        tables = compiled[(pattern, records)]
        if records:
            expected = tables.groups(subject)
            ok = verdict == (expected is not None) and groups == expected
        else:
            expected = tables.matches(subject)
            ok = verdict == expected
        if not ok:
            mismatches.append((pattern, records, subject, verdict, groups, expected))
    assert mismatches == []
    assert len(queries) > 2000


def test_matchers_stop_at_the_end_of_the_buffer(tmp_path):
    """MAXSTRINGLEN 16: a subject is at most 15 bytes; a buffer without a NUL
    is read no further (the sanitizer would abort on one byte more)."""
    patterns = ["x$", "^a*$", "(a|x)+$", "a{15}", "a{16}", "b", "^(a*)(x?)$"]
    specs = [(p, records) for p in patterns for records in (False, True)]
    program = MatcherProgram(specs, tmp_path, maxstringlen=16)
    queries = []
    for index in range(len(specs)):
        for subject in ["a" * 14 + "x", "a" * 15 + "x", "a" * 20 + "x", "a" * 15, "a" * 16]:
            queries.append((index, subject, True))
        queries.append((index, "a" * 15, False))       # 15 bytes, no NUL anywhere
        queries.append((index, "a" * 14 + "x", False))
    answers = program.run(queries)
    for (index, subject, _), (verdict, groups) in zip(queries, answers):
        pattern, records = specs[index]
        tables = Program(pattern, records)
        if records:
            assert groups == tables.groups(subject, maxlen=16), (pattern, subject)
        assert verdict == tables.matches(subject, maxlen=16), (pattern, subject)
    # Spot checks of what the cut means.
    assert answers[queries.index((0, "a" * 14 + "x", True))][0] == 1
    assert answers[queries.index((0, "a" * 15 + "x", True))][0] == 0

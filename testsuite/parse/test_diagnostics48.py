"""Pass-1 diagnostics against SystemTap 4.8.

1. A corpus of broken scripts (broken_scripts.py), each run as a user would:
   stap5 must print exactly what 4.8 prints (messages, `saw:`/`at:` lines,
   source lines and carets, expansion chains, count lines, "Pass 1: parse
   failed.", the note about suppressed similar messages) and exit the same.
2. Hundreds of mutants of the golden scripts (mutations.py), all given to
   one 4.8 run as -E scripts: every error of every mutant is compared.
   An LALR parser does not fail exactly where a recursive-descent one does
   in every case; the test requires near-complete agreement and prints
   the disagreements.

Where stap5 differs from 4.8 on purpose, KNOWN_DIFFERENCES says why, and the
test checks what stap5 does instead.  Remaining differences, found with the
mutants, that are not worth an LALR contortion:
  - after an error inside a `@define`, 4.8 sometimes forgets later macro
    definitions of the file (their uses then fail as "unknown operator");
  - `printd(",")`-style calls with nothing but the delimiter: 4.8 reads on
    past the `)` for values; stap5 reports the simplest case (the token after
    the `)`) the same way and differs when an expression follows;
  - a few errors at the end of the file name the last token read instead of
    the end of the file, or the other way round.
"""

import re
import shlex

import pytest

from testsuite.parse import mutations
from testsuite.parse.broken_scripts import CASES
from testsuite.parse.golden_cases import GOLDEN_DIR, TAPSET_DIR
from testsuite.oracle.harness import (TAPSET48, needs_stap48, run_stap48, run_stap5,
                                     run_stap5_pass1)

pytestmark = [pytest.mark.oracle, needs_stap48]

STAP5_ENV = {"SYSTEMTAP_TAPSET": TAPSET48}

KNOWN_DIFFERENCES = {
    "missing-function-body": (
        "4.8 dies with SIGSEGV on a function without a body at the end of the file",
        "parse error: unexpected end-of-file\n        saw: <input> EOF\n"),
    "macro-recursive": (
        "4.8 expands a recursive macro until it is killed (out of memory)",
        "parse error: recursive macro expansion\n         at: operator '@m'"),
}


def _argv(options, script):
    if "--" in options:
        cut = options.index("--")
        return ["-p1"] + options[:cut] + ["-e", script] + options[cut + 1:]
    return ["-p1"] + options + ["-e", script]


_MEASUREMENTS = re.compile(r"using \d+virt/\d+res/\d+shr/\d+data kb, in \d+usr/\d+sys/\d+real ms")


def _normalized(text):
    return _MEASUREMENTS.sub("using (measurements)", text)


@pytest.fixture(scope="module")
def corpus_outcomes():
    """4.8's outcomes for the whole corpus, started in parallel."""
    from testsuite.oracle.harness import prefetch_stap48
    prefetch_stap48([{"argv": _argv(options, script), "cwd": "/"}
                     for name, options, script in CASES if name not in KNOWN_DIFFERENCES])


@pytest.mark.parametrize("name,options,script", CASES, ids=[case[0] for case in CASES])
def test_broken_script_like_48(name, options, script, corpus_outcomes):
    argv = _argv(options, script)
    actual = run_stap5_pass1(argv, cwd="/", env=STAP5_ENV)
    if name in KNOWN_DIFFERENCES:
        _why, expected_start = KNOWN_DIFFERENCES[name]
        assert actual.status == 1 and actual.stderr.startswith(expected_start), actual.stderr
        return
    expected = run_stap48(argv, cwd="/")
    assert _normalized(actual.stderr) == _normalized(expected.stderr)
    assert actual.stdout == expected.stdout
    assert actual.status == expected.status


def test_the_cli_prints_the_same(corpus_outcomes):
    """The CLI (driver and all) on a few corpus cases, not only pass 1's API."""
    for name in ("missing-close-paren-if", "similar-many", "cond-missing-then",
                 "macro-wrong-arg-count", "guru-const"):
        options, script = next((o, s) for n, o, s in CASES if n == name)
        argv = _argv(options, script)
        expected = run_stap48(argv, cwd="/")
        actual = run_stap5(argv, cwd="/", env=STAP5_ENV)
        assert (actual.status, actual.stderr) == (expected.status, expected.stderr), name


# --- mutants ---------------------------------------------------------------------

MUTANT_COUNT = 400
MUTANT_SEED = 48
BATCH = 40
REQUIRED_AGREEMENT = 0.97
MUTANT_OPTIONS = ["-p1", "--vp", "10", "-g"]
MUTANT_ARGS = shlex.split("""42 hello "a b" 'kernel.function("x")' 1+2""")
MUTANT_ENV = {"SYSTEMTAP_TAPSET": TAPSET_DIR}


def _errors_by_input(stderr):
    """The error blocks of a run over many -E scripts, by script number."""
    found = {}
    for block in re.split(r"\n(?=parse error: )", "\n" + stderr):
        block = block.strip("\n")
        if not block.startswith("parse error: "):
            continue
        block = re.split(r"\n\n", block)[0]
        where = re.search(r"<input(\d+)>", block)
        if where:
            found.setdefault(int(where.group(1)), []).append(block)
    return found


def _batch_argv(scripts):
    argv = MUTANT_OPTIONS + ["-e", "probe begin {}"]
    for script in scripts:
        argv += ["-E", script]
    return argv + ["--"] + MUTANT_ARGS


def _compare_batch(scripts):
    """[(script, 4.8's errors, stap5's errors)] for the scripts 4.8 survives."""
    expected = run_stap48(_batch_argv(scripts), cwd=GOLDEN_DIR, env=MUTANT_ENV)
    if expected.status < 0:
        # 4.8 crashed on one of them: take them one by one, leave that out.
        if len(scripts) == 1:
            return []
        return [result for script in scripts for result in _compare_batch([script])]
    actual = run_stap5_pass1(_batch_argv(scripts), cwd=GOLDEN_DIR, env=MUTANT_ENV)
    ours, theirs = _errors_by_input(actual.stderr), _errors_by_input(expected.stderr)
    return [(script, theirs.get(n, []), ours.get(n, []))
            for n, script in enumerate(scripts, 1)]


def test_mutants_have_the_errors_of_48():
    scripts = mutations.mutants(MUTANT_COUNT, MUTANT_SEED)
    compared = []
    for start in range(0, len(scripts), BATCH):
        compared.extend(_compare_batch(scripts[start:start + BATCH]))
    differing = [(s, theirs, ours) for s, theirs, ours in compared if theirs != ours]
    agreement = 1 - len(differing) / len(compared)
    report = "\n\n".join("--- script ---\n%s\n--- 4.8 ---\n%s\n--- stap5 ---\n%s"
                         % (s, "\n".join(theirs), "\n".join(ours))
                         for s, theirs, ours in differing[:5])
    assert len(compared) > MUTANT_COUNT * 0.9
    assert agreement >= REQUIRED_AGREEMENT, \
        "%d of %d mutants differ; first ones:\n%s" % (len(differing), len(compared), report)

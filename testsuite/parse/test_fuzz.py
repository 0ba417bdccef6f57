"""No input makes pass 1 crash: whatever the script, parsing succeeds or
reports StapErrors, and the CLI exits 0 or 1 with a diagnostic, never with a
Python traceback.

Inputs are real scripts (the golden cases) with stacked token mutations,
byte flips, truncations and stray preprocessor directives, plus arbitrary
text and bytes, and pathologically deep nesting.  Hypothesis runs a bounded,
reproducible number of examples (STAP5_FUZZ_EXAMPLES raises it, for a longer
hunt on a developer's machine).
"""

import os
import random
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stap5.cli import RECURSION_LIMIT
from stap5.diagnostics import SourceFile, StapError
from stap5.parse.parser import parse_source
from stap5.parse.preprocessor import PreprocessorEnv
from stap5.parse.printer import dump_file
from testsuite.parse import mutations
from testsuite.oracle.harness import run_stap5

EXAMPLES = int(os.environ.get("STAP5_FUZZ_EXAMPLES", "150"))
# As the CLI sets it (here, before Hypothesis looks at it).
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))

SCRIPTS = [text for _, text in mutations.golden_scripts()]
DIRECTIVES = ["%(", "%?", "%:", "%)", "@define m %(", "@define m(a) %( @a %)", "@m", "@m(",
              "$1", "@2", "$#", "@#", "$9", "%{", "%}", "/*", '"', "\\", "@define", "@",
              "%( arch == \"x86_64\" %?", "%( kernel_v >= \"2.6\" %? x %: y %)"]
ENV = PreprocessorEnv(kernel_release="6.1.0-56-amd64", arch="x86_64",
                      kernel_config={"CONFIG_SMP": "y", "CONFIG_HZ": "250"},
                      script_args=["1", "x", "a b", "+"])


def _flip_byte(text, rng):
    data = bytearray(text.encode("utf-8", "surrogateescape"))
    if data:
        data[rng.randrange(len(data))] = rng.randrange(256)
    return data.decode("utf-8", "surrogateescape")


def _insert_directive(text, rng):
    at = rng.randrange(len(text) + 1)
    return text[:at] + " " + rng.choice(DIRECTIVES) + " " + text[at:]


def _mutated(seed, rounds):
    rng = random.Random(seed)
    text = rng.choice(SCRIPTS)
    for _ in range(rounds):
        edit = rng.choice([mutations.mutate, mutations.mutate, _flip_byte, _insert_directive,
                           lambda t, r: t[:r.randrange(len(t) + 1)]])
        text = edit(text, rng)
    return text


mutated_scripts = st.builds(_mutated, st.integers(0, 2 ** 32), st.integers(1, 6))
random_text = st.one_of(
    st.lists(st.sampled_from(list("()[]{}%?:;,.=+-*/<>!&|^~$@#\"'\\ \n\tax01")
                             + DIRECTIVES + ["probe", "if", "global", "function"]),
             max_size=40).map(" ".join),
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")),
)


def _parse_everything(text, guru):
    """Parse, render every error and dump the tree: none of it may raise
    anything but a StapError (which parse_source reports, not raises)."""
    stap_file, errors = parse_source(SourceFile("<input>", text, synthetic=True), ENV, {},
                                     guru)
    assert all(isinstance(error, StapError) for error in errors)
    for error in errors:
        error.render()
    dump_file(stap_file)


@FUZZ
@given(mutated_scripts, st.booleans())
def test_mutated_scripts_parse_or_report(text, guru):
    _parse_everything(text, guru)


@FUZZ
@given(random_text)
def test_arbitrary_text_parses_or_reports(text):
    _parse_everything(text, False)


@settings(max_examples=max(20, EXAMPLES // 5), deadline=None, database=None,
          derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.one_of(mutated_scripts, random_text))
def test_the_cli_exits_with_a_diagnostic(text):
    outcome = run_stap5(["-p1", "-e", text, "--", "1", "x"], env={"SYSTEMTAP_TAPSET": "/"})
    assert "Traceback" not in outcome.stderr
    if outcome.status == 0:
        assert outcome.stdout.startswith("# parse tree dump\n")
    else:
        assert outcome.status == 1
        assert "Pass 1: parse failed.  [man error::pass1]" in outcome.stderr


def test_deep_nesting_is_an_error_not_a_crash():
    deep = 30000
    for script in ["probe begin { " + "{" * deep + "}" * deep + " }",
                   "probe begin { x = " + " + ".join(["1"] * deep) + " }",
                   "probe begin { " + "if (1) " * deep + "x = 1 }"]:
        outcome = run_stap5(["-p1", "-e", script], env={"SYSTEMTAP_TAPSET": "/"})
        assert outcome.status == 1
        assert "nested too deeply" in outcome.stderr
        assert "Traceback" not in outcome.stderr


def test_machine_made_depth_is_fine():
    """Thousands of levels, as generated scripts have, still parse."""
    script = "probe begin { x = " + " || ".join("a == %d" % i for i in range(3000)) + " }"
    outcome = run_stap5(["-p1", "-e", script], env={"SYSTEMTAP_TAPSET": "/"})
    assert outcome.status == 0, outcome.stderr
    assert outcome.stdout.count("||") == 2999


# --- what refers to itself: script arguments and macros --------------------------

# Pieces of argument values and of scripts: references to arguments, macro
# definitions and uses (some recursive), and text that opens what the rest of
# the input would have to close.
SELF_REFERRING = ["$1", "$2", "@1", "@2", "$#", "@#", "$12", "@01", "x", "1", " ", "+",
                  "%(", "%?", "%:", "%)", "/*", '"', "@m", "@m(", "@n", ")", ",", "(",
                  "@define m %(", "@define m(a) %(", "@define n %(", "@a", "@m(@a @a)",
                  "@n @n", "probe begin {", "print(", "}", "1 == 1"]
RECURSIVE_MACROS = [
    "@define m %( @m %)",
    "@define m %( @m @m %)",
    "@define m(a) %( @m(@a @a) %)",
    "@define m(a) %( @m(@m(@a)) %)",
    "@define m %( @n @n %) @define n %( @m @m %)",
    "@define m(a) %( @a @m(@a) %)",
    "@define m %( $1 @m %)",
]
pieces = st.lists(st.sampled_from(SELF_REFERRING), max_size=12).map("".join)


class _Hang(Exception):
    pass


def _bounded(seconds):
    """A guard that fails the test instead of letting a loop hang it."""
    import signal

    def expire(_signum, _frame):
        raise _Hang("still running after %d seconds" % seconds)
    return signal.signal(signal.SIGALRM, expire), signal.alarm(seconds)


def _finishes_with_a_diagnostic(argv):
    import signal
    previous, _ = _bounded(120)
    try:
        outcome = run_stap5(argv, env={"SYSTEMTAP_TAPSET": "/"})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert "Traceback" not in outcome.stderr
    if outcome.status == 0:
        assert outcome.stdout.startswith("# parse tree dump\n")
    else:
        assert outcome.status == 1, outcome
        assert "Pass 1: parse failed.  [man error::pass1]" in outcome.stderr
    return outcome


@settings(max_examples=max(20, EXAMPLES // 3), deadline=None, database=None,
          derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(pieces, min_size=1, max_size=3), pieces,
       st.one_of(st.just(""), st.sampled_from(RECURSIVE_MACROS)))
def test_self_referring_arguments_and_macros_end_in_a_diagnostic(args, text, macros):
    """Arguments whose values name arguments (themselves too), macros that
    expand to themselves (growing or not): never a hang, a diagnostic."""
    script = "%s probe begin { print(%s) } probe end { %s }" % (macros, text, text)
    _finishes_with_a_diagnostic(["-p1", "-e", script, "--"] + args)


def test_the_reported_hangs_are_errors():
    for argv in (["-p1", "-e", "$1", "$1"], ["-p1", "-e", "probe begin {$1}", "x $1"]):
        outcome = _finishes_with_a_diagnostic(argv)
        assert outcome.status == 1
        assert "invalid nested substitution of command line arguments" in outcome.stderr
    for macro in RECURSIVE_MACROS:
        outcome = _finishes_with_a_diagnostic(
            ["-p1", "-e", macro + " probe begin { print(@m%s) }"
             % ("(1)" if "m(a)" in macro else ""), "x"])
        assert outcome.status == 1
        assert "recursive macro expansion" in outcome.stderr, macro

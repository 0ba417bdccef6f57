"""Pass 1 against SystemTap 4.8, on real scripts: every example Debian ships
with 4.8, and 4.8's whole tapset library.

An example is run as its user would: as is; then with -g if 4.8 says it
needs guru mode; then, if it uses script arguments, with those of its .meta
file's test command, else with dummy ones.  Whatever 4.8 then does (parse or
fail), stap5 must do the same: same exit status, same -p1 dump, same
diagnostics.  stap5 reads 4.8's tapsets here (SYSTEMTAP_TAPSET), so that both
see the same library macros.
"""

import glob
import os
import re
import shlex

import pytest

from testsuite.oracle.harness import (EXAMPLES48, TAPSET48, needs_stap48, run_stap48,
                                     run_stap5, submit)

pytestmark = [pytest.mark.oracle, needs_stap48]

STAP5_ENV = {"SYSTEMTAP_TAPSET": TAPSET48}

EXAMPLES = sorted(glob.glob(os.path.join(EXAMPLES48, "**", "*.stp"), recursive=True))


def _script_argument_count(path):
    with open(path, errors="replace") as f:
        text = f.read()
    return max([int(n) for n in re.findall(r"[$@]([1-9][0-9]*)", text)] or [0])


def _meta_invocation(path):
    """(options, arguments) of the `test_check:` command of the example's
    .meta file, when it has one a shell needn't expand."""
    meta = path[:-len(".stp")] + ".meta"
    try:
        with open(meta) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("test_check:"):
            command = line.partition(":")[2]
            if "`" in command or "$(" in command:
                return None
            words = shlex.split(command)
            name = os.path.basename(path)
            if name not in words:
                return None
            at = words.index(name)
            return [w for w in words[1:at] if w == "-g"], words[at + 1:]
    return None


def choose_invocation(path, pass_option="-p1"):
    """The argv a user of `-p1` (or `pass_option`) would end with, and
    4.8's outcome with it."""
    directory = os.path.dirname(path)
    options = [pass_option]
    argv = options + [path]
    outcome = run_stap48(argv, cwd=directory)
    if outcome.status != 0 and "stap -g" in outcome.stderr:
        options = [pass_option, "-g"]
        argv = options + [path]
        outcome = run_stap48(argv, cwd=directory)
    count = _script_argument_count(path)
    if outcome.status != 0 and count:
        meta = _meta_invocation(path)
        candidates = []
        if meta is not None:
            candidates.append((options + [o for o in meta[0] if o not in options], meta[1]))
        candidates += [(options, ["1"] * count), (options, ["x"] * count)]
        for opts, args in candidates:
            argv = opts + [path] + args
            outcome = run_stap48(argv, cwd=directory)
            if outcome.status == 0:
                break
    return argv, outcome


_choices = {}


@pytest.fixture(scope="module")
def invocations():
    """Start choosing every example's invocation in the background at once."""
    if not _choices:
        for path in EXAMPLES:
            _choices[path] = submit(choose_invocation, path)
    return _choices


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: os.path.relpath(p, EXAMPLES48))
def test_example_like_48(path, invocations):
    argv, expected = invocations[path].result()
    actual = run_stap5(argv, cwd=os.path.dirname(path), env=STAP5_ENV)
    assert actual.stderr == expected.stderr, "argv: %s" % argv
    assert actual.stdout == expected.stdout, "argv: %s" % argv
    assert actual.status == expected.status, "argv: %s" % argv


def test_most_examples_parse():
    """The corpus is what it should be: 4.8 parses all but a handful (the
    security-band-aids template has `{...}` placeholders)."""
    if not EXAMPLES:
        pytest.skip("no examples in %s" % EXAMPLES48)
    outcomes = [submit(choose_invocation, path) for path in EXAMPLES]
    parsed = sum(1 for future in outcomes if future.result()[1].status == 0)
    assert len(EXAMPLES) >= 200 and parsed >= len(EXAMPLES) - 2, (parsed, len(EXAMPLES))


_PASS1_LINE = re.compile(r"^Pass 1: parsed user script and (\d+) library scripts using "
                         r"\d+virt/\d+res/\d+shr/\d+data kb, in \d+usr/\d+sys/\d+real ms\.$",
                         re.M)


def test_whole_tapset_library_dump_like_48():
    argv = ["-v", "-p1", "-e", "probe begin {}"]
    expected = run_stap48(argv, cwd="/")
    actual = run_stap5(argv, cwd="/", env=STAP5_ENV)
    assert actual.status == expected.status == 0, actual.stderr
    assert actual.stdout == expected.stdout
    # Same stderr, except for the measurements.
    assert _PASS1_LINE.sub("Pass 1", actual.stderr) == _PASS1_LINE.sub("Pass 1", expected.stderr)
    counts = [_PASS1_LINE.search(out).group(1) for out in (expected.stderr, actual.stderr)]
    assert counts[0] == counts[1] and int(counts[0]) > 400, counts

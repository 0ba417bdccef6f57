"""What pass 3 makes of each construct, kept as snapshots (host only).

snapshots/NAME.stp is a small script about one construct; snapshots/NAME.c
is what `stap5 -p3` generates for it, reduced to what the construct decides:
the module's name and the source paths of the host are replaced, the
`#line` directives naming the generated file go (their numbers move with
anything above them), and so do the bodies of tapset functions (their own
files' business).  A change in the generated C shows as a diff here: if it
is what was meant, regenerate the snapshots with

    STAP5_UPDATE_SNAPSHOTS=1 python3 -m pytest testsuite/translate/test_snapshots.py

and read the diff of snapshots/*.c before committing it.  A line
`# options: ...` at the top of a script gives stap5 options.
"""

import difflib
import os
import re
import shlex
from pathlib import Path

import pytest

from stap5.session import DEFAULT_TAPSET_DIR
from testsuite.oracle.harness import run_stap5

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SCRIPTS = sorted(SNAPSHOTS.glob("*.stp"))
UPDATE = os.environ.get("STAP5_UPDATE_SNAPSHOTS", "") not in ("", "0")

_MODULE_NAME = re.compile(r"\bstap_[0-9a-f]{24}\b")
_GENERATED_LINE = re.compile(r'^#line \d+ "MODULE\.c"\n', re.M)
_SECTION = re.compile(r"^/\* ---- ", re.M)
# A function's comment: "name:type (params) at FILE:LINE:COL".
_FUNCTION = re.compile(r"^/\* \S+:\S+ \(.*\) at (\S+):\d+:\d+ \*/\n", re.M)


def _options(script):
    first = script.read_text().splitlines()[0]
    return shlex.split(first.split(":", 1)[1]) if first.startswith("# options:") else []


def reduce(generated, script_name):
    """What a snapshot keeps of stap5 -p3's output."""
    text = _MODULE_NAME.sub("MODULE", generated)
    text = text.replace(DEFAULT_TAPSET_DIR + "/", "TAPSETS/")
    text = _GENERATED_LINE.sub("", text)
    text = text[_SECTION.search(text).start():]          # from the first section on
    kept, pos = [], 0
    for match in _FUNCTION.finditer(text):
        if match.group(1) == script_name:
            continue
        # A tapset function: its comment stays, its body goes.
        end = text.index("\n}\n", match.end()) + 3
        kept.append(text[pos:match.end()])
        kept.append("/* (body from the tapset) */\n")
        pos = end
    kept.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(kept))


def generate(script):
    outcome = run_stap5(["-p3", *_options(script), script.name], cwd=str(SNAPSHOTS),
                        env={"SYSTEMTAP_TAPSET": None})
    assert outcome.status == 0, outcome.stderr
    return reduce(outcome.stdout, script.name)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_generated_c_is_the_snapshot(script):
    got = generate(script)
    snapshot = script.with_suffix(".c")
    if UPDATE:
        snapshot.write_text(got)
    assert snapshot.exists(), "no snapshot: run with STAP5_UPDATE_SNAPSHOTS=1"
    want = snapshot.read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            str(snapshot), "stap5 -p3"))
        pytest.fail("the generated C differs from the snapshot:\n" + diff)


def test_every_snapshot_has_its_script():
    assert {p.stem for p in SNAPSHOTS.glob("*.c")} == {p.stem for p in SCRIPTS}


def test_reduction_keeps_the_scripts_own_functions():
    text = generate(SNAPSHOTS / "functions.stp")
    assert "fib:long (n:long) at functions.stp:" in text
    assert "MAXNESTING" in text and "MODULE" not in text[:40]

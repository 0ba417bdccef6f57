"""The golden pass-1 cases: testsuite/parse/golden/NAME.stp and the -p1 dump
SystemTap 4.8 printed for it, NAME.p1, recorded once and checked in.

A case's options (and script arguments, after `--`) are on a line of its own:

    # stap5-golden-options: -g -- arg1 "arg two"

Both stap 4.8 (when recording) and stap5 run in the golden directory with
SYSTEMTAP_TAPSET set to golden/tapset, a small library of the cases' own, so
that the result doesn't depend on any installed tapsets.

Record (or re-record) with 4.8:  python -m testsuite.parse.golden_cases [NAME...]
"""

import glob
import os
import re
import shlex
import sys

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
TAPSET_DIR = os.path.join(GOLDEN_DIR, "tapset")
ENV = {"SYSTEMTAP_TAPSET": TAPSET_DIR}


def case_names():
    return sorted(os.path.basename(p)[:-len(".stp")]
                  for p in glob.glob(os.path.join(GOLDEN_DIR, "*.stp")))


def argv_of(name):
    """The -p1 command line of a case (relative to GOLDEN_DIR)."""
    with open(os.path.join(GOLDEN_DIR, name + ".stp")) as f:
        text = f.read()
    match = re.search(r"^# stap5-golden-options:(.*)$", text, re.M)
    words = shlex.split(match.group(1)) if match else []
    options, args = (words[:words.index("--")], words[words.index("--") + 1:]) \
        if "--" in words else (words, [])
    return ["-p1"] + options + [name + ".stp"] + args


def expected_path(name):
    return os.path.join(GOLDEN_DIR, name + ".p1")


def record(names):
    from testsuite.oracle.harness import run_stap48
    failed = False
    for name in names:
        outcome = run_stap48(argv_of(name), cwd=GOLDEN_DIR, env=ENV)
        if outcome.status != 0:
            sys.stderr.write("%s: stap 4.8 failed:\n%s" % (name, outcome.stderr))
            failed = True
            continue
        with open(expected_path(name), "w") as f:
            f.write(outcome.stdout)
        print("recorded %s.p1" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(record(sys.argv[1:] or case_names()))

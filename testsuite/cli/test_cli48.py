"""The command line of pass 1, as stap users know it, against SystemTap 4.8:
scripts from a file, `-e`, stdin (`-`), `-E`, script arguments (after the
script, after `--`), empty and missing scripts, --help, -V, bad options and
pass numbers.

Option errors are cli.py's own business and are compared end to end.  What
pass 1 prints is compared through the API the driver uses to print it
(run_stap5_pass1; see testsuite/oracle/harness.py), and once more end to end
in a test that is expected to fail until driver.py prints pass 1 that way.

Deliberate differences:
  - the program calls itself stap5 ("stap5: invalid option -- 'Z'");
  - "A script must be specified." is not followed by 4.8's hint to try `-i`,
    which stap5 does not offer;
  - --help and -V describe stap5 (its version, its options), so only their
    shape is compared.
"""

import os
import re

import pytest

from testsuite.oracle.harness import (TAPSET48, needs_stap48, run_stap48, run_stap5,
                                     run_stap5_pass1)

pytestmark = [pytest.mark.oracle, needs_stap48]

STAP5_ENV = {"SYSTEMTAP_TAPSET": TAPSET48}
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def scripts():
    """The directory of the test scripts (hello.stp, empty.stp...); tests run
    in it (a fixed place, so that 4.8's outcomes stay cached)."""
    return os.path.join(HERE, "scripts")


# (name, argv, stdin): what pass 1 does with its input.
PASS1_CASES = [
    ("file", ["-p1", "hello.stp", "a"], None),
    ("file-args-after-dashdash", ["-p1", "hello.stp", "--", "-v"], None),
    ("option-after-script", ["-p1", "hello.stp", "a", "-g"], None),
    ("e", ["-p1", "-e", 'probe begin { print($1, @2, $#, @#) }', "--", "7", "b"], None),
    ("e-extra-words-are-args", ["-p1", "-e", "probe begin { print(@1) }", "hello.stp"], None),
    ("stdin", ["-p1", "-"], 'probe begin { println("from stdin") }'),
    ("stdin-args", ["-p1", "-", "x", "y"], "probe begin { print(@1, @2) }"),
    ("stdin-empty", ["-p1", "-"], ""),
    ("E", ["-p1", "-e", "probe begin {}", "-E", "probe end {}", "-E", "probe never {}"],
     None),
    ("file-and-E", ["-p1", "hello.stp", "a", "-E", "probe end {}"], None),
    ("E-with-errors", ["-p1", "-e", "probe begin { x = }", "-E", "probe end { if }"],
     None),
    ("e-empty", ["-p1", "-e", ""], None),
    ("e-empty-skips-E", ["-p1", "-e", "", "-E", "probe end { x = }"], None),
    ("e-blank", ["-p1", "-e", "   \n"], None),
    ("E-empty", ["-p1", "-e", "probe begin {}", "-E", ""], None),
    ("empty-file", ["-p1", "empty.stp"], None),
    ("comments-only", ["-p1", "comments.stp"], None),
    ("empty-after-preprocessing", ["-p1", "-e", "%( 1 == 0 %? probe begin {} %)"], None),
    ("only-macros", ["-p1", "-e", "@define m %( 1 %)"], None),
    ("missing-file", ["-p1", "no-such-file.stp"], None),
    ("missing-file-and-E", ["-p1", "no-such-file.stp", "-E", "probe end { x = }"], None),
    ("directory", ["-p1", "subdir"], None),
    ("broken-file", ["-p1", "broken.stp"], None),
    ("arg-out-of-range", ["-p1", "hello.stp"], None),
]


@pytest.mark.parametrize("name,argv,stdin", PASS1_CASES, ids=[c[0] for c in PASS1_CASES])
def test_pass1_input_like_48(name, argv, stdin, scripts):
    expected = run_stap48(argv, stdin=stdin, cwd=scripts)
    actual = run_stap5_pass1(argv, stdin=stdin, cwd=scripts, env=STAP5_ENV)
    assert actual.stderr == expected.stderr
    assert actual.stdout == expected.stdout
    assert actual.status == expected.status


def test_pass1_input_like_48_end_to_end(scripts):
    for name, argv, stdin in PASS1_CASES:
        expected = run_stap48(argv, stdin=stdin, cwd=scripts)
        actual = run_stap5(argv, stdin=stdin, cwd=scripts, env=STAP5_ENV)
        assert (actual.status, actual.stdout, actual.stderr) == \
            (expected.status, expected.stdout, expected.stderr), name


def _as_stap5(text):
    """4.8's messages as stap5 words them (see the module's docstring)."""
    text = re.sub(r"^\S*stap: ", "stap5: ", text, flags=re.M)
    return text.replace("Try '-i' for building a script interactively.\n", "")


# Command lines cli.py refuses before any pass runs.
OPTION_ERRORS = [
    ("unknown-long-option", ["--bogus"]),
    ("unknown-short-option", ["-Z", "-e", "probe begin {}"]),
    ("p-without-value", ["-p"]),
    ("e-without-value", ["-e"]),
    ("p-zero", ["-p0", "-e", "probe begin {}"]),
    ("p-six", ["-p", "6", "-e", "probe begin {}"]),
    ("p-word", ["-px", "-e", "probe begin {}"]),
    ("p-negative", ["-p", "-1", "-e", "probe begin {}"]),
    ("p-trailing-junk", ["-p1x", "-e", "probe begin {}"]),
    ("no-script", []),
    ("no-script-with-options", ["-p1", "-v"]),
    ("only-E", ["-p1", "-E", "probe end {}"]),
    ("two-e", ["-p1", "-e", "probe a {}", "-e", "probe b {}"]),
    ("G-without-value", ["-p1", "-G", "x", "-e", "probe begin {}"]),
    ("G-unsafe-value", ["-p1", "-G", "x=a;b", "-e", "probe begin {}"]),
    ("G-empty-value", ["-p1", "-G", "x=", "-e", "probe begin {}"]),
    ("s-zero", ["-p1", "-s", "0", "-e", "probe begin {}"]),
    ("s-too-big", ["-p1", "-s", "4096", "-e", "probe begin {}"]),
    ("s-negative", ["-p1", "-s", "-1", "-e", "probe begin {}"]),
    ("s-word", ["-p1", "-s", "x", "-e", "probe begin {}"]),
    ("s-empty", ["-p1", "-s", "", "-e", "probe begin {}"]),
    ("s-hex", ["-p1", "-s", "0x10", "-e", "probe begin {}"]),
    ("s-trailing-junk", ["-p1", "-s", "1x", "-e", "probe begin {}"]),
    ("s-before-later-errors", ["-p1", "-s", "0", "-c", "ls", "-x", "1", "-e", "x"]),
    ("c-and-x", ["-p1", "-c", "ls", "-x", "1", "-e", "probe begin {}"]),
    ("x-and-c", ["-p1", "-x", "1", "-c", "ls", "-e", "probe begin {}"]),
    ("c-and-x-no-script", ["-p1", "-x", "1", "-c", "ls"]),
    ("g-and-unprivileged", ["-p1", "-g", "--unprivileged", "-e", "probe begin {}"]),
    ("g-and-stapsys", ["-p1", "--privilege=stapsys", "-g", "-e", "probe begin {}"]),
    ("privilege-twice", ["-p1", "--privilege=stapusr", "--privilege=stapsys", "-s", "0",
                         "-e", "probe begin {}"]),
    ("unprivileged-then-privilege", ["-p1", "--unprivileged", "--privilege=stapsys",
                                     "-e", "probe begin {}"]),
    ("c-x-before-g", ["-p1", "-g", "--unprivileged", "-c", "ls", "-x", "1",
                      "-e", "probe begin {}"]),
    ("suppress-time-limits-without-g", ["-p1", "--suppress-time-limits", "-e",
                                        "probe begin {}"]),
]


# Accepted combinations next to the refused ones above.
OPTION_COMBINATIONS = [
    ("s-limits", ["-p1", "-s", "1", "-s", "4095", "-e", "probe begin {}"]),
    ("s-blank-and-sign", ["-p1", "-s", " 5", "-s", "+5", "-e", "probe begin {}"]),
    ("g-and-stapdev", ["-p1", "--privilege=stapdev", "-g", "-e", "probe begin {}"]),
    ("same-privilege-twice", ["-p1", "--unprivileged", "--privilege=stapusr",
                              "-e", "probe begin {}"]),
]


@pytest.mark.parametrize("name,argv", OPTION_COMBINATIONS,
                         ids=[c[0] for c in OPTION_COMBINATIONS])
def test_option_combinations_like_48(name, argv, scripts):
    expected = run_stap48(argv, cwd=scripts)
    actual = run_stap5(argv, cwd=scripts, env=STAP5_ENV)
    assert (actual.status, actual.stdout, actual.stderr) == \
        (expected.status, expected.stdout, expected.stderr) == (0, expected.stdout, "")


_RANDOM_NAME = re.compile(r"/stap[A-Za-z0-9]{6} \"\)")

# $TMPDIR as stap checks it before reading any script (the directory it
# then makes has a random name).
TMPDIR_CASES = [
    ("missing", "/nonexistent", ["-p1", "-e", "probe begin {}"]),
    ("a-file", "hello.stp", ["-p1", "-e", "probe begin {}"]),
    ("missing-with-space", "/nonexistent/with space", ["-p1", "-e", "probe begin {}"]),
    ("with-space", "tmp with space", ["-p1", "-e", "probe begin {}"]),
    ("plus-sign", "tmp+plus", ["-p1", "-e", "probe begin {}"]),
    ("empty", "", ["-p1", "-e", "probe begin {}"]),
    ("upper-case", "/TMP", ["-p1", "-e", "probe begin {}"]),
    ("before-missing-script", "/nonexistent", ["-p1"]),
    ("after-option-errors", "/nonexistent", ["-p1", "-s", "0", "-e", "probe begin {}"]),
    ("before-c-and-x", "/nonexistent", ["-p1", "-c", "ls", "-x", "1", "-e", "x"]),
    ("not-for-version", "/nonexistent", ["-V"]),
    ("fine", "/tmp", ["-p1", "-e", "probe begin {}"]),
]


@pytest.mark.parametrize("name,tmpdir,argv", TMPDIR_CASES, ids=[c[0] for c in TMPDIR_CASES])
def test_tmpdir_like_48(name, tmpdir, argv, scripts):
    env = {"TMPDIR": tmpdir}
    expected = run_stap48(argv, cwd=scripts, env=env)
    actual = run_stap5(argv, cwd=scripts, env=dict(STAP5_ENV, **env))
    assert (actual.status, _RANDOM_NAME.sub("/stapXXXXXX \")", actual.stderr)) == \
        (expected.status, _RANDOM_NAME.sub("/stapXXXXXX \")", _as_stap5(expected.stderr)))
    if argv[0] != "-V":
        assert actual.stdout == expected.stdout


# Tapset directories given with -I are parsed in pass 1 whatever the script
# uses: a broken tapset is reported and skipped (an error under -W, nothing
# under -w), a broken macro file fails pass 1.
BROKEN_LIBRARY_CASES = [
    ("tapset", ["-p1", "-I", "broken_tapset", "-e", "probe begin {}"]),
    ("tapset-W", ["-p1", "-W", "-I", "broken_tapset", "-e", "probe begin {}"]),
    ("tapset-W-p2", ["-p2", "-W", "-I", "broken_tapset", "-e", "probe begin {}"]),
    ("tapset-w", ["-p1", "-w", "-I", "broken_tapset", "-e", "probe begin {}"]),
    ("tapset-w-W", ["-p1", "-w", "-W", "-I", "broken_tapset", "-e", "probe begin {}"]),
    ("macros", ["-p1", "-I", "broken_macros", "-e", "probe begin {}"]),
    ("macros-w", ["-p1", "-w", "-I", "broken_macros", "-e", "probe begin {}"]),
    ("both-W", ["-p1", "-W", "-I", "broken_macros", "-I", "broken_tapset",
                "-e", "probe begin {}"]),
    ("missing-directory-W", ["-p1", "-W", "-I", "no-such-dir", "-e", "probe begin {}"]),
]


@pytest.mark.parametrize("name,argv", BROKEN_LIBRARY_CASES,
                         ids=[c[0] for c in BROKEN_LIBRARY_CASES])
def test_broken_include_directories_like_48(name, argv, scripts):
    expected = run_stap48(argv, cwd=scripts)
    actual = run_stap5(argv, cwd=scripts, env=STAP5_ENV)
    assert (actual.status, actual.stdout, actual.stderr) == \
        (expected.status, expected.stdout, expected.stderr)


@pytest.mark.parametrize("name,argv", OPTION_ERRORS, ids=[c[0] for c in OPTION_ERRORS])
def test_option_errors_like_48(name, argv, scripts):
    expected = run_stap48(argv, cwd=scripts)
    actual = run_stap5(argv, cwd=scripts, env=STAP5_ENV)
    assert actual.stderr == _as_stap5(expected.stderr)
    assert (actual.status, actual.stdout) == (expected.status, expected.stdout) == (1, "")


@pytest.mark.parametrize("argv", [["-p", "01"], ["-p", " 1"], ["-p", "+1"]])
def test_pass_numbers_read_like_strtol(argv, scripts):
    argv = argv + ["-e", "probe begin {}"]
    expected = run_stap48(argv, cwd=scripts)
    actual = run_stap5(argv, cwd=scripts, env=STAP5_ENV)
    assert (actual.status, actual.stdout) == (expected.status, expected.stdout) == \
        (0, "# parse tree dump\n# file <input>\nprobe begin{\n}\n\n")


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_help_like_48(option, scripts):
    expected = run_stap48([option], cwd=scripts)
    actual = run_stap5([option], cwd=scripts)
    assert actual.status == expected.status == 0
    assert actual.stderr == expected.stderr == ""
    assert actual.stdout.startswith("Systemtap translator/driver (")
    # The same usage lines (for stap5), and no option stap does not have.
    usage48 = [line.replace("stap ", "", 1) for line in expected.stdout.splitlines()
               if line.lstrip().startswith(("Usage: stap ", "or: stap "))]
    usage5 = [line.replace("stap5 ", "", 1) for line in actual.stdout.splitlines()
              if line.lstrip().startswith(("Usage: stap5 ", "or: stap5 "))]
    assert usage5 == usage48
    options5 = set(re.findall(r"^   (-\w|--[\w-]+)", actual.stdout, re.M)) - {"--vm", "--vm-cpus"}
    unknown_to_48 = [option for option in options5 if not re.search(
        r"(?<![\w-])%s(?![\w-])" % re.escape(option), expected.stdout)]
    assert len(options5) > 30 and not unknown_to_48, unknown_to_48


@pytest.mark.parametrize("option", ["-V", "--version"])
def test_version_like_48(option, scripts):
    expected = run_stap48([option], cwd=scripts)
    actual = run_stap5([option], cwd=scripts)
    assert actual.status == expected.status == 0
    assert actual.stderr == expected.stderr == ""
    first48, first5 = expected.stdout.splitlines()[0], actual.stdout.splitlines()[0]
    assert first48.startswith("Systemtap translator/driver (version 4.8")
    assert first5.startswith("Systemtap translator/driver (") and "4.8" in first5

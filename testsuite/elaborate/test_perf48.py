"""perf probes and timer.profile in pass 2 and in listings, against 4.8:
stap5 with its own tapsets (tapsets/linux/perf.stp, tapsets/timers.stp),
4.8 with its own.  The -p2 dumps show no tapset code (only signatures),
so they must be the same.

Not compared: 4.8 names the file of a chained error's token as "" (`at
:1:37`), a bug of 4.8 (see test_oracle_corpus.py); stap5 names it.
"""

import re

import pytest

from testsuite.oracle.harness import needs_stap48, prefetch_stap48, run_stap48, run_stap5

pytestmark = [pytest.mark.oracle, needs_stap48]

POINTS = [
    "perf.type(1).config(0)", "perf.type(1).config(0).sample(5000)",
    "perf.type(1).config(0).hz(100)", 'perf.type(1).config(0).process("/bin/ls")',
    'perf.type(1).config(0).process("ls")', 'perf.type(1).config(0).process("/nonexist")',
    'perf.type(1).config(0).counter("x")',
    'perf.type(1).config(0).process("/bin/ls").counter("x")',
    "perf.sw.page_faults", "perf.hw.cpu_cycles.sample(10)", "perf.sw.cpu_clock.hz(10)",
    "perf.hw_cache.l1d.read.miss", "perf.hw_cache.ndoe.write.miss",
    "perf.type(9).config(99)", "perf.type(-1).config(-1)",
    "perf.type(1).config(0).hz(0)", "perf.type(1).config(0).hz(-5)",
    # refused
    "perf.type(1).config(0).sample(0)", "perf.type(1).config(0).sample(-1)",
    "perf.type(1).config(0).process", 'perf.type(1).config(0).sample(10).process("/bin/ls")',
    'perf.type(1).config(0).process("/bin/ls").sample(10)',
    'perf.type(1).config(0).sample(10).counter("x")',
    # timer.profile is a perf probe on this kernel
    "timer.profile", "timer.profile.tick", "timer.profile.freq.hz(10)",
]

SCRIPTS = [["-e", "probe %s { println(pp()) }" % point] for point in POINTS] + [
    ["-c", "/bin/true", "-e", "probe perf.sw.cpu_clock.process { println(pp()) }"],
    ["-c", "true 1 2", "-e", "probe perf.sw.task_clock.process { println(pp()) }"],
    ["-v", "-e", 'probe perf.sw.cpu_clock.counter("x") { println(1) } '
                 'probe perf.type(1).config(0).counter("y") {}'],
    ["-e", 'probe perf.sw.cpu_clock.counter("x") if (1) {}'],
    ["-e", 'global g; probe perf.sw.cpu_clock.counter("x") if (g) {}'],
    ["-e", 'probe perf.sw.cpu_clock.counter("x") { undefined_function() }'],
    ["-e", 'probe perf.sw.cpu_clock.counter("x") {} probe perf.sw.task_clock.counter("x") {}'],
    ["-e", 'probe perf.sw.cpu_clock.process("/bin/ls").counter("x") {} '
           'probe perf.sw.task_clock.process("/bin/true").counter("x") {}'],
    ["-e", 'probe begin { println(@perf("x")) }'],
    ["-e", "probe timer.profile { println(pp(), cpu()) }"],
    ["-v", "-e", "probe timer.profile { n = 3; println(n * 2) }"],
]

LISTINGS = [["-l", "perf.*"], ["-l", "perf.**"], ["-L", "perf.sw.*"], ["-L", "perf.hw.*"],
            ["-l", "perf.hw_cache.**"], ["-l", "perf.**.access"], ["-l", "perf.hw**"],
            ["-L", "perf.type(1).config(0).hz(5)"], ["-l", 'perf.type(1).config(0).process("ls")'],
            ["-l", "timer.profile"], ["-L", "timer.**"], ["-l", "timer.profile.**"],
            ["-l", "begin.**"]]


def _ids(cases):
    return [" ".join(argv) for argv in cases]


@pytest.fixture(scope="module", autouse=True)
def _prefetch():
    prefetch_stap48([dict(argv=["-p2"] + argv) for argv in SCRIPTS]
                    + [dict(argv=argv) for argv in LISTINGS]
                    + [dict(argv=["-p3", "-e", 'probe begin { println(@perf("x")) }'])])


def _named_file(stderr):
    """4.8's chained errors say `at :1:37` for `at <input>:1:37`."""
    return re.sub(r" at :(\d+:\d+)", r" at <input>:\1", stderr)


@pytest.mark.parametrize("argv", SCRIPTS, ids=_ids(SCRIPTS))
def test_p2_like_48(argv):
    expected = run_stap48(["-p2"] + argv)
    got = run_stap5(["-p2"] + argv)
    assert (got.status, got.stdout) == (expected.status, expected.stdout)
    if "undefined_function" in argv[-1]:
        # (the similar names come from the library, which is not 4.8's)
        expected_err = re.sub(r" \(similar: [^)]*\)", "", expected.stderr)
        assert re.sub(r" \(similar: [^)]*\)", "", got.stderr) == _named_file(expected_err)
    elif "-v" not in argv:
        assert got.stderr == _named_file(expected.stderr)


@pytest.mark.parametrize("argv", LISTINGS, ids=_ids(LISTINGS))
def test_listing_like_48(argv):
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert (got.status, got.stdout) == (expected.status, expected.stdout)


def test_perf_outside_dwarf_probes_fails_in_pass_3():
    argv = ["-p3", "-e", 'probe begin { println(@perf("x")) }']
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert got.status == expected.status == 1
    assert got.stderr == expected.stderr

"""The tapset library in a real kernel: scripts built by stap5 on the host,
run by staprun5 in the QEMU guest.

scripts/*.stp must print what SystemTap 4.8 printed for them (expected/);
own/*.stp are checked line by line here (4.8 cannot be the oracle for them:
see each script).  All modules are built first, two at a time, then run in
the session's guest, each once.
"""

import os
import re
import time

import pytest

from testsuite.script_cases import load_case

from .cases import (OWN, SCRIPTS, TAPSET48, build_all, cases, expected, loaded_test_modules,
                    matches_4_8, run)

pytestmark = pytest.mark.vm

TAPSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tapsets")

COMPARED = cases(SCRIPTS)
OWN_CASES = {case.name: case for case in cases(OWN)}

# Differences from 4.8 that belong to other parts of stap5, each with the
# reason; strict, so that the fix shows up as XPASS and the entry goes.
KNOWN_DIFFERENCES = {
}


# own/ scripts built a second time against 4.8's library (by stap5), whose
# output must be the same as with ours.
WITH_4_8_LIBRARY = {name: load_case(OWN / (name + ".stp"), "tt48_") for name in ["macros"]}


@pytest.fixture(scope="module")
def modules(tmp_path_factory, vm_assets):
    directory = tmp_path_factory.mktemp("tapset-modules")
    built = build_all(COMPARED + list(OWN_CASES.values()), directory)
    built.update({"48:" + name: build for name, build in build_all(
        WITH_4_8_LIBRARY.values(), directory, env_tapset=TAPSET48).items()})
    return built


@pytest.fixture(scope="module")
def results(modules, guest):
    """Run each case's module once (on first use); name -> Result."""
    done = {}

    def result(case, key=None):
        key = key or case.name
        if key not in done:
            build = modules[key]
            assert build.ko, "stap5 -p4 failed:\n" + build.output
            try:
                done[key] = run(guest, case, build.ko)
            finally:
                assert loaded_test_modules(guest) == [], "a module was left loaded"
        return done[key]
    return result


def _compared_params():
    params = []
    for case in COMPARED:
        marks = []
        if case.name in KNOWN_DIFFERENCES:
            marks.append(pytest.mark.xfail(reason=KNOWN_DIFFERENCES[case.name], strict=True))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.mark.parametrize("case", _compared_params())
def test_prints_what_4_8_prints(case, results):
    result = results(case)
    assert result.out == expected(case, ".stdout")
    assert matches_4_8(result.err, expected(case, ".stderr")), result.err
    assert result.rc == case.exit_status


def test_clocks_agree(results):
    result = results(OWN_CASES["timestamps"])
    lines = result.out.splitlines()
    checks = [line for line in lines if line.endswith((" ok", " FAIL"))]
    assert len(checks) == 12 and all(line.endswith(" ok") for line in checks), result.out
    wall = int(next(line for line in lines if line.startswith("wall ")).split()[1])
    assert abs(wall - time.time()) < 600, "the guest's gettimeofday_s() is off"
    assert "cpu -1: cpu -1 is not online" in lines
    assert "cpu 100000: cpu 100000 is not online" in lines
    ticks = [line for line in lines if line.startswith("tick ")]
    assert ticks == ["tick local 1 ktime 1 jiffies 1 cycles 1"] * 3, result.out
    assert result.err == "" and result.rc == 0


def test_symbols_modules_and_profile_alias(results):
    case = OWN_CASES["extras"]
    result = results(case)
    lines = result.out.splitlines()
    assert lines[:5] == [
        "module_name tt_extras",
        "module of this module 1",
        "symname0 0x0 symdata0 0x0",
        "modname0 Cannot determine kernel module name",
        "probefunc in begin 0x0",
    ], result.out
    for line in [
        "probefunc getname symname getname modname kernel probemod kernel",
        "symdata getname",
        "symdata module  [kernel]",
        "pexecname sh ppid 1",
        # timer.profile is a perf cpu-clock probe, as in 4.8 on this kernel
        "profile pp perf.type(1).config(0).sample(1000000) probe_type perf_event "
        "registers_valid 1",
        "profile ticks 1 user ticks 1",
    ]:
        assert line in lines, result.out
    assert not any(line.startswith("bad user probefunc") for line in lines), result.out
    # probemod() in an end probe: no kernel address to go by.  As in 4.8,
    # an error inside a function is reported near the function.
    tapset = os.path.join(TAPSETS, "linux", "context-symbols.stp")
    with open(tapset) as f:
        line = 1 + [l.startswith("function probemod:") for l in f].index(True)
    assert result.err == ("ERROR: Cannot determine kernel module name near identifier "
                          "'probemod' at %s:%d:10\n"
                          "WARNING: Number of errors: 1, skipped probes: 0\n" % (tapset, line))
    assert result.rc == case.exit_status


def test_kprobe_addr_is_the_probed_address(results):
    assert "addr at entry 1" in results(OWN_CASES["extras"]).out.splitlines()


def test_target_set_follows_the_target_s_children(results):
    result = results(OWN_CASES["target_set"])
    lines = result.out.splitlines()
    assert lines[:4] == [
        "begin after init 1 stp_pid is staprun 1 target in set 1",
        "data/bye.txt 11",          # a grandchild: its parent is in the set too
        "data/hello.txt 11",
        "outsiders 0 0",
    ], result.out
    # staprun begat the target, which begat cat and sh, which begat cat.
    assert lines[4] == "target set:"
    begat = [tuple(map(int, re.fullmatch(r"(\d+) begat (\d+)", line).groups()))
             for line in lines[5:]]
    assert len(begat) == 4, result.out
    (staprun, target), (_, cat), (_, sh), (sh_again, cat_again) = begat
    assert [parent for parent, _ in begat[1:3]] == [target, target]
    assert sh_again == sh and cat_again > sh > cat > target
    assert result.err == "" and result.rc == 0


def test_backtrace_from_the_probed_function_down(results):
    result = results(OWN_CASES["backtrace"])
    lines = result.out.splitlines()
    assert lines[:2] == ["begin []", "[]"], result.out      # no registers in begin
    blocks = "\n".join(lines[2:]).split("\n--\n")
    assert len(blocks) == 4, result.out
    printed, named, syms, rest = blocks
    # getname() is called by do_sys_openat2(), called by the openat system call.
    # (+0x0 once the runtime shows kprobes the probed address: see above.)
    chain = ["getname", "do_sys_openat2", "__x64_sys_openat", "do_syscall_64",
             "entry_SYSCALL_64_after_hwframe"]
    full = r" 0x[0-9a-f]{16} : %s\+0x[0-9a-f]+/0x[0-9a-f]+ \[kernel\]"
    assert len(printed.splitlines()) == len(chain), printed
    for line, function in zip(printed.splitlines(), chain):
        assert re.fullmatch(full % function, line), line
    assert re.fullmatch(r" 0x[0-9a-f]{16} : getname\+0x[01]/0x[0-9a-f]+ \[kernel\]",
                        printed.splitlines()[0])
    for line, function in zip(named.splitlines(), chain):
        assert re.fullmatch(r"%s\+0x[0-9a-f]+ \[kernel\]" % function, line), line
    assert syms == printed              # print_syms(backtrace()) == print_backtrace()
    assert rest.splitlines() == ["1 1", printed.splitlines()[0]], rest
    assert result.err == "" and result.rc == 0


def test_printk_dump_stack_and_ftrace_reach_the_kernel(results, guest):
    result = results(OWN_CASES["kernel_log"])
    assert (result.out, result.err, result.rc) == ("done\n", "", 0)
    log = guest.run(["dmesg"], timeout=30).out
    assert "stap5 printk warning\n" in log and "stap5 printk default level\n" in log
    # dump_stack() from the begin probe: its call trace passes through
    # this module's handler.
    assert re.search(r"Call Trace:\n(.*\n)*?.*dump_stack.*\n(.*\n)*?.*\[tt_kernel_log\]", log)
    trace = guest.run(["cat", "/sys/kernel/tracing/trace"], timeout=30).out
    assert re.search(r": stap5 ftrace line$", trace, re.M), trace[-2000:]


def test_macros_and_prometheus_as_with_4_8s_library(results):
    ours = results(OWN_CASES["macros"])
    theirs = results(WITH_4_8_LIBRARY["macros"], "48:macros")
    assert (ours.out, ours.err, ours.rc) == (theirs.out, theirs.err, theirs.rc)
    lines = ours.out.splitlines()
    assert lines[0] == "this 42 eight chosen 7 caught -1 fine 1", ours.out
    assert 'syscalls_total{name="quote\\"d",fd="2"} 1' in lines, ours.out
    assert "latency_bucket{le=+Inf} 6" in lines, ours.out


def test_task_times(results):
    result = results(OWN_CASES["task_time"])
    lines = result.out.splitlines()
    assert lines[:4] == ["msecs 5123 usecs 5123456 string 1m2.005s", "none 0 0 0 0",
                         "init 1 1", "mine 1 1"], result.out
    times = r"usr: \d+m\d+\.\d{3}s, sys: \d+m\d+\.\d{3}s"
    assert re.fullmatch("text " + times, lines[4]), result.out
    assert re.fullmatch("text1 " + times, lines[5]), result.out
    assert result.err == "" and result.rc == 0


def test_callers_of_the_probed_function(results):
    result = results(OWN_CASES["callers"])
    lines = result.out.splitlines()
    # begin probes have no kernel registers: no call chain at all
    assert lines[0] == "begin: reached end of stack before unwinding to level 0", result.out
    # getname() is called by do_sys_openat2() (see test_backtrace_...)
    assert re.fullmatch(r"caller do_sys_openat2 0xffffffff[0-9a-f]{8}", lines[1]), result.out
    assert lines[2] == "same 1 1", result.out
    assert re.fullmatch(r"callers 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+", lines[3]), result.out
    assert lines[4] == "all 1", result.out
    assert lines[5] == "deep: reached end of stack before unwinding to level 1000", result.out
    assert result.err == "" and result.rc == 0

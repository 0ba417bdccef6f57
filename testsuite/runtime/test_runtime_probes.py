"""Probe kinds of the runtime, in the guest: kprobes and kretprobes (by name,
in a module, at an absolute address, one that cannot be placed), jiffies
timers, timer.profile, hrtimers with randomize, procfs maxsize.

scripts/probes.stp is built by stap5 (with the address of vfs_read for its
kprobe.statement probe). (4.8 cannot be asked here: kprobes need its symbol
table; these tests check the behaviour itself.)
"""

import re

import pytest

pytestmark = pytest.mark.vm

MISSING = ('WARNING: probe kprobe.function("kprobe_int3_handler") '
           '(kprobe_int3_handler+0) registration error [man warning::pass5] (rc -22)\n')


def kallsyms_address(staprun, symbol):
    r = staprun.guest.run(["grep", "-w", symbol, "/proc/kallsyms"], timeout=30)
    for line in r.stdout.decode().splitlines():
        addr, kind, name = line.split()[:3]
        if name == symbol and kind in "Tt":
            return int(addr, 16)
    raise AssertionError(f"{symbol} not in the guest's /proc/kallsyms")


def test_kprobes_count_reads_of_a_command(staprun, probes_module, stmt_address):
    assert kallsyms_address(staprun, "vfs_read") == int(stmt_address, 16)
    run = staprun.run(probes_module, "mode=1",
                      options=["-c", "cat /etc/os-release /proc/version"])
    # A probe that cannot be placed is a warning; the session goes on.
    assert run.stderr == MISSING
    lines = run.out.splitlines()
    assert lines[-1] == "reads 1 returns 1 cat 1 statements 1 module 1 missing 0", run.out
    assert any(line.startswith("PRETTY_NAME=") for line in lines)    # cat's own output
    assert run.rc == 0
    assert run.loaded_after == []


@pytest.mark.parametrize("mode,output", [
    (2, "jiffies 5\n"),        # timer.jiffies(2).randomize(1)
    (3, "profile 20\n"),       # timer.profile
    (4, "hrtimer 10\n"),       # timer.us(500).randomize(100)
])
def test_timers_fire_and_exit(staprun, probes_module, mode, output):
    run = staprun.run(probes_module, f"mode={mode}")
    assert run.out == output
    assert run.stderr == MISSING
    assert run.rc == 0 and run.loaded_after == []


def test_procfs_value_larger_than_maxsize(staprun, probes_module):
    run = staprun.run(probes_module, "mode=5",
                      options=["-c", "cat /proc/systemtap/stap5_rt_probes/big"])
    # The reader gets what fits (maxsize 8: 7 bytes), then the error ends it.
    assert run.out == "0123456"
    assert run.stderr.endswith(
        "ERROR: buffer size exceeded, consider .maxsize(11). near identifier '$value' "
        "at probes.stp:23:54\nWARNING: Number of errors: 1, skipped probes: 0\n")
    assert run.rc == 1
    assert run.loaded_after == []


def test_statement_probe_at_a_bad_address_is_only_a_warning(staprun, module_dir):
    from runtime_helpers import build_script
    module = build_script("probes.stp", "stap5_rt_badaddr", module_dir / "badaddr",
                          args=["0x1234"])
    run = staprun.run(module, "mode=2")
    assert re.search(r"WARNING: probe kprobe.statement\(0x1234\).absolute "
                     r"\(address 0x1234\) registration error \[man warning::pass5\] "
                     r"\(rc -\d+\)\n", run.stderr), run.stderr
    assert run.out == "jiffies 5\n"
    assert run.rc == 0 and run.loaded_after == []


def test_output_of_all_cpus_arrives_whole_and_in_order(smp_staprun, probes_module):
    r = smp_staprun.guest.run(["nproc"], timeout=30)
    assert r.stdout.decode().strip() == "2"
    # Keep both CPUs busy so that both take profile ticks.
    run = smp_staprun.run(probes_module, "mode=6",
                          options=["-c", "sh -c 'yes > /dev/null & yes > /dev/null & "
                                         "sleep 60; kill %1 %2'"])
    lines = run.out.splitlines()
    parsed = [re.fullmatch(r"line (\d+) cpu (\d)", line) for line in lines]
    assert all(parsed), run.out[:2000]
    numbers = [int(m.group(1)) for m in parsed]
    # The counter is taken under the global's lock, the line is sent when
    # the probe ends: records from both CPUs, merged by sequence, keep every
    # line whole; at most a neighbour swap relative to the counter.
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 400
    assert {m.group(2) for m in parsed} == {"0", "1"}
    assert sum(1 for a, b in zip(numbers, numbers[1:]) if b < a) <= len(numbers) // 10
    assert run.rc == 0 and run.loaded_after == []


def test_lock_contention_skips_probes_and_too_many_skips_end_it(smp_staprun,
                                                               contended_probes_module):
    run = smp_staprun.run(contended_probes_module, "mode=7",
                          options=["-c", "sh -c 'yes > /dev/null & yes > /dev/null & "
                                         "sleep 60; kill %1 %2'", "-T", "50"])
    m = re.fullmatch(
        r"ERROR: Skipped too many probes, check MAXSKIPPED or try again with stap -t "
        r"for more details.\n(?:WARNING: .*\n)?WARNING: Number of errors: 0, skipped probes: (\d+)\n",
        run.stderr.replace(MISSING, ""))
    assert m, run.stderr
    assert int(m.group(1)) > 5
    assert run.out == ""        # the session ended in error: no end probe
    assert run.rc == 1
    assert run.loaded_after == []


def test_errors_beyond_maxerrors_end_the_session(staprun, contended_probes_module):
    # Built with -DMAXERRORS=2: the third error ends it. Errors are all shown.
    run = staprun.run(contended_probes_module, "mode=8")
    error = "ERROR: division by 0 near operator '/' at probes.stp:15:134\n"
    assert run.stderr == MISSING + error * 3 + "WARNING: Number of errors: 3, skipped probes: 0\n"
    assert run.out == ""
    assert run.rc == 1 and run.loaded_after == []

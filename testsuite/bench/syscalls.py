"""The syscall tapsets: pass 2 of syscall.* scripts, and syscall_any's cost per hit

Side by side in one run:

* `-p2` of scripts using the syscall probes, stap 4.8 (its library) beside
  stap5 (its own), stap5 cold (empty cache: it builds its tapset index)
  and warm;
* in the QEMU guest, the cost per hit of a `syscall_any` counter: the
  workload's getpid() loop under stap5's module and under 4.8's (built on
  the oracle's patched copy of its runtime, run with its staprun), beside
  the loop without probes.  Needs the kernel.trace family (syscall_any is
  on the raw_syscalls tracepoints).

Ratios are stap5/4.8: below 1 means stap5 is faster.  Nothing here
asserts on timings.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from testsuite.bench import fresh_cache
from testsuite.bench.elaborate import _best, _run
from testsuite.bench.guest_cost import cost_per_hit
from testsuite.oracle.harness import KERNEL, STAP48, stap48_available

HERE = Path(__file__).parent
PROJECT = HERE.parent.parent

SCRIPTS = [
    ("syscall.openat", 'probe syscall.openat { printf("%s(%s)\\n", name, argstr) }'),
    ("syscall.open*, syscall.read*", 'probe syscall.open*, syscall.read*.return '
                                      '{ printf("%s\\n", name) }'),
    ("syscall.*, syscall.*.return", 'probe syscall.* { printf("%s(%s)\\n", name, argstr) }\n'
                                    'probe syscall.*.return { printf("%s = %s\\n", name, retstr) }'),
]
COUNTER = "global hits\nprobe syscall_any { hits++ }\n"
CALLS = 200000
REPEAT = 3
SETTLE = 1


def pass2(report, workdir, repeat):
    env48 = {k: v for k, v in os.environ.items() if k != "SYSTEMTAP_TAPSET"}
    cache = fresh_cache()
    env5 = dict(env48, STAP5_CACHE=cache, PYTHONPATH=str(PROJECT))
    rows = []
    try:
        for position, (label, text) in enumerate(SCRIPTS):
            script = Path(workdir) / ("p2-%d.stp" % position)
            script.write_text(text + "\n")
            argv = ["-r", KERNEL, "-p2", str(script)]
            wall48, cpu48, status48 = _best([STAP48] + argv, env48, repeat, workdir)
            stap5 = [sys.executable, "-m", "stap5"] + argv
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(fresh_cache(), cache)
            cold = _run(stap5, env5, workdir)
            wall5, cpu5, status5 = _best(stap5, env5, repeat, workdir)
            if status48 != status5:
                raise RuntimeError("%s: exit status stap %s, stap5 %s"
                                   % (label, status48, status5))
            rows.append([label, "%.2f/%.2f" % (wall48, cpu48), "%.2f/%.2f" % cold[:2],
                         "%.2f/%.2f" % (wall5, cpu5), "%.2f" % (wall5 / wall48),
                         "%.2f" % (cpu5 / cpu48) if cpu48 else "-"])
            report.add("-p2 %s: stap5 warm / 4.8 (wall)" % label, wall5 / wall48, "x",
                       "%.2f s vs %.2f s; cpu %.2f s vs %.2f s"
                       % (wall5, wall48, cpu5, cpu48))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    report.table(["script", "4.8 wall/cpu s", "stap5 cold", "stap5 warm", "warm/4.8 wall",
                  "warm/4.8 cpu"], rows)


def _modules(workdir):
    """(workload, stap5's module, 4.8's module) of the syscall_any counter."""
    from testsuite.oracle import runner
    workdir = Path(workdir)
    workload = workdir / "workload"
    subprocess.run(["gcc", "-O2", "-static", "-o", str(workload),
                    str(HERE / "kprobe_cost" / "workload.c")], check=True, timeout=300)
    script = workdir / "counter.stp"
    script.write_text(COUNTER)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KERNEL, "-p4", "-m",
                           "bench_syscall_any", str(script)], cwd=workdir,
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    job = runner.Job(script=str(script), options=["-DSTP_NO_OVERLOAD"], mode="staprun")
    build48 = workdir / "oracle"
    build48.mkdir()
    outcome, module48 = runner.build(job, runner.prepare_runtime(), build48)
    if module48 is None:
        raise RuntimeError(outcome.build_stderr)
    return workload, workdir / "bench_syscall_any.ko", module48


def syscall_any_cost(report, workdir, repeat):
    workload, ko5, ko48 = _modules(workdir)
    cost_per_hit(report, workload, CALLS, ko5, ko48, repeat, SETTLE,
                 "getpid() in the guest (TCG), no probe", "syscall_any counter")


def run(report, quick=False):
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    repeat = 1 if quick else REPEAT
    workdir = tempfile.mkdtemp(prefix="stap5-bench-")
    try:
        pass2(report, workdir, repeat)
        probe = subprocess.run([sys.executable, "-m", "stap5", "-r", KERNEL, "-p2", "-e",
                                "probe syscall_any { }"], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(PROJECT)))
        if probe.returncode:
            report.add("syscall_any cost per hit", "not measured", "",
                       "stap5 cannot elaborate syscall_any here (kernel.trace)")
            return
        syscall_any_cost(report, workdir, repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

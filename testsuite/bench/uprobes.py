"""User-space probes: the cost per hit of a uprobe, stap5 beside 4.8

In the QEMU guest, a workload calls a small function N times under a
module counting its calls (`process(W).function("target") { hits++ }`):
stap5's module (staprun5) and 4.8's (built on the oracle's patched copy of
its runtime, run with its staprun), beside the loop without probes.  A
uprobe costs a breakpoint trap and a single step per hit, so most of the
time is the kernel's; the ratio says what the modules add to it.

The workload is built into the cache (not under /tmp: the guest's /tmp is
an overlay, where 4.8 cannot place uprobes).  Nothing here asserts on
timings.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from testsuite.bench.guest_cost import cost_per_hit
from testsuite.oracle.harness import KERNEL, stap48_available

HERE = Path(__file__).parent
SOURCE = HERE / "kprobe_cost" / "uprobe_workload.c"
COUNTER = 'global hits\nprobe process(@1).function("target") { hits++ }\n'
CALLS = 20000
REPEAT = 3
SETTLE = 1


def _workload():
    from stap5.kernel import cache
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    directory = Path(cache.path("bench", "uprobe-" + digest))
    workload = directory / "workload"
    if not workload.exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-g", "-o", str(workload), str(SOURCE)], check=True,
                       timeout=300)
    return workload


def _modules(workdir, workload):
    from testsuite.oracle import runner
    script = workdir / "counter.stp"
    script.write_text(COUNTER)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KERNEL, "-p4", "-m",
                           "bench_uprobe", str(script), str(workload)], cwd=workdir,
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    job = runner.Job(script=str(script), options=["-DSTP_NO_OVERLOAD"], mode="staprun",
                     args=[str(workload)])
    build48 = workdir / "oracle"
    build48.mkdir()
    outcome, module48 = runner.build(job, runner.prepare_runtime(), build48)
    if module48 is None:
        raise RuntimeError(outcome.build_stderr)
    return workdir / "bench_uprobe.ko", module48


def uprobe_cost(report, workdir, repeat):
    workload = _workload()
    ko5, ko48 = _modules(workdir, workload)
    cost_per_hit(report, workload, CALLS, ko5, ko48, repeat, SETTLE,
                 "a function call in the guest (TCG), no probe", "uprobe counting calls")


def run(report, quick=False):
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    if shutil.which("gcc") is None:
        report.skip("gcc is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="stap5-bench-"))
    try:
        uprobe_cost(report, workdir, 1 if quick else REPEAT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

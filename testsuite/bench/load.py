"""Under load in a 4-CPU guest: hits per second and cost per hit of a counting probe on vfs_read, stap5 beside 4.8

One worker process per CPU (testsuite/reliability/workload.c) makes 1-byte
read()s of /dev/zero for 10 s (3 s with --quick) while a module counts
them per process (`hits[pid()] <<< 1`, filtered on execname()), first with
no module, then with stap5's module run by staprun5, then with 4.8's module
(built by 4.8 on its patched runtime, see testsuite/oracle) run by 4.8's
staprun, all in the same guest (multi-threaded TCG, 4 virtual CPUs).

Cost per hit: the time a read() takes with the module minus without it,
per worker, averaged; hits per second: all the probe's counted hits over
the run. Both modules are built with -DSTP_NO_OVERLOAD: under TCG a hit
costs more than half a read(), which stap's overload detection stops (4.8's
module as well as ours). A module that crashes the guest is reported as
such (4.8's did, once, under this load).
"""

import os
import re
import shutil
import statistics
import tempfile
from pathlib import Path

from testsuite.reliability import harness

SCRIPT = harness.COUNTING
OPTIONS = ["-DSTP_NO_OVERLOAD"]
SETTLE = 1      # seconds between placing the kprobe and the load (kprobe optimization)


def _per_call_ns(stdout):
    """Mean over the workers of (ns / calls), and the total calls."""
    workers = [(int(calls), int(ns)) for calls, ns in
               re.findall(r"^worker \d+ (\d+) (\d+)$", stdout, re.M)]
    if not workers:
        raise RuntimeError("no worker output:\n" + stdout[-2000:])
    return statistics.mean(ns / calls for calls, ns in workers), sum(c for c, _ in workers)


def _hits(stdout):
    return sum(int(n) for n in re.findall(r"^hits \d+ (\d+)$", stdout, re.M))


def _build_48(workdir):
    from testsuite.oracle import runner
    if not runner.stap_available():
        return None, "stap 4.8 is not installed"
    path = Path(workdir) / "load48.stp"
    path.write_text(SCRIPT)
    outcome, module = runner.build(runner.Job(str(path), options=OPTIONS, mode="staprun"),
                                   runner.prepare_runtime(), workdir)
    return module, (None if module else outcome.build_stderr[-2000:])


def run(report, quick=False):
    if not os.path.exists("/lib/modules/%s/build/Makefile" % harness.KVER):
        report.skip("kernel headers %s are not installed (make setup)" % harness.KVER)
    seconds = 3 if quick else 10
    workdir = tempfile.mkdtemp(prefix="stap5-bench-load-")
    try:
        relwork = harness.compile_workload(workdir)
        built = harness.build(workdir, "bench_load", SCRIPT, OPTIONS)
        if not built.ko:
            raise RuntimeError("stap5 -p4 failed:\n" + built.output)
        dir48 = Path(workdir) / "48"
        dir48.mkdir()
        module48, why48 = _build_48(dir48)
        command = "sh -c 'sleep %d; exec %s read %d %ds'" % (SETTLE, relwork, harness.CPUS,
                                                             seconds)
        guest = harness.SmpGuest()
        try:
            base_ns, base_calls = _per_call_ns(guest.run(
                ["sh", "-c", "%s read %d %ds" % (relwork, harness.CPUS, seconds)],
                timeout=300).out)
            report.add("read() with no probe, %d workers x %d s" % (harness.CPUS, seconds),
                       base_ns, "ns/call", "%d calls" % base_calls)
            rows = []
            for label, argv in (
                    ("stap5", harness.staprun_argv(built.ko, "-c", command)),
                    ("4.8", ["staprun", "-c", command, str(module48)] if module48 else None)):
                if argv is None:
                    report.add("%s: not measured" % label, "-", "", (why48 or "")[:100])
                    continue
                try:
                    result = guest.run(argv, timeout=600 + seconds)
                except Exception as exc:    # the guest died: say so, go on
                    report.add("%s: the run failed" % label, type(exc).__name__, "",
                               str(exc).splitlines()[0][:100])
                    continue
                ns, calls = _per_call_ns(result.out)
                hits = _hits(result.out)
                rows.append((label, ns, hits))
                report.add("%s: hits per second" % label, hits / seconds, "hits/s",
                           "%d hits, %d calls" % (hits, calls))
                report.add("%s: cost per hit" % label, ns - base_ns, "ns/hit")
            if len(rows) == 2:
                (_, ns5, hits5), (_, ns48, hits48) = rows
                report.add("stap5 / 4.8 cost per hit", (ns5 - base_ns) / (ns48 - base_ns)
                           if ns48 > base_ns else float("nan"), "x",
                           "TCG timings are noisy; one run each")
                report.add("stap5 / 4.8 hits per second", hits5 / hits48 if hits48 else
                           float("nan"), "x")
        finally:
            guest.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

"""Passes 3-5 beside their floors: a bare kbuild, a bare kprobe module.

Each measured side by side with its floor:

* pass 3 (translate) and pass 4 (build) of a representative script, against
  a bare kbuild of a one-file module (what any module costs to build);
* in the QEMU guest, the cost per hit of a stap5 `kprobe.function` probe
  counting calls, against a hand-written bare kprobe module on the same
  function (`__x64_sys_getpid`, driven by a loop of getpid() calls).

Ratios are measured in one run; nothing here asserts on timings.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from testsuite.bench.guest_cost import ns_per_call

HERE = Path(__file__).parent
PROJECT = HERE.parent.parent
KVER = "6.1.0-56-amd64"
BUILD_TREE = "/lib/modules/%s/build" % KVER
SCRIPT = PROJECT / "testsuite" / "e2e" / "scripts" / "arrays_foreach.stp"
COUNTING_SCRIPT = ('global hits\n'
                   'probe kprobe.function("__x64_sys_getpid") { hits++ }\n')
CALLS = 200000
REPEAT = 3
SETTLE = 1          # seconds between placing a kprobe and measuring


def _stap5(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def _pass_ms(stderr, number):
    match = re.search(r"^Pass %d: .* in \d+usr/\d+sys/(\d+)real ms\." % number, stderr, re.M)
    if not match:
        raise RuntimeError("no pass %d timing in:\n%s" % (number, stderr))
    return int(match.group(1))


def _kbuild(directory, target=None):
    command = ["make", "-s", "-C", BUILD_TREE, "M=%s" % directory, "modules"]
    start = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=900)
    return (time.monotonic() - start) * 1000


def bare_kbuild_ms(workdir):
    """Median time to build the one-file hello module from scratch."""
    times = []
    for _ in range(REPEAT):
        directory = Path(tempfile.mkdtemp(dir=workdir, prefix="hello-"))
        shutil.copy(HERE / "kprobe_cost" / "hello_module.c", directory)
        (directory / "Kbuild").write_text("obj-m := hello_module.o\n")
        times.append(_kbuild(directory))
    return statistics.median(times)


def pass_3_and_4_ms(workdir):
    """Median pass 3 and (cold, uncached) pass 4 times of SCRIPT."""
    translate, build = [], []
    text = SCRIPT.read_text()
    for _ in range(REPEAT):
        # A unique comment: a new module-cache key, the same C code.
        script = Path(workdir) / ("bench-%s.stp" % uuid.uuid4().hex)
        script.write_text(text + "\n# %s\n" % uuid.uuid4().hex)
        result = _stap5("-v", "-p4", str(script), cwd=workdir)
        if result.returncode:
            raise RuntimeError(result.stderr)
        translate.append(_pass_ms(result.stderr, 3))
        build.append(_pass_ms(result.stderr, 4))
    return statistics.median(translate), statistics.median(build)


def _prepare_kprobe_cost(workdir):
    workdir = Path(workdir)
    workload = workdir / "workload"
    subprocess.run(["gcc", "-O2", "-static", "-o", str(workload),
                    str(HERE / "kprobe_cost" / "workload.c")], check=True, timeout=300)
    bare = workdir / "bare"
    bare.mkdir()
    shutil.copy(HERE / "kprobe_cost" / "bare_kprobe.c", bare)
    (bare / "Kbuild").write_text("obj-m := bare_kprobe.o\n")
    _kbuild(bare)
    script = workdir / "counting.stp"
    script.write_text(COUNTING_SCRIPT)
    result = _stap5("-p4", "-m", "bench_kprobe", str(script), cwd=workdir)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return workload, bare / "bare_kprobe.ko", workdir / "bench_kprobe.ko"


def kprobe_cost_ns(workdir):
    """(baseline ns/call, bare kprobe ns/hit, stap5 ns/hit) in the guest."""
    from stap5.vm import Guest
    workload, bare_ko, stap5_ko = _prepare_kprobe_cost(workdir)
    loader = ("import sys; from stap5.run import kmod; "
              "kmod.load(sys.argv[1]) if sys.argv[2] == 'load' else "
              "kmod.unload(sys.argv[1], wait=True)")
    with Guest.boot() as guest:
        def workload_ns():
            return ns_per_call(guest.run([str(workload), str(CALLS)], timeout=600).out)

        baseline = statistics.median(workload_ns() for _ in range(REPEAT))
        guest.run(guest.python_command("-c", loader, str(bare_ko), "load"), timeout=120)
        # kprobes are optimized (int3 -> jump) a little after registration:
        # measure both modules after the same settling time.
        time.sleep(SETTLE)
        bare = statistics.median(workload_ns() for _ in range(REPEAT))
        guest.run(guest.python_command("-c", loader, "bare_kprobe", "unload"), timeout=120)
        with_stap5 = []
        for _ in range(REPEAT):
            result = guest.run(guest.python_command(
                "-m", "stap5.run.staprun", "-c",
                "/bin/sh -c 'sleep %d; %s %d'" % (SETTLE, workload, CALLS), str(stap5_ko)),
                timeout=600)
            with_stap5.append(ns_per_call(result.out))
        stap5 = statistics.median(with_stap5)
    return baseline, bare - baseline, stap5 - baseline


def run(report, quick=False):
    global REPEAT
    if not os.path.exists(os.path.join(BUILD_TREE, "Makefile")):
        report.skip("kernel headers %s are not installed (make setup)" % KVER)
    if quick:
        REPEAT = 1
    workdir = tempfile.mkdtemp(prefix="stap5-bench-")
    try:
        floor = bare_kbuild_ms(workdir)
        translate, build = pass_3_and_4_ms(workdir)
        report.add("pass 3, translate %s" % SCRIPT.name, translate, "ms")
        report.add("pass 4, build (cold, no module cache)", build, "ms")
        report.add("bare kbuild of a one-file module", floor, "ms")
        report.add("pass 4 / bare kbuild", build / floor, "x")
        baseline, bare, stap5 = kprobe_cost_ns(workdir)
        report.add("getpid() in the guest (TCG), no probe", baseline, "ns/call")
        report.add("bare kprobe module on __x64_sys_getpid", bare, "ns/hit")
        report.add("stap5 counting kprobe, same function", stap5, "ns/hit")
        report.add("stap5 / bare kprobe", stap5 / bare if bare > 0 else float("nan"), "x",
                   "medians of %d; TCG timings are noisy under load" % REPEAT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT))
    from testsuite.bench import Report
    run(Report())

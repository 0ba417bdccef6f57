"""Build a module with one tracepoint probe: stap5 -p4 beside stap 4.8 -p4

`probe kernel.trace("sys_enter") { hits++ }` built by both, side by side:
"cold" is the first build for this kernel (an empty cache: 4.8 compiles a
query module for every trace header to learn the tracepoints' types, stap5
reads the headers and the kernel's BTF), "warm" a new script once that is
cached (each run a new module: a unique global name defeats both module
caches).  Wall and CPU seconds (the CPU of the command and its children,
the compilers included).  Nothing is asserted.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from testsuite.bench import fresh_cache
from testsuite.oracle.harness import KERNEL, stap48_available

REPEAT = 3


def _script():
    name = "hits_%s" % uuid.uuid4().hex[:12]
    return 'global %s\nprobe kernel.trace("sys_enter") { %s++ }\n' % (name, name)


def _timed(argv, env, cwd):
    """(wall s, cpu s) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=3600)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError("%s failed:\n%s" % (" ".join(argv[:3]), proc.stderr[-3000:]))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _stap48(workdir, systemtap_dir, runtime):
    # 4.8's runtime as the oracle patches it for 6.1 (testsuite/oracle).
    env = dict(os.environ, SYSTEMTAP_DIR=systemtap_dir, SYSTEMTAP_RUNTIME=str(runtime))
    return _timed(["stap", "-r", KERNEL, "-p4", "-e", _script()], env, workdir)


def _stap5(workdir, cache):
    env = dict(os.environ, STAP5_CACHE=cache)
    return _timed([sys.executable, "-m", "stap5", "-r", KERNEL, "-p4", "-e", _script()],
                  env, workdir)


def _median(runs):
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def run(report, quick=False):
    if not os.path.exists("/lib/modules/%s/build/Makefile" % KERNEL):
        report.skip("kernel headers %s are not installed (make setup)" % KERNEL)
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    from testsuite.oracle.runner import prepare_runtime
    runtime = prepare_runtime()
    repeat = 1 if quick else REPEAT
    workdir = tempfile.mkdtemp(prefix="stap5-bench-tp-")
    systemtap_dir = os.path.join(workdir, "systemtap")
    cache = fresh_cache()
    try:
        rows = []
        cold48 = _stap48(workdir, systemtap_dir, runtime)
        cold5 = _stap5(workdir, cache)
        warm48 = _median([_stap48(workdir, systemtap_dir, runtime) for _ in range(repeat)])
        warm5 = _median([_stap5(workdir, cache) for _ in range(repeat)])
        for label, theirs, ours in (("cold (first build for the kernel)", cold48, cold5),
                                    ("warm (types cached, new module)", warm48, warm5)):
            rows.append([label, "%.1f s / %.1f s" % theirs, "%.1f s / %.1f s" % ours,
                         "%.2f" % (ours[0] / theirs[0])])
            report.add("%s: stap5 / stap 4.8 (wall)" % label, ours[0] / theirs[0], "x")
        report.table(["one kernel.trace probe, -p4", "4.8 wall/cpu", "stap5 wall/cpu",
                      "stap5/4.8"], rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

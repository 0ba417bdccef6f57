"""Pass 2: stap5 -p2 beside stap 4.8 -p2 (tapset-using scripts), cold and with the index cached

Each script is elaborated by 4.8 (`stap -p2`) and by stap5 (`stap5 -p2`),
both reading 4.8's tapset library.  stap5 runs "cold" (an empty cache: no
tapset index, no parsed library files — it parses the whole library once
to build its index) and "warm" (index and parse cache filled by the cold
run).  Times are the best of a few runs, wall clock and CPU (user+sys of
the child); the ratios are stap5/4.8, so below 1 means stap5 is faster.
stap 4.8 parses the whole library on every run; stap5, once the index is
cached, only the files a script uses.
"""

import os
import resource
import shutil
import subprocess
import sys
import time

from testsuite.bench import fresh_cache
from testsuite.oracle.harness import KERNEL, STAP48, TAPSET48, stap48_available

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPTS = [
    ("no tapset", ["-e", "probe begin { print(1) }"]),
    ("context functions", ["-e", 'probe begin { printf("%d %s\\n", pid(), execname()) }']),
    ("syscall.open", ["-e", 'probe syscall.open { printf("%s\\n", name) }']),
    ("syscall.open*, syscall.close*", ["-e", "probe syscall.open*, syscall.close* { }"]),
    ("-L syscall.open*", ["-L", "syscall.open*"]),
]


def _run(argv, env, cwd=PROJECT_DIR):
    """(wall seconds, cpu seconds, exit status) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def _best(argv, env, repeat, cwd=PROJECT_DIR):
    runs = [_run(argv, env, cwd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def run(report, quick=False):
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    repeat = 1 if quick else 3
    env48 = dict(os.environ, SYSTEMTAP_TAPSET=TAPSET48)
    rows = []
    cache = fresh_cache()
    try:
        env5 = dict(os.environ, SYSTEMTAP_TAPSET=TAPSET48, STAP5_CACHE=cache,
                    PYTHONPATH=PROJECT_DIR)
        for position, (label, args) in enumerate(SCRIPTS):
            argv = ["-r", KERNEL] + (["-p2"] if args[0] == "-e" else []) + args
            wall48, cpu48, status48 = _best([STAP48] + argv, env48, repeat)
            stap5 = [sys.executable, "-m", "stap5"] + argv
            cold = None
            if position == 0 or label == "syscall.open":
                # cold: the first run builds the index (and, for the issue's
                # example, again from scratch)
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(fresh_cache(), cache)
                cold = _run(stap5, env5)
            wall5, cpu5, status5 = _best(stap5, env5, repeat)
            if status48 != status5:
                raise RuntimeError("%s: exit status stap %s, stap5 %s"
                                   % (label, status48, status5))
            rows.append([label, "%.2f/%.2f" % (wall48, cpu48),
                         "%.2f/%.2f" % (cold[0], cold[1]) if cold else "-",
                         "%.2f/%.2f" % (wall5, cpu5), "%.2f" % (wall5 / wall48),
                         "%.2f" % (cpu5 / cpu48) if cpu48 else "-"])
            report.add("%s: stap5 warm / stap 4.8 (cpu)" % label,
                       cpu5 / cpu48 if cpu48 else 0.0, "x",
                       "%.2f s vs %.2f s cpu; wall %.2f s vs %.2f s"
                       % (cpu5, cpu48, wall5, wall48))
            if cold:
                report.add("%s: stap5 cold (builds the index)" % label, cold[0], "s wall",
                           "%.2f s cpu" % cold[1])
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    report.table(["script", "4.8 wall/cpu s", "stap5 cold", "stap5 warm",
                  "warm/4.8 wall", "warm/4.8 cpu"], rows)

"""Pass 1: parse throughput over the tapset tree, and stap5 -p1 beside stap 4.8 -p1

Throughput is measured in this process over every library file (the .stpm
macro files and the .stp scripts), twice: "cold", with an empty parse cache
(the LALR tables are already built: that is a one-time cost per cache), and
"warm", from the cache the cold run filled.  Then the same command lines are
timed as whole runs of `stap5` and of 4.8's `stap` (wall clock, best of a
few), on the same tapset tree: the whole library dump (-v), which is what
parsing everything costs, and one example script.
"""

import os
import shutil
import subprocess
import sys
import time

from testsuite.bench import fresh_cache
from testsuite.oracle.harness import (EXAMPLES48, KERNEL, STAP48, TAPSET48, patched_environment,
                                     stap48_available)

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(EXAMPLES48, "network", "nettop.stp")


def _tapset_dir():
    """4.8's tapsets when installed (the same files for both), else ours."""
    if os.path.isdir(TAPSET48):
        return TAPSET48
    from stap5.session import DEFAULT_TAPSET_DIR
    return DEFAULT_TAPSET_DIR


def _library_lines(session):
    from stap5 import library
    total = files = 0
    for path in library.macro_files(session) + library.script_files(session):
        with open(path, "rb") as f:
            total += f.read().count(b"\n")
        files += 1
    return files, total


def _parse_library(cache):
    """(cpu seconds, wall seconds, library files parsed) of one pass 1."""
    from stap5 import cli
    from stap5.parse import pass1
    with patched_environment({"SYSTEMTAP_TAPSET": _tapset_dir(), "STAP5_CACHE": cache}):
        session = cli.parse_args(["-r", KERNEL, "-p1", "-v", "-e", "probe begin {}"])
        cpu, wall = time.process_time(), time.monotonic()
        result = pass1.run(session, whole_library=True)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    if result.errors:
        raise RuntimeError("the library did not parse: %s" % result.errors[0].message)
    return cpu, wall, len(result.library_files), session


def throughput(report, quick):
    cache = fresh_cache()
    try:
        cold_cpu, cold_wall, parsed, session = _parse_library(cache)
        warm = [_parse_library(cache) for _ in range(1 if quick else 3)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    files, lines = _library_lines(session)
    warm_cpu = min(run[0] for run in warm)
    warm_wall = min(run[1] for run in warm)
    report.add("library files parsed", parsed, "files", "of %d in %s" % (files, _tapset_dir()))
    report.add("library lines", lines, "lines")
    report.add("cold parse (empty parse cache)", lines / cold_wall, "lines/s",
               "%.2f s wall, %.2f s cpu" % (cold_wall, cold_cpu))
    report.add("warm parse (from the parse cache)", lines / warm_wall, "lines/s",
               "%.2f s wall, %.2f s cpu" % (warm_wall, warm_cpu))


def _timed(argv, env, repeat):
    """Best wall time of `repeat` runs, and the last run's exit status."""
    best, status = None, None
    for _ in range(repeat):
        started = time.monotonic()
        proc = subprocess.run(argv, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        elapsed = time.monotonic() - started
        best = elapsed if best is None else min(best, elapsed)
        status = proc.returncode
    return best, status


def side_by_side(report, quick):
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    repeat = 1 if quick else 3
    commands = [("whole library (-v -p1)", ["-p1", "-v", "-e", "probe begin {}"])]
    if os.path.exists(EXAMPLE):
        commands.append(("one script (-p1 %s)" % os.path.basename(EXAMPLE), ["-p1", EXAMPLE]))
    rows = []
    for label, args in commands:
        env48 = dict(os.environ)
        stap_time, stap_status = _timed([STAP48, "-r", KERNEL] + args, env48, repeat)
        cache = fresh_cache()
        try:
            env5 = dict(os.environ, SYSTEMTAP_TAPSET=_tapset_dir(), STAP5_CACHE=cache,
                        PYTHONPATH=PROJECT_DIR)
            stap5 = [sys.executable, "-m", "stap5", "-r", KERNEL] + args
            cold, cold_status = _timed(stap5, env5, 1)
            warm, warm_status = _timed(stap5, env5, repeat)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        if (stap_status, cold_status, warm_status) != (0, 0, 0):
            raise RuntimeError("%s: exit status stap %s, stap5 %s/%s"
                               % (label, stap_status, cold_status, warm_status))
        rows.append([label, "%.2f s" % stap_time, "%.2f s" % cold, "%.2f s" % warm,
                     "%.1fx" % (cold / stap_time), "%.1fx" % (warm / stap_time)])
        report.add("%s: stap5/stap, warm" % label, warm / stap_time, "x")
    report.table(["command", "stap 4.8", "stap5 cold", "stap5 warm", "cold/4.8", "warm/4.8"],
                 rows)


def run(report, quick=False):
    throughput(report, quick)
    side_by_side(report, quick)

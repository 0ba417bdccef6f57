"""DWARF probes: stap5 -p2 and -L beside stap 4.8 on the same kernel debuginfo (warm index, and the first run after a kernel update)

Both read the kernel's DWARF from stap5's debug root in the cache (4.8
through SYSTEMTAP_DEBUGINFO_PATH) and their own tapset libraries.  "warm"
is stap5 with its DWARF index built; "first run" is stap5 with an empty
index directory, as after a kernel update: it scans the whole vmlinux once
(then the index serves every later run).  Times are the best of a few
runs, wall and CPU (user+sys); ratios are stap5/4.8 (below 1: stap5 faster).
"""

import os
import shutil
import sys
import tempfile

from stap5.kernel import cache, debuginfo
from stap5.kernel.target import KernelTarget
from testsuite.bench.elaborate import PROJECT_DIR, _best, _run
from testsuite.oracle.harness import KERNEL, STAP48, stap48_available

CHAIN = 'probe kernel.function("vfs_read") { println($file->f_path->dentry) }'
SCRIPTS = [
    ("-p2 kernel.function(\"vfs_read\")", ["-p2", "-e",
                                           'probe kernel.function("vfs_read") { println(1) }']),
    ("-p2 $file->f_path->dentry", ["-p2", "-e", CHAIN]),
    ("-p2 kernel.function(\"vfs_*\").return", ["-p2", "-e",
                                               'probe kernel.function("vfs_*").return { }']),
    ("-L kernel.function(\"vfs_read\")", ["-L", 'kernel.function("vfs_read")']),
    ("-L kernel.function(\"*@fs/read_write.c\")", ["-L", 'kernel.function("*@fs/read_write.c")']),
]


def run(report, quick=False):
    if not stap48_available():
        report.skip("stap 4.8 is not installed")
    if debuginfo.kernel_debuginfo(KernelTarget(KERNEL)) is None:
        report.skip("no kernel debuginfo (stap5-prep --debuginfo)")
    repeat = 1 if quick else 3
    env48 = dict(os.environ, SYSTEMTAP_DEBUGINFO_PATH=debuginfo.oracle_debuginfo_path())
    env5 = dict(os.environ, PYTHONPATH=PROJECT_DIR, STAP5_DEBUG_ROOTS=cache.debug_root(),
                STAP5_DWARF_INDEX=cache.path("dwarf-index"))
    # the warm index exists once any run has used it
    _run([sys.executable, "-m", "stap5", "-r", KERNEL, "-L", 'kernel.function("vfs_read")'],
         env5)
    rows = []
    first_index = tempfile.mkdtemp(prefix="stap5-bench-index-")
    try:
        for position, (label, args) in enumerate(SCRIPTS):
            argv = ["-r", KERNEL] + args
            wall48, cpu48, status48 = _best([STAP48] + argv, env48, repeat)
            stap5 = [sys.executable, "-m", "stap5"] + argv
            first = None
            if position == 0:
                first = _run(stap5, dict(env5, STAP5_DWARF_INDEX=first_index))
            wall5, cpu5, status5 = _best(stap5, env5, repeat)
            if status5 != status48:
                rows.append([label, "%.2f/%.2f" % (wall48, cpu48), "-",
                             "exit %d (4.8: %d)" % (status5, status48), "-", "-"])
                continue
            rows.append([label, "%.2f/%.2f" % (wall48, cpu48),
                         "%.2f/%.2f" % (first[0], first[1]) if first else "-",
                         "%.2f/%.2f" % (wall5, cpu5), "%.2f" % (wall5 / wall48),
                         "%.2f" % (cpu5 / cpu48) if cpu48 else "-"])
            report.add("%s: stap5 warm / stap 4.8 (wall)" % label, wall5 / wall48, "x",
                       "%.2f s vs %.2f s wall; cpu %.2f s vs %.2f s"
                       % (wall5, wall48, cpu5, cpu48))
            if first:
                report.add("%s: stap5 first run (builds the index)" % label, first[0],
                           "s wall", "%.2f s cpu" % first[1])
    finally:
        shutil.rmtree(first_index, ignore_errors=True)
    report.table(["script", "4.8 wall/cpu s", "stap5 first run", "stap5 warm",
                  "warm/4.8 wall", "warm/4.8 cpu"], rows)

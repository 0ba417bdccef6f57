"""DWARF probes against SystemTap 4.8 reading the same kernel debuginfo
(stap5's debug root, given to 4.8 with SYSTEMTAP_DEBUGINFO_PATH by
testsuite/conftest.py): -p2 dumps, -l/-L listings, diagnostics.

Known differences, not compared here:
  - the order of several probes one wildcard derives (4.8 follows its hash
    tables): wildcard dumps are compared as sets of lines;
  - which instance of a function both inlined and out of line -L takes its
    variables from, and some variables 4.8 lists as seen after the
    prologue (it evaluates locations a few bytes past the entry): the
    listings compared are those of functions where both agree;
  - a few inlined instances 4.8 does not offer (atomic_open in
    fs/namei.c, dax_is_pte_entry in fs/dax.c) and symbol-only functions
    (`*.cold`: 30 of 2830) it leaves out for reasons not found yet;
  - 4.8's "function NAME is in blocklisted section" warnings for init code
    matched by a wildcard (stap5 leaves init code out silently), and the
    functions it then drops from -p2 (vfs_kern_mount, vfs_statfs).
"""

import os
import subprocess

import pytest

from stap5.kernel import debuginfo
from stap5.kernel.target import KernelTarget
from testsuite.oracle.harness import KERNEL, needs_stap48, run_stap48, run_stap5

pytestmark = [pytest.mark.oracle, needs_stap48]


@pytest.fixture(scope="module", autouse=True)
def kernel_debuginfo():
    if debuginfo.kernel_debuginfo(KernelTarget(KERNEL)) is None:
        pytest.skip("no kernel debuginfo (make setup fetches it: stap5-prep --debuginfo)")


SCRIPT = " ".join([
    'probe kernel.function("vfs_read") { print(1) }',
    'probe kernel.function("vfs_read").return { print(1) }',
    'probe kernel.function("vfs_read").call { print(1) }',
    'probe kernel.statement("vfs_read@fs/read_write.c:462") { print(1) }',
    'probe kernel.function("vfs_write").return.maxactive(3) { print(1) }',
    'probe kernel.statement(0xffffffff813669e0) { print(1) }',
    'probe kernel.function("ksys_read").exported ? { print(1) }',
    'probe foo = kernel.function("vfs_read") {} probe foo { print(2) }',
    'probe kernel.function("vfs_rea?") { print(3) }',
    'probe kernel.function("*@fs/read_write.c:450") { print(4) }',
])


def test_dump():
    argv = ["-p2", "-e", SCRIPT]
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert got.status == expected.status == 0, got.stderr
    assert got.stderr == expected.stderr
    lines = got.stdout.splitlines()
    wanted = expected.stdout.splitlines()
    # the probes of one pattern come in the same order, except for the wildcard
    # of the last declaration (its order is 4.8's hash order)
    assert lines[:9] == wanted[:9]
    assert sorted(lines) == sorted(wanted)


@pytest.mark.parametrize("pattern", [
    'kernel.function("file_inode")', 'kernel.function("vfs_rea*")',
    'kernel.function("*@fs/read_write.c").inline',
    'kernel.function("nosuchfunc").return',
])
def test_dump_of_many(pattern):
    argv = ["-p2", "-e", "probe %s { print(1) }" % pattern]
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert got.status == expected.status
    assert sorted(got.stdout.splitlines()) == sorted(expected.stdout.splitlines())


LISTINGS = [
    ["-L", 'kernel.function("vfs_read")'], ["-L", 'kernel.function("vfs_read").return'],
    ["-L", 'kernel.function("vfs_rea*")'], ["-l", 'kernel.function("vfs_*")'],
    ["-L", 'kernel.function("tcp_sendmsg*")'], ["-L", 'kernel.function("schedule").return'],
    ["-L", 'kernel.function("file_inode")'], ["-L", 'kernel.function("do_sys_open*").return'],
    ["-L", 'kernel.statement("vfs_read@fs/read_write.c:*")'],
    ["-l", 'kernel.function("*@fs/open.c").call'], ["-l", 'kernel.function("*@kernel/fork.c")'],
    ["-l", 'kernel.function("*@fs/read_write.c")'], ["-l", 'kernel.function("vfs_*").return'],
    ["-L", 'kernel.function("vfs_read").return.maxactive(3)'],
    ["-l", 'kernel.function("file_inode").call'], ["-l", 'kernel.function("nosuchfunc")'],
]


@pytest.mark.parametrize("argv", LISTINGS, ids=[" ".join(a) for a in LISTINGS])
def test_listing(argv):
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert (got.status, got.stdout) == (expected.status, expected.stdout)


def test_module_function(tmp_path):
    """A module's function, placed at its symbol in the module's .text (no 4.8
    to compare with: it finds modules only under /lib/modules, which the
    host lacks)."""
    target = KernelTarget(KERNEL)
    path = debuginfo.module_debuginfo(target, "ext4")
    if path is None:
        pytest.skip("no ext4 debuginfo")
    got = run_stap5(["-p2", "-e",
                     'probe module("ext4").function("ext4_file_read_iter") { print(1) }'])
    assert got.status == 0, got.stderr
    symbols = subprocess.run(["nm", path], capture_output=True, text=True).stdout
    address = next(int(line.split()[0], 16) for line in symbols.splitlines()
                   if line.endswith(" ext4_file_read_iter"))
    assert ('module("ext4").function("ext4_file_read_iter@fs/ext4/file.c:130") '
            '/* pc=.text+%#x */' % address) in got.stdout
    listing = run_stap5(["-L", 'module("ext4").function("ext4_file_read_iter")'])
    assert listing.stdout == ('module("ext4").function("ext4_file_read_iter@fs/ext4/file.c:130")'
                              ' $iocb:struct kiocb* $to:struct iov_iter*\n')


def test_missing_debuginfo(tmp_path):
    """Without debuginfo: stap's message (the tapsets' fallbacks rely on it)."""
    env = dict(os.environ, STAP5_CACHE=str(tmp_path), STAP5_DEBUG_ROOTS=str(tmp_path),
               DEBUGINFOD_URLS="")
    proc = subprocess.run(["python3", "-m", "stap5", "-r", KERNEL, "-p2", "-e",
                           'probe kernel.function("vfs_read") { print(1) }'],
                          capture_output=True, text=True, env=env)
    if debuginfo.kernel_debuginfo(KernelTarget(KERNEL)) is not None and \
            os.path.exists("/usr/lib/debug/boot/vmlinux-" + KERNEL):
        pytest.skip("debuginfo installed system-wide")
    assert proc.returncode == 1
    assert "missing x86_64 kernel/module debuginfo [man warning::debuginfo]" in proc.stderr

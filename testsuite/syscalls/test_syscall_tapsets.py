"""The syscall tapsets on the host: generated files up to date, every
system call of the target kernel probed, and the probe points, variables
and listings SystemTap 4.8 gives on the same kernel (4.8 without
debuginfo, which on this kernel is what 4.8 does with it too: its
kernel.function("sys_*") variants find nothing and it falls back to the
same kprobes).

Known differences, each for a reason:

- TRACEPOINT_ONLY: system calls 4.8 reaches only through the
  raw_syscalls tracepoints here (compat calls whose functions were
  renamed or removed).  They wait for the kernel.trace family.
- clone: 4.8 uses the raw_syscalls:sys_enter tracepoint (it finds no
  do_fork); we probe __x64_sys_clone, so the tracepoint's own variables
  are not listed.
- EXTENSIONS: the system calls of this kernel 4.8 does not know.
- 4.8's return probes that use @entry (socketcall(), ipc(), pipe,
  signalfd, epoll_create1, wait4) have an extra entry kprobe and list odd
  variables; ours read the arguments from the registers the task saved on
  entering the kernel, which the call leaves alone.
- epoll_create and signalfd: 4.8 probes epoll_create1() and signalfd4()
  only ("!" stops at them); the kernel has both, and so do we.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testsuite.oracle.harness import (needs_stap48, prefetch_stap48, run_stap48, run_stap5,
                                     stap48_available)

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
HEADERS = Path("/usr/src/linux-headers-6.1.0-56-amd64")

needs_headers = pytest.mark.skipif(not HEADERS.is_dir(), reason="kernel headers not installed")

TRACEPOINT_ONLY = {
    "bdflush", "compat_adjtimex", "compat_clock_nanosleep", "compat_fadvise64",
    "compat_fadvise64_64", "compat_fallocate", "compat_ftruncate64", "compat_futex",
    "compat_futimesat", "compat_lookup_dcookie", "compat_nanosleep", "compat_ppoll",
    "compat_pselect6", "compat_readahead", "compat_recvmmsg", "compat_sys_utimes",
    "compat_truncate64", "compat_utime", "compat_utimensat", "compat_vmsplice", "fadvise64_64",
    "ftruncate64", "pwrite32", "sigaction", "sysctl",
}
EXTENSIONS = {
    "clone3", "close_range", "epoll_pwait2", "fsconfig", "fsmount", "fsopen", "fspick",
    "futex_waitv", "io_pgetevents", "io_uring_enter", "io_uring_register", "io_uring_setup",
    "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "mount_setattr",
    "move_mount", "open_tree", "openat2", "pidfd_getfd", "pidfd_open", "pidfd_send_signal",
    "process_madvise", "process_mrelease", "quotactl_fd", "rseq", "rt_sigreturn",
    "set_mempolicy_home_node",
}
# Where 4.8 lists tracepoint variables ($regs...) for a call we probe with kprobes.
THROUGH_TRACEPOINT_IN_4_8 = {"clone", "lookup_dcookie"}
# Kernel functions probed for a call 4.8 misses.
OUR_EXTRA_POINTS = {
    "clone": {"__x64_sys_clone", "__ia32_sys_clone"},
    "epoll_create": {"__x64_sys_epoll_create", "__ia32_sys_epoll_create"},
    "signalfd": {"__x64_sys_signalfd", "__ia32_sys_signalfd"},
    "lookup_dcookie": {"__x64_sys_lookup_dcookie", "__ia32_sys_lookup_dcookie"},
}
# Calls whose return probe in 4.8 uses @entry (an extra entry probe, and
# variables of its own in listings).
ENTRY_IN_4_8_RETURN = re.compile(
    r"^(accept4?|bind|connect|getpeername|getsockname|getsockopt|listen|recv|recvfrom|recvmsg|"
    r"send|sendmmsg|sendmsg|sendto|setsockopt|shutdown|socket|socketpair|msgget|semget|semop|"
    r"shmdt|shmget|compat_sys_\w+|compat_signalfd|epoll_create|pipe|signalfd|wait4)$")


# 4.8 with the kernel's debuginfo places these through DWARF (its dw_syscall
# aliases: other functions, $target variables in -L); ours stay on kprobes.
DWARF_IN_4_8 = {"ni_syscall", "compat_signalfd"}

ALL_SCRIPT = str(HERE / "all_syscalls.stp")


@pytest.fixture(scope="module", autouse=True)
def _prefetch():
    # 4.8 takes half a minute to a minute on each: start them together.
    if stap48_available():
        prefetch_stap48([["-L", "syscall.*"], ["-L", "syscall.*.return"],
                         ["-p2", ALL_SCRIPT]])


def _without_tracepoint_variables(variables):
    """A listing's variables less those of 4.8's raw_syscalls tracepoint
    probes (its target variables $regs..., and __-prefixed ones)."""
    variables = variables.split(" $")[0]
    return " ".join(v for v in variables.split() if not v.startswith("__"))


def _listing(text):
    """{alias name without its prefix: variables} of a -L listing."""
    found = {}
    for line in text.splitlines():
        name, _, variables = line.partition(" ")
        found[name.split(".", 1)[1]] = variables
    return found


@needs_headers
def test_generated_files_are_up_to_date():
    # tools/syscalls writes the tapsets from its tables and the headers;
    # run `python3 -m tools.syscalls` after changing either.
    proc = subprocess.run([sys.executable, "-m", "tools.syscalls", "--check"], cwd=PROJECT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@needs_headers
def test_every_system_call_of_the_kernel_is_probed():
    from tools.syscalls import generate, headers, table
    the_table = table.read(generate.TABLE)
    probed = set()
    for entry in the_table.entries:
        probed.update(f.lstrip("=") for f in table.entry_functions(entry, the_table.entries))
    missing = [function for _, function, _ in headers.syscall_table("64")
               if function not in probed]
    assert missing == []


def test_nd_syscall_lists_what_syscall_lists():
    for suffix in ("", ".return"):
        plain = run_stap5(["-L", "syscall.*" + suffix])
        nd = run_stap5(["-L", "nd_syscall.*" + suffix])
        assert plain.status == nd.status == 0, plain.stderr + nd.stderr
        assert _listing(nd.stdout) == _listing(plain.stdout)
        assert len(_listing(plain.stdout)) > 380


@pytest.mark.oracle
@needs_stap48
def test_listing_is_4_8s():
    theirs = run_stap48(["-L", "syscall.*"])
    ours = run_stap5(["-L", "syscall.*"])
    assert theirs.status == ours.status == 0, ours.stderr
    theirs, ours = _listing(theirs.stdout), _listing(ours.stdout)
    assert set(theirs) - set(ours) == TRACEPOINT_ONLY
    assert set(ours) - set(theirs) == EXTENSIONS
    for name, variables in theirs.items():
        if name in TRACEPOINT_ONLY or name in DWARF_IN_4_8:
            continue
        if name in THROUGH_TRACEPOINT_IN_4_8:
            variables = _without_tracepoint_variables(variables)
        assert ours[name] == variables, name


@pytest.mark.oracle
@needs_stap48
def test_return_listing_is_4_8s():
    theirs = _listing(run_stap48(["-L", "syscall.*.return"]).stdout)
    ours = _listing(run_stap5(["-L", "syscall.*.return"]).stdout)
    assert set(theirs) - set(ours) == {n + ".return" for n in TRACEPOINT_ONLY}
    assert set(ours) - set(theirs) == {n + ".return" for n in EXTENSIONS}
    for name, variables in theirs.items():
        base = name[:-len(".return")]
        if base in TRACEPOINT_ONLY or ENTRY_IN_4_8_RETURN.match(base) or base in DWARF_IN_4_8:
            continue
        if base in THROUGH_TRACEPOINT_IN_4_8:
            variables = _without_tracepoint_variables(variables)
        assert ours[name] == variables, name
    # Where 4.8's @entry gets in the way, ours are the usual ones.
    for name in ours:
        if ENTRY_IN_4_8_RETURN.match(name[:-len(".return")]):
            assert ours[name].startswith(("name:string", "flags:long name:string")), name
            assert ours[name].endswith("retval:long retstr:string"), name


def _probe_points(dump):
    """{(alias, kernel function + ".return" or "")} of a -p2 dump."""
    points = set()
    for line in dump.splitlines():
        match = re.match(r'^kprobe\.function\("([^"]*)"\)(?:\.call)?(\.return)?', line)
        aliases = re.findall(r"<- syscall\.([a-z0-9_]+(?:\.return)?) = ", line)
        if match and aliases:
            points.add((aliases[-1], match.group(1) + (match.group(2) or "")))
    return points


@pytest.mark.oracle
@needs_stap48
def test_probe_points_are_4_8s():
    theirs = run_stap48(["-p2", ALL_SCRIPT])
    ours = run_stap5(["-p2", ALL_SCRIPT])
    assert theirs.status == ours.status == 0, ours.stderr
    theirs, ours = _probe_points(theirs.stdout), _probe_points(ours.stdout)
    ours = {(alias, function) for alias, function in ours
            if alias.split(".")[0] not in EXTENSIONS | DWARF_IN_4_8}
    theirs = {(alias, function) for alias, function in theirs
              if alias.split(".")[0] not in DWARF_IN_4_8}
    # 4.8's entry probes for @entry in return probes.
    entry_probes = {(alias, function) for alias, function in theirs
                    if alias.endswith(".return") and not function.endswith(".return")}
    assert all(ENTRY_IN_4_8_RETURN.match(alias[:-len(".return")]) for alias, _ in entry_probes)
    extra = {(alias + suffix, function + suffix) for alias, functions in OUR_EXTRA_POINTS.items()
             for function in functions for suffix in ("", ".return")}
    assert ours == (theirs - entry_probes) | extra

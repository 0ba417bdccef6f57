"""stap5.vm: a QEMU guest running Debian's 6.1 kernel, for pass 5 and its tests.

The guest boots Debian's own kernel (TCG; uncompressed vmlinux through PVH) with a busybox
initramfs that mounts the host's / read-only over 9p and chroots into it, so the guest
runs the host's Python, project tree and tools at the same paths. /tmp and /var/tmp are
writable in the guest (overlay: host files visible, guest writes stay in guest memory);
the rest is read-only. /proc, /sys, debugfs, tracefs and /dev are the guest kernel's own.
A small agent (agent.py, PID 1 in the chroot) runs commands for the host over a
virtio-serial port, so their stdout/stderr/status come back separately and free of
kernel console noise (which goes to Guest.console_text()).

Command line::

    python -m stap5.vm run [--timeout S] -- CMD ARGS...
        exit status: CMD's; 128+N if killed by signal N; 124 timeout; 125 guest failure;
        126/127 CMD not executable / not found. Ctrl-C/SIGTERM are forwarded to CMD.

Python::

    from stap5.vm import Guest
    with Guest.boot() as g:                       # ~5 s under TCG (agent ready)
        r = g.run(["uname", "-r"], timeout=30)    # Result: rc, stdout, stderr (bytes), .out/.err
        p = g.start(g.python_command("-m", "stap5.run.staprun", "/tmp/x/mod.ko"),
                    stdout=sys.stdout, stderr=sys.stderr, capture=False)  # live streaming
        p.send_signal(signal.SIGINT)              # to the command's process group
        r = p.wait(timeout=60)

Guest.boot(kver=, timeout=, memory_mb=1024, cpus=1, kaslr=False, fetch=True): the
default boots vmlinux via PVH, which leaves KASLR off (kernel text at the System.map
addresses); kaslr=True boots the bzImage (randomized base, ~2x slower boot).

Commands run as root with cwd = the host's cwd and env = the host's environment plus
this project on PYTHONPATH (so the guest's Python, the host's own, imports the same
stap5 code). stdin is /dev/null unless run(input=...) / start(stdin=True). g.info has
the guest's uname, the kind of /tmp, and boot timings; g.console_text() the kernel log.

Errors: GuestUnavailable (no QEMU / kernel assets: run ``stap5-prep --vm``), GuestBootError,
GuestDied (kernel panic etc.; message quotes the console), TimeoutExpired (.result holds
the partial output; .guest_killed tells whether the guest had to go too). All are
GuestError. Environment: STAP5_CACHE (cache root, default ~/.cache/stap5),
STAP5_VM_ACCEL=tcg|kvm|auto (default tcg: nested KVM hangs on these hosts),
STAP5_VM_BOOT_TIMEOUT (seconds, default 120), STAP5_VM_9P_CACHE (9p cache mode for
the host root, default none: always fresh; loose is a bit faster but may show stale files).

Kernel assets (stap5.vm.assets): system_map(kver) and debuginfo_vmlinux(kver) return the
cached real System.map / DWARF vmlinux (fetched by ``stap5-prep --vm`` / ``--debuginfo``)
or None.
"""

from stap5.vm.assets import DEFAULT_KVER, AssetError, debuginfo_vmlinux, system_map
from stap5.vm.guest import (Guest, GuestBootError, GuestDied, GuestError, GuestUnavailable,
                            Process, Result, TimeoutExpired)

__all__ = ["DEFAULT_KVER", "AssetError", "debuginfo_vmlinux", "system_map", "Guest",
           "GuestBootError", "GuestDied", "GuestError", "GuestUnavailable", "Process", "Result",
           "TimeoutExpired"]

"""The guest's initramfs: static busybox, the init script below, and the modules it loads.

/init mounts the host's root read-only over 9p at /host, gives it the guest kernel's own
/proc, /sys, debugfs, tracefs, /dev and /run, makes /tmp and /var/tmp writable, then
chroots into it and execs the agent (agent.py) with the host's own Python.

Writable /tmp and /var/tmp: an overlayfs whose lower layer is the host's directory (so a
module built on the host under /tmp is visible in the guest at the same path) and whose
upper layer is a guest tmpfs (so guest writes never reach the host). If overlayfs refuses,
a plain tmpfs is used instead (the host's files there are then hidden). Everything else is
read-only. Overlayfs caches lookups, so the agent drops the guest's dentry cache before
each command to see files the host created since the previous one.

The agent's Python and script path come on the kernel command line (stap5_python=,
stap5_agent=, stap5_path=): the kernel hands such parameters to /init as environment.
"""

import hashlib
import os
import stat
from pathlib import Path

from stap5.vm.assets import GUEST_MODULES, AssetError, DEFAULT_KVER, cache_lock, vm_dir

BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox"]

INIT_SCRIPT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /host /rw
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

die() {
    echo "stap5-init: $*" >/dev/ttyS0
    poweroff -f
}

for m in @MODULES@; do
    insmod /modules/$m.ko || die "cannot load $m"
done

mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144,cache=${stap5_9p_cache:-none} host /host \
    || die "cannot mount the host root over 9p"
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t debugfs debugfs /host/sys/kernel/debug
mount -t tracefs tracefs /host/sys/kernel/tracing 2>/dev/null
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t tmpfs tmpfs /host/run
mount -t tmpfs -o mode=755 tmpfs /rw
for d in tmp var/tmp; do
    u=/rw/$(echo $d | tr / _)
    mkdir -p $u/upper $u/work
    chmod 1777 $u/upper
    mount -t overlay overlay -o lowerdir=/host/$d,upperdir=$u/upper,workdir=$u/work /host/$d \
        || mount -t tmpfs -o mode=1777 tmpfs /host/$d
done

[ -x "/host$stap5_python" ] || die "no python at $stap5_python (is / the host's root?)"
exec chroot /host "$stap5_python" -S "$stap5_agent"
"""


def init_script():
    return INIT_SCRIPT.replace("@MODULES@", " ".join(GUEST_MODULES))


def find_busybox():
    for path in BUSYBOX_CANDIDATES:
        if os.path.isfile(path):
            return path
    raise AssetError("busybox not found: install busybox-static")


def _is_static(path):
    # A dynamically linked ELF has a PT_INTERP program header naming its loader.
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    return b"/lib64/ld-linux" not in head and b"/lib/ld-linux" not in head


class CpioWriter:
    """Writes a 'newc' cpio archive, the format the kernel unpacks as initramfs."""

    def __init__(self, out):
        self.out = out
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        name_bytes = name.encode() + b"\0"
        header = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0))
        self.ino += 1
        self.out.write(header.encode() + name_bytes)
        self.out.write(b"\0" * (-(110 + len(name_bytes)) % 4))
        self.out.write(data)
        self.out.write(b"\0" * (-len(data) % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def char_device(self, name, major, minor, mode=0o600):
        self._entry(name, stat.S_IFCHR | mode, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)


def _inputs(kver):
    d = vm_dir(kver)
    files = [find_busybox()] + [str(d / "modules" / f"{m}.ko") for m in GUEST_MODULES]
    return files


def _input_key(kver):
    """A digest of everything the initramfs is made of: rebuilt when any of it changes."""
    h = hashlib.sha256(b"stap5-initramfs-v1\0" + init_script().encode())
    for path in _inputs(kver):
        st = os.stat(path)
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def build_initramfs(kver=DEFAULT_KVER):
    """Return the path of the cached initramfs for `kver`, (re)building it if stale."""
    d = vm_dir(kver)
    out = d / "initramfs.cpio"
    key_file = d / "initramfs.key"
    key = _input_key(kver)
    if out.is_file() and key_file.is_file() and key_file.read_text() == key:
        return out
    with cache_lock(d):
        _build(d, out, key_file, key)
    return out


def _build(d, out, key_file, key):
    busybox = find_busybox()
    if not _is_static(busybox):
        raise AssetError(f"{busybox} is dynamically linked: install busybox-static")
    tmp = out.with_name(out.name + ".tmp%d" % os.getpid())
    with open(tmp, "wb") as f:
        cpio = CpioWriter(f)
        for name in ("bin", "modules", "dev", "proc", "sys", "host", "rw"):
            cpio.directory(name)
        # The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
        cpio.char_device("dev/console", 5, 1)
        cpio.file("bin/busybox", Path(busybox).read_bytes(), 0o755)
        cpio.file("init", init_script().encode(), 0o755)
        for m in GUEST_MODULES:
            cpio.file(f"modules/{m}.ko", (d / "modules" / f"{m}.ko").read_bytes())
        cpio.finish()
    os.replace(tmp, out)
    key_file.write_text(key)

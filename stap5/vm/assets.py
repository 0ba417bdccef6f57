"""Kernel assets for the guest and for symbol lookup, fetched once into the cache.

Layout under the cache directory (``$STAP5_CACHE`` or ``~/.cache/stap5``)::

    vm/KVER/vmlinuz           the kernel as Debian ships it (bzImage)
    vm/KVER/vmlinux           the same kernel uncompressed, booted through PVH (~3x faster)
    vm/KVER/config            its .config
    vm/KVER/modules/*.ko      the few modules the initramfs loads (virtio, 9p, overlay)
    vm/KVER/initramfs.cpio    busybox + init + those modules (see initramfs.py)
    kernel/KVER/System.map    the real symbol table (from linux-image-KVER-dbg)
    debug/lib/modules/KVER/   the DWARF vmlinux and modules (``stap5-prep --debuginfo``,
                              see stap5/kernel/debuginfo.py)

Everything here raises :class:`AssetError` with a message meant for a user, never a
bare traceback-worthy exception.
"""

import contextlib
import fcntl
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from stap5.kernel import cache
from stap5.kernel.image import vmlinux_from_bzimage

DEFAULT_KVER = "6.1.0-56-amd64"

# The modules the initramfs loads, in load order (each one's dependencies come first).
GUEST_MODULES = [
    "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
    "9pnet", "9pnet_virtio", "netfs", "fscache", "9p",
    "virtio_console",   # the control channel between host and guest agent
    "overlay",          # writable /tmp and /var/tmp over the read-only host root
]


# Modules whose DWARF `stap5-prep --debuginfo` extracts with the kernel's (others are
# extracted from the kept package when a script first names them).
# These are the modules the tapsets and Debian's examples name.
DEBUGINFO_MODULES = ["ext4", "xfs", "btrfs", "nfs", "nfsd", "sunrpc", "nfsv2", "nfsv3", "nfsv4",
                     "scsi_mod", "sd_mod", "sr_mod", "st", "autofs4", "ipv6", "dccp"]


class AssetError(Exception):
    """A kernel asset is missing and could not be fetched; str() is the user message."""


def cache_dir():
    return Path(cache.cache_dir())


def vm_dir(kver=DEFAULT_KVER):
    return cache_dir() / "vm" / kver


def kernel_dir(kver=DEFAULT_KVER):
    return cache_dir() / "kernel" / kver


def system_map(kver=DEFAULT_KVER):
    """Path of the real System.map for `kver`, or None if `stap5-prep --vm` hasn't fetched it.

    /boot/System.map-KVER is used when it is a real one (Debian ships an 83-byte placeholder).
    """
    cached = kernel_dir(kver) / "System.map"
    if cached.is_file():
        return cached
    boot = Path(f"/boot/System.map-{kver}")
    if boot.is_file() and boot.stat().st_size > 4096:
        return boot
    return None


def debuginfo_vmlinux(kver=DEFAULT_KVER):
    """Path of the DWARF vmlinux for `kver` wherever it is (see
    stap5/kernel/debuginfo.py), or None."""
    from stap5.kernel import debuginfo
    from stap5.kernel.target import KernelTarget
    found = debuginfo.kernel_debuginfo(KernelTarget(kver))
    return Path(found) if found else None


@contextlib.contextmanager
def cache_lock(directory):
    """Serialize builders of one cache directory (parallel test runs, two users of it)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _atomic_write(path, data):
    tmp = path.with_name(path.name + ".tmp%d" % os.getpid())
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _apt_download(package, dest, log):
    """`apt-get download PACKAGE` into `dest`; returns the .deb path."""
    log(f"downloading {package} ...")
    try:
        proc = subprocess.run(["apt-get", "download", package], cwd=dest,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError:
        raise AssetError(f"cannot download {package}: apt-get not found (not a Debian host?)")
    debs = sorted(Path(dest).glob(f"{package}_*.deb"))
    if proc.returncode != 0 or not debs:
        detail = "\n".join(line for line in proc.stdout.splitlines()
                           if not line.startswith("W: Download is performed unsandboxed"))
        raise AssetError(f"cannot download {package} with apt-get "
                         f"(no network, or run 'apt-get update' first?):\n{detail.strip()}")
    return debs[-1]


def _extract_members(deb, wanted, dest_for):
    """Stream the data tarball of `deb` and write each member whose name (without
    the leading './') is in `wanted` to dest_for(name). Stops once all are found."""
    wanted = set(wanted)
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name[2:] if member.name.startswith("./") else member.name
                if name in wanted and member.isfile():
                    src = tar.extractfile(member)
                    out = dest_for(name)
                    tmp = out.with_name(f"{out.name}.part{os.getpid()}")
                    with open(tmp, "wb") as f:
                        shutil.copyfileobj(src, f, 1 << 20)
                    os.replace(tmp, out)
                    wanted.discard(name)
                    if not wanted:
                        break
    except tarfile.TarError as e:
        raise AssetError(f"cannot read {deb}: {e}")
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
    if wanted:
        raise AssetError(f"{deb.name} lacks: {', '.join(sorted(wanted))}")


def _module_paths_in(root, kver):
    """Map module name -> path under an unpacked /lib/modules/KVER/kernel tree."""
    found = {}
    for dirpath, _, files in os.walk(Path(root) / f"lib/modules/{kver}/kernel"):
        for f in files:
            if f.endswith(".ko"):
                found[f[:-3]] = Path(dirpath) / f
    return found


def guest_kernel_ready(kver=DEFAULT_KVER):
    d = vm_dir(kver)
    return all((d / n).is_file() for n in ("vmlinuz", "vmlinux", "config")) and \
        all((d / "modules" / f"{m}.ko").is_file() for m in GUEST_MODULES)


def fetch_guest_kernel(kver=DEFAULT_KVER, log=print):
    """Make vm/KVER/{vmlinuz,vmlinux,config,modules/} present; a no-op when cached.

    Uses the kernel installed on this host when /boot and /lib/modules have it,
    otherwise downloads linux-image-KVER with apt-get and unpacks only what we need.
    """
    d = vm_dir(kver)
    if guest_kernel_ready(kver):
        return d
    with cache_lock(d):
        if not guest_kernel_ready(kver):  # unless another process just did it
            _fetch_guest_kernel(kver, d, log)
    return d


def _fetch_guest_kernel(kver, d, log):
    (d / "modules").mkdir(parents=True, exist_ok=True)
    boot_image = Path(f"/boot/vmlinuz-{kver}")
    local = _module_paths_in("/", kver)
    if boot_image.is_file() and all(m in local for m in GUEST_MODULES):
        log(f"using the installed kernel {boot_image}")
        shutil.copyfile(boot_image, d / "vmlinuz")
        shutil.copyfile(f"/boot/config-{kver}", d / "config")
        for m in GUEST_MODULES:
            shutil.copyfile(local[m], d / "modules" / f"{m}.ko")
    else:
        with tempfile.TemporaryDirectory(dir=d) as tmp:
            deb = _apt_download(f"linux-image-{kver}", tmp, log)
            # Module paths aren't known until we look: list the tarball once.
            listing = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)],
                                     stdout=subprocess.PIPE, check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(listing)) as tar:
                names = [m.name[2:] for m in tar if m.isfile()]
            by_module = {Path(n).name[:-3]: n for n in names
                         if n.startswith(f"lib/modules/{kver}/kernel/") and n.endswith(".ko")}
            missing = [m for m in GUEST_MODULES if m not in by_module]
            if missing:
                raise AssetError(f"linux-image-{kver} has no module(s) {', '.join(missing)}")
            wanted = {f"boot/vmlinuz-{kver}": d / "vmlinuz", f"boot/config-{kver}": d / "config"}
            for m in GUEST_MODULES:
                wanted[by_module[m]] = d / "modules" / f"{m}.ko"
            _extract_members(deb, wanted, wanted.__getitem__)
    decompress_vmlinuz(d / "vmlinuz", d / "vmlinux")


def decompress_vmlinuz(vmlinuz, vmlinux):
    """Unpack the xz-compressed ELF kernel inside a bzImage (what extract-vmlinux does).

    QEMU boots that ELF directly through its PVH entry point, skipping the in-guest
    decompression that costs ~4 s under TCG.
    """
    out = vmlinux_from_bzimage(Path(vmlinuz).read_bytes())
    if out is None:
        raise AssetError(f"{vmlinuz}: no xz-compressed ELF kernel inside (not an xz bzImage?)")
    _atomic_write(Path(vmlinux), out)
    return Path(vmlinux)


def fetch_system_map(kver=DEFAULT_KVER, debuginfo=False, log=print):
    """Fetch the real System.map from linux-image-KVER-dbg into kernel/KVER/
    (with `debuginfo`, also the DWARF vmlinux into the cache's debug root,
    keeping the package for later module extractions). A no-op when cached."""
    d = kernel_dir(kver)
    if debuginfo:
        from stap5.kernel import debuginfo as kernel_debuginfo
        with cache_lock(d):
            try:
                kernel_debuginfo.fetch_debian(kver, modules=DEBUGINFO_MODULES, log=log)
            except kernel_debuginfo.DebuginfoError as exc:
                raise AssetError(str(exc))
        return d
    want = {f"usr/lib/debug/boot/System.map-{kver}": d / "System.map"}
    want = {k: v for k, v in want.items() if not v.is_file()}
    if not want:
        return d
    with cache_lock(d), tempfile.TemporaryDirectory(dir=d) as tmp:
        want = {k: v for k, v in want.items() if not v.is_file()}
        if not want:
            return d
        deb = _apt_download(f"linux-image-{kver}-dbg", tmp, log)
        log(f"extracting {', '.join(p.name for p in want.values())} from {deb.name} ...")
        _extract_members(deb, want, want.__getitem__)
    return d

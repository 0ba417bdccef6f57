"""stap5-prep: get this host ready to build (and, with --vm, to run) stap5 modules.

    stap5-prep [-r KVER] [--vm] [--debuginfo] [--no-install]

Like stap-prep: checks what building modules for KVER needs (its kbuild headers, make,
gcc) and, as root, installs missing Debian packages with apt-get. KVER defaults to
`uname -r` when that kernel's headers are installed, else to the project's 6.1.0-56-amd64.
--vm also caches the QEMU guest (kernel, uncompressed vmlinux, initramfs) and the kernel's
real System.map (from linux-image-KVER-dbg); --debuginfo additionally caches the DWARF
vmlinux. Everything is cached under $STAP5_CACHE or ~/.cache/stap5; a second run finds it
there and does nothing.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys

from stap5.vm import assets
from stap5.vm.assets import DEFAULT_KVER, AssetError

BUILD_TOOLS = {"make": "make", "gcc": "gcc"}
VM_TOOLS = {"qemu-system-x86_64": "qemu-system-x86"}


class PrepError(Exception):
    pass


def say(message):
    print(message, flush=True)


def headers_dir(kver):
    return f"/lib/modules/{kver}/build"


def have_headers(kver):
    return os.path.isfile(os.path.join(headers_dir(kver), "Makefile"))


def default_kver():
    running = platform.release()
    return running if have_headers(running) else DEFAULT_KVER


def apt_install(packages, allow):
    """Install Debian packages, or explain how to when we may not."""
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if not allow or os.geteuid() != 0 or shutil.which("apt-get") is None:
        why = "not root" if allow and os.geteuid() != 0 else \
            "--no-install" if not allow else "apt-get not found"
        raise PrepError(f"missing: {' '.join(packages)} ({why}); install with:\n"
                        f"  {' '.join(command)}")
    say(f"installing {' '.join(packages)} ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        raise PrepError(f"'{' '.join(command)}' failed (run 'apt-get update' first?):\n"
                        + proc.stdout.strip())


def check_build(kver, allow_install):
    missing = [pkg for tool, pkg in BUILD_TOOLS.items() if shutil.which(tool) is None]
    if not have_headers(kver):
        missing.append(f"linux-headers-{kver}")
    if missing:
        apt_install(missing, allow_install)
    if not have_headers(kver):
        raise PrepError(f"no kernel headers in {headers_dir(kver)} even after installing "
                        f"linux-headers-{kver}")
    say(f"kernel headers: {os.path.realpath(headers_dir(kver))}")


def check_vm(kver, allow_install, debuginfo):
    missing = [pkg for tool, pkg in VM_TOOLS.items() if shutil.which(tool) is None]
    try:
        from stap5.vm.initramfs import find_busybox, _is_static
        if not _is_static(find_busybox()):
            missing.append("busybox-static")
    except AssetError:
        missing.append("busybox-static")
    if missing:
        apt_install(missing, allow_install)
    from stap5.vm.initramfs import build_initramfs
    d = assets.fetch_guest_kernel(kver, log=say)
    initrd = build_initramfs(kver)
    say(f"guest kernel: {d / 'vmlinux'}")
    say(f"guest initramfs: {initrd}")
    assets.fetch_system_map(kver, debuginfo=debuginfo, log=say)
    say(f"System.map: {assets.system_map(kver)}")
    if debuginfo:
        say(f"debuginfo vmlinux: {assets.debuginfo_vmlinux(kver)}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="stap5-prep", description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--kernel-release", dest="kver", metavar="KVER",
                        help="kernel release to prepare for (default: uname -r if its headers "
                             f"are installed, else {DEFAULT_KVER})")
    parser.add_argument("kver_positional", nargs="?", metavar="KVER", help=argparse.SUPPRESS)
    parser.add_argument("--vm", action="store_true",
                        help="also cache the QEMU guest kernel, initramfs and System.map")
    parser.add_argument("--debuginfo", action="store_true",
                        help="also cache the kernel's DWARF vmlinux (an 858 MB download)")
    parser.add_argument("--no-install", action="store_true",
                        help="never run apt-get install; just say what is missing")
    args = parser.parse_args(argv)
    kver = (args.kver or args.kver_positional or default_kver()).strip()
    say(f"Configuring for kernel release {kver}")
    try:
        check_build(kver, not args.no_install)
        if args.vm or args.debuginfo:
            check_vm(kver, not args.no_install, args.debuginfo)
    except (PrepError, AssetError) as e:
        print(f"stap5-prep: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"stap5-prep: {e.filename or ''}{': ' if e.filename else ''}{e.strerror or e}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stap5-prep: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

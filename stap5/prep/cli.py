"""The stap5-prep command: check, report, and with --install, install."""

import argparse
import os
import subprocess
import sys

from stap5.prep import checks, distro as distros, vm
from stap5.prep.checks import MISSING, OK, Finding
from stap5.prep.distro import command_text
from stap5.prep.host import Host
from stap5.vm.assets import DEFAULT_KVER, AssetError

DESCRIPTION = """\
Check what building and running stap5 modules for a kernel needs (compiler,
make, the kernel's kbuild tree, its debuginfo or BTF, kprobes/uprobes/debugfs/
relay in its configuration, and for the running kernel: module loading allowed,
no lockdown refusing unsigned modules), and say, for each thing missing, the
command that installs it on this distribution. Exit status 0 only when all is
there."""


def say(message=""):
    print(message, flush=True)


def build_parser():
    p = argparse.ArgumentParser(prog="stap5-prep", description=DESCRIPTION)
    p.add_argument("-r", "--kernel-release", dest="kver", metavar="RELEASE",
                   help="the target kernel (default: uname -r if its headers are installed, "
                        f"else {DEFAULT_KVER}, the kernel of stap5's QEMU guest)")
    p.add_argument("kver_positional", nargs="?", metavar="RELEASE", help=argparse.SUPPRESS)
    p.add_argument("--install", action="store_true",
                   help="install what is missing (as root; on Debian the debuginfo goes "
                        "to stap5's cache)")
    p.add_argument("--no-install", action="store_true",
                   help="only report (the default; kept for older scripts)")
    p.add_argument("--vm", action="store_true",
                   help="also prepare stap5 --vm: QEMU, and the guest's kernel, initramfs "
                        "and System.map in stap5's cache")
    p.add_argument("--debuginfo", action="store_true",
                   help="as --vm, and also cache the kernel's DWARF vmlinux (a large "
                        "download)")
    p.add_argument("--root", metavar="DIR", default="/",
                   help="inspect DIR as if it were / (os-release, /lib/modules, /proc, "
                        "/sys, the PATH's usual directories)")
    return p


def default_kver(host):
    running = host.running_release()
    if running and host.isfile(f"{checks.headers_dir(running)}/Makefile"):
        return running
    return DEFAULT_KVER


def collect(host, distro, kver, want_vm):
    findings = checks.check_all(host, distro, kver)
    if distro.family == "debian":
        # Debian's debuginfo is fetched into stap5's cache rather than installed
        # (linux-image-R-dbg unpacks 4 GB of module debuginfo under /usr/lib/debug).
        for f in findings:
            if f.what.startswith("kernel debuginfo") and f.status == MISSING:
                f.install = lambda: fetch_debuginfo(kver)
    if want_vm:
        findings += vm.check_vm_tools(host, distro)
    return findings


def fetch_debuginfo(kver):
    from stap5.vm import assets
    assets.fetch_system_map(kver, debuginfo=True, log=say)


def report(kver, distro, findings):
    width = max(len(f.what) for f in findings)
    for f in findings:
        say(f"  {f.what:<{width}}  {f.status:<7}  {f.detail}")
    failing = [f for f in findings if f.failing]
    if not failing:
        say(f"Everything a stap5 run on {kver} needs is there.")
        return
    say()
    say(f"Missing for {kver}:")
    for f in failing:
        say(f"  {f.what}: {f.detail}")
        if f.command:
            say(f"    {command_text(f.command)}")
        if f.advice:
            say(f"    ({f.advice})" if f.command else f"    {f.advice}")
    installable = [f for f in failing if f.status == MISSING and f.command]
    combined = combined_install(distro, installable)
    if len(installable) > 1 and combined:
        say("All of it at once (as root):")
        for command in combined:
            say(f"    {command_text(command)}")
    if installable and distro.package_manager:
        say("or run 'stap5-prep --install' as root.")


def combined_install(distro, findings):
    """The fewest commands installing all of `findings`: their packages in one
    install command, plus the commands that are not plain installs."""
    packages, others = [], []
    for f in findings:
        if f.packages and f.command == distro.install_command(f.packages):
            packages += [p for p in f.packages if p not in packages]
        elif f.command:
            others.append(f.command)
    return ([distro.install_command(packages)] if packages else []) + others


def install(host, distro, findings):
    """Install what is missing; returns False when it could not even try."""
    missing = [f for f in findings if f.status == MISSING]
    if not missing:
        return True
    if not host.is_real:
        say(f"--install: not with --root {host.root}: nothing installed")
        return False
    if not host.is_root_user():
        say("--install: only root can install packages: run the commands above as root")
        return False
    own = [f for f in missing if f.install]
    packaged = [f for f in missing if not f.install and f.command]
    manager = distro.package_manager
    if packaged and (manager is None or host.which(manager) is None):
        say(f"--install: no {manager or 'known package manager'} here: install "
            f"{', '.join(f.what for f in packaged)} by hand")
        packaged = []
    ok = True
    for command in combined_install(distro, packaged):
        command = distro.noninteractive(command)
        say(f"running: {command_text(command)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.call(command, env=env) != 0:
            say(f"--install: '{command_text(command)}' failed")
            ok = False
    for f in own:
        try:
            f.install()
        except AssetError as e:
            say(f"--install: {f.what}: {e}")
            ok = False
    return ok


def run(args):
    host = Host(args.root)
    distro = distros.detect(host.os_release())
    kver = (args.kver or args.kver_positional or default_kver(host)).strip()
    if not kver or "/" in kver:
        raise SystemExit(f"stap5-prep: invalid kernel release '{kver}'")
    want_vm = args.vm or args.debuginfo
    say(f"Configuring for kernel release {kver}")
    say(f"Distribution: {distro.pretty_name}")
    findings = collect(host, distro, kver, want_vm)
    if args.install and any(f.failing for f in findings):
        install(host, distro, findings)
        say()
    guest = []
    if want_vm and all(f.status == OK for f in vm.check_vm_tools(host, distro)):
        try:
            guest = vm.prepare_guest(kver, args.debuginfo, say)
        except AssetError as e:
            guest = [Finding("guest kernel", checks.BLOCKED, str(e))]
    # Again: installing and fetching changed what is there.
    findings = collect(host, distro, kver, want_vm) + guest
    report(kver, distro, findings)
    return 1 if any(f.failing for f in findings) else 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except OSError as e:
        print(f"stap5-prep: {e.filename or ''}{': ' if e.filename else ''}"
              f"{e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stap5-prep: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

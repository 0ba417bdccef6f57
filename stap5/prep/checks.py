"""What a stap5 run needs for a target kernel, checked one thing at a time.

Each check returns a Finding: what it looked at, whether it is there, and
when it is not, the packages and the exact command that provide it (or, for
what no package fixes, advice). Checks about the kernel as it runs (module
loading, lockdown, debugfs mounted) only apply when the target kernel is the
running one; the kernel's configuration applies to any target.
"""

import os
from dataclasses import dataclass, field

from stap5.prep.host import parse_kernel_config
from stap5.kernel.cache import cache_dir

OK = "ok"
MISSING = "missing"     # a package provides it
BLOCKED = "blocked"     # no package fixes it (configuration, lockdown...)
NOT_APPLICABLE = "n/a"
UNKNOWN = "unknown"

FAILING = (MISSING, BLOCKED)


@dataclass
class Finding:
    what: str
    status: str
    detail: str
    packages: list = field(default_factory=list)   # packages that provide it
    command: list = None        # the exact command that installs it (argv)
    advice: str = None          # when no command fixes it, or more to know
    install: object = None      # --install's own way to get it (a callable), if any

    @property
    def failing(self):
        return self.status in FAILING


def _package_finding(distro, what, detail, packages, command=None):
    command = command or (distro.install_command(packages) if packages and all(packages)
                          else None)
    advice = None
    if command is None:
        advice = (f"install {what} with your distribution's package manager "
                  f"({distro.pretty_name} is not one stap5-prep knows)")
    return Finding(what, MISSING, detail, [p for p in packages if p], command, advice)


def check_tool(host, distro, tool, what):
    path = host.which(tool)
    if path:
        return Finding(what, OK, path)
    package = distro.tool_package(tool)
    return _package_finding(distro, what, f"no '{tool}' on the PATH", [package])


def headers_dir(kver):
    return f"/lib/modules/{kver}/build"


def check_headers(host, distro, kver):
    build = headers_dir(kver)
    if host.isfile(build + "/Makefile"):
        return Finding("kernel headers", OK, host.realpath(build))
    package = distro.headers_package(kver)
    detail = f"no kbuild tree in {build}"
    if package:
        detail += f" (package {package})"
    return _package_finding(distro, "kernel headers", detail, [package])


def debuginfo_candidates(host, kver):
    """Where a DWARF vmlinux of `kver` may be (stap5.kernel's list: the debug roots,
    stap5's cache among them, then unstripped images), on the inspected machine;
    plus SUSE's .debug names."""
    from stap5.kernel.target import KernelTarget
    cache = cache_dir()
    candidates = KernelTarget(kver).vmlinux_candidates() + [
        f"/usr/lib/debug/boot/vmlinux-{kver}.debug",
        f"/usr/lib/debug/lib/modules/{kver}/vmlinux.debug"]
    return [c if c.startswith(cache + os.sep) else host.path(c) for c in candidates]


def _has_btf_section(path):
    try:
        from elftools.elf.elffile import ELFFile
        from elftools.common.exceptions import ELFError
    except ImportError:
        return False
    try:
        with open(path, "rb") as f:
            return ELFFile(f).get_section_by_name(".BTF") is not None
    except (OSError, ELFError, ValueError):
        return False


def btf_source(host, kver, config):
    """Where kernel `kver`'s BTF can be read, or None."""
    if config.get("CONFIG_DEBUG_INFO_BTF") != "y":
        return None
    if kver == host.running_release() and host.isfile("/sys/kernel/btf/vmlinux"):
        return host.path("/sys/kernel/btf/vmlinux")
    # The guest kernel stap5-prep --vm caches is the whole uncompressed image.
    image = os.path.join(cache_dir(), "vm", kver, "vmlinux")
    if os.path.isfile(image) and _has_btf_section(image):
        return f"{image} (its .BTF section)"
    return None


def check_debuginfo(host, distro, kver, config):
    what = "kernel debuginfo or BTF"
    for path in debuginfo_candidates(host, kver):
        if os.path.isfile(path):
            return Finding(what, OK, f"debuginfo {path}")
    btf = btf_source(host, kver, config)
    if btf:
        return Finding(what, OK, f"BTF in {btf}; no DWARF debuginfo")
    command = distro.debuginfo_command(kver)
    detail = f"no DWARF vmlinux for {kver}"
    if config.get("CONFIG_DEBUG_INFO_BTF") == "y":
        detail += " and its BTF is not at hand"
    finding = _package_finding(distro, "kernel debuginfo", detail,
                               [command[-1]] if command else [], command)
    finding.what = what
    finding.advice = finding.advice or distro.debuginfo_note(kver)
    return finding


# Configuration items a run needs, by what they are for.
CONFIG_NEEDS = [
    ("module support", ["CONFIG_MODULES"]),
    ("kprobes", ["CONFIG_KPROBES", "CONFIG_KRETPROBES"]),
    ("uprobes", ["CONFIG_UPROBES"]),
    ("debugfs and relay", ["CONFIG_DEBUG_FS", "CONFIG_RELAY"]),
]


def check_config(kver, config_path, config):
    if config_path is None:
        return [Finding("kernel configuration", UNKNOWN,
                        f"none found for {kver} (looked in {headers_dir(kver)}/.config "
                        f"and /boot/config-{kver})")]
    findings = []
    for what, options in CONFIG_NEEDS:
        off = [o for o in options if config.get(o) != "y"]
        if off:
            findings.append(Finding(
                what, BLOCKED, ", ".join(f"{o} is not set" for o in off) + f" ({config_path})",
                advice=f"a kernel built with {', '.join(o + '=y' for o in off)}"))
        else:
            findings.append(Finding(what, OK, ", ".join(o + "=y" for o in options)))
    return findings


def _running_only(host, kver, what):
    running = host.running_release()
    return Finding(what, NOT_APPLICABLE,
                   f"only checked on the running kernel ({running or 'unknown'})")


def check_module_loading(host, kver):
    what = "module loading"
    if kver != host.running_release():
        return _running_only(host, kver, what)
    if (host.read("/proc/sys/kernel/modules_disabled") or "0").strip() == "1":
        return Finding(what, BLOCKED, "kernel.modules_disabled is 1",
                       advice="module loading stays off until the next boot: reboot, "
                              "without setting kernel.modules_disabled")
    return Finding(what, OK, "allowed")


def check_debugfs_mounted(host, kver):
    what = "debugfs"
    if kver != host.running_release():
        return _running_only(host, kver, what)
    if any(point == "/sys/kernel/debug" and fstype == "debugfs"
           for point, fstype in host.mounts()):
        return Finding(what, OK, "mounted on /sys/kernel/debug")
    return Finding(what, OK, "not mounted (staprun5 mounts it on /sys/kernel/debug)")


SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"


def secure_boot_enabled(host):
    try:
        with open(host.path(SECURE_BOOT_VAR), "rb") as f:
            data = f.read()
    except OSError:
        return False
    return len(data) >= 5 and data[4] == 1     # 4 bytes of attributes, then the value


def lockdown_level(host):
    text = host.read("/sys/kernel/security/lockdown") or ""
    for word in text.split():
        if word.startswith("[") and word.endswith("]"):
            return word[1:-1]
    return "none"


def check_lockdown(host, kver):
    what = "unsigned modules"
    if kver != host.running_release():
        return _running_only(host, kver, what)
    refusals = []
    level = lockdown_level(host)
    if level != "none":
        refusals.append(f"the kernel is locked down ({level})")
    if (host.read("/sys/module/module/parameters/sig_enforce") or "").strip() == "Y":
        refusals.append("module signatures are enforced (module.sig_enforce)")
    secure_boot = secure_boot_enabled(host)
    if not refusals:
        return Finding(what, OK, "allowed" + (" (Secure Boot is on, but the kernel is not "
                                              "locked down)" if secure_boot else ""))
    if secure_boot:
        refusals.append("Secure Boot is on")
    return Finding(what, BLOCKED, "refused: " + "; ".join(refusals),
                   advice=(f"sign the module with a key the kernel trusts (enroll yours "
                           f"with 'mokutil --import KEY.der', then 'stap5 -p4 ...' and "
                           f"'{headers_dir(kver)}/scripts/sign-file sha256 KEY.priv "
                           f"KEY.der MODULE.ko'), or turn Secure Boot off "
                           f"('mokutil --disable-validation', or in the firmware)"))


def kernel_config(host, kver):
    """(path, config) of `kver`: the machine's, else the one of the guest kernel
    stap5-prep --vm caches."""
    path, config = host.kernel_config(kver)
    if path is None:
        cached = os.path.join(cache_dir(), "vm", kver, "config")
        try:
            with open(cached) as f:
                return cached, parse_kernel_config(f.read())
        except OSError:
            pass
    return path, config


def check_all(host, distro, kver):
    config_path, config = kernel_config(host, kver)
    findings = [
        check_tool(host, distro, "gcc", "C compiler"),
        check_tool(host, distro, "make", "make"),
        check_headers(host, distro, kver),
        check_debuginfo(host, distro, kver, config),
    ]
    findings += check_config(kver, config_path, config)
    findings += [check_module_loading(host, kver), check_debugfs_mounted(host, kver),
                 check_lockdown(host, kver)]
    return findings

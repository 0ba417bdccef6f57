"""stap5-prep --vm: what the QEMU guest of `stap5 --vm` needs, and fetching it.

The tools (QEMU, a static busybox for the initramfs) are packages; the guest's
kernel, initramfs, network modules (Guest.boot(ssh=True)) and the kernel's
real System.map go to stap5's cache
(stap5.vm.assets), downloaded once with apt-get.
"""

from stap5.prep.checks import MISSING, OK, Finding, check_tool

VM_TOOL_PACKAGES = {"qemu-system-x86_64": "qemu-system-x86"}


def check_vm_tools(host, distro):
    findings = []
    for tool, package in VM_TOOL_PACKAGES.items():
        finding = check_tool(host, distro, tool, "QEMU")
        if finding.status == MISSING:
            finding.packages = [package]
            finding.command = distro.install_command([package])
        findings.append(finding)
    findings.append(check_static_busybox(distro))
    return findings


def check_static_busybox(distro):
    from stap5.vm.assets import AssetError
    from stap5.vm.initramfs import _is_static, find_busybox
    what = "static busybox"
    try:
        busybox = find_busybox()
        if _is_static(busybox):
            return Finding(what, OK, busybox)
        detail = f"{busybox} is dynamically linked"
    except (AssetError, OSError):
        detail = "no busybox"
    return Finding(what, MISSING, detail, ["busybox-static"],
                   distro.install_command(["busybox-static"]))


def prepare_guest(kver, debuginfo, log):
    """Fetch (or find cached) the guest's kernel, initramfs and System.map, and with
    `debuginfo` the DWARF vmlinux. Findings for each; AssetError on failure."""
    from stap5.vm import assets
    from stap5.vm.initramfs import build_initramfs
    d = assets.fetch_guest_kernel(kver, log=log)
    findings = [Finding("guest kernel", OK, str(d / "vmlinux")),
                Finding("guest initramfs", OK, str(build_initramfs(kver)))]
    from stap5.vm.network import fetch_net_modules
    findings.append(Finding("guest network (ssh)", OK, str(fetch_net_modules(kver, log=log))))
    assets.fetch_system_map(kver, debuginfo=debuginfo, log=log)
    findings.append(Finding("System.map", OK, str(assets.system_map(kver))))
    return findings

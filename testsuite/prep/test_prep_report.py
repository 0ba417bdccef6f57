"""stap5-prep's report: on prepared file layouts of other distributions (--root),
and on this machine for real (with the headers hidden in a private mount
namespace, and --install with the package manager stood in for)."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stap5.prep.cli import main as prep_main
from stap5.vm.assets import DEFAULT_KVER

PROJECT = Path(__file__).resolve().parents[2]

DEBIAN_12 = """\
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
"""
UBUNTU_22 = """\
PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
ID=ubuntu
ID_LIKE=debian
"""
MINT_21 = """\
NAME="Linux Mint"
PRETTY_NAME="Linux Mint 21.3"
ID=linuxmint
ID_LIKE="ubuntu debian"
"""
FEDORA_39 = """\
NAME="Fedora Linux"
VERSION_ID=39
ID=fedora
PRETTY_NAME="Fedora Linux 39 (Server Edition)"
"""
RHEL_9 = """\
NAME="Red Hat Enterprise Linux"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
"""
CENTOS_7 = """\
NAME="CentOS Linux"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
"""
ALMA_8 = """\
NAME="AlmaLinux"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="8.9"
PRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"
"""
ROCKY_9 = """\
NAME="Rocky Linux"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
"""
LEAP_15 = """\
NAME="openSUSE Leap"
VERSION="15.6"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.6"
PRETTY_NAME="openSUSE Leap 15.6"
"""
ARCH = """\
NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
"""

GOOD_CONFIG = {"CONFIG_MODULES": "y", "CONFIG_KPROBES": "y", "CONFIG_KRETPROBES": "y",
               "CONFIG_UPROBES": "y", "CONFIG_DEBUG_FS": "y", "CONFIG_RELAY": "y"}


def make_root(base, os_release, kver, *, running=None, headers=False, config=None,
              tools=("gcc", "make"), files=None):
    """A machine's file layout: os-release, tools in /usr/bin, /boot/config-KVER,
    optionally the kbuild tree, /proc and /sys files."""
    root = Path(base) / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text(os_release)
    (root / "usr/bin").mkdir(parents=True)
    for tool in tools:
        path = root / "usr/bin" / tool
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (root / "boot").mkdir()
    config = GOOD_CONFIG if config is None else config
    (root / f"boot/config-{kver}").write_text(
        "".join(f"{k}={v}\n" for k, v in config.items()))
    if headers:
        build = root / f"usr/src/linux-headers-{kver}"
        build.mkdir(parents=True)
        (build / "Makefile").write_text("# kbuild\n")
        (root / f"lib/modules/{kver}").mkdir(parents=True)
        (root / f"lib/modules/{kver}/build").symlink_to(f"/usr/src/linux-headers-{kver}")
    (root / "proc/sys/kernel").mkdir(parents=True)
    (root / "proc/sys/kernel/osrelease").write_text((running or "0.0.0-other") + "\n")
    for path, content in (files or {}).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """No debuginfo or guest kernel cached: the report depends on the root only."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("STAP5_CACHE", str(cache))
    return cache


def prep(capsys, *args):
    rc = prep_main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def lines_after(out, header):
    return out.split(header, 1)[1].splitlines()


def test_debian_names_the_headers_and_debuginfo_packages(tmp_path, empty_cache, capsys):
    kver = "6.1.0-18-amd64"
    root = make_root(tmp_path, DEBIAN_12, kver)
    rc, out, err = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1, out + err
    assert f"Configuring for kernel release {kver}\n" in out
    assert "Distribution: Debian GNU/Linux 12 (bookworm)\n" in out
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[:4] == [
        f"  kernel headers: no kbuild tree in /lib/modules/{kver}/build "
        f"(package linux-headers-{kver})",
        f"    apt-get install linux-headers-{kver}",
        f"  kernel debuginfo or BTF: no DWARF vmlinux for {kver}",
        f"    apt-get install linux-image-{kver}-dbg",
    ]
    assert f"    apt-get install linux-headers-{kver} linux-image-{kver}-dbg" in missing
    assert "or run 'stap5-prep --install' as root." in missing
    assert "C compiler               ok       /usr/bin/gcc" in out
    assert "kprobes                  ok       CONFIG_KPROBES=y, CONFIG_KRETPROBES=y" in out


@pytest.mark.parametrize("os_release", [UBUNTU_22, MINT_21], ids=["ubuntu", "mint"])
def test_ubuntu_debuginfo_is_a_dbgsym_package(tmp_path, empty_cache, capsys, os_release):
    kver = "5.15.0-97-generic"
    root = make_root(tmp_path, os_release, kver, headers=True)
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[1] == f"    apt-get install linux-image-{kver}-dbgsym"
    assert "ddebs.ubuntu.com" in missing[2]
    assert f"kernel headers           ok       /usr/src/linux-headers-{kver}" in out


@pytest.mark.parametrize("os_release, kver, devel, debuginfo", [
    (FEDORA_39, "6.5.6-300.fc39.x86_64", "dnf install kernel-devel-6.5.6-300.fc39.x86_64",
     "dnf debuginfo-install kernel-6.5.6-300.fc39.x86_64"),
    (RHEL_9, "5.14.0-362.8.1.el9_3.x86_64+debug",
     "dnf install kernel-debug-devel-5.14.0-362.8.1.el9_3.x86_64",
     "dnf debuginfo-install kernel-debug-5.14.0-362.8.1.el9_3.x86_64"),
    (ALMA_8, "4.18.0-513.11.1.el8_9.x86_64",
     "dnf install kernel-devel-4.18.0-513.11.1.el8_9.x86_64",
     "dnf debuginfo-install kernel-4.18.0-513.11.1.el8_9.x86_64"),
    (ROCKY_9, "5.14.0-362.el9.x86_64", "dnf install kernel-devel-5.14.0-362.el9.x86_64",
     "dnf debuginfo-install kernel-5.14.0-362.el9.x86_64"),
    (CENTOS_7, "3.10.0-1160.el7.x86_64", "yum install kernel-devel-3.10.0-1160.el7.x86_64",
     "debuginfo-install kernel-3.10.0-1160.el7.x86_64"),
    (LEAP_15, "6.4.0-150600.23.7-default",
     "zypper install kernel-default-devel=6.4.0-150600.23.7",
     "zypper --plus-content debug install kernel-default-debuginfo=6.4.0-150600.23.7"),
], ids=["fedora", "rhel-debug-variant", "alma", "rocky", "centos7", "opensuse"])
def test_rpm_distributions(tmp_path, empty_cache, capsys, os_release, kver, devel,
                           debuginfo):
    root = make_root(tmp_path, os_release, kver)
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[1] == "    " + devel
    assert missing[3] == "    " + debuginfo
    if os_release is CENTOS_7:
        assert "yum-utils" in missing[4]


def test_an_unknown_distribution_gets_advice_not_a_command(tmp_path, empty_cache, capsys):
    kver = "6.7.4-arch1-1"
    root = make_root(tmp_path, ARCH, kver, tools=("make",))
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[0] == "  C compiler: no 'gcc' on the PATH"
    assert missing[1] == ("    install C compiler with your distribution's package manager "
                          "(Arch Linux is not one stap5-prep knows)")
    assert "stap5-prep --install" not in out


def test_a_missing_tool_is_named_with_its_package(tmp_path, empty_cache, capsys):
    kver = "6.1.0-18-amd64"
    root = make_root(tmp_path, DEBIAN_12, kver, headers=True, tools=("gcc",),
                     files={f"/usr/lib/debug/boot/vmlinux-{kver}": b"ELF"})
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1
    assert lines_after(out, f"Missing for {kver}:\n")[:2] == [
        "  make: no 'make' on the PATH", "    apt-get install make"]
    assert f"debuginfo {root}/usr/lib/debug/boot/vmlinux-{kver}" in out


def test_kernel_configuration_is_checked(tmp_path, empty_cache, capsys):
    kver = "6.1.0-18-amd64"
    config = dict(GOOD_CONFIG, CONFIG_UPROBES="n")
    del config["CONFIG_RELAY"]
    root = make_root(tmp_path, DEBIAN_12, kver, headers=True, config=config,
                     files={f"/usr/lib/debug/lib/modules/{kver}/vmlinux": b"ELF"})
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver)
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[0] == f"  uprobes: CONFIG_UPROBES is not set (/boot/config-{kver})"
    assert missing[1] == "    a kernel built with CONFIG_UPROBES=y"
    assert missing[2] == (f"  debugfs and relay: CONFIG_RELAY is not set "
                          f"(/boot/config-{kver})")
    assert "stap5-prep --install" not in out     # nothing a package fixes


def ready_running_root(tmp_path, **files):
    kver = "6.1.0-18-amd64"
    base = {f"/usr/lib/debug/boot/vmlinux-{kver}": b"ELF",
            "/proc/sys/kernel/modules_disabled": "0\n",
            "/proc/mounts": "debugfs /sys/kernel/debug debugfs rw 0 0\n",
            "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n"}
    base.update(files)
    return kver, make_root(tmp_path, DEBIAN_12, kver, running=kver, headers=True, files=base)


def test_a_ready_running_kernel_exits_0(tmp_path, empty_cache, capsys):
    kver, root = ready_running_root(tmp_path)
    rc, out, _ = prep(capsys, "--root", str(root))     # the running kernel by default
    assert rc == 0, out
    assert f"Configuring for kernel release {kver}\n" in out
    assert "module loading           ok       allowed" in out
    assert "debugfs                  ok       mounted on /sys/kernel/debug" in out
    assert "unsigned modules         ok       allowed" in out
    assert out.endswith(f"Everything a stap5 run on {kver} needs is there.\n")


def test_module_loading_disabled_is_blocking(tmp_path, empty_cache, capsys):
    kver, root = ready_running_root(tmp_path, **{
        "/proc/sys/kernel/modules_disabled": "1\n"})
    rc, out, _ = prep(capsys, "--root", str(root))
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[0] == "  module loading: kernel.modules_disabled is 1"
    assert "reboot" in missing[1]


SECURE_BOOT = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"


def test_lockdown_refuses_unsigned_modules(tmp_path, empty_cache, capsys):
    kver, root = ready_running_root(tmp_path, **{
        "/sys/kernel/security/lockdown": "none [integrity] confidentiality\n",
        SECURE_BOOT: b"\x06\x00\x00\x00\x01"})
    rc, out, _ = prep(capsys, "--root", str(root))
    assert rc == 1
    missing = lines_after(out, f"Missing for {kver}:\n")
    assert missing[0] == ("  unsigned modules: refused: the kernel is locked down "
                          "(integrity); Secure Boot is on")
    assert "mokutil --import KEY.der" in missing[1]
    assert f"/lib/modules/{kver}/build/scripts/sign-file sha256" in missing[1]


def test_secure_boot_without_lockdown_allows_modules(tmp_path, empty_cache, capsys):
    kver, root = ready_running_root(tmp_path, **{SECURE_BOOT: b"\x06\x00\x00\x00\x01"})
    rc, out, _ = prep(capsys, "--root", str(root))
    assert rc == 0, out
    assert ("unsigned modules         ok       allowed (Secure Boot is on, but the kernel "
            "is not locked down)") in out


def test_install_does_nothing_on_another_root(tmp_path, empty_cache, capsys):
    kver = "6.1.0-18-amd64"
    root = make_root(tmp_path, DEBIAN_12, kver)
    rc, out, _ = prep(capsys, "--root", str(root), "-r", kver, "--install")
    assert rc == 1
    assert f"--install: not with --root {root}: nothing installed" in out


# ---- this machine, for real -------------------------------------------------------------

def run_prep(*args, env=None):
    return subprocess.run([sys.executable, "-m", "stap5.prep", *args], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=120)


def headers_installed():
    return os.path.isfile(f"/lib/modules/{DEFAULT_KVER}/build/Makefile")


@pytest.mark.skipif(not headers_installed(), reason=f"linux-headers-{DEFAULT_KVER} missing")
def test_this_machine_has_what_make_setup_installed():
    r = run_prep("-r", DEFAULT_KVER)
    assert "Traceback" not in r.stderr
    real = os.path.realpath(f"/lib/modules/{DEFAULT_KVER}/build")
    assert f"  kernel headers           ok       {real}\n" in r.stdout
    assert f"  C compiler               ok       {shutil.which('gcc')}\n" in r.stdout
    assert r.returncode == (1 if "Missing for" in r.stdout else 0)


def in_private_mounts(script, env=None):
    """Run a shell script in a private mount namespace (what it mounts is seen by it
    alone), or skip when this machine does not allow it."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1)")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no mount namespaces here: {probe.stderr.decode().strip()}")
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


def hide_headers_script(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    tree = os.path.realpath(f"/lib/modules/{DEFAULT_KVER}/build")
    return f"mount --bind {empty} {tree}\n"


@pytest.mark.skipif(not headers_installed(), reason=f"linux-headers-{DEFAULT_KVER} missing")
def test_this_machine_without_its_headers_names_the_package(tmp_path):
    r = in_private_mounts(hide_headers_script(tmp_path)
                          + f"{sys.executable} -m stap5.prep -r {DEFAULT_KVER}\n")
    assert r.returncode == 1, r.stdout + r.stderr
    missing = lines_after(r.stdout, f"Missing for {DEFAULT_KVER}:\n")
    assert missing[:2] == [
        f"  kernel headers: no kbuild tree in /lib/modules/{DEFAULT_KVER}/build "
        f"(package linux-headers-{DEFAULT_KVER})",
        f"    apt-get install linux-headers-{DEFAULT_KVER}"]


@pytest.mark.skipif(not headers_installed(), reason=f"linux-headers-{DEFAULT_KVER} missing")
def test_install_runs_the_command_and_checks_again(tmp_path):
    # The headers hidden, and an apt-get that "installs" them by putting a kbuild
    # Makefile back: what --install runs, and that it looks again afterwards.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "apt-get.log"
    tree = os.path.realpath(f"/lib/modules/{DEFAULT_KVER}/build")
    (fake_bin / "apt-get").write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$DEBIAN_FRONTEND $*" >> {log}
        echo 'obj-m :=' > {tree}/Makefile
        """))
    (fake_bin / "apt-get").chmod(0o755)
    cache = tmp_path / "cache"
    (cache / "kernel" / DEFAULT_KVER).mkdir(parents=True)
    (cache / "kernel" / DEFAULT_KVER / "vmlinux").write_bytes(b"ELF")
    env = dict(os.environ, PATH=f"{fake_bin}:{os.environ['PATH']}", STAP5_CACHE=str(cache))
    r = in_private_mounts(f"mount -t tmpfs tmpfs {tree}\n"
                          f"{sys.executable} -m stap5.prep -r {DEFAULT_KVER} --install\n",
                          env=env)
    assert log.read_text() == (f"noninteractive install -y -q --no-install-recommends "
                               f"linux-headers-{DEFAULT_KVER}\n")
    assert (f"running: apt-get install -y -q --no-install-recommends "
            f"linux-headers-{DEFAULT_KVER}\n") in r.stdout
    report = r.stdout.split("running:")[1]
    assert f"  kernel headers           ok       {tree}\n" in report
    assert r.returncode == 0, r.stdout + r.stderr

"""Which distribution this is, and how it names and installs what a kernel needs.

Detected from os-release(5) (ID, then ID_LIKE). Each family knows its package
names for a kernel release (the kbuild tree, the debuginfo) and the exact
commands that install them: what stap5-prep prints, and runs with --install.
"""

import re
import shlex
from dataclasses import dataclass


def command_text(argv):
    return shlex.join(argv)


@dataclass
class Distro:
    """A distribution family and the machine's own os-release words."""
    family = "unknown"
    pretty_name: str = "an unknown distribution"
    id: str = ""
    version_id: str = ""

    # Programs the checks need, by the package that ships them.
    TOOL_PACKAGES = {"gcc": "gcc", "make": "make"}

    @property
    def package_manager(self):
        """The program the install commands run (None: we know none)."""
        return None

    def tool_package(self, tool):
        return self.TOOL_PACKAGES.get(tool, tool)

    def headers_package(self, kver):
        return None

    def install_command(self, packages):
        return None

    def debuginfo_command(self, kver):
        """The command that installs kernel `kver`'s debuginfo, or None."""
        return None

    def debuginfo_note(self, kver):
        """What else a user must know to run debuginfo_command (a repository...)."""
        return None

    def noninteractive(self, argv):
        """`argv` as --install runs it: no questions asked."""
        return argv


class Debian(Distro):
    family = "debian"

    @property
    def package_manager(self):
        return "apt-get"

    def headers_package(self, kver):
        return f"linux-headers-{kver}"

    def debuginfo_package(self, kver):
        return f"linux-image-{kver}-dbg"

    def install_command(self, packages):
        return ["apt-get", "install", *packages]

    def debuginfo_command(self, kver):
        return self.install_command([self.debuginfo_package(kver)])

    def noninteractive(self, argv):
        if argv[:2] == ["apt-get", "install"]:
            return ["apt-get", "install", "-y", "-q", "--no-install-recommends", *argv[2:]]
        return argv


class Ubuntu(Debian):
    family = "ubuntu"

    def debuginfo_package(self, kver):
        return f"linux-image-{kver}-dbgsym"

    def debuginfo_note(self, kver):
        return ("-dbgsym packages come from the ddebs.ubuntu.com repository: "
                "add it first (https://wiki.ubuntu.com/Debug%20Symbol%20Packages)")


# Kernel variants whose packages are kernel-VARIANT-*: "5.14.0-362.el9.x86_64+debug",
# or glued on in older releases ("2.6.18-194.el5debug", "3.18.6-100.fc20.i686+PAE").
RPM_VARIANTS = ("debug", "kdump", "PAE", "xen", "64k", "rt")


def rpm_kernel(kver):
    """(package base name, version-release.arch) of an RPM kernel release."""
    for variant in RPM_VARIANTS:
        match = re.fullmatch(rf"(.+?)[.+]?{variant}", kver)
        if match and re.search(r"\d", match.group(1)):
            return f"kernel-{variant}", match.group(1)
    return "kernel", kver


class RedHat(Distro):
    """RHEL and its rebuilds (CentOS, Alma, Rocky, Oracle), and Fedora."""
    family = "rhel"

    @property
    def uses_yum(self):
        # RHEL/CentOS 7 and older have no dnf.
        major = self.version_id.split(".")[0]
        return self.id != "fedora" and major.isdigit() and int(major) < 8

    @property
    def package_manager(self):
        return "yum" if self.uses_yum else "dnf"

    def headers_package(self, kver):
        base, version = rpm_kernel(kver)
        return f"{base}-devel-{version}"

    def install_command(self, packages):
        return [self.package_manager, "install", *packages]

    def debuginfo_command(self, kver):
        base, version = rpm_kernel(kver)
        tool = ["debuginfo-install"] if self.uses_yum else ["dnf", "debuginfo-install"]
        return [*tool, f"{base}-{version}"]

    def debuginfo_note(self, kver):
        if self.uses_yum:
            return "debuginfo-install comes with yum-utils (yum install yum-utils)"
        return None

    def noninteractive(self, argv):
        return [argv[0], "-y", *argv[1:]] if argv[0] in ("dnf", "yum") else argv


def suse_kernel(kver):
    """(flavor, version) of a SUSE kernel release: "6.4.0-150600.23.7-default"."""
    version, _, flavor = kver.rpartition("-")
    if version and flavor.isalpha():
        return flavor, version
    return "default", kver


class Suse(Distro):
    """openSUSE Leap and Tumbleweed, SLES."""
    family = "suse"

    @property
    def package_manager(self):
        return "zypper"

    def headers_package(self, kver):
        flavor, version = suse_kernel(kver)
        return f"kernel-{flavor}-devel={version}"

    def install_command(self, packages):
        return ["zypper", "install", *packages]

    def debuginfo_command(self, kver):
        flavor, version = suse_kernel(kver)
        return ["zypper", "--plus-content", "debug", "install",
                f"kernel-{flavor}-debuginfo={version}"]

    def noninteractive(self, argv):
        return [argv[0], "--non-interactive", *argv[1:]] if argv[0] == "zypper" else argv


FAMILIES = [
    (Ubuntu, ("ubuntu",)),
    (Debian, ("debian",)),
    (RedHat, ("rhel", "centos", "fedora", "almalinux", "rocky", "ol")),
    (Suse, ("opensuse", "opensuse-leap", "opensuse-tumbleweed", "sles", "sled", "suse")),
]


def detect(os_release):
    """The Distro of an os-release dict: by ID first, then by ID_LIKE."""
    ident = os_release.get("ID", "").lower()
    likes = os_release.get("ID_LIKE", "").lower().split()
    pretty = os_release.get("PRETTY_NAME") or os_release.get("NAME") or ident \
        or "an unknown distribution"
    fields = dict(pretty_name=pretty, id=ident, version_id=os_release.get("VERSION_ID", ""))
    for candidates in ([ident], likes):
        for word in candidates:
            for cls, ids in FAMILIES:
                if word in ids or (cls is Suse and word.startswith("opensuse")):
                    return cls(**fields)
    return Distro(**fields)

"""stap5-prep: is this machine ready to build and run stap5 modules for a kernel?

    stap5-prep [-r RELEASE] [--install] [--vm] [--debuginfo] [--root DIR]

Like SystemTap's stap-prep: it detects the distribution (os-release), checks
what a run needs for the target kernel, and prints, for each thing missing,
what it is and the exact command that installs it there (apt-get on Debian and
Ubuntu, dnf or yum on RHEL, CentOS, Fedora, Alma, Rocky, zypper on openSUSE
and SLES); --install runs those commands. --vm also prepares the QEMU guest of
`stap5 --vm` (its kernel, initramfs and System.map go to $STAP5_CACHE or
~/.cache/stap5; a second run finds them there).

Modules:
    host     the inspected machine, read through files (under --root)
    distro   distribution families: package names and install commands
    checks   one check per need, each a Finding
    vm       what --vm adds
    cli      the command: report, --install, exit status
"""


def main(argv=None):
    from stap5.prep.cli import main as cli_main
    return cli_main(argv)

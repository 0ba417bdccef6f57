"""How QEMU is started for the guest: accelerator choice and the command line."""

import os
import shutil

QEMU = "qemu-system-x86_64"
CONTROL_PORT = "stap5.ctl"


class QemuMissing(Exception):
    pass


def find_qemu():
    path = shutil.which(QEMU)
    if path is None:
        raise QemuMissing(f"{QEMU} not found: install qemu-system-x86")
    return path


def choose_accel():
    """TCG unless STAP5_VM_ACCEL says otherwise.

    /dev/kvm may exist and still be unusable (nested KVM on these hosts hangs the guest),
    so KVM is strictly opt-in: STAP5_VM_ACCEL=kvm (which fails loudly without /dev/kvm),
    or STAP5_VM_ACCEL=auto to use KVM whenever /dev/kvm is accessible.
    """
    wanted = os.environ.get("STAP5_VM_ACCEL", "tcg").strip().lower()
    kvm_usable = os.access("/dev/kvm", os.R_OK | os.W_OK)
    if wanted == "kvm" or (wanted == "auto" and kvm_usable):
        return "kvm"
    return "tcg"


def command_line(*, kernel, initrd, append, console_log, control_socket,
                 memory_mb=1024, cpus=1, accel=None, extra=()):
    """`extra`: more QEMU arguments (a network device, for Guest.boot(ssh=True))."""
    accel = accel or choose_accel()
    if accel == "tcg" and cpus > 1:
        # One host thread per virtual CPU: the CPUs really run at once (and
        # really race), as on hardware.
        accel = "tcg,thread=multi"
    return [
        find_qemu(),
        "-accel", accel,
        "-cpu", "host" if accel == "kvm" else "max",
        "-m", str(memory_mb), "-smp", str(cpus),
        "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none",
        "-no-reboot",  # a guest panic (panic=-1 reboots) ends QEMU instead of looping
        "-kernel", str(kernel), "-initrd", str(initrd), "-append", append,
        # ttyS0 is the kernel console: it goes to a log file, never to the user's stdout.
        "-serial", f"file:{console_log}",
        "-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap",
        # The control channel: QEMU connects to a socket the host is already listening on.
        "-device", "virtio-serial-pci",
        "-chardev", f"socket,id=ctl,path={control_socket}",
        "-device", f"virtserialport,chardev=ctl,name={CONTROL_PORT}",
        *extra,
    ]

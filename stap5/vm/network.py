"""A guest reachable over SSH: Guest.boot(ssh=True).

QEMU's user networking forwards a free port of the host's 127.0.0.1 to the
guest's port 22; in the guest, the virtio network driver is loaded (from the
kernel package, cached next to the guest's other modules), the interface
gets QEMU's usual address, and the host's own sshd (Debian's openssh-server,
seen through the guest's view of the host root) listens, with a host key and
a client key made for this boot only:

    with Guest.boot(ssh=True) as g:
        g.ssh.command("uname", "-r")   # ["ssh", "-F", CONFIG, "-p", PORT, "root@127.0.0.1", ...]
        g.ssh.url                      # "ssh://root@127.0.0.1:PORT" (for stap5 --remote)
        g.ssh.config                   # an ssh_config(5) file: the key, no host key checks

Nothing here changes a guest booted without ssh=True.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stap5.vm.assets import (AssetError, _apt_download, _extract_members, _module_paths_in,
                             cache_lock, vm_dir)

# In load order.
NET_MODULES = ["failover", "net_failover", "virtio_net"]
GUEST_ADDRESS = "10.0.2.15/24"      # QEMU user networking's defaults
GATEWAY = "10.0.2.2"
SSHD = "/usr/sbin/sshd"
READY_TIMEOUT = 120.0


class SshUnavailable(Exception):
    pass


def net_modules_dir(kver):
    return vm_dir(kver) / "net-modules"


def net_modules_ready(kver):
    return all((net_modules_dir(kver) / f"{m}.ko").is_file() for m in NET_MODULES)


def fetch_net_modules(kver, log=print):
    """The network driver modules of kernel `kver`, cached (from the installed kernel
    when this host has its modules, else from linux-image-KVER)."""
    d = net_modules_dir(kver)
    if net_modules_ready(kver):
        return d
    with cache_lock(vm_dir(kver)):
        if net_modules_ready(kver):
            return d
        d.mkdir(parents=True, exist_ok=True)
        local = _module_paths_in("/", kver)
        if all(m in local for m in NET_MODULES):
            for m in NET_MODULES:
                shutil.copyfile(local[m], d / f"{m}.ko")
            return d
        with tempfile.TemporaryDirectory(dir=vm_dir(kver)) as tmp:
            deb = _apt_download(f"linux-image-{kver}", tmp, log)
            listing = subprocess.run(["dpkg-deb", "-c", str(deb)], stdout=subprocess.PIPE,
                                     text=True, check=True).stdout
            paths = {}
            for line in listing.splitlines():
                name = line.split()[-1].lstrip(".").lstrip("/")
                base = os.path.basename(name)
                if base.endswith(".ko") and base[:-3] in NET_MODULES:
                    paths[name] = d / base
            missing = set(NET_MODULES) - {p.name[:-3] for p in paths.values()}
            if missing:
                raise AssetError(f"linux-image-{kver} has no module(s) "
                                 f"{', '.join(sorted(missing))}")
            _extract_members(deb, paths, paths.__getitem__)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_args(port):
    return ["-netdev", f"user,id=net0,hostfwd=tcp:127.0.0.1:{port}-:22",
            "-device", "virtio-net-pci,netdev=net0"]


def check_available(kver):
    """Why ssh=True cannot work here, or None."""
    if not os.access(SSHD, os.X_OK):
        return f"{SSHD} not found: install openssh-server"
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        return "ssh not found: install openssh-client"
    if not net_modules_ready(kver):
        return (f"the guest's network modules are not cached in {net_modules_dir(kver)} "
                "(run 'stap5-prep --vm')")
    return None


@dataclass
class SshAccess:
    port: int
    config: str         # ssh_config for this guest
    user: str = "root"
    host: str = "127.0.0.1"

    @property
    def url(self):
        return f"ssh://{self.user}@{self.host}:{self.port}"

    @property
    def public_key(self):
        """The client key's public half (to let this guest's key into another guest)."""
        return Path(self.config).with_name("client_key.pub").read_text()

    def authorize(self, public_key):
        """Let another client key in (say, another guest's: one ssh_config for both)."""
        with open(Path(self.config).with_name("authorized_keys"), "a") as f:
            f.write(public_key)

    def command(self, *remote):
        return ["ssh", "-F", self.config, "-p", str(self.port),
                f"{self.user}@{self.host}", *remote]


SSHD_CONFIG = """\
Port 22
ListenAddress 0.0.0.0
HostKey {dir}/host_key
AuthorizedKeysFile {dir}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile /run/sshd.pid
AcceptEnv LANG LC_*
"""

SSH_CONFIG = """\
Host *
    IdentityFile {dir}/client_key
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    BatchMode yes
    ConnectTimeout 30
"""


def _keys(directory):
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stap5-vm",
                        "-f", str(directory / name)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.copyfile(directory / "client_key.pub", directory / "authorized_keys")
    (directory / "sshd_config").write_text(SSHD_CONFIG.format(dir=directory))
    (directory / "ssh_config").write_text(SSH_CONFIG.format(dir=directory))


def _network_script(kver):
    modules = " ".join(str(net_modules_dir(kver) / f"{m}.ko") for m in NET_MODULES)
    return f"""set -e
for m in {modules}; do insmod $m; done
dev=$(ls /sys/class/net | grep -v '^lo$' | head -1)
busybox ip link set lo up
busybox ip link set "$dev" up
busybox ip addr add {GUEST_ADDRESS} dev "$dev"
busybox ip route add default via {GATEWAY}
mkdir -p /run/sshd
chmod 0755 /run/sshd
# The host root's shell start-up may write in its (here read-only) home and
# complain on every ssh login: keep it out of the guest's sessions.
if [ -f /root/.bashrc ]; then mount --bind /dev/null /root/.bashrc; fi
"""


def _banner_seen(port, deadline):
    """Whether the guest's sshd answers on the forwarded port (QEMU accepts the
    connection at once even with no sshd behind it: wait for the banner)."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.settimeout(10)
                if s.recv(4).startswith(b"SSH-"):
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def start_sshd(guest, port):
    """Bring the guest's network up and start sshd; returns its SshAccess."""
    directory = Path(guest.workdir) / "ssh"
    directory.mkdir()
    _keys(directory)
    r = guest.run(["sh", "-c", _network_script(guest.kver)], timeout=120)
    if r.rc != 0:
        raise SshUnavailable(f"cannot set the guest's network up:\n{r.err.strip()}")
    guest.sshd = guest.start([SSHD, "-D", "-e", "-f", str(directory / "sshd_config")],
                             capture=True)
    if not _banner_seen(port, time.monotonic() + READY_TIMEOUT):
        tail = guest.sshd.result().err.strip() if guest.sshd.poll() is not None else ""
        raise SshUnavailable(f"the guest's sshd did not answer on port {port}"
                             + (f":\n{tail}" if tail else ""))
    return SshAccess(port, str(directory / "ssh_config"))

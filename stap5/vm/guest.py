"""The host side of the guest: boot QEMU, run commands through the agent, shut down."""

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from stap5.vm import framing as P
from stap5.vm import network, qemu
from stap5.vm.assets import DEFAULT_KVER, AssetError, fetch_guest_kernel, guest_kernel_ready, vm_dir
from stap5.vm.initramfs import build_initramfs

PROJECT_DIR = Path(__file__).resolve().parents[2]
AGENT = Path(__file__).resolve().with_name("agent.py")
BOOT_TIMEOUT = float(os.environ.get("STAP5_VM_BOOT_TIMEOUT", "120"))
KILL_GRACE = 5.0     # after a command's timeout: how long SIGKILL may take before the guest is deemed hung
CONSOLE_TAIL = 40    # console lines quoted when the guest fails
CRASH_LINES = 60     # lines quoted from the first sign of a kernel crash
CRASH_MARKERS = re.compile(r"\bBUG:|Oops|Kernel panic|general protection fault|"
                           r"sysrq: Trigger a crash|watchdog: BUG|RCU detected stall|"
                           r"------------\[ cut here \]")


PYTHON = os.path.realpath(sys.executable)


def default_env():
    """The host's environment, with this project first on PYTHONPATH so that the guest's
    Python imports the same stap5 code even when it isn't installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_DIR)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


class GuestError(Exception):
    """Something went wrong with the guest itself (not with the command run in it)."""


class GuestUnavailable(GuestError):
    """QEMU or the kernel assets are missing: the guest cannot be booted here."""


class GuestBootError(GuestError):
    pass


class GuestDied(GuestError):
    """The guest stopped (kernel panic, QEMU killed...) while a command was running."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


class TimeoutExpired(GuestError):
    """A command outlived its timeout. It was killed; if even that failed, so was the
    guest (``guest_killed``). ``result`` holds what the command printed until then."""

    def __init__(self, message, result, guest_killed):
        super().__init__(message)
        self.result = result
        self.guest_killed = guest_killed


@dataclass
class Result:
    argv: list
    rc: int                      # exit status, or -N if killed by signal N (like subprocess)
    stdout: bytes = b""
    stderr: bytes = b""
    seconds: float = 0.0

    @property
    def out(self):
        return self.stdout.decode(errors="replace")

    @property
    def err(self):
        return self.stderr.decode(errors="replace")

    @property
    def shell_status(self):
        """The status a shell would report: 128+N for death by signal N."""
        return 128 - self.rc if self.rc < 0 else self.rc


def _sink(target):
    """Turn a stdout=/stderr= argument into a callable(bytes) or None."""
    if target is None:
        return None
    if callable(target) and not hasattr(target, "write"):
        return target
    stream = getattr(target, "buffer", target)

    def write(data):
        # (write_all: a signal must not cut what reaches the stream)
        from stap5.run.channels import write_all
        write_all(stream, data)
    return write


class Process:
    """A command running in the guest (see Guest.start)."""

    def __init__(self, guest, ident, argv, stdout, stderr, capture):
        self.guest = guest
        self.ident = ident
        self.argv = list(argv)
        self.pid = None             # the guest pid, once started
        self.rc = None
        self.started_at = time.monotonic()
        self._sinks = {P.STDOUT: _sink(stdout), P.STDERR: _sink(stderr)}
        self._capture = capture
        self._bufs = {P.STDOUT: bytearray(), P.STDERR: bytearray()}
        self._started = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.ended_at = None

    # Called from the guest's reader thread.
    def _on_frame(self, kind, payload):
        if kind in self._bufs:
            if self._capture:
                self._bufs[kind] += payload
            sink = self._sinks[kind]
            if sink:
                sink(payload)
        elif kind == P.STARTED:
            self.pid = P.decode(payload)["pid"]
            self._started.set()
        elif kind == P.EXIT:
            self.rc = P.decode(payload)["status"]
            self.ended_at = time.monotonic()
            self._started.set()
            self._done.set()

    def _abandon(self):
        self._started.set()
        self._done.set()

    def result(self):
        end = self.ended_at or time.monotonic()
        return Result(self.argv, self.rc if self.rc is not None else -signal.SIGKILL,
                      bytes(self._bufs[P.STDOUT]), bytes(self._bufs[P.STDERR]),
                      end - self.started_at)

    def poll(self):
        """The exit status, or None while the command runs."""
        return self.rc

    def send_signal(self, sig):
        """Send `sig` to the command's process group in the guest (a no-op once the
        command or the guest is gone: this is often called from signal handlers)."""
        if self.rc is None and self.guest.alive:
            try:
                self.guest._send(P.SIGNAL, self.ident, {"signal": int(sig)})
            except GuestDied:
                pass

    def write_stdin(self, data):
        """Feed the command's stdin (needs Guest.start(..., stdin=True))."""
        if data:
            for f in P.frames(P.STDIN, self.ident, bytes(data)):
                self.guest._send_raw(f)

    def close_stdin(self):
        self.guest._send(P.STDIN, self.ident, b"")

    def wait(self, timeout=None):
        """Wait for the command and return its Result.

        Raises TimeoutExpired after `timeout` seconds (the command is killed first, the
        guest too if the command cannot be killed), GuestDied if the guest stops.
        """
        if not self._done.wait(timeout):
            self.send_signal(signal.SIGKILL)
            killed = self._done.wait(KILL_GRACE) and self.rc is not None
            if not killed:
                self.guest.kill()
            what = "the command was killed" if killed else \
                "the guest did not respond and was killed"
            raise TimeoutExpired(f"timed out after {timeout:g} s running {' '.join(self.argv)}: "
                                 f"{what}", self.result(), guest_killed=not killed)
        if self.rc is None:
            raise GuestDied(self.guest._death_message(), self.result())
        return self.result()


class Guest:
    """A booted QEMU guest running the Debian kernel, with the host's root as its root.

    Use ``with Guest.boot() as g: r = g.run([...])``; one boot serves many commands.
    """

    def __init__(self, kver, workdir, proc, conn, console_log, qemu_log):
        self.kver = kver
        self.workdir = workdir
        self.proc = proc
        self.conn = conn
        self.console_log = console_log
        self.qemu_log = qemu_log
        self.info = {}
        self.boot_seconds = None
        self.ssh = None          # SshAccess, with Guest.boot(ssh=True)
        self.sshd = None
        self._ready = threading.Event()
        self._send_lock = threading.Lock()
        self._procs = {}
        self._next_id = 1
        self._dead = False
        self._closing = False
        self._reader = threading.Thread(target=self._read_loop, name="stap5-vm-reader",
                                        daemon=True)
        self._reader.start()

    # -- boot ---------------------------------------------------------------------------
    @classmethod
    def boot(cls, kver=DEFAULT_KVER, *, timeout=BOOT_TIMEOUT, memory_mb=1024, cpus=1,
             accel=None, fetch=True, kaslr=None, log=None, ssh=False):
        """Boot a guest and wait for its agent. `fetch` lets missing kernel assets be
        downloaded (see stap5-prep --vm); without it they must already be cached.

        The uncompressed vmlinux is booted through PVH, which is ~3x faster under TCG but
        bypasses the decompressor that randomizes the kernel's base: no KASLR (kernel text
        at the System.map addresses). kaslr=True (or STAP5_VM_KASLR=1) boots the bzImage
        instead, with a randomized base, as on real machines.

        ssh=True also makes the guest reachable over SSH from this host (see
        network.py): `guest.ssh` is then its SshAccess."""
        if kaslr is None:
            kaslr = os.environ.get("STAP5_VM_KASLR", "") not in ("", "0")
        log = log or (lambda msg: print(f"stap5.vm: {msg}", file=sys.stderr))
        try:
            qemu.find_qemu()
            if not guest_kernel_ready(kver):
                if not fetch:
                    raise GuestUnavailable(f"no guest kernel {kver} cached in {vm_dir(kver)} "
                                           "(run 'stap5-prep --vm')")
                fetch_guest_kernel(kver, log=log)
            initrd = build_initramfs(kver)
            if ssh:
                if fetch:
                    network.fetch_net_modules(kver, log=log)
                why = network.check_available(kver)
                if why:
                    raise GuestUnavailable(why)
        except qemu.QemuMissing as e:
            raise GuestUnavailable(str(e))
        except AssetError as e:
            raise GuestUnavailable(str(e))
        start = time.monotonic()
        workdir = Path(tempfile.mkdtemp(prefix="stap5-vm-"))
        if len(str(workdir)) > 80:  # a unix socket path must fit in 108 bytes
            shutil.rmtree(workdir)
            workdir = Path(tempfile.mkdtemp(prefix="stap5-vm-", dir="/tmp"))
        sock_path = workdir / "ctl.sock"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(sock_path))
        listener.listen(1)
        console_log = workdir / "console.log"
        qemu_log = workdir / "qemu.log"
        append = " ".join([
            "console=ttyS0", "quiet", "panic=-1",
            f"stap5_python={PYTHON}",
            f"stap5_agent={AGENT}",
            f"stap5_9p_cache={os.environ.get('STAP5_VM_9P_CACHE', 'none')}",
        ])
        kernel = vm_dir(kver) / ("vmlinuz" if kaslr else "vmlinux")
        ssh_port = network.free_port() if ssh else None
        argv = qemu.command_line(kernel=kernel, initrd=initrd, append=append,
                                 console_log=console_log, control_socket=sock_path,
                                 memory_mb=memory_mb, cpus=cpus, accel=accel,
                                 extra=network.qemu_args(ssh_port) if ssh else ())
        with open(qemu_log, "wb") as qlog:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=qlog, stderr=qlog,
                                    start_new_session=True, preexec_fn=_die_with_parent)
        try:
            listener.settimeout(1.0)
            conn = None
            while conn is None:
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    if proc.poll() is not None or time.monotonic() - start > timeout:
                        raise GuestBootError("QEMU did not start:\n" + _tail(qemu_log))
            conn.settimeout(None)
        except BaseException:
            proc.kill()
            proc.wait()
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        finally:
            listener.close()
        guest = cls(kver, workdir, proc, conn, console_log, qemu_log)
        try:
            up = guest._ready.wait(max(0.0, timeout - (time.monotonic() - start)))
        except BaseException:  # Ctrl-C while booting
            guest.kill()
            raise
        if not up or not guest.info:
            message = guest._death_message() if guest._dead else \
                f"the guest did not come up within {timeout:g} s"
            guest.kill()
            raise GuestBootError(message)
        if ssh:
            try:
                guest.ssh = network.start_sshd(guest, ssh_port)
            except BaseException as e:
                guest.kill()
                if isinstance(e, network.SshUnavailable):
                    raise GuestBootError(str(e)) from None
                raise
        guest.boot_seconds = time.monotonic() - start
        return guest

    # -- commands -----------------------------------------------------------------------
    def start(self, argv, *, cwd=None, env=None, stdin=False, stdout=None, stderr=None,
              capture=True):
        """Start `argv` in the guest and return its Process without waiting.

        cwd defaults to the host's cwd, env to default_env() (the host's environment, with
        the project on PYTHONPATH). stdout/stderr may be
        binary streams (or text streams with .buffer) or callables: they get the output live,
        as it arrives. With stdin=True, feed it with Process.write_stdin/close_stdin;
        otherwise the command's stdin is /dev/null.
        """
        if self._dead:
            raise GuestDied(self._death_message())
        argv = [str(a) for a in argv]
        if not argv:
            raise ValueError("empty command")
        with self._send_lock:
            ident = self._next_id
            self._next_id += 1
        proc = Process(self, ident, argv, stdout, stderr, capture)
        self._procs[ident] = proc
        self._send(P.SPAWN, ident, {
            "argv": argv,
            "cwd": str(cwd) if cwd is not None else os.getcwd(),
            "env": default_env() if env is None else dict(env),
            "stdin": bool(stdin),
        })
        return proc

    @staticmethod
    def python_command(*args):
        """argv running this very Python in the guest, e.g.
        g.start(g.python_command("-m", "stap5.run.staprun", "mod.ko"))."""
        return [PYTHON, *map(str, args)]

    def run(self, argv, *, timeout=None, input=None, **kwargs):
        """Run `argv` to completion and return its Result (see start() for the options).

        Raises TimeoutExpired or GuestDied (both carry the partial result)."""
        proc = self.start(argv, stdin=input is not None, **kwargs)
        if input is not None:
            proc.write_stdin(input)
            proc.close_stdin()
        return proc.wait(timeout)

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def alive(self):
        return not self._dead and self.proc.poll() is None

    def close(self, timeout=10.0):
        """Power the guest off (killing whatever still runs) and clean up."""
        self._closing = True
        if self.alive:
            try:
                self._send(P.SHUTDOWN, 0, {})
                self.proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def kill(self):
        """Stop QEMU at once."""
        self._closing = True
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._dead = True
        try:
            self.conn.close()
        except OSError:
            pass
        if getattr(self, "_console_at_death", None) is None:
            self._console_at_death = self.console_text()
        for proc in list(self._procs.values()):
            proc._abandon()
        self._ready.set()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def console_text(self):
        """The guest kernel's console output so far (printk noise, oopses, panics)."""
        try:
            return self.console_log.read_text(errors="replace")
        except OSError:
            return ""

    # -- plumbing -----------------------------------------------------------------------
    def _send(self, kind, ident, payload=b""):
        self._send_raw(P.frame(kind, ident, payload))

    def _send_raw(self, data):
        with self._send_lock:
            try:
                self.conn.sendall(data)
            except OSError as e:
                raise GuestDied(f"lost the guest's control channel: {e}\n" +
                                self._death_message())

    def _read_loop(self):
        reader = P.Reader()
        try:
            while True:
                data = self.conn.recv(1 << 16)
                if not data:
                    break
                for kind, ident, payload in reader.feed(data):
                    if kind == P.READY:
                        self.info = P.decode(payload)
                        self._ready.set()
                    elif kind == P.LOG:
                        print(f"stap5.vm: guest agent: {P.decode(payload)['message']}",
                              file=sys.stderr)
                    else:
                        proc = self._procs.get(ident)
                        if proc is not None:
                            proc._on_frame(kind, payload)
                            if kind == P.EXIT:
                                del self._procs[ident]
        except (OSError, ValueError):
            pass
        # The channel is gone: QEMU exited (panic, poweroff) or we closed it.
        self._dead = True
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            pass
        if getattr(self, "_console_at_death", None) is None:
            self._console_at_death = self.console_text()
        self._ready.set()
        for proc in list(self._procs.values()):
            proc._abandon()

    def _death_message(self):
        rc = self.proc.poll()
        how = "was stopped" if self._closing else \
            f"exited (QEMU status {rc})" if rc is not None else "stopped responding"
        console = getattr(self, "_console_at_death", None) or self.console_text()
        lines = console.rstrip().splitlines()
        crash = next((i for i, line in enumerate(lines) if CRASH_MARKERS.search(line)), None)
        message = f"the guest {how}"
        if crash is not None:
            message += "; the kernel said:\n  " + "\n  ".join(lines[crash:crash + CRASH_LINES])
        elif lines:
            message += "; last console lines:\n  " + "\n  ".join(lines[-CONSOLE_TAIL:])
        qlog = _tail(self.qemu_log)
        if qlog:
            message += "\nQEMU said:\n" + qlog
        return message


def _tail(path, lines=CONSOLE_TAIL):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _die_with_parent():
    # QEMU must not outlive the Python that booted it (a killed test run, say).
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass

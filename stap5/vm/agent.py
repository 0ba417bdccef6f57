"""The guest agent: PID 1 inside the chroot, runs commands for the host.

Started by the initramfs' /init as ``PYTHON -S .../stap5/vm/agent.py`` (the host's own
Python, seen through the 9p share). It talks to the host over the virtio-serial port
named ``stap5.ctl`` using framing.py's frames: it spawns each requested command in its
own session (so a forwarded SIGINT reaches the whole process group, as a terminal's
Ctrl-C would), streams its stdout and stderr back separately, and reports its exit
status. Being PID 1 it also reaps orphans, and on SHUTDOWN (or if the host goes away)
powers the guest off.

Standard library only, and nothing from the stap5 package but framing.py, which is
imported from this file's own directory (Python puts it first on sys.path).
"""

import errno
import fcntl
import os
import selectors
import signal
import time

import framing as P

with open("/proc/uptime") as _f:
    AGENT_STARTED = float(_f.read().split()[0])  # guest uptime when Python got here

PORT_NAME = "stap5.ctl"
CHUNK = 65536
# How long a command's pipes may stay open after it exited (held by a daemonized child)
# before we stop waiting for them and report the exit anyway.
PIPE_GRACE = 2.0


def find_port():
    base = "/sys/class/virtio-ports"
    for dev in sorted(os.listdir(base)):
        try:
            with open(f"{base}/{dev}/name") as f:
                if f.read().strip() == PORT_NAME:
                    return f"/dev/{dev}"
        except OSError:
            pass
    raise RuntimeError(f"no virtio port named {PORT_NAME}")


def tmp_kind():
    kind = "read-only host directory"  # if /init could mount nothing writable there
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if fields[1] == "/tmp":
                kind = fields[2]
    return kind


def power_off():
    os.sync()
    import ctypes  # only needed here: keep it off the boot path
    libc = ctypes.CDLL(None, use_errno=True)
    libc.reboot(0x4321FEDC)  # LINUX_REBOOT_CMD_POWER_OFF
    os._exit(0)  # only if reboot() failed; as PID 1 this panics, which also stops QEMU


def drop_dentry_cache():
    # Overlayfs (our /tmp) caches lookups, negative ones included: forget them so files
    # the host created since the last command are seen.
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("6")  # 2: dentries and inodes; +4: without a printk each time
    except OSError:
        pass


def set_nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


class Command:
    def __init__(self, ident, pid, out_fd, err_fd, in_fd):
        self.ident = ident
        self.pid = pid
        self.fds = {out_fd: P.STDOUT, err_fd: P.STDERR}
        self.in_fd = in_fd
        self.in_buf = bytearray()
        self.in_eof = False
        self.status = None
        self.exited_at = None


class Agent:
    def __init__(self, port_path):
        self.port = os.open(port_path, os.O_RDWR)
        self.reader = P.Reader()
        self.sel = selectors.DefaultSelector()
        self.commands = {}       # id -> Command
        self.by_pid = {}         # pid -> Command
        self.by_fd = {}          # output fd -> Command
        self.wake_r, wake_w = os.pipe()
        set_nonblocking(self.wake_r)
        set_nonblocking(wake_w)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        # PID 1 ignores these by default; make them explicit no-ops so a stray one is harmless.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        self.sel.register(self.port, selectors.EVENT_READ, "port")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")

    # -- sending -------------------------------------------------------------------------
    def send(self, kind, ident, payload=b""):
        data = P.frame(kind, ident, payload)
        view = memoryview(data)
        while view:
            n = os.write(self.port, view)
            view = view[n:]

    def log(self, message):
        self.send(P.LOG, 0, {"message": message})

    # -- commands ------------------------------------------------------------------------
    def spawn(self, ident, req):
        argv, cwd, env = req["argv"], req.get("cwd") or "/", req.get("env") or {}
        drop_dentry_cache()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        in_r, in_w = os.pipe() if req.get("stdin") else (None, None)
        fail_r, fail_w = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            self._exec_child(argv, cwd, env, in_r, out_w, err_w, fail_w)
        for fd in (out_w, err_w, fail_w) + ((in_r,) if in_r is not None else ()):
            os.close(fd)
        failure = os.read(fail_r, 4096)
        os.close(fail_r)
        cmd = Command(ident, pid, out_r, err_r, in_w)
        self.commands[ident] = cmd
        self.by_pid[pid] = cmd
        for fd in (out_r, err_r):
            set_nonblocking(fd)
            self.by_fd[fd] = cmd
            self.sel.register(fd, selectors.EVENT_READ, "out")
        if in_w is not None:
            set_nonblocking(in_w)
        if failure:
            self.send(P.STDERR, ident, failure)
        else:
            self.send(P.STARTED, ident, {"pid": pid})
        self.reap()

    @staticmethod
    def _exec_child(argv, cwd, env, in_r, out_w, err_w, fail_w):
        # In the forked child: never return, never raise.
        code = 127
        try:
            os.setsid()
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM,
                        signal.SIGHUP, signal.SIGCHLD):
                signal.signal(sig, signal.SIG_DFL)
            signal.set_wakeup_fd(-1)
            if in_r is None:
                in_r = os.open("/dev/null", os.O_RDONLY)
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.closerange(3, fail_w)
            os.closerange(fail_w + 1, 65536)
            try:
                os.chdir(cwd)
            except OSError as e:
                code = 126
                raise OSError(e.errno, f"cannot change directory to {cwd}: {e.strerror}")
            try:
                os.execvpe(argv[0], argv, env)
            except OSError as e:
                code = 127 if e.errno == errno.ENOENT else 126
                raise OSError(e.errno, f"{argv[0]}: {e.strerror}")
        except BaseException as e:
            try:
                msg = f"stap5.vm: {e.strerror if isinstance(e, OSError) else e}\n"
                os.write(fail_w, msg.encode(errors="replace"))
            finally:
                os._exit(code)
        os._exit(code)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            cmd = self.by_pid.pop(pid, None)
            if cmd is None:
                continue  # an orphan that was re-parented to us
            cmd.status = os.waitstatus_to_exitcode(status)
            cmd.exited_at = time.monotonic()
            self.maybe_finish(cmd)

    def read_output(self, fd):
        cmd = self.by_fd[fd]
        try:
            data = os.read(fd, CHUNK)
        except BlockingIOError:
            return
        if data:
            self.send(cmd.fds[fd], cmd.ident, data)
            return
        self.close_output(cmd, fd)
        self.maybe_finish(cmd)

    def close_output(self, cmd, fd):
        self.sel.unregister(fd)
        os.close(fd)
        del self.by_fd[fd]
        del cmd.fds[fd]

    def maybe_finish(self, cmd, force=False):
        if cmd.status is None or (cmd.fds and not force):
            return
        for fd in list(cmd.fds):
            while True:  # whatever is already buffered still belongs to the command
                try:
                    data = os.read(fd, CHUNK)
                except OSError:
                    break
                if not data:
                    break
                self.send(cmd.fds[fd], cmd.ident, data)
            self.close_output(cmd, fd)
        self.close_stdin(cmd)
        self.send(P.EXIT, cmd.ident, {"status": cmd.status})
        del self.commands[cmd.ident]

    def close_stdin(self, cmd):
        if cmd.in_fd is not None:
            try:
                self.sel.unregister(cmd.in_fd)
            except KeyError:
                pass
            os.close(cmd.in_fd)
            cmd.in_fd = None

    def feed_stdin(self, cmd, data):
        if cmd.in_fd is None:
            return
        if not data:
            cmd.in_eof = True
        cmd.in_buf += data
        self.flush_stdin(cmd)

    def flush_stdin(self, cmd):
        try:
            while cmd.in_buf:
                n = os.write(cmd.in_fd, cmd.in_buf)
                del cmd.in_buf[:n]
        except BlockingIOError:
            pass
        except BrokenPipeError:
            cmd.in_buf.clear()
            cmd.in_eof = True
        registered = cmd.in_fd in self.sel.get_map()
        if cmd.in_buf and not registered:
            self.sel.register(cmd.in_fd, selectors.EVENT_WRITE, ("stdin", cmd))
        elif not cmd.in_buf and registered:
            self.sel.unregister(cmd.in_fd)
        if not cmd.in_buf and cmd.in_eof:
            self.close_stdin(cmd)

    def signal(self, ident, sig):
        cmd = self.commands.get(ident)
        if cmd is None or cmd.status is not None:
            return
        try:
            os.killpg(cmd.pid, sig)
        except ProcessLookupError:
            pass

    def shutdown(self):
        for cmd in self.commands.values():
            if cmd.status is None:
                try:
                    os.killpg(cmd.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        power_off()

    # -- main loop -----------------------------------------------------------------------
    def handle(self, kind, ident, payload):
        if kind == P.SPAWN:
            self.spawn(ident, P.decode(payload))
        elif kind == P.STDIN:
            cmd = self.commands.get(ident)
            if cmd is not None:
                self.feed_stdin(cmd, payload)
        elif kind == P.SIGNAL:
            self.signal(ident, P.decode(payload)["signal"])
        elif kind == P.SHUTDOWN:
            self.shutdown()
        else:
            self.log(f"ignored a frame of unknown kind {kind}")

    def run(self):
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        self.send(P.READY, 0, {"uname": os.uname().release, "tmp": tmp_kind(),
                               "uptime": uptime, "agent_started": AGENT_STARTED})
        while True:
            timeout = None
            lingering = [c for c in self.commands.values() if c.status is not None]
            if lingering:
                timeout = max(0.0, min(c.exited_at for c in lingering) + PIPE_GRACE
                              - time.monotonic())
            for key, _ in self.sel.select(timeout):
                if key.data == "port":
                    data = os.read(self.port, CHUNK)
                    if not data:
                        self.shutdown()  # the host is gone
                    for kind, ident, payload in self.reader.feed(data):
                        self.handle(kind, ident, payload)
                elif key.data == "wake":
                    try:
                        os.read(self.wake_r, 4096)
                    except BlockingIOError:
                        pass
                    self.reap()
                elif key.data == "out":
                    if key.fd in self.by_fd:
                        self.read_output(key.fd)
                else:
                    self.flush_stdin(key.data[1])
            now = time.monotonic()
            for cmd in list(self.commands.values()):
                if cmd.status is not None and now - cmd.exited_at >= PIPE_GRACE:
                    self.maybe_finish(cmd, force=True)


def main():
    try:
        Agent(find_port()).run()
    except BaseException as e:  # PID 1 must not just die: say why, then power off
        try:
            with open("/dev/console", "w") as console:
                console.write(f"stap5 agent failed: {type(e).__name__}: {e}\n")
        except OSError:
            pass
        power_off()


if __name__ == "__main__":
    main()

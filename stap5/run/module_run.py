"""The run loop of staprun5: one module, from load to unload.

    load (finit_module, with _stp_target / _stp_bufsize / NAME=VALUE params)
    open ctl and the trace files
    "start"  -> begin probes run, probes are registered; then the -c command
                is let go (its pid, known from the fork, is target())
    loop     copy output in order; print messages; watch for the end:
             the module asking (exit(), errors), SIGINT/SIGTERM/SIGHUP, the
             -c command exiting, the -T timeout
    "stop"   -> end (or error) probes run; the module sends DONE
    drain the output, close everything, delete_module

Whatever fails after the load, the module is unloaded: staprun5 never leaves
one behind, unless asked to (flight recorder: -L loads, starts and detaches,
SIGQUIT detaches, -A attaches to a detached session; see detached.py). -D
runs the session in the background, -S rotates the -o file (rotation.py).
Commands are written from a worker thread because they run probe
handlers in the writer's context; the loop keeps draining the output while
they do.
"""

import os
import queue
import shlex
import signal
import sys
import threading
import time
from dataclasses import dataclass, field

from stap5.run import bulk, channels, detached, kmod, rotation, stale, wire

POLL_INTERVAL = 0.05        # seconds between reads of the data channel
UNLOAD_TRIES = 100          # x 50 ms


@dataclass
class Options:
    module: str
    module_params: list = field(default_factory=list)
    output: str = None          # -o FILE
    command: str = None         # -c CMD
    target_pid: int = None      # -x PID
    timeout: float = None       # -T SECS
    bufsize_mb: int = None      # -b/-s MB
    verbose: int = 0            # -v
    suppress_warnings: bool = False     # -w
    rotate: tuple = (None, None)        # -S: (max bytes per file, max files)
    daemon: bool = False                # -D: run in the background
    load_and_detach: bool = False       # -L
    attach: bool = False                # -A: `module` is a running module's name


class RunError(Exception):
    """A failure reported as "ERROR: ..." with exit status 1."""


class PausedChild:
    """The -c command: forked before the module loads (so target() is known),
    exec'ed only once the probes are in place."""

    def __init__(self, command):
        try:
            self.argv = shlex.split(command)
        except ValueError as e:
            raise RunError(f"syntax error (unmatched quotes?) in -c COMMAND: {e}")
        if not self.argv:
            raise RunError("empty -c COMMAND")
        self.status = None
        read_end, self._go = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:   # pragma: no cover - the child
            try:
                os.close(self._go)
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
                    signal.signal(sig, signal.SIG_DFL)
                if os.read(read_end, 1) != b"g":
                    os._exit(0)
                os.execvp(self.argv[0], self.argv)
            except OSError as e:
                # As staprun: perror(argv[0]), status 1.
                os.write(2, f"{self.argv[0]}: {e.strerror}\n".encode())
            finally:
                os._exit(1)
        os.close(read_end)

    def go(self):
        if self._go is not None:
            os.write(self._go, b"g")
            os.close(self._go)
            self._go = None

    def cancel(self):
        """Never run the command (the session failed before it started)."""
        if self._go is not None:
            os.close(self._go)
            self._go = None
        self.wait(block=True)

    def poll(self):
        """The wait status once the command exited, else None."""
        return self.wait(block=False)

    def wait(self, block):
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid == self.pid:
                self.status = status
        return self.status

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class ModuleRun:
    """One module's run, from load to unload (see the module's docstring)."""

    def __init__(self, opts, stdout=None, stderr=None, early_signals=None):
        self.opts = opts
        # Signals caught before the session was set up (by the caller's
        # handlers): the list keeps growing until our own handlers replace
        # theirs.
        self.early_signals = early_signals if early_signals is not None else []
        self.stdout = stdout or sys.stdout.buffer
        self.stderr = stderr or sys.stderr
        self.name = None
        self.loaded = False
        self.ctl = None
        self.data = None
        self.child = None
        self.output = None
        self.output_path = None     # -o FILE in bulk mode (FILE_<cpu>)
        self.bulk = False
        self.errors_seen = False
        self.exit_status = 0
        self.warnings_seen = set()
        self.stop_requested = False
        self.done = None
        self.signals = 0
        self.commands = queue.Queue()
        self.command_errors = queue.Queue()
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.detached = threading.Event()   # "detach" done: leave the module running
        self.detach_requested = False
        self.detach_requested_sent = False

    # ---- messages -------------------------------------------------------

    def error(self, text):
        self.stderr.write(f"ERROR: {text}\n")
        self.stderr.flush()
        self.errors_seen = True

    def warn(self, text):
        self.module_text(f"WARNING: {text}\n")

    def debug(self, text):
        if self.opts.verbose:
            self.stderr.write(f"staprun5: {text}\n")
            self.stderr.flush()

    def module_text(self, text):
        """stderr text from the module: warnings are shown once each."""
        if text.startswith("WARNING:"):
            if self.opts.suppress_warnings or text in self.warnings_seen:
                return
            self.warnings_seen.add(text)
        elif text.startswith("ERROR:"):
            self.errors_seen = True
        self.stderr.write(text)
        self.stderr.flush()

    # ---- the session ----------------------------------------------------

    def run(self):
        """Returns the exit status."""
        try:
            self._prepare()
            if self.early_signals:
                # Interrupted before anything was loaded: nothing to undo.
                self.debug("interrupted before the module was loaded")
                if self.child:
                    self.child.cancel()
                self._close_output()
                return 0
            if not self.opts.attach:
                self._load()
        except (RunError, kmod.ModuleError, rotation.RotationError,
                detached.DetachedError) as e:
            self.error(str(e))
            if self.child:
                self.child.cancel()
            self._close_output()
            return 1
        try:
            self._open_channels()
            if self.opts.attach:
                self.loaded = True      # ours to unload when the session ends
            if self.opts.daemon:
                detached.daemonize()
            self._main_loop()
        except (RunError, OSError, wire.ProtocolError) as e:
            self.error(str(e))
        finally:
            self._shutdown()
        # As staprun: the status says whether an ERROR was printed (errors
        # suppressed with --suppress-handler-errors only count).
        if self.errors_seen:
            self.exit_status = 1
        return self.exit_status

    def _prepare(self):
        opts = self.opts
        if opts.attach:
            self.name = detached.attachable(opts.module)
        elif not os.path.isfile(opts.module):
            raise RunError(f"Couldn't open '{opts.module}'")
        if os.geteuid() != 0:
            raise RunError('You are trying to run systemtap as a normal user.\n'
                            'You should either be root, or be part of group "stapusr" '
                            'and possibly the groups "stapsys" or "stapdev".')
        if not opts.attach:
            info = kmod.modinfo(opts.module)
            self.name = info.get("name") or kmod.module_name(opts.module)
            self.bulk = info.get("stap5_bulkmode") == "1"
        if opts.output and self.bulk:
            # FILE_0, FILE_1...: opened as their CPUs' output arrives
            self.output_path = time.strftime(opts.output) if "%" in opts.output \
                else opts.output
        elif opts.output:
            try:
                self.output = rotation.OutputFile(opts.output, *opts.rotate)
            except rotation.RotationError as e:
                raise RunError(str(e))
        if opts.command:
            self.child = PausedChild(opts.command)

    def _load(self):
        self._remove_stale_modules()
        params = []
        target = self.child.pid if self.child else self.opts.target_pid
        if target:
            params.append(f"_stp_target={target}")
        if self.opts.bufsize_mb:
            params.append(f"_stp_bufsize={self.opts.bufsize_mb}")
        params.extend(self.opts.module_params)
        self.debug(f"inserting module {self.opts.module} ({' '.join(params)})")
        try:
            kmod.load(self.opts.module, params)
        except kmod.ModuleError as e:
            raise RunError(f"Couldn't insert module '{self.opts.module}': {e}")
        self.loaded = True

    def _open_channels(self):
        directory = channels.module_dir(self.name)
        if not os.path.isdir(directory):
            self._mount_debugfs()
        try:
            self.ctl = channels.ControlChannel(os.path.join(directory, "ctl"))
        except OSError as e:
            raise RunError(f"Cannot attach to module {self.name} control channel: "
                            f"{e.strerror}")
        if self.opts.attach:
            self._attach()
        try:
            self.data = channels.DataChannel(directory)
        except OSError as e:
            raise RunError(f"Cannot attach to module {self.name} data channel: "
                            f"{e.strerror}")
        if self.bulk:
            self.ordered = bulk.PerCpuOutput(self.output_path, self.stdout)
        else:
            self.ordered = channels.OrderedOutput(self.output or self.stdout)
        if self.opts.attach:
            self.ordered.start_anywhere()

    def _remove_stale_modules(self):
        """Modules earlier staprun5 runs could not unload (they were
        killed): remove them, and say so (see stale.py)."""
        detached.ensure_debugfs()
        stale.remove_orphans(self.warn)

    def _attach(self):
        """-A: end the flight recorder mode before reading the kept output, so
        that nothing is overwritten while we read it ("attach" runs no probe
        handler: no need for the command thread)."""
        try:
            self.ctl.command(wire.CMD_ATTACH)
        except OSError as e:
            raise RunError(f"Couldn't attach to module {self.name}: {e.strerror}")
        self.started.set()

    def _mount_debugfs(self):
        if os.path.ismount(channels.DEBUGFS):
            return
        import subprocess
        rc = subprocess.call(["mount", "-t", "debugfs", "debugfs", channels.DEBUGFS],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if rc != 0:
            raise RunError(f"Couldn't mount {channels.DEBUGFS}")

    def _command_worker(self):
        while True:
            word = self.commands.get()
            if word is None:
                return
            try:
                self.ctl.command(word)
            except OSError as e:
                self.command_errors.put((word, e))
                if word == wire.CMD_DETACH:
                    continue            # still attached: the loop reports it
            if word == wire.CMD_START:
                self.started.set()
            elif word == wire.CMD_STOP:
                self.stopped.set()
            elif word == wire.CMD_DETACH:
                self.detached.set()

    def _request_stop(self, why):
        if not self.stop_requested:
            self.debug(f"stopping: {why}")
            self.stop_requested = True
            self.commands.put(wire.CMD_STOP)

    def _on_signal(self, signum, frame):
        self.signals += 1
        self.pending_signal = signum

    def _on_detach_signal(self, signum, frame):
        self.detach_requested = True        # SIGQUIT (Ctrl-\), as staprun

    def _on_switch_signal(self, signum, frame):
        if self.output is not None:
            self.output.switch()            # SIGUSR2: the next output file

    def _request_detach(self):
        if not self.stop_requested and not self.detach_requested_sent:
            self.detach_requested_sent = True
            self.debug("detaching")
            self.commands.put(wire.CMD_DETACH)

    def _main_loop(self):
        self.pending_signal = None
        old_handlers = {}
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            old_handlers[sig] = signal.signal(sig, self._on_signal)
        old_handlers[signal.SIGQUIT] = signal.signal(signal.SIGQUIT, self._on_detach_signal)
        old_handlers[signal.SIGUSR2] = signal.signal(signal.SIGUSR2, self._on_switch_signal)
        for sig in self.early_signals:     # caught during the load
            if sig == signal.SIGQUIT:
                self._on_detach_signal(sig, None)
            else:
                self._on_signal(sig, None)
        worker = threading.Thread(target=self._command_worker, daemon=True)
        worker.start()
        deadline = time.monotonic() + self.opts.timeout if self.opts.timeout else None
        child_released = False
        handled_signals = 0
        stop_returned_at = None
        try:
            if not self.opts.attach:        # (-A: already running, attached)
                self.commands.put(wire.CMD_START)
            while True:
                for mtype, payload in self.ctl.read_messages():
                    if mtype == wire.MSG_STDERR:
                        self.module_text(payload.decode(errors="replace"))
                    elif mtype == wire.MSG_REQUEST_EXIT:
                        self._request_stop("requested by the module")
                    elif mtype == wire.MSG_DONE:
                        self.done = wire.DONE.unpack(payload[:wire.DONE.size])
                if not self.opts.load_and_detach:   # -L: the output waits for -A
                    self.ordered.add(self._read_output())
                    self.ordered.flush()
                if self.done is not None:
                    break
                if self.detached.is_set():
                    break
                if self.stopped.is_set() and stop_returned_at is None:
                    stop_returned_at = time.monotonic()
                elif stop_returned_at and time.monotonic() - stop_returned_at > 2:
                    # "stop" returned but its DONE never came (the message
                    # queue overflowed): the session is over all the same.
                    self.done = (0, 0, 0, 1)
                    break
                while not self.command_errors.empty():
                    word, e = self.command_errors.get()
                    if word == wire.CMD_START:
                        raise RunError(f"Couldn't start the probes: {e.strerror}")
                    if word == wire.CMD_DETACH:
                        raise RunError(f"Couldn't detach from module {self.name}: "
                                        f"{e.strerror}")
                    raise RunError(f"Couldn't stop the probes: {e.strerror}")
                if self.started.is_set() and not child_released:
                    child_released = True
                    self.debug("probes started")
                    if self.child:
                        self.child.go()
                    if self.opts.load_and_detach:
                        self._request_detach()
                if self.detach_requested and self.started.is_set():
                    self._request_detach()
                if self.signals > handled_signals:
                    handled_signals = self.signals
                    self._request_stop(f"signal {self.pending_signal}")
                if child_released and self.child and self.child.poll() is not None:
                    self._report_child()
                    self._request_stop("the target command exited")
                if deadline and time.monotonic() > deadline:
                    self._request_stop("timeout")
                time.sleep(POLL_INTERVAL)
            if self.detached.is_set():
                # What was read goes out; the rest waits for the next staprun5 -A.
                self.ordered.flush(final=True)
            else:
                # Everything the end probes printed is in the buffers now.
                self._drain()
        finally:
            self.commands.put(None)
            for sig, handler in old_handlers.items():
                signal.signal(sig, handler)
            worker.join(timeout=60)

    def _drain(self):
        idle = 0
        while idle < 2:
            records = self._read_output()
            got = any(records.values()) if self.bulk else records
            idle = 0 if got else idle + 1
            self.ordered.add(records)
        self.ordered.flush(final=True)

    def _read_output(self):
        """Records available now: per CPU in bulk mode, else all together."""
        if self.bulk:
            return self.data.read_records_per_cpu()
        return self.data.read_records()

    def _report_child(self):
        status = self.child.status
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
            self.warn(f"Child process exited with status {os.WEXITSTATUS(status)}")
            self.exit_status = 1
        elif os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            self.warn(f"Child process exited with signal {sig} ({signal.strsignal(sig)})")
            self.exit_status = 1

    def _shutdown(self):
        for chan in (self.data, self.ctl):
            if chan is not None:
                try:
                    chan.close()
                except OSError:
                    pass
        self.data = self.ctl = None
        if self.loaded and self.detached.is_set():
            detached.say_detached(self.name, self.stderr)
        elif self.loaded:
            self._unload()
        if self.child:
            if self.child.status is None and self.child._go is not None:
                self.child.cancel()
            elif self.child.status is None:
                self.child.kill()
                self.child.wait(block=True)
        self._close_output()

    def _unload(self):
        try:
            if kmod.unload_when_free(self.name, UNLOAD_TRIES):
                self.debug(f"removed module {self.name}")
            self.loaded = False
        except kmod.ModuleError as e:
            why = "still in use" if e.errno in kmod.BUSY else str(e)
            self.error(f"Couldn't remove module '{self.name}': {why}.")

    def _close_output(self):
        if isinstance(getattr(self, "ordered", None), bulk.PerCpuOutput):
            self.ordered.close()
        if self.output:
            self.output.close()
            self.output = None

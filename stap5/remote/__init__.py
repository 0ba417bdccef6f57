"""stap5 --remote URL [--remote URL ...] [--remote-prefix]: run on other machines.

As stap does it: each host is asked its kernel release and architecture,
passes 1-4 run here once per distinct (release, arch) (-p1 to -p4 stop
there, as usual), and pass 5 copies each host's module there and runs it
with staprun5, all hosts at once. Their standard output comes here line by
line, each line prefixed with "N: " (N the host's index, from 0, in the
order of the --remote options) under --remote-prefix; their standard error
comes as it is. Ctrl-C reaches every host's staprun5 (end probes run); a
second one insists (SIGTERM); a third drops the connections.

A host that cannot be reached, or whose run fails, does not stop the others:
their output is all there, and the exit status is 1 ("Pass 5: run failed").

Modules: url (the --remote forms), hosts (one host: ssh, copy, run).
"""

import copy
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from stap5.remote.hosts import Host, HostError
from stap5.remote.url import RemoteUrlError, parse  # noqa: F401 (for the CLI)


def run(session):
    """Passes 1-5 of a session with --remote; returns the exit status."""
    from stap5 import driver
    hosts = [Host(i, parse(url)) for i, url in enumerate(session.remotes)]
    failed = _each(hosts, Host.prepare)
    ready = [h for h in hosts if h not in failed]
    if not ready:
        return 1
    modules = {}
    targets = []
    for host in ready:
        if (host.release, host.arch) not in targets:
            targets.append((host.release, host.arch))
    for release, arch in targets:
        build = copy.copy(session)
        build.remotes = []
        build.set_kernel_target(release)
        build.arch = arch
        if session.last_pass == 5:
            build.module_sink = lambda ko, key=(release, arch): modules.__setitem__(key, ko)
        rc = driver.run(build)
        if rc != 0:
            return rc
    if session.last_pass < 5:
        return 1 if failed else 0
    return _pass5(session, ready, modules, failed)


def _each(hosts, action):
    """Run action(host) on all hosts at once; report and return those that failed."""
    def attempt(host):
        try:
            action(host)
            return None
        except HostError as e:
            return e
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(hosts)))) as pool:
        errors = list(pool.map(attempt, hosts))
    failed = []
    for host, error in zip(hosts, errors):
        if error is not None:
            sys.stderr.write(f"ERROR: {error}\n")
            host.error = error
            failed.append(host)
    sys.stderr.flush()
    return failed


class _Output:
    """Where the hosts' output goes: whole lines, one host at a time."""

    def __init__(self, sink, prefix):
        self.sink = sink
        self.prefix = prefix
        self.lock = threading.Lock()

    def stdout_line(self, host):
        tag = f"{host.index}: ".encode() if self.prefix else b""

        def write(line):
            with self.lock:
                self.sink.write(tag + line)
                self.sink.flush()
        return write

    def stderr(self, chunk):
        with self.lock:
            sys.stderr.buffer.write(chunk)
            sys.stderr.flush()


def _pass5(session, hosts, modules, failed):
    from stap5 import driver
    from stap5.run.rotation import OutputFile, RotationError, parse_size_spec
    timer = driver.PassTimer()
    if session.verbosity(5):
        sys.stderr.write("Pass 5: starting run.\n")
    sink = sys.stdout.buffer
    if session.output_file:
        try:
            sink = OutputFile(session.output_file, *(parse_size_spec(session.output_rotation)
                                                     if session.output_rotation
                                                     else (None, None)))
        except RotationError as e:
            sys.stderr.write(f"ERROR: {e}\n")
            return 1
    sys.stdout.flush()
    output = _Output(sink, session.remote_prefix)
    failed = list(failed)

    def upload(host):
        host.remote_ko = host.upload(modules[(host.release, host.arch)])
    failed += _each(hosts, upload)
    running = [h for h in hosts if h not in failed]
    interrupts = []

    def forward(signum, _frame):
        interrupts.append(signum)
        for host in running:
            if len(interrupts) >= 3:
                host.abandon()
            else:
                host.interrupt(signal.SIGINT if len(interrupts) == 1 and
                               signum == signal.SIGINT else signal.SIGTERM)
    previous = {s: signal.signal(s, forward)
                for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        for host in running:
            args = driver.staprun_args(session, host.remote_ko, remote=True)
            host.start(args, output.stdout_line(host), output.stderr)
        for host in running:
            while host.process.poll() is None:
                time.sleep(0.05)        # (signals are handled between sleeps)
            if host.wait() != 0:
                failed.append(host)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if session.output_file:
            sink.close()
        _each(hosts, Host.cleanup)
    if session.verbosity(5):
        sys.stderr.write("Pass 5: run completed %s\n" % timer.report().split(", ", 1)[1])
    if failed:
        sys.stderr.write("Pass 5: run failed.  [man error::pass5]\n")
        return 1
    return 0

"""One remote host of `stap5 --remote`: reaching it, and its staprun5 run.

Everything is a shell command run there through the transport (ssh, or a
local sh for direct://):

    uname -r; uname -m            what to build for (prepare)
    mktemp -d; cat > DIR/M.ko     the module, copied (upload)
    echo $$; exec staprun5 ...    the run; its first line of output is the pid
                                  that Ctrl-C here becomes a `kill -INT PID` for
    rm -rf DIR                    afterwards (cleanup)

STAP5_SSH_COMMAND replaces `ssh` (e.g. "ssh -F my_config"), as GIT_SSH_COMMAND
does for git; STAP5_REMOTE_STAPRUN replaces `staprun5` on the remote side.
"""

import os
import shlex
import signal
import subprocess
import threading

PREPARE_TIMEOUT = 120
UPLOAD_TIMEOUT = 300


class HostError(Exception):
    pass


def ssh_command():
    return shlex.split(os.environ.get("STAP5_SSH_COMMAND") or "ssh")


def remote_staprun():
    return os.environ.get("STAP5_REMOTE_STAPRUN") or "staprun5"


class Host:
    def __init__(self, index, target):
        self.index = index
        self.target = target
        self.release = None
        self.arch = None
        self.directory = None
        self.process = None
        self.pid = None
        self.status = None
        self.error = None
        self._pid_known = threading.Event()

    # -- the transport ----------------------------------------------------------------
    def argv(self, script):
        """The local argv that runs the shell `script` on this host."""
        if self.target.scheme == "direct":
            return ["sh", "-c", script]
        port = ["-p", str(self.target.port)] if self.target.port else []
        return [*ssh_command(), "-q", "-x", *port, self.target.destination,
                "sh -c " + shlex.quote(script)]

    def _run(self, script, timeout, stdin=None):
        try:
            proc = subprocess.run(self.argv(script), stdin=stdin or subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HostError(f"no answer from '{self.target.url}' in {timeout} s") from None
        except OSError as e:
            raise HostError(f"cannot run {self.argv(script)[0]}: {e.strerror}") from None
        if proc.returncode != 0:
            said = proc.stderr.decode(errors="replace").strip().splitlines()
            why = said[-1] if said else f"status {proc.returncode}"
            raise HostError(f"error establishing ssh connection on remote "
                            f"'{self.target.url}': {why}")
        return proc.stdout.decode(errors="replace")

    # -- before the build -------------------------------------------------------------
    def prepare(self):
        """Learn the host's kernel release and architecture."""
        words = self._run("uname -r; uname -m", PREPARE_TIMEOUT).split()
        if len(words) != 2:
            raise HostError(f"unexpected answer to uname from '{self.target.url}'")
        from stap5.session import normalize_arch
        self.release, self.arch = words[0], normalize_arch(words[1])

    # -- pass 5 -----------------------------------------------------------------------
    def upload(self, ko):
        name = os.path.basename(ko)
        with open(ko, "rb") as f:
            out = self._run('d=$(mktemp -d /tmp/stap5.XXXXXX) && cat > "$d"/'
                            + shlex.quote(name) + ' && echo "$d"', UPLOAD_TIMEOUT, stdin=f)
        self.directory = out.strip()
        if not self.directory.startswith("/tmp/stap5."):
            raise HostError(f"cannot copy the module to '{self.target.url}'")
        return f"{self.directory}/{name}"

    def start(self, staprun_args, on_stdout_line, on_stderr):
        script = ("cd " + shlex.quote(self.directory) + " && echo $$ && exec "
                  + remote_staprun() + " " + " ".join(shlex.quote(a) for a in staprun_args))
        self.process = subprocess.Popen(self.argv(script), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True)
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(on_stdout_line,), daemon=True),
            threading.Thread(target=self._read_stream,
                             args=(self.process.stderr, on_stderr), daemon=True)]
        for t in self._readers:
            t.start()

    def _read_stdout(self, on_line):
        stream = self.process.stdout
        first = stream.readline()
        try:
            self.pid = int(first)
        except ValueError:
            if first:
                on_line(first)
        self._pid_known.set()
        for line in iter(stream.readline, b""):
            on_line(line)

    def _read_stream(self, stream, sink):
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink(chunk)

    def wait(self):
        self.status = self.process.wait()
        for t in self._readers:
            t.join()
        self._pid_known.set()
        return self.status

    def interrupt(self, sig=signal.SIGINT):
        """Ctrl-C there: the signal to the remote staprun5 (it ends the session and
        runs the end probes)."""
        if self.process is None or self.process.poll() is not None:
            return
        if self.pid is None:
            return
        name = signal.Signals(sig).name[3:]
        subprocess.Popen(self.argv(f"kill -{name} {self.pid}"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def abandon(self):
        """Give up on the connection (a third Ctrl-C)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def cleanup(self):
        if self.directory:
            try:
                self._run("rm -rf " + shlex.quote(self.directory), PREPARE_TIMEOUT)
            except HostError:
                pass

"""Running SystemTap 4.8 and stap5 side by side, for the differential tests
of every pass that runs on the host (pass 1, pass 2, the CLI, listings, the
regex compiler).  (Runs in the guest: runner.py.)

    run_stap5(argv, stdin=None, cwd=None, env=None)  stap5, in this process
    run_stap48(argv, stdin=None, cwd=None, env=None) the installed stap 4.8
    prefetch_stap48([argv, ...])                     start many 4.8 runs in parallel

Both return an Outcome(status, stdout, stderr).  `-r 6.1.0-56-amd64` is always
given (this host has no kernel build tree of its own).  4.8's stderr is
normalized: it loses the lines that are about this host or Debian's packaging
("WARNING: Kernel function symbol table missing", Debian's "Tip:" line).

4.8's outcomes are memoized for the test session and also kept on disk (in
$STAP5_CACHE/oracle-p1), keyed by everything they depend on: stap's binary,
its tapset tree, the arguments, the content of every file named in them, the
input and the directory (and the files of a directory named in them: a
tapset directory given with -I); a stale entry cannot match.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pytest

KERNEL = "6.1.0-56-amd64"
STAP48 = shutil.which("stap")
TAPSET48 = "/usr/share/systemtap/tapset"
EXAMPLES48 = "/usr/share/systemtap/examples"

# 4.8 lines that say something about this host or Debian, not about the script.
_HOST_LINES = ("WARNING: Kernel function symbol table missing",
               "Tip: /usr/share/doc/systemtap/README.Debian")


class Outcome(NamedTuple):
    status: int
    stdout: str
    stderr: str


def stap48_available():
    return STAP48 is not None and os.path.isdir(TAPSET48)


needs_stap48 = pytest.mark.skipif(not stap48_available(),
                                  reason="SystemTap 4.8 (stap) is not installed")


# --- stap5, in process -------------------------------------------------------

_STAP5_LOCK = threading.Lock()


@contextlib.contextmanager
def patched_environment(env):
    """os.environ with `env` set (a None value unsets), restored after."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update({k: v for k, v in env.items() if v is not None})
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_stap5(argv, stdin=None, cwd=None, env=None, kernel=KERNEL):
    """stap5's CLI in this process (no interpreter start-up per run)."""
    from stap5 import cli
    return _in_process(cli.main, argv, stdin, cwd, env, kernel)


def _in_process(main, argv, stdin, cwd, env, kernel):
    stdin_bytes = stdin.encode("utf-8", "surrogateescape") if isinstance(stdin, str) \
        else (stdin or b"")
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin_bytes), encoding="utf-8",
                                  errors="surrogateescape")
    full_argv = (["-r", kernel] if kernel else []) + list(argv)
    with _STAP5_LOCK, patched_environment(env or {}):
        old_cwd = os.getcwd()
        old_stdin = sys.stdin
        try:
            if cwd:
                os.chdir(cwd)
            sys.stdin = fake_stdin
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = main(full_argv)
                except SystemExit as exc:
                    status = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdin = old_stdin
            os.chdir(old_cwd)
    return Outcome(status, out.getvalue(), err.getvalue())


# --- SystemTap 4.8 -----------------------------------------------------------

def normalize48(stderr):
    return "".join(line for line in stderr.splitlines(True) if not line.startswith(_HOST_LINES))


def _stap48_process(argv, stdin, cwd, env, kernel):
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([STAP48] + (["-r", kernel] if kernel else []) + list(argv),
                          input=stdin.encode("utf-8", "surrogateescape")
                          if isinstance(stdin, str) else (stdin or b""),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=full_env)
    decode = lambda data: data.decode("utf-8", "surrogateescape")  # noqa: E731
    return Outcome(proc.returncode, decode(proc.stdout), normalize48(decode(proc.stderr)))


_installation_id = None


def _installation():
    """What identifies the installed 4.8: its binary and its tapset tree."""
    global _installation_id
    if _installation_id is None:
        parts = []
        for path in [STAP48] + sorted(_walk(TAPSET48)):
            try:
                st = os.stat(path)
            except OSError:
                continue
            parts.append("%s:%d:%d" % (path, st.st_size, st.st_mtime_ns))
        # what 4.8 finds of the kernel's debuginfo changes its answers
        parts.append("debuginfo:%s" % os.environ.get("SYSTEMTAP_DEBUGINFO_PATH", ""))
        for root in os.environ.get("SYSTEMTAP_DEBUGINFO_PATH", "").split(":"):
            if root.startswith("/"):
                parts.append("%s:%s" % (root, os.path.isdir(os.path.join(root, "lib/modules"))))
        _installation_id = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _installation_id


def _walk(root):
    for directory, _, names in os.walk(root):
        for name in names:
            yield os.path.join(directory, name)


def _cache_key(argv, stdin, cwd, env, kernel):
    digest = hashlib.sha256()
    cwd = cwd or os.getcwd()
    for part in [_installation(), kernel or "", cwd, repr(sorted((env or {}).items())),
                 repr(stdin)] + list(argv):
        digest.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str)
                      else repr(part).encode())
        digest.update(b"\0")
        path = os.path.join(cwd, part) if isinstance(part, str) else None
        if path and os.path.isfile(path):
            _hash_file(digest, path)
        elif path and part not in ("", ".", "/") and os.path.isdir(path):
            for name in sorted(_walk(path)):
                digest.update(name.encode("utf-8", "surrogateescape"))
                _hash_file(digest, name)
    return digest.hexdigest()


def _hash_file(digest, path):
    try:
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    except OSError:
        pass


def _disk_cache_dir():
    from stap5.kernel.cache import cache_dir
    return os.path.join(cache_dir(), "oracle-p1")


def _load_cached(key):
    try:
        with open(os.path.join(_disk_cache_dir(), key + ".json")) as f:
            status, stdout, stderr = json.load(f)
        return Outcome(status, stdout, stderr)
    except (OSError, ValueError, TypeError):
        return None


def _store_cached(key, outcome):
    directory = _disk_cache_dir()
    try:
        os.makedirs(directory, exist_ok=True)
        tmp = os.path.join(directory, "%s.%d.%d.tmp" % (key, os.getpid(), threading.get_ident()))
        with open(tmp, "w") as f:
            json.dump(list(outcome), f)
        os.replace(tmp, os.path.join(directory, key + ".json"))
    except OSError:
        pass


_memo = {}
_memo_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 1) + 1))
# Chains of dependent 4.8 runs wait on _pool's futures, so they need a pool of their own.
_chain_pool = ThreadPoolExecutor(max_workers=16)


def _compute48(key, argv, stdin, cwd, env, kernel):
    outcome = _load_cached(key)
    if outcome is None:
        outcome = _stap48_process(argv, stdin, cwd, env, kernel)
        _store_cached(key, outcome)
    return outcome


def _future48(argv, stdin=None, cwd=None, env=None, kernel=KERNEL):
    key = _cache_key(argv, stdin, cwd, env, kernel)
    with _memo_lock:
        future = _memo.get(key)
        if future is None:
            future = _memo[key] = _pool.submit(_compute48, key, list(argv), stdin, cwd, env,
                                               kernel)
    return future


def run_stap48(argv, stdin=None, cwd=None, env=None, kernel=KERNEL):
    """4.8's outcome (memoized; computed now unless prefetched)."""
    return _future48(argv, stdin, cwd, env, kernel).result()


def prefetch_stap48(invocations):
    """Start 4.8 on many argvs at once (each an argv list, or a dict of
    run_stap48's keyword arguments with 'argv')."""
    for item in invocations:
        if isinstance(item, dict):
            _future48(**item)
        else:
            _future48(item)


def submit(function, *args):
    """Run function(*args) in the background (for chains of 4.8 runs that
    each depend on the outcome of the previous one)."""
    return _chain_pool.submit(function, *args)


# --- pass 1 as the driver runs it -------------------------------------------------

def run_stap5_pass1(argv, stdin=None, cwd=None, env=None, kernel=KERNEL):
    """stap5's pass 1 through the API the driver uses (stap5.parse.pass1:
    run, report; printer.dump_pass1; the session's Reporter), printing what
    `stap -p1` prints.  It tests pass 1's diagnostics apart from the driver."""
    from stap5 import cli, driver
    from stap5.diagnostics import session_reporter
    from stap5.parse import pass1, printer

    def pass1_only(session):
        result = pass1.run(session, whole_library=session.verbosity(1) > 0)
        pass1.report(session, result)
        if session.verbosity(1):
            sys.stderr.write("Pass 1: parsed user script and %d library scripts %s\n"
                             % (len(result.library_files), driver.PassTimer().report()))
        if result.failed:
            sys.stderr.write("Pass 1: parse failed.  [man error::pass1]\n")
            return 1
        sys.stdout.write(printer.dump_pass1(result, session.verbosity(1) > 0))
        return 0

    def main(full_argv):
        session = cli.parse_args(full_argv)
        try:
            return pass1_only(session)
        finally:
            session_reporter(session).print_summary()

    return _in_process(main, argv, stdin, cwd, env, kernel)

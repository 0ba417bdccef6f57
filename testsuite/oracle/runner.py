"""Build scripts with the installed SystemTap 4.8 and run them in the stap5 guest.

4.8's runtime no longer compiles against Debian's 6.1 kernel (task_work_cancel changed
meaning), so we build against a patched private copy of it (prepare_runtime). Two ways
to run what was built:

- "stap" (exact, the default): the guest runs 4.8's own driver, ``stap [opts] SCRIPT``.
  The host's ``stap -p4`` with the same options has already put the module in stap's
  cache (~/.systemtap/cache, visible in the guest), so the guest's stap redoes passes
  1-2 (~15 s under TCG), takes passes 3-4 from the cache, and runs pass 5 itself: its
  stdout/stderr/status are exactly what a user of 4.8 would see, driver messages included.
- "staprun" (fast): the host builds NAME.ko with ``-p4 -m NAME`` and the guest runs
  ``staprun [run options] NAME.ko``: the module's own output and staprun's, without the
  driver's pass-5 lines (e.g. "Pass 5: run failed").

Run options (-c CMD, -x PID, -o FILE, -T SECS, -s MB) are also handed to staprun in that
mode; every other option is a build option.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from stap5.vm.assets import DEFAULT_KVER, cache_dir

SYSTEM_RUNTIME = Path("/usr/share/systemtap/runtime")
# stap options that take a value (so "-o FILE" isn't mistaken for the script).
STAP_VALUE_OPTIONS = set("pIDBRrmaEoSdTcxsGe") | {"--modinfo", "--runtime", "--privilege",
                                                   "--compatible", "--prologue-searching"}
# Options staprun takes too, with the flag staprun knows them by.
STAPRUN_OPTIONS = {"-c": "-c", "-x": "-x", "-o": "-o", "-T": "-T", "-s": "-b"}


class OracleError(Exception):
    pass


def stap_available():
    return shutil.which("stap") is not None and SYSTEM_RUNTIME.is_dir()


def oracle_dir():
    return cache_dir() / "oracle"


def prepare_runtime():
    """A private copy of 4.8's runtime, patched for 6.1; rebuilt if the installed one changes."""
    if not stap_available():
        raise OracleError("SystemTap 4.8 (stap) is not installed")
    dest = oracle_dir() / "runtime-4.8"
    stamp = dest / ".stap5-source"
    source_id = f"{SYSTEM_RUNTIME}:{(SYSTEM_RUNTIME / 'stp_task_work.c').stat().st_mtime_ns}"
    if stamp.is_file() and stamp.read_text() == source_id:
        return dest
    oracle_dir().mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="runtime-", dir=oracle_dir()))
    shutil.copytree(SYSTEM_RUNTIME, tmp, dirs_exist_ok=True)
    work = tmp / "stp_task_work.c"
    text = work.read_text()
    # 6.1's task_work_cancel() takes a callback_head; what 4.8 means is task_work_cancel_func().
    patched = text.replace("typeof(&task_work_cancel)", "typeof(&task_work_cancel_func)") \
                  .replace('"task_work_cancel"', '"task_work_cancel_func"')
    if patched == text:
        raise OracleError(f"{work}: nothing to patch (a runtime other than 4.8's?)")
    work.write_text(patched)
    (tmp / ".stap5-source").write_text(source_id)
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return dest


@dataclass
class Job:
    """One script to run with 4.8. `script` is a path, or the script text with inline=True."""
    script: str
    options: list = field(default_factory=list)     # stap options, e.g. ["-v", "-g"]
    args: list = field(default_factory=list)        # script arguments ($1, @1, ...)
    inline: bool = False
    interrupt_after: float = None   # send SIGINT (Ctrl-C) after this many seconds
    timeout: float = 300.0
    mode: str = "stap"              # "stap" (exact) or "staprun" (fast)
    cwd: str = None


@dataclass
class Outcome:
    job: Job
    build_rc: int = None
    build_stdout: str = ""
    build_stderr: str = ""
    rc: int = None                  # the run's exit status (shell style); None if not run
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False

    @property
    def built(self):
        return self.build_rc == 0


def split_options(options):
    """(build options, staprun options) from stap-style options."""
    build, run = [], []
    i = 0
    while i < len(options):
        opt = options[i]
        name, value, step = opt, None, 1
        if opt.startswith("--") and "=" in opt:
            name = opt.split("=", 1)[0]
        elif re.fullmatch(r"-[A-Za-z]", opt) and opt[1] in STAP_VALUE_OPTIONS and \
                i + 1 < len(options):
            value, step = options[i + 1], 2
        elif re.fullmatch(r"-[A-Za-z].+", opt) and opt[1] in STAP_VALUE_OPTIONS:
            name, value = opt[:2], opt[2:]
        if name in STAPRUN_OPTIONS and value is not None:
            run += [STAPRUN_OPTIONS[name], value]
        build += options[i:i + step]
        i += step
    return build, run


def _script_argv(job, absolute=False):
    if job.inline:
        return ["-e", job.script]
    path = Path(job.script)
    return [str(Path(job.cwd or os.getcwd(), path) if absolute else path)]


def build(job, runtime, workdir):
    """Pass 1-4 on the host with 4.8. Returns (Outcome, module path or None)."""
    from stap5.kernel.debuginfo import oracle_debuginfo_path
    env = dict(os.environ, SYSTEMTAP_RUNTIME=str(runtime))
    env.setdefault("SYSTEMTAP_DEBUGINFO_PATH", oracle_debuginfo_path())
    build_options, _ = split_options(job.options)
    argv = ["stap", "-r", DEFAULT_KVER, "-p4", *build_options]
    module = None
    if job.mode == "staprun":
        name = "oracle_" + re.sub(r"\W", "_", Path(workdir).name)
        argv += ["-m", name]
        module = Path(workdir) / f"{name}.ko"
    argv += [*_script_argv(job, absolute=job.mode == "staprun"), *job.args]
    proc = subprocess.run(argv, cwd=workdir if job.mode == "staprun" else (job.cwd or os.getcwd()),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, errors="replace")
    outcome = Outcome(job, proc.returncode, proc.stdout, proc.stderr)
    if job.mode == "stap":
        module = Path(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None
    if proc.returncode != 0 or module is None or not module.is_file():
        if proc.returncode == 0:
            outcome.build_rc = 1
            outcome.build_stderr += f"oracle: stap -p4 produced no module ({module})\n"
        return outcome, None
    return outcome, module


def guest_argv(job, runtime, module):
    if job.mode == "staprun":
        _, run_options = split_options(job.options)
        return ["staprun", *run_options, str(module)]
    return ["env", f"SYSTEMTAP_RUNTIME={runtime}", "stap", *job.options, *_script_argv(job),
            *job.args]


def run_in_guest(guest, job, runtime, module, outcome, stdout=None, stderr=None,
                 on_start=None):
    """Run a built job in `guest`, filling `outcome`; stdout/stderr (streams) get the
    output live; on_start(process) lets the caller forward signals to it."""
    out, err = [], []

    def tee(sink, store):
        def write(data):
            store.append(data)
            if sink is not None:
                target = getattr(sink, "buffer", sink)
                target.write(data)
                target.flush()
        return write
    proc = guest.start(guest_argv(job, runtime, module), cwd=job.cwd or os.getcwd(),
                       stdout=tee(stdout, out), stderr=tee(stderr, err), capture=False)
    if on_start:
        on_start(proc)
    timer = None
    if job.interrupt_after is not None:
        timer = threading.Timer(job.interrupt_after, proc.send_signal, [signal.SIGINT])
        timer.start()
    from stap5.vm import TimeoutExpired
    try:
        result = proc.wait(job.timeout)
        outcome.rc = result.shell_status
    except TimeoutExpired:
        outcome.timed_out = True
    finally:
        if timer:
            timer.cancel()
    outcome.stdout = b"".join(out).decode(errors="replace")
    outcome.stderr = b"".join(err).decode(errors="replace")
    return outcome


def run_jobs(jobs, guest=None, progress=None):
    """Build every job on the host, then run them all in one guest (booted here unless
    `guest` is given). Returns one Outcome per job, in order; jobs that fail to build
    aren't run (their rc stays None)."""
    runtime = prepare_runtime()
    work_root = oracle_dir() / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_root) as tmp:
        built = []
        for i, job in enumerate(jobs):
            workdir = Path(tmp) / f"job{i}"
            workdir.mkdir()
            if progress:
                progress(f"building {job.script if not job.inline else '-e script'} ...")
            built.append(build(job, runtime, workdir))
        if not any(module for _, module in built):
            return [outcome for outcome, _ in built]
        from stap5.vm import Guest
        own = guest is None
        guest = guest or Guest.boot()
        try:
            for outcome, module in built:
                if module is not None:
                    run_in_guest(guest, outcome.job, runtime, module, outcome)
        finally:
            if own:
                guest.close()
        return [outcome for outcome, _ in built]

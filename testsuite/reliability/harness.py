"""What the reliability tests share: the 4-CPU guest, building modules with
stap5 -p4, the workload program, running staprun5 in the guest, and the
checks every test ends with (no oops in the guest's kernel log, no module
left loaded)."""

import concurrent.futures
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from stap5.vm.guest import CRASH_MARKERS
from testsuite.guests import SessionGuest
from testsuite.script_cases import KVER, build_result, loaded_modules

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
SCRIPTS = HERE / "scripts"      # compared with 4.8 (expected/, see record48.py)
OWN = HERE / "own"              # checked here (4.8 cannot be the oracle)
EXPECTED = HERE / "expected"
MODULE_PREFIX = "rel_"
CPUS = 4


class SmpGuest(SessionGuest):
    """The shared guest with CPUS virtual CPUs (multi-threaded TCG)."""

    def __init__(self):
        super().__init__(cpus=CPUS)

    def _boot(self):
        from stap5.vm import GuestBootError
        # QEMU 7.2's multi-threaded TCG now and then dies while booting
        # (SIGSEGV): one more try.
        try:
            return super()._boot()
        except GuestBootError:
            return super()._boot()

    # -- the checks every test ends with --------------------------------------------
    def console_mark(self):
        return (self.boots, len(self.current().console_text()))

    def kernel_problems_since(self, mark):
        """Crash reports (oops, BUG, warning splats...) in the kernel log since
        `mark`, or in the log of the guest that died since."""
        boots, offset = mark
        if self._guest is None:
            return []
        text = self._guest.console_text()
        if boots == self.boots:
            text = text[offset:]
        lines = text.splitlines()
        return [line for line in lines if CRASH_MARKERS.search(line)]

    def loaded_test_modules(self):
        if self._guest is None or not self._guest.alive:
            return []
        return loaded_modules(self._guest, (MODULE_PREFIX,))


# A probe on every CPU printing more than a transport can carry: each hit
# sends one record of LINES numbered lines of ~510 bytes, until `max_lines`
# lines were printed (0: for ever); the run ends a moment after that. The
# end probe says how many lines were printed.
FLOOD_LINES = 8
FLOOD = r'''
global max_lines = 20000, printed, big
probe begin { big = sprintf("%%500s", "x") }
probe timer.profile {
  if (max_lines && printed >= max_lines) next
  for (i = 0; i < %d; i++) printf("%%d %%s\n", printed++, big)
}
probe timer.ms(200) { if (max_lines && printed >= max_lines) exit() }
probe end { printf("printed %%d\n", printed) }
''' % FLOOD_LINES
# (stap's overload detection would stop a flood under TCG: not the point)
FLOOD_OPTIONS = ["-DSTP_NO_OVERLOAD", "-DMAXSKIPPED=1000000"]
FLOOD_LINE = re.compile(r"^(\d+) {500}x$")


def flood_lines(text):
    """(flood line numbers, the end probe's count), checking every line."""
    numbers, printed = [], None
    for line in text.splitlines():
        match = FLOOD_LINE.match(line)
        if match:
            numbers.append(int(match.group(1)))
        else:
            found = re.fullmatch(r"printed (\d+)", line)
            assert found, f"a line arrived damaged: {line[:80]!r}"
            printed = int(found.group(1))
    assert len(set(numbers)) == len(numbers), "a line arrived twice"
    return numbers, printed


def transport_failures(stderr):
    match = re.search(r"^WARNING: There were (\d+) transport failures\. Try stap -s to "
                      r"increase the buffer size from (\d+)\.$", stderr, re.M)
    return (int(match.group(1)), int(match.group(2))) if match else (0, None)


# A counting probe on a hot path, the idiom for it: a statistic per process
# (per-CPU, so that the probes never wait for each other).
COUNTING = r'''
global hits
probe kprobe.function("vfs_read") {
  if (execname() == "relwork") hits[pid()] <<< 1
}
probe end {
  foreach (p in hits) printf("hits %d %d\n", p, @count(hits[p]))
}
'''


# -- building --------------------------------------------------------------------------

def build(directory, name, script, options=(), env=None):
    """stap5 -p4 -m rel_NAME [options] SCRIPT (a path, or text with a
    newline): a script_cases.Build."""
    module = MODULE_PREFIX + name
    script = str(script)
    if "\n" in script:
        path = Path(directory) / (name + ".stp")
        path.write_text(script)
        script = str(path)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m", module,
                           *options, script], cwd=directory, capture_output=True,
                          text=True, timeout=900, env=env)
    return build_result(proc, Path(directory) / (module + ".ko"))


def build_all(directory, specs):
    """{name: Build} for {name: (script, options)}, two builds at a time (a
    build is mostly one gcc; CI has two cores)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(build, directory, name, script, options)
                   for name, (script, options) in specs.items()}
        return {name: future.result() for name, future in futures.items()}


def module_of(builds, name):
    result = builds[name]
    assert result.ko, f"stap5 -p4 failed for {name}:\n{result.output}"
    return result.ko


def compile_workload(directory):
    """The workload program (workload.c), static, named relwork (its
    execname() in the probes)."""
    binary = Path(directory) / "relwork"
    subprocess.run(["gcc", "-O2", "-Wall", "-static", "-o", str(binary),
                    str(HERE / "workload.c")], check=True, timeout=300)
    return str(binary)


def worker_counts(stdout):
    """{pid: calls} from relwork's "worker PID CALLS NS" lines."""
    return {int(m.group(1)): int(m.group(2))
            for m in re.finditer(r"^worker (\d+) (\d+) (\d+)$", stdout, re.M)}


# -- running ---------------------------------------------------------------------------

def staprun_command(*args):
    return [sys.executable, "-m", "stap5.run.staprun", *map(str, args)]


def staprun_argv(ko, *options, params=()):
    return staprun_command(*options, ko, *params)


def run(guest, ko, *options, params=(), timeout=180, cwd=None):
    """staprun5 [options] KO [params] in the guest: its Result."""
    return guest.run(staprun_argv(ko, *options, params=params), timeout=timeout,
                     cwd=cwd or str(PROJECT))


def start(guest, ko, *options, params=(), timeout=120, cwd=None):
    """Start staprun5 -v and return (process, stderr chunks) once its probes
    are in place."""
    chunks = []
    started = threading.Event()

    def on_stderr(data):
        chunks.append(data)
        if b"staprun5: probes started" in b"".join(chunks):
            started.set()
    process = guest.start(staprun_argv(ko, "-v", *options, params=params),
                          cwd=cwd or str(PROJECT),
                          stderr=on_stderr)
    deadline = time.monotonic() + timeout
    while not started.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            process.send_signal(9)
            raise AssertionError("staprun5 did not start:\n" +
                                 b"".join(chunks).decode(errors="replace"))
    return process, chunks


def without_verbose_lines(stderr):
    """staprun5's own -v lines removed."""
    return "".join(line for line in stderr.splitlines(keepends=True)
                   if not line.startswith("staprun5: "))


# -- comparing with 4.8 ----------------------------------------------------------------

_TAPSET_LOCATION = re.compile(r"at (?:/usr/share/systemtap/tapset|%s)/[\w/.-]+\.stp:\d+:\d+"
                              % re.escape(str(PROJECT / "tapsets")))


def normalized(text, script_path):
    """A run's text with the script's path as __SCRIPT__ and tapset locations
    as TAPSET: 4.8's library and ours define the same functions in other
    files, on other lines."""
    text = text.replace(str(script_path), "__SCRIPT__")
    return _TAPSET_LOCATION.sub("at TAPSET", text)

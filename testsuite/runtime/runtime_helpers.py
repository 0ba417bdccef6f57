"""Helpers shared by the runtime tests (imported by conftest.py and the tests)."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RUNTIME = PROJECT / "runtime"
SCRIPTS = Path(__file__).resolve().parent / "scripts"
KVER = "6.1.0-56-amd64"


def translate_script(script, name, workdir, replace=None, options=()):
    """`stap5 -p3` of SCRIPTS/script into workdir/NAME.c (with `replace`d
    text first); the script keeps its file name, for run-time messages."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    text = (SCRIPTS / script).read_text()
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    (workdir / script).write_text(text)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p3", "-m", name,
                           *options, script], cwd=workdir, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(PROJECT)))
    if proc.returncode != 0:
        raise AssertionError(f"stap5 -p3 {script} failed:\n{proc.stderr}")
    source = workdir / f"{name}.c"
    source.write_text(proc.stdout)
    return source


def kernel_address(symbol):
    """`symbol`'s address in the guest's kernel (booted without KASLR: the
    System.map address)."""
    from stap5.vm import system_map
    with open(system_map(KVER)) as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            if name == symbol and kind in "Tt":
                return int(addr, 16)
    raise AssertionError(f"{symbol} not in System.map")


def build_module(source, name, workdir, kdir, extra_cflags=""):
    """Build `source` (generated C) as NAME.ko in workdir, the way pass 4
    does: the runtime and the feature header on the include path."""
    from stap5.build.features import feature_header
    header = feature_header(kdir)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if Path(source) != workdir / f"{name}.c":
        shutil.copy(source, workdir / f"{name}.c")
    (workdir / "Kbuild").write_text(
        f"obj-m := {name}.o\n"
        f"ccflags-y := -I{RUNTIME} -I{header.parent} {extra_cflags}\n")
    proc = subprocess.run(["make", "-C", str(kdir), f"M={workdir}", f"-j{os.cpu_count() or 2}",
                           "modules"], capture_output=True, text=True, timeout=600)
    ko = workdir / f"{name}.ko"
    if proc.returncode != 0 or not ko.exists():
        raise AssertionError(f"building {source} failed:\n{proc.stdout}\n{proc.stderr}")
    warnings = [line for line in proc.stderr.splitlines() if "warning:" in line]
    return ko, warnings


@dataclass
class Run:
    rc: int
    stdout: bytes
    stderr: str
    loaded_after: list       # stap5 modules still in /proc/modules afterwards

    @property
    def out(self):
        return self.stdout.decode(errors="replace")


class Staprun:
    """Runs staprun5 in the guest and checks what is left loaded."""

    def __init__(self, guest):
        self.guest = guest

    def argv(self, module, *args, options=()):
        return [sys.executable, "-m", "stap5.run.staprun", *options, str(module), *args]

    def run(self, module, *args, options=(), timeout=120):
        r = self.guest.run(self.argv(module, *args, options=options), timeout=timeout,
                           cwd=str(PROJECT))
        return Run(r.rc, r.stdout, r.stderr.decode(errors="replace"), self.loaded())

    def start(self, module, *args, options=()):
        return self.guest.start(self.argv(module, *args, options=options), cwd=str(PROJECT))

    def start_running(self, module, *args, options=(), timeout=60):
        """Start staprun5 (-v) and return (process, stderr lines) once its probes
        are in place."""
        import threading
        import time
        lines = []
        started = threading.Event()

        def on_stderr(data):
            lines.append(data.decode(errors="replace"))
            if "staprun5: probes started" in "".join(lines):
                started.set()
        proc = self.guest.start(self.argv(module, *args, options=["-v", *options]),
                                cwd=str(PROJECT), stderr=on_stderr)
        if not started.wait(timeout):
            proc.send_signal(15)
            raise AssertionError("staprun5 did not start: " + "".join(lines))
        time.sleep(0.5)
        return proc, lines

    def loaded(self):
        r = self.guest.run(["cat", "/proc/modules"], timeout=30)
        return [line.split()[0] for line in r.stdout.decode().splitlines()
                if line.startswith("stap5_")]

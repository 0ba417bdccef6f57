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


def build_script(script, name, workdir, options=(), args=()):
    """Build scripts/SCRIPT as NAME.ko in workdir with stap5 -p4 (the
    generated code, built as pass 4 builds it, with -Werror: a warning fails
    the build). The script is copied there, so that its messages name it
    as `SCRIPT`."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCRIPTS / script, workdir / script)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-g", "-m", name,
                           "-B", "KCFLAGS=-Werror", *options, script, *args], cwd=workdir,
                          capture_output=True, text=True, timeout=900)
    ko = workdir / f"{name}.ko"
    if proc.returncode != 0 or not ko.exists():
        raise AssertionError(f"stap5 -p4 {script} failed:\n{proc.stdout}\n{proc.stderr}")
    return ko


def build_module(source, name, workdir, kdir, extra_cflags=""):
    """Build a C file that includes the runtime as NAME.ko in workdir, the
    way pass 4 does (the runtime and the feature header on the include
    path): for tests of parts of the runtime outside a script's module."""
    from stap5.build.features import feature_header
    header = feature_header(kdir)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
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


def vfs_read_address():
    """vfs_read in the guest's kernel (which runs without KASLR: the
    System.map's address)."""
    from stap5.vm.assets import system_map
    path = system_map(KVER)
    if path is None:
        import pytest
        pytest.skip("no System.map for %s (run stap5-prep --vm)" % KVER)
    with open(path) as f:
        for line in f:
            address, kind, name = line.split()[:3]
            if name == "vfs_read" and kind in "Tt":
                return int(address, 16)
    raise AssertionError("vfs_read is not in " + str(path))


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

"""Scripts run in the test guest: their `# stap5-test:` lines, their
modules built by stap5 -p4 on the host, and the check that none is left
loaded.  Shared by testsuite/e2e and testsuite/tapsets.

A script's `# stap5-test:` lines say what else its run needs:

    # stap5-test: stap-options -DMAXACTION=500      (passes 1-4)
    # stap5-test: staprun-options -c "CMD"          (pass 5; __MODULE__ is the module name)
    # stap5-test: interrupt-after 1                 (SIGINT, like Ctrl-C, 1 s after the
                                                      first output: the guest is slow to start)
    # stap5-test: output-file                       (-o FILE; compared with NAME.file)
    # stap5-test: exit 1                            (expected exit status, default 0)
"""

import concurrent.futures
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

KVER = "6.1.0-56-amd64"


@dataclass
class Case:
    name: str
    path: Path
    module_prefix: str
    stap_options: list = field(default_factory=list)
    staprun_options: list = field(default_factory=list)
    interrupt_after: float = None
    output_file: bool = False
    exit_status: int = 0

    @property
    def module(self):
        return self.module_prefix + self.name


def load_case(path, module_prefix):
    case = Case(path.stem, path, module_prefix)
    for match in re.finditer(r"^# stap5-test: (\S+)\s*(.*)$", path.read_text(), re.M):
        key, value = match.group(1), match.group(2)
        if key == "stap-options":
            case.stap_options += shlex.split(value)
        elif key == "staprun-options":
            case.staprun_options += shlex.split(value.replace("__MODULE__", case.module))
        elif key == "interrupt-after":
            case.interrupt_after = float(value)
        elif key == "output-file":
            case.output_file = True
        elif key == "exit":
            case.exit_status = int(value)
        else:
            raise ValueError("%s: unknown '# stap5-test: %s' line" % (path, key))
    return case


def load_cases(directory, module_prefix):
    return [load_case(p, module_prefix) for p in sorted(Path(directory).glob("*.stp"))]


@dataclass
class Build:
    ko: str = None
    output: str = ""


def build_result(proc, ko):
    """The Build of a finished `stap5 -p4 -m NAME` that should have made `ko`."""
    if proc.returncode != 0 or not Path(ko).exists():
        return Build(None, proc.stdout + proc.stderr)
    return Build(str(ko), proc.stderr)


def build_all(cases, build_one):
    """{name: Build} of every case, two builds at a time (a build is
    mostly one gcc; CI has two cores)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case.name: pool.submit(build_one, case) for case in cases}
        return {name: future.result() for name, future in futures.items()}


def loaded_modules(guest, module_prefixes):
    """The guest's loaded modules whose names start with one of the prefixes."""
    modules = guest.run(["cat", "/proc/modules"], timeout=30).out
    return [line.split()[0] for line in modules.splitlines()
            if line.startswith(tuple(module_prefixes))]

"""The probed program of the user-space tests (prog.c), built once per
source and compiler into the cache: outside /tmp, whose guest view is an
overlay on which 4.8 cannot place uprobes (the tests compare with it), and
at a path the recorded outputs name as __PROG__."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from stap5.kernel import cache

HERE = Path(__file__).parent
SOURCE = HERE / "prog.c"
CFLAGS = ["-g", "-O0"]


def compiler_available():
    return shutil.which("gcc") is not None and os.path.exists(
        "/usr/include/x86_64-linux-gnu/sys/sdt.h")


def program_path():
    """The built program (built if needed)."""
    digest = hashlib.sha256(SOURCE.read_bytes() + " ".join(CFLAGS).encode())
    compiler = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout
    digest.update(compiler.encode())
    directory = Path(cache.path("user-tests", digest.hexdigest()[:16]))
    program = directory / "prog"
    if not program.exists():
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / ("prog.%d" % os.getpid())
        shutil.copyfile(SOURCE, directory / "prog.c")
        subprocess.run(["gcc", *CFLAGS, "-o", str(temporary), "prog.c"], cwd=directory,
                       check=True)
        os.replace(temporary, program)
    return str(program)

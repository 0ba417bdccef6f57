"""The target kernel's function symbols, for `kprobe.function("name")`.

Looked up, in order: the System.map `stap5-prep --vm` caches from the
kernel's -dbg package, /boot/System.map-RELEASE and the build tree's
System.map when they are real (Debian ships a placeholder), and
/proc/kallsyms when the target is the running kernel.
"""

import os
import platform

from stap5.session import cache_dir

_tables = {}


def _candidates(session):
    release = session.kernel_release
    yield os.path.join(cache_dir(), "kernel", release, "System.map")
    yield "/boot/System.map-%s" % release
    yield os.path.join(session.build_tree, "System.map")
    if release == platform.release():
        yield "/proc/kallsyms"


def _read(path):
    functions = set()
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[1] in ("T", "t", "W", "w") and len(parts) == 3:
                    functions.add(parts[2])
    except OSError:
        return None
    # Debian's placeholder System.map has one line; kallsyms without
    # privileges shows zero addresses but still names.
    return functions if len(functions) > 100 else None


def function_symbols(session):
    """The set of function names of the target kernel, or None if unknown."""
    key = (session.kernel_release, session.build_tree)
    if key not in _tables:
        table = None
        for path in _candidates(session):
            table = _read(path)
            if table is not None:
                break
        _tables[key] = table
    return _tables[key]

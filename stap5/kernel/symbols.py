"""The target kernel's symbols: functions, for `kprobe.function("name")`,
and data, for `kernel.data("name")`.

Looked up, in order: the System.map `stap5-prep --vm` caches from the
kernel's -dbg package, /boot/System.map-RELEASE and the build tree's
System.map when they are real (Debian ships a placeholder), and
/proc/kallsyms when the target is the running kernel.
"""

import hashlib
import os

from stap5.kernel import cache

_tables = {}


# Bumped when what a cached table holds changes.
_FORMAT = 3

_FUNCTION_TYPES = frozenset("TtWw")
_DATA_TYPES = frozenset("DdBbRrVv")


def _read(path):
    """({function name: link-time address}, {data name: link-time
    address}) of a symbol file, or None."""
    functions, data = {}, {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) != 3:
                    continue
                table = (functions if parts[1] in _FUNCTION_TYPES
                         else data if parts[1] in _DATA_TYPES else None)
                if table is None:
                    continue
                try:
                    table.setdefault(parts[2], int(parts[0], 16))
                except ValueError:
                    continue
    except OSError:
        return None
    # Debian's placeholder System.map has one line; kallsyms without
    # privileges shows zero addresses but still names.
    return (functions, data) if len(functions) > 100 else None


def _read_cached(path):
    """_read, through a pickle of the result kept per file version (a
    System.map takes a tenth of a second to scan, its pickle much less)."""
    if path.startswith("/proc/"):
        return _read(path)
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = hashlib.sha256(("%d\0%s\0%d\0%d\0%d" % (_FORMAT, path, st.st_ino, st.st_size,
                                                   st.st_mtime_ns))
                         .encode("utf-8", "surrogateescape")).hexdigest()[:32]
    cached = cache.path("kernel-symbols", key + ".pickle")
    table = cache.load_pickle(cached, default=cache.MISSING)
    if table is cache.MISSING:      # (None is a result: no table in that file)
        table = _read(path)
        cache.store_pickle(cached, table)
    return table


def function_symbols(target):
    """{name: link-time address} of the target kernel's functions (a
    KernelTarget), or None if unknown."""
    tables = _symbols(target)
    return tables[0] if tables else None


def data_symbols(target):
    """{name: link-time address} of the target kernel's data objects, or
    None if unknown."""
    tables = _symbols(target)
    return tables[1] if tables else None


def _symbols(target):
    key = (target.release, target.build_tree)
    if key not in _tables:
        table = None
        for path in target.symbol_files():
            table = _read_cached(path)
            if table is not None:
                break
        _tables[key] = table
    return _tables[key]

"""stap5's cache directory, and where each kind of thing lives in it.

    $STAP5_CACHE (default $XDG_CACHE_HOME/stap5 or ~/.cache/stap5)
      parse/              pass-1 parse trees of library files
      tapset-index/       the tapset library's index
      modules/            built modules, by content key
      features/           stapconf.h per kernel tree
      kernel/R/           System.map of release R
      kernel-symbols/     function-name tables read from symbol files
      debug/              a debug root laid out like /usr/lib/debug:
                          lib/modules/R/vmlinux, lib/modules/R/kernel/**.ko
      dwarf-index/        DWARF indexes, one per build-id
      btf/                BTF indexes (per BTF content), BTF of compressed images
      tracepoints/        tracepoint tables (per headers tree, config and BTF)
      vm/R/               the QEMU guest's kernel and initramfs

A missing or unwritable cache is never an error: it only costs time.
"""

import os
import pickle
import tempfile


def cache_dir():
    """The cache root (like stap's ~/.systemtap)."""
    base = os.environ.get("STAP5_CACHE")
    if not base:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME")
                            or os.path.expanduser("~/.cache"), "stap5")
    return base


def path(*parts):
    """A path under the cache root."""
    return os.path.join(cache_dir(), *parts)


def kernel_dir(release):
    """Per-release files fetched once (System.map)."""
    return path("kernel", release)


def debug_root():
    """stap5's own debug root, searched after /usr/lib/debug."""
    return path("debug")


# load_pickle's default when None is a value worth keeping.
MISSING = object()


def load_pickle(path, default=None):
    """What store_pickle kept at `path`, or `default` (absent, unreadable,
    from another version of the code: never an error)."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        return default


def store_pickle(path, value):
    """Keep `value` at `path`, atomically; an unwritable cache only costs
    time."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        pass

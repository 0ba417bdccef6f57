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
      vm/R/               the QEMU guest's kernel and initramfs

A missing or unwritable cache is never an error: it only costs time.
"""

import os


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

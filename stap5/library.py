"""The tapset library on disk: which files, in which order.

stap searches each library root (the tapset directory, then every -I
directory) in the subdirectories RUNTIME/ARCH, RUNTIME, ARCH and the root
itself, taking every `*.stpm` macro file first (from all roots) and then
every `*.stp` script.  Within a directory, files come in name order.
"""

import os


def _subdirectories(root, runtime, arch):
    return [os.path.join(root, runtime, arch), os.path.join(root, runtime),
            os.path.join(root, arch), root]


def _files(session, suffix, roots=None):
    found = []
    for root in session.tapset_roots() if roots is None else roots:
        for directory in _subdirectories(root, session.runtime_name, session.arch):
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                continue
            for name in names:
                if name.endswith(suffix):
                    path = os.path.join(directory, name)
                    if os.path.isfile(path):
                        found.append(path)
    return found


def macro_files(session):
    """The library's `.stpm` files, in stap's order."""
    return _files(session, ".stpm")


def script_files(session, roots=None):
    """The library's `.stp` files (of `roots`, a subset of the library's
    roots, if given), in stap's order."""
    return _files(session, ".stp", roots)

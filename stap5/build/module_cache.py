"""The module cache: a repeated run of the same script skips passes 1-4.

The key covers everything that can change the module: the script (and -E
scripts, and the arguments `$1`/`@1` substitute), the tapset library, the
runtime, the templates, stap5's own code, the kernel tree, and the options
that reach the C code or its build.  Options that only affect pass 5 (-o,
-c, -x, -T, -G values) are not part of it.
"""

import hashlib
import os
import shutil
import tempfile

import stap5
from stap5 import library
from stap5.kernel.cache import cache_dir
from stap5.session import DEFAULT_RUNTIME_DIR, PROJECT_DIR, TEMPLATE_DIR

_OPTION_ATTRIBUTES = ("guru", "unoptimized", "c_macros", "kbuild_options", "privilege",
                      "compatible", "arch", "kernel_release", "build_tree", "module_name",
                      "args", "suppress_handler_errors", "skip_badvars",
                      "suppress_time_limits", "modinfo", "runtime_mode", "include_dirs",
                      "additional_scripts", "bulk")


def _hash_tree(digest, root, suffixes):
    for directory, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(suffixes):
                path = os.path.join(directory, name)
                digest.update(path.encode())
                try:
                    with open(path, "rb") as f:
                        digest.update(f.read())
                except OSError:
                    digest.update(b"?")


def compute_key(session, script_text, tree_identity):
    digest = hashlib.sha256()
    digest.update(("stap5 %s\0" % stap5.__version__).encode())
    digest.update(script_text.encode("utf-8", "surrogateescape"))
    for name in _OPTION_ATTRIBUTES:
        digest.update(("\0%s=%r" % (name, getattr(session, name))).encode())
    digest.update(tree_identity.encode())
    # BTF instead of DWARF (probes/btf_function.py) changes the probes.
    digest.update(("\0no-debuginfo=%s" % os.environ.get("STAP5_NO_DEBUGINFO", "")).encode())
    _hash_tree(digest, os.path.join(PROJECT_DIR, "stap5"), (".py",))
    _hash_tree(digest, session.runtime_dir or DEFAULT_RUNTIME_DIR, (".c", ".h"))
    _hash_tree(digest, TEMPLATE_DIR, (".j2",))
    # The library can be large (4.8's has 600 files): its files' identities
    # are enough, as for the tapset index.
    for path in library.macro_files(session) + library.script_files(session):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        digest.update(("%s:%d:%d\0" % (path, stat.st_mtime_ns, stat.st_size)).encode())
    return digest.hexdigest()


def entry_dir(key):
    return os.path.join(cache_dir(), "modules", key[:2], key)


def lookup(key, module_name):
    """(module .ko path, C source path) of a cached build, or None."""
    directory = entry_dir(key)
    ko = os.path.join(directory, module_name + ".ko")
    source = os.path.join(directory, module_name + ".c")
    if os.path.isfile(ko) and os.path.isfile(source):
        return ko, source
    return None


def store(key, module_name, ko_path, c_path):
    """Copy a fresh build into the cache; returns the cached .ko path (or the
    original path when the cache cannot be written)."""
    directory = entry_dir(key)
    try:
        os.makedirs(directory, exist_ok=True)
        staging = tempfile.mkdtemp(dir=directory, prefix=".new-")
        shutil.copy(c_path, os.path.join(staging, module_name + ".c"))
        shutil.copy(ko_path, os.path.join(staging, module_name + ".ko"))
        for name in (module_name + ".c", module_name + ".ko"):
            os.replace(os.path.join(staging, name), os.path.join(directory, name))
        os.rmdir(staging)
        return os.path.join(directory, module_name + ".ko")
    except OSError:
        return ko_path

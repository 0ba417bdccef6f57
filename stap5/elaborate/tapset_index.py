"""A cached index of what each tapset file defines.

Pass 2 pulls in only the library files that define something the script
uses (transitively), as stap does.  Knowing which file defines what needs a
parse of the whole library, which is slow in Python; so the index is kept
on disk, one per preprocessor environment (kernel release and config,
architecture, ...: `%( %)` conditionals change what a file defines), and an
entry is reused as long as its file's mtime and size are unchanged.
"""

import hashlib
import os
import pickle

from stap5 import library
from stap5.session import cache_dir

INDEX_VERSION = 1


class FileEntry:
    """What one tapset file defines."""

    __slots__ = ("path", "functions", "globals", "aliases", "has_probes")

    def __init__(self, path, functions, globals_, aliases, has_probes):
        self.path = path
        self.functions = functions      # {name: [arity, ...]} (public ones)
        self.globals = globals_         # [name] (public ones)
        self.aliases = aliases          # [(functor, ...)] alias names
        self.has_probes = has_probes


def entry_for(path, stap_file):
    functions = {}
    for function in stap_file.functions:
        if not function.private:
            functions.setdefault(function.name, []).append(len(function.params))
    globals_ = [var.name for var in stap_file.globals if not var.private]
    aliases = []
    for alias in stap_file.aliases:
        for name in alias.names:
            aliases.append(tuple(component.functor for component in name.components))
    return FileEntry(path, functions, globals_, aliases, bool(stap_file.probes))


def _fingerprint(session, env):
    parts = [str(INDEX_VERSION), env.kernel_release, env.arch, env.runtime,
             env.systemtap_version, env.privilege, str(env.guru_mode),
             repr(sorted(env.kernel_config.items()))]
    for path in library.macro_files(session):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        parts.append("%s:%d:%d" % (path, stat.st_mtime_ns, stat.st_size))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


class TapsetIndex:
    """Index of the library for one session; `parse` parses a library file
    (the Elaborator's, so that macros and errors are shared)."""

    def __init__(self, session, env, parse):
        self.session = session
        self._parse = parse
        self.entries = []               # FileEntry, in library order
        self.parsed = {}                # path -> StapFile parsed during this run
        self._path = os.path.join(cache_dir(), "tapset-index",
                                  _fingerprint(session, env) + ".pickle")
        self._load()

    def _load(self):
        cached = {}
        try:
            with open(self._path, "rb") as f:
                cached = pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            cached = {}
        changed = False
        entries = []
        for path in library.script_files(self.session):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            key = (stat.st_mtime_ns, stat.st_size)
            hit = cached.get(path)
            if hit is not None and hit[0] == key:
                entries.append(hit[1])
                continue
            stap_file = self._parse(path)
            if stap_file is None:
                continue
            self.parsed[path] = stap_file
            entry = entry_for(path, stap_file)
            cached[path] = (key, entry)
            entries.append(entry)
            changed = True
        self.entries = entries
        if changed:
            self._save(cached)

    def _save(self, cached):
        try:
            os.makedirs(os.path.dirname(self._path), exist_ok=True)
            temp = self._path + ".%d.tmp" % os.getpid()
            with open(temp, "wb") as f:
                pickle.dump(cached, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._path)
        except OSError:
            pass    # a read-only cache only costs time

    # --- queries -------------------------------------------------------------

    def files_defining_function(self, name):
        return [e.path for e in self.entries if name in e.functions]

    def files_defining_global(self, name):
        return [e.path for e in self.entries if name in e.globals]

    def alias_names(self):
        """(alias name functors, path) for every library alias."""
        for entry in self.entries:
            for name in entry.aliases:
                yield name, entry.path

    def function_names(self):
        names = set()
        for entry in self.entries:
            names.update(entry.functions)
        return names

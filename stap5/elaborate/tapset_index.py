"""A cached index of what each tapset file defines.

Pass 2 pulls in only the library files that define something the script
uses (transitively), as stap does.  Knowing which file defines what needs a
parse of the whole library, which is slow in Python; so the index is kept on
disk, one per parse environment (kernel release and config, architecture,
macros, parser version...: `%( %)` conditionals change what a file defines),
and an entry is reused as long as its file's inode, size and mtime are
unchanged.  A missing, unreadable, corrupt or read-only index only costs
time; concurrent runs replace it atomically.
"""

import hashlib
import os
import pickle
import tempfile

from stap5 import library
from stap5.parse.cache import environment_fingerprint
from stap5.kernel.cache import cache_dir

INDEX_VERSION = 3


class FileEntry:
    """What one tapset file defines (public names only: a file's private
    functions and globals are invisible to other files)."""

    __slots__ = ("path", "functions", "globals", "aliases", "has_probes")

    def __init__(self, path, functions, globals_, aliases, has_probes):
        self.path = path
        self.functions = functions      # [(name, arity)] in declaration order
        self.globals = globals_         # [name]
        self.aliases = aliases          # [(functor, ...)] alias names
        self.has_probes = has_probes


def entry_for(path, stap_file):
    functions = [(f.name, len(f.params)) for f in stap_file.functions if not f.private]
    globals_ = [var.name for var in stap_file.globals if not var.private]
    aliases = []
    for alias in stap_file.aliases:
        for name in alias.names:
            aliases.append(tuple(component.functor for component in name.components))
    return FileEntry(path, functions, globals_, aliases, bool(stap_file.probes))


def _stamp(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class TapsetIndex:
    """Index of the library for one session; `parse(path)` parses a library
    file (the Elaborator's, so that parses are shared), returning None for a
    file that cannot be used."""

    def __init__(self, session, env, parse):
        self.session = session
        self._parse = parse
        self.entries = []               # FileEntry, in library order
        self.parsed = {}                # path -> StapFile parsed during this run
        fingerprint = hashlib.sha256(("%d\n%s" % (INDEX_VERSION, environment_fingerprint(
            env, library.macro_files(session)))).encode("utf-8", "surrogateescape"))
        self._path = os.path.join(cache_dir(), "tapset-index",
                                  fingerprint.hexdigest()[:32] + ".pickle")
        self._load()
        self._build_maps()

    def _load(self):
        try:
            with open(self._path, "rb") as f:
                cached = pickle.load(f)
            if not isinstance(cached, dict):
                cached = {}
        except Exception:       # missing, unreadable, truncated, from another version
            cached = {}
        changed = False
        entries = []
        for path in library.script_files(self.session):
            stamp = _stamp(path)
            if stamp is None:
                continue
            hit = cached.get(path)
            if hit is not None and hit[0] == stamp:
                if hit[1] is not None:
                    entries.append(hit[1])
                continue
            stap_file = self._parse(path)
            entry = None
            if stap_file is not None:
                self.parsed[path] = stap_file
                entry = entry_for(path, stap_file)
                entries.append(entry)
            cached[path] = (stamp, entry)
            changed = True
        self.entries = entries
        if changed:
            self._save(cached)

    def _save(self, cached):
        directory = os.path.dirname(self._path)
        try:
            os.makedirs(directory, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        except OSError:
            return      # a read-only cache only costs time
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(cached, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._path)
        except Exception:
            try:
                os.unlink(temp)
            except OSError:
                pass

    def _build_maps(self):
        self._functions = {}            # name -> [(path, arity)]
        self._globals = {}              # name -> [path]
        self._aliases = []              # (functors, path)
        for entry in self.entries:
            for name, arity in entry.functions:
                self._functions.setdefault(name, []).append((entry.path, arity))
            for name in entry.globals:
                self._globals.setdefault(name, []).append(entry.path)
            for functors in entry.aliases:
                self._aliases.append((functors, entry.path))

    # --- queries -------------------------------------------------------------

    def files_defining_function(self, name, arity=None):
        """Library files defining a public function `name` (of `arity`
        parameters, if given), in library order, each once."""
        paths = []
        for path, found_arity in self._functions.get(name, ()):
            if (arity is None or arity == found_arity) and path not in paths:
                paths.append(path)
        return paths

    def public_function_count(self, name, before_path=None):
        """How many public functions `name` the library defines (before the
        file `before_path`, in library order)."""
        count = 0
        for path, _arity in self._functions.get(name, ()):
            if path == before_path:
                break
            count += 1
        return count

    def files_defining_global(self, name):
        return list(self._globals.get(name, ()))

    def alias_names(self):
        """(alias name functors, path) for every library alias."""
        return self._aliases

    def function_names(self):
        return self._functions.keys()

    def all_paths(self):
        return [entry.path for entry in self.entries]

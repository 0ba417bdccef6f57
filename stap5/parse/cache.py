"""A per-file cache of parsed tapset files.

Parsing the whole tapset library costs seconds; loading it back from pickles
costs a fraction of that.  An entry is the pickled StapFile of one library
file, valid for exactly the inputs its parse depends on:

  - the file itself (path, and inode, size and mtime checked on load),
  - the preprocessor environment (kernel release and config, arch, runtime,
    stap version, privilege, guru mode, script arguments),
  - the library macros (every `.stpm` file, by path, size and mtime),
  - stap5's parser (the source files of this package) and Python's version.

Only files that parsed without errors are stored (errors are reported anew on
every run).  The cache lives in `$STAP5_CACHE/parse` (default
~/.cache/stap5/parse); a missing, unwritable or corrupt cache is never an error,
only a slower run.
"""

import hashlib
import os
import pickle
import sys
import tempfile

from stap5.kernel.cache import cache_dir

_PARSER_DIR = os.path.dirname(os.path.abspath(__file__))
_parser_fingerprint = None


def _stat_fingerprint(path):
    """What tells us a file changed, or None if it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def parser_fingerprint():
    """The version of the code that produced an entry: the parser's sources."""
    global _parser_fingerprint
    if _parser_fingerprint is None:
        parts = [sys.version, str(pickle.HIGHEST_PROTOCOL)]
        for name in sorted(os.listdir(_PARSER_DIR)):
            if name.endswith(".py"):
                parts.append("%s:%r" % (name, _stat_fingerprint(os.path.join(_PARSER_DIR, name))))
        parts.append(repr(_stat_fingerprint(os.path.join(os.path.dirname(_PARSER_DIR),
                                                         "diagnostics.py"))))
        _parser_fingerprint = "\n".join(parts)
    return _parser_fingerprint


def environment_fingerprint(env, macro_paths):
    """What a library file's parse depends on besides its own text."""
    parts = [
        env.kernel_release, env.arch, env.runtime, env.systemtap_version, env.privilege,
        repr(env.guru_mode), repr(sorted(env.kernel_config.items())),
        repr(list(env.script_args)),
    ]
    parts.extend("%s:%r" % (path, _stat_fingerprint(path)) for path in macro_paths)
    parts.append(parser_fingerprint())
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class ParseCache:
    """Pickled StapFiles of one environment (see environment_fingerprint)."""

    def __init__(self, fingerprint, directory=None):
        self.fingerprint = fingerprint
        self.directory = directory or os.path.join(cache_dir(), "parse")
        self.hits = 0
        self.misses = 0

    def _entry_path(self, path):
        digest = hashlib.sha256(("%s\n%s" % (os.path.abspath(path), self.fingerprint))
                                .encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, digest[:2], digest[2:] + ".pickle")

    @staticmethod
    def stamp(path):
        """Take this before reading `path`; store() records it with the parse."""
        return _stat_fingerprint(path)

    def load(self, path, stamp):
        """The cached StapFile of `path` if it was stored with this stamp."""
        try:
            with open(self._entry_path(path), "rb") as entry:
                stored_stamp, stap_file = pickle.load(entry)
        except Exception:       # missing, unreadable, truncated or from another version
            self.misses += 1
            return None
        if stored_stamp != stamp:
            self.misses += 1
            return None
        self.hits += 1
        return stap_file

    def store(self, path, stamp, stap_file):
        """Remember the StapFile of `path`, if the cache directory lets us."""
        entry_path = self._entry_path(path)
        entry_dir = os.path.dirname(entry_path)
        try:
            os.makedirs(entry_dir, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry_dir, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump((stamp, stap_file), out, protocol=pickle.HIGHEST_PROTOCOL)
            # Atomic: a concurrent stap5 sees the old entry or the new one.
            os.replace(tmp, entry_path)
        except Exception:
            try:
                os.unlink(tmp)
            except OSError:
                pass

"""Pass 1 for a session: parse the tapset library and the user's scripts.

As stap does, the library comes first (its `.stpm` macro files, then every
`.stp` file), then the user's script and `-E` scripts.  What stap prints on
the way is collected, in order, in `Pass1Result.reports` (see `report`),
so that the driver prints exactly stap's sequence:

  - for each file with parse errors, the errors and the count line
    ("2 parse errors."), then, for a library file, the warning that the
    tapset will be skipped (a broken tapset does not fail pass 1);
  - "Input file 'x' is missing." / "is empty." / "is empty after
    preprocessing." for a user script (each fails pass 1).
"""

import contextlib
import gc
import sys

from stap5 import library
from stap5.diagnostics import SourceFile, StapError
from stap5.parse.cache import ParseCache, environment_fingerprint
from stap5.parse.lexer import has_tokens
from stap5.parse.parser import parse_source
from stap5.parse.preprocessor import PreprocessorEnv


class FileErrors:
    """The parse errors of one file, printed with their count line (unless
    the file turned out empty: stap says so instead), and its warnings,
    (number of errors before it, StapWarning)."""

    def __init__(self, errors, skipped_tapset=None, count_line=True, warnings=()):
        self.errors = errors
        self.skipped_tapset = skipped_tapset    # path of a library file left out
        self.count_line = count_line
        self.warnings = warnings


class Pass1Result:
    def __init__(self):
        self.user_files = []          # StapFile of the script and -E scripts
        self.library_files = []       # StapFile of each library file parsed without error
        self.library_macros = {}      # name -> Macro, from the .stpm files
        self.errors = []              # every StapError, in order
        self.reports = []             # FileErrors and plain messages, in stap's order
        self.failed = False           # pass 1 failed (the user's scripts are at fault)
        self.cache = None             # the ParseCache used for library files

    def add_message(self, text):
        """A fatal message about a user script ("Input file 'x' is empty.")."""
        self.reports.append(text)
        self.failed = True


def preprocessor_env(session):
    return PreprocessorEnv(
        kernel_release=session.kernel_release, arch=session.arch,
        runtime=session.runtime_mode, systemtap_version=session.compatible,
        privilege=session.privilege, guru_mode=session.guru,
        kernel_config=session.kernel_config(), script_args=session.args)


@contextlib.contextmanager
def _no_garbage_collection():
    """Parsing allocates hundreds of thousands of objects and no reference
    cycles: the cycle collector's scans of them would double its time.  So it
    is off meanwhile, and what exists afterwards (the syntax trees, mostly)
    is frozen out of its sight (reference counting still frees it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _read(path, privileged=False):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return SourceFile(path, f.read(), privileged=privileged)


def user_sources(session, result):
    """The user's scripts as SourceFiles, in order ("<input>" for -e or stdin,
    "<input1>"... for -E).  A missing script is reported and left out."""
    sources = []
    if session.script_text is not None:
        sources.append(SourceFile("<input>", session.script_text, synthetic=True))
    elif session.script_file == "-":
        sources.append(SourceFile("<input>", _read_stdin(), synthetic=True))
    else:
        name = session.script_file
        try:
            sources.append(_read(name))
        except IsADirectoryError:
            sources.append(SourceFile(name, ""))    # stap reads nothing from it
        except OSError:
            result.add_message("Input file '%s' is missing." % name)
    if session.script_text == "":
        # stap does not get to the -E scripts when -e gives an empty one.
        return sources
    for index, text in enumerate(session.additional_scripts, 1):
        sources.append(SourceFile("<input%d>" % index, text, synthetic=True))
    return sources


def _read_stdin():
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, bytes):
        data = data.decode("utf-8", "surrogateescape")
    return data


def _record_errors(result, errors, skipped_tapset=None, count_line=True, stap_file=None):
    warnings = getattr(stap_file, "warnings", ())
    if errors or warnings:
        result.errors.extend(errors)
        result.reports.append(FileErrors(errors, skipped_tapset, count_line, warnings))


def run(session, whole_library=True):
    """Parse the library macros, (when asked) every library script, and the
    user's scripts.  stap parses the whole library in pass 1; pass 2 may
    instead parse only the library files it needs (see parse_library_file).
    The scripts of -I directories are the user's, and parsed in any case:
    their errors are reported (and fail pass 1 under -W)."""
    result = Pass1Result()
    env = preprocessor_env(session)
    macro_paths = library.macro_files(session)
    result.cache = ParseCache(environment_fingerprint(env, macro_paths))
    with _no_garbage_collection():
        for path in macro_paths:
            _parse_macro_file(path, env, result)
        for path in library.script_files(
                session, roots=None if whole_library else session.include_dirs):
            stap_file, errors = parse_library_file(path, env, result.library_macros,
                                                   result.cache)
            _record_errors(result, errors, skipped_tapset=path if errors else None,
                           stap_file=stap_file)
            if stap_file is not None and not errors:
                result.library_files.append(stap_file)
        if session.warnings_as_errors and not session.suppress_warnings and any(
                getattr(report, "skipped_tapset", None) for report in result.reports):
            result.failed = True        # "tapset ... will be skipped" is an error then
        for source in user_sources(session, result):
            _parse_user_source(source, env, session.guru, result)
    return result


def _parse_macro_file(path, env, result):
    """A `.stpm` file: its macros become visible to every later file."""
    try:
        source = _read(path, privileged=True)
    except OSError:
        return
    stap_file, errors = parse_source(source, env, result.library_macros)
    # (stap gives no count line for a macro file)
    _record_errors(result, errors, skipped_tapset=path if errors else None,
                   count_line=False, stap_file=stap_file)
    if errors:
        result.failed = True        # (unlike a broken .stp tapset)
    else:
        result.library_files.append(stap_file)


def _parse_user_source(source, env, guru, result):
    stap_file, errors = parse_source(source, env, result.library_macros, guru)
    if stap_file.empty:
        # Instead of the count line, as stap does.
        _record_errors(result, errors, count_line=False, stap_file=stap_file)
        if has_tokens(source, env.script_args):
            result.add_message("Input file '%s' is empty after preprocessing." % source.name)
        else:
            result.add_message("Input file '%s' is empty." % source.name)
    else:
        _record_errors(result, errors, stap_file=stap_file)
        result.failed = result.failed or bool(errors)
    result.user_files.append(stap_file)


def parse_library_file(path, env, library_macros, cache=None):
    """Parse one library `.stp` file, through `cache` (a ParseCache) when
    given.  Returns (StapFile or None if unreadable, [StapError])."""
    stamp = cache.stamp(path) if cache is not None else None
    if stamp is not None:
        stap_file = cache.load(path, stamp)
        if stap_file is not None:
            return stap_file, []
    try:
        source = _read(path, privileged=True)
    except OSError as exc:
        return None, [StapError("cannot read tapset file '%s': %s" % (path, exc.strerror))]
    stap_file, errors = parse_source(source, env, library_macros)
    if stamp is not None and not errors:
        cache.store(path, stamp, stap_file)
    return stap_file, errors


def report(session, result):
    """Print what stap prints during pass 1, in its order, through the
    session's Reporter (which suppresses repeated messages)."""
    from stap5.diagnostics import session_reporter
    reporter = session_reporter(session)
    out = reporter.out
    for item in result.reports:
        if isinstance(item, FileErrors):
            reporter.print_errors(item.errors, "parse error" if item.count_line else None,
                                  pass_number=1, warnings=item.warnings)
            if item.skipped_tapset and not session.suppress_warnings:
                if item.skipped_tapset.endswith(".stpm"):
                    out.write('WARNING: macro tapset "%s" has errors, and will be skipped.\n'
                              % item.skipped_tapset)
                else:
                    out.write('WARNING: tapset "%s" has errors, and will be skipped\n'
                              % item.skipped_tapset)
        else:
            out.write(item + "\n")

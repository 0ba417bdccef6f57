"""Pass 1 for a session: parse the user script and the tapset library."""

import sys

from stap5 import library
from stap5.diagnostics import SourceFile, StapError
from stap5.parse.parser import parse_source
from stap5.parse.preprocessor import PreprocessorEnv
from stap5.session import SessionError


class Pass1Result:
    def __init__(self):
        self.user_files = []          # StapFile of the script (and -E scripts)
        self.library_files = []       # StapFile of each library file parsed
        self.library_macros = {}      # name -> Macro, from the .stpm files
        self.errors = []              # StapError, in order


def preprocessor_env(session):
    return PreprocessorEnv(
        kernel_release=session.kernel_release, arch=session.arch,
        runtime=session.runtime_mode, systemtap_version=session.compatible,
        privilege=session.privilege, guru_mode=session.guru,
        kernel_config=session.kernel_config(), script_args=session.args)


def read_user_script(session):
    """The SourceFile of the script named on the command line."""
    if session.script_text is not None:
        return SourceFile("<input>", session.script_text, synthetic=True)
    if session.script_file == "-":
        return SourceFile("<input>", sys.stdin.read(), synthetic=True)
    try:
        with open(session.script_file, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except OSError as exc:
        raise SessionError("Input file '%s' is missing: %s" % (session.script_file,
                                                                exc.strerror)) from None
    return SourceFile(session.script_file, text)


def _read_library_file(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return SourceFile(path, f.read(), privileged=True)


def load_library_macros(session, env, result):
    """Parse every `.stpm` file: their macros are visible to all scripts."""
    for path in library.macro_files(session):
        try:
            source = _read_library_file(path)
        except OSError:
            continue
        stap_file, errors = parse_source(source, env, result.library_macros)
        result.errors.extend(errors)
        result.library_files.append(stap_file)


def run(session, whole_library=True):
    """Parse the user script(s), the library macros and, when asked, every
    library script (stap parses them all in pass 1; pass 2 may instead ask
    the tapset index for the few it needs)."""
    result = Pass1Result()
    env = preprocessor_env(session)
    load_library_macros(session, env, result)
    sources = [read_user_script(session)]
    for index, text in enumerate(session.additional_scripts):
        sources.append(SourceFile("<input%d>" % (index + 1) if index else "<input>", text,
                                  synthetic=True))
    for source in sources:
        stap_file, errors = parse_source(source, env, result.library_macros, session.guru)
        result.user_files.append(stap_file)
        result.errors.extend(errors)
    if whole_library:
        for path in library.script_files(session):
            parse_library_file(path, env, result)
    return result


def parse_library_file(path, env, result):
    try:
        source = _read_library_file(path)
    except OSError as exc:
        result.errors.append(StapError("cannot read tapset file '%s': %s"
                                       % (path, exc.strerror)))
        return None
    stap_file, errors = parse_source(source, env, result.library_macros)
    result.errors.extend(errors)
    result.library_files.append(stap_file)
    return stap_file

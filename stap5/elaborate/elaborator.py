"""The pass-2 driver: files in use, their symbol tables, and pulling tapset
files in on demand.

A library file joins the program when something the script uses is defined
in it: a function, a global, or a probe alias.  Its plain probes (a tapset's
own `probe begin`, say) come with it, as in stap.
"""

from stap5.diagnostics import StapError
from stap5.elaborate import probes
from stap5.elaborate.astutil import code_file
from stap5.elaborate.errors import SemanticError, SemanticWarning
from stap5.elaborate.program import Program, VarSymbol
from stap5.elaborate.tapset_index import TapsetIndex
from stap5.parse.parser import parse_source
from stap5.parse.pass1 import preprocessor_env


class Elaborator:
    def __init__(self, session, pass1_result):
        self.session = session
        self.env = preprocessor_env(session)
        self.macros = pass1_result.library_macros
        self.program = Program()
        self.errors = []
        self.warnings = []
        self.registry = probes.registry()
        self._pending_probes = []          # (ProbeDecl, StapFile) to derive
        self._loaded = set()               # paths of library files in the program
        self._public_globals = {}          # name -> VarSymbol
        self._private_globals = {}         # (file name, name) -> VarSymbol
        self._public_functions = {}        # name -> [FunctionDecl]
        self._private_functions = {}       # (file name, name) -> [FunctionDecl]
        self.aliases = []                  # (name functors, AliasDecl, StapFile)
        self._index = None
        self._warned = set()

    # --- diagnostics -----------------------------------------------------------

    def error(self, message, tok=None, related=(), chain=()):
        self.errors.append(SemanticError(message, tok, related, chain))

    def warn(self, message, tok=None):
        if not self.session.suppress_warnings:
            self.warnings.append(SemanticWarning(message, tok))

    def warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)

    # --- files -----------------------------------------------------------------

    @property
    def index(self):
        if self._index is None:
            self._index = TapsetIndex(self.session, self.env, self._parse_library_file)
        return self._index

    def _parse_library_file(self, path):
        from stap5.diagnostics import SourceFile
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                source = SourceFile(path, f.read(), privileged=True)
        except OSError as exc:
            self.errors.append(SemanticError("cannot read tapset file '%s': %s"
                                             % (path, exc.strerror)))
            return None
        stap_file, errors = parse_source(source, self.env, self.macros)
        for error in errors:
            self.errors.append(error)
        return stap_file

    def add_file(self, stap_file):
        """Bring a parsed file into the program: its declarations become
        visible and its probes are queued for derivation."""
        self.program.files.append(stap_file)
        file_name = stap_file.name
        for var in stap_file.globals:
            symbol = VarSymbol(var.name, "global", var.tok, var)
            table, key = ((self._private_globals, (file_name, var.name)) if var.private
                          else (self._public_globals, var.name))
            if var.private:
                symbol.private_file = file_name
            if key in table:
                previous = table[key]
                self.error("duplicate global declaration", var.tok,
                           related=[("previously declared here", previous.tok)])
                continue
            table[key] = symbol
        for function in stap_file.functions:
            function.file = stap_file
            if function.private:
                self._private_functions.setdefault((file_name, function.name), []).append(
                    function)
            else:
                self._public_functions.setdefault(function.name, []).append(function)
        for alias in stap_file.aliases:
            alias.file = stap_file
            for name in alias.names:
                self.aliases.append((tuple(c.functor for c in name.components), alias,
                                     stap_file))
        for decl in stap_file.probes:
            self._pending_probes.append((decl, stap_file))
        self.program.embeds.extend(stap_file.embeds)

    def pull_library_file(self, path):
        """Add a library file (once).  Returns True if it was new."""
        if path in self._loaded:
            return False
        self._loaded.add(path)
        stap_file = self.index.parsed.get(path) or self._parse_library_file(path)
        if stap_file is None:
            return False
        self.add_file(stap_file)
        return True

    def take_pending_probes(self):
        pending, self._pending_probes = self._pending_probes, []
        return pending

    # --- symbol lookup ---------------------------------------------------------

    def lookup_global(self, name, tok):
        """The global `name` as seen from the code of `tok`, pulling in a
        library file that declares it if needed; None if there is none."""
        file_name = code_file(tok).name
        symbol = self._private_globals.get((file_name, name)) or self._public_globals.get(name)
        if symbol is not None:
            return self._use_global(symbol)
        for path in self.index.files_defining_global(name):
            self.pull_library_file(path)
            symbol = self._public_globals.get(name)
            if symbol is not None:
                return self._use_global(symbol)
        return None

    def _use_global(self, symbol):
        key = symbol.unique_name
        if key not in self.program.globals:
            self.program.globals[key] = symbol
        return symbol

    def function_overloads(self, name, tok, arity):
        """Candidate FunctionDecls for a call; pulls library files defining
        `name` until one has an overload of the right arity."""
        file_name = code_file(tok).name
        candidates = (self._private_functions.get((file_name, name), [])
                      + self._public_functions.get(name, []))
        if any(len(f.params) == arity for f in candidates):
            return candidates
        for path in self.index.files_defining_function(name):
            if self.pull_library_file(path):
                candidates = (self._private_functions.get((file_name, name), [])
                              + self._public_functions.get(name, []))
                if any(len(f.params) == arity for f in candidates):
                    break
        return candidates

    def known_function_names(self):
        names = set(self._public_functions)
        names.update(name for _, name in self._private_functions)
        names.update(self.index.function_names())
        return names

    def use_function(self, function):
        overloads = self.program.functions.setdefault(function.name, [])
        if function not in overloads:
            overloads.append(function)
            return True
        return False

    # --- running ---------------------------------------------------------------

    def run(self, user_files):
        """Elaborate the user's files: derive probes and resolve symbols to a
        fixed point (both may pull in library files), then optimize, infer
        types and check, in stap's order (so that what optimization elides
        is not type-checked, as in stap)."""
        from stap5.elaborate import autoprint, checks, derive, optimize, resolve, types
        for stap_file in user_files:
            self.add_file(stap_file)
        resolver = resolve.Resolver(self)
        while True:
            pending = self.take_pending_probes()
            for decl, stap_file in pending:
                for probe in derive.derive_probe(self, decl, stap_file):
                    probe.index = len(self.program.probes)
                    self.program.probes.append(probe)
            progressed = resolver.resolve_pending()
            if not pending and not progressed and not self._pending_probes:
                break
        if self.errors:
            return self.program
        optimize.fold_defined(self.program)
        if not self.session.unoptimized:
            optimize.optimize(self)
        types.infer(self)
        if self.errors:
            return self.program
        checks.check(self)
        if self.errors:
            return self.program
        autoprint.add_displays(self)
        if not self.program.probes:
            self.errors.append(SemanticError("no probes found"))
        return self.program


def library_error(exc):
    """A StapError from shared code, as a pass-2 error."""
    if isinstance(exc, SemanticError):
        return exc
    assert isinstance(exc, StapError)
    return SemanticError(exc.message, exc.tok)

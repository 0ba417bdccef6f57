"""The pass-2 driver: files in use, their symbol tables, pulling tapset
files in on demand, and the order of stap's semantic passes.

The program starts with the user's files.  A library file joins it when
something the program uses is defined there: a function, a global or a
probe alias.  Files are processed in the order they joined, as stap does:
each file's probes are derived and their bodies resolved, then the
functions called so far are resolved (which may pull in more files).  A
library file's plain probes (a tapset's own `probe begin`) come with it.
"""

from stap5.diagnostics import SourceFile
from stap5.elaborate import probes
from stap5.elaborate.astutil import code_file
from stap5.elaborate.errors import SemanticError, SemanticWarning
from stap5.elaborate.match_tree import is_glob
from stap5.elaborate.program import Program, VarSymbol, mangle_file_name
from stap5.elaborate.procfs_value import ProcfsValues
from stap5.elaborate.tapset_index import TapsetIndex
from stap5.parse.pass1 import parse_library_file, preprocessor_env


class Elaborator:
    def __init__(self, session, pass1_result):
        self.session = session
        self.env = preprocessor_env(session)
        self.macros = pass1_result.library_macros
        self.parse_cache = getattr(pass1_result, "cache", None)
        self.program = Program()
        self.errors = []
        self.warnings = []
        self.messages = []                 # errors and warnings, in order
        self.registry = probes.registry()
        self.warnings_off = session.suppress_warnings
        self._library_paths = set()        # library files in the program
        self._user_files = set()           # names of the user's files
        self._declared = {}                # global name -> [VarSymbol] declared in the program
        self._private_declared = {}        # (file name, name) -> VarSymbol
        self._public_functions = {}        # name -> [FunctionDecl], program order
        self._private_functions = {}       # (file name, name) -> [FunctionDecl]
        self._resolved_functions = set()   # id() of functions resolved
        self._pending_functions = []       # used functions waiting for resolution
        self._index = None
        self._deriver = None
        self.deriving_tok = None           # the probe's token while a family derives
        self.listing = False               # -l/-L: no optimization, no displays
        self._entry_count = 0              # @entry expressions saved so far
        self._warned = set()
        self._deferred_warnings = []       # said once types are inferred
        self.procfs_values = ProcfsValues(self)

    # --- diagnostics -----------------------------------------------------------

    def report(self, error):
        self.errors.append(error)
        self.messages.append(error)

    def error(self, message, tok=None, chain=None, similar=None, tok2=None):
        self.report(SemanticError(message, tok, chain, similar, tok2))

    def forget_repeated_errors(self, since):
        """Drop the errors reported since `since` (an index of `errors`)
        that repeat, word for word, one reported before."""
        before = {error.render() for error in self.errors[:since]}
        repeated = [error for error in self.errors[since:] if error.render() in before]
        if repeated:
            ids = {id(error) for error in repeated}
            self.errors[since:] = [e for e in self.errors[since:] if id(e) not in ids]
            self.messages[:] = [m for m in self.messages if id(m) not in ids]

    def warn(self, message, tok=None, deferred=False):
        """A warning; `deferred` ones come out when flush_deferred_warnings
        is called (stap says a probe was elided only after type errors)."""
        if deferred:
            # said whatever optimizer round found it (only -w silences it)
            if not self.session.suppress_warnings:
                self._deferred_warnings.append(SemanticWarning(message, tok))
            return
        if not self.warnings_off:
            warning = SemanticWarning(message, tok)
            self.warnings.append(warning)
            self.messages.append(warning)

    def flush_deferred_warnings(self):
        self.warnings.extend(self._deferred_warnings)
        self.messages.extend(self._deferred_warnings)
        self._deferred_warnings = []

    def warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)

    def is_user_file(self, stap_file_or_name):
        name = getattr(stap_file_or_name, "name", stap_file_or_name)
        return name in self._user_files

    # --- files -----------------------------------------------------------------

    @property
    def index(self):
        if self._index is None:
            self._index = TapsetIndex(self.session, self.env, self._parse_library_file)
        return self._index

    def _parse_library_file(self, path):
        stap_file, errors = parse_library_file(path, self.env, self.macros, self.parse_cache)
        if errors:
            # stap skips a tapset file with parse errors (pass 1 said so).
            return None
        return stap_file

    def library_file(self, path):
        """The parsed library file at `path` (None if it cannot be used)."""
        stap_file = self.index.parsed.get(path)
        if stap_file is None:
            stap_file = self._parse_library_file(path)
            if stap_file is not None:
                self.index.parsed[path] = stap_file
        return stap_file

    def pull_library_file(self, path):
        """Bring a library file into the program (once).  True if it was new."""
        if path in self._library_paths:
            return False
        stap_file = self.library_file(path)
        if stap_file is None:
            return False
        self._library_paths.add(path)
        self._add_file(stap_file)
        return True

    def _add_file(self, stap_file):
        """A file joins the program: its functions and aliases become visible
        (its globals are found when used); it is processed in turn."""
        self.program.files.append(stap_file)
        file_name = stap_file.name
        for var in stap_file.globals:
            symbol = VarSymbol(var.name, "global", var.tok, var)
            if var.private:
                symbol.private_file = file_name
                self._private_declared[(file_name, var.name)] = symbol
            else:
                self._declared.setdefault(var.name, []).append(symbol)
        for function in stap_file.functions:
            function.file = stap_file
            function.overload_index = self._overload_index(function, stap_file)
            if function.private:
                self._private_functions.setdefault((file_name, function.name), []).append(
                    function)
            else:
                self._public_functions.setdefault(function.name, []).append(function)
        for alias in stap_file.aliases:
            alias.file = stap_file

    def _overload_index(self, function, stap_file):
        """stap numbers the overloads of a name in parse order: the whole
        library first, then the user's files."""
        if function.private:
            same = [f for f in stap_file.functions if f.private and f.name == function.name]
            return same.index(function)
        before = 0
        path = getattr(stap_file, "name", None)
        if self.is_user_file(stap_file):
            before = self.index.public_function_count(function.name)
            for user_file in self.program.files:
                if user_file is stap_file:
                    break
                if self.is_user_file(user_file):
                    before += sum(1 for f in user_file.functions
                                  if not f.private and f.name == function.name)
        else:
            before = self.index.public_function_count(function.name, before_path=path)
        same = [f for f in stap_file.functions if not f.private and f.name == function.name]
        return before + same.index(function)

    # --- probe aliases -----------------------------------------------------------

    def deriver(self):
        if self._deriver is None:
            from stap5.elaborate.derive import Deriver
            self._deriver = Deriver(self)
        return self._deriver

    def alias_sources(self):
        """(name functors, source) of every alias the match tree knows:
        the library's (source: (path, functors, ordinal), parsed when used),
        then the user's (source: (AliasDecl, None))."""
        seen = {}
        for functors, path in self.index.alias_names():
            ordinal = seen.get((path, functors), 0)
            seen[(path, functors)] = ordinal + 1
            if any(is_glob(functor) for functor in functors):
                continue
            yield functors, (path, functors, ordinal)
        for stap_file in self.program.files:
            if not self.is_user_file(stap_file):
                continue
            for alias in stap_file.aliases:
                alias.file = stap_file
                for name in alias.names:
                    bad = [c for c in name.components if is_glob(c.functor) or c.arg is not None]
                    if bad:
                        message = ("invalid use of wildcard probe point component"
                                   if is_glob(bad[0].functor) else
                                   "alias component %s contains illegal parameter"
                                   % bad[0].functor)
                        self.error("while registering probe alias", alias.tok,
                                   chain=SemanticError(message))
                        # stap has made the tree nodes before the bad component
                        position = name.components.index(bad[0])
                        yield tuple(c.functor for c in name.components[:position]), None
                        continue
                    yield tuple(c.functor for c in name.components), (alias, None)

    def alias_for(self, builder):
        """(AliasDecl, library StapFile or None) of a match-tree alias."""
        source, extra = builder.source[0], builder.source[1:]
        if not isinstance(source, str):
            return source, None
        functors, ordinal = extra
        stap_file = self.library_file(source)
        if stap_file is None:
            return None, None
        found = [alias for alias in stap_file.aliases for name in alias.names
                 if tuple(c.functor for c in name.components) == functors]
        if ordinal >= len(found):
            return None, None
        found[ordinal].file = stap_file
        return found[ordinal], stap_file

    def alias_file_used(self, stap_file):
        """An alias of a library file derived probes: the file joins."""
        self.pull_library_file(stap_file.name)

    # --- globals ---------------------------------------------------------------

    def lookup_global(self, name, tok):
        """The global `name` as seen from the code of `tok`, putting it in the
        program's globals on first use; None if there is none.

        As in stap, the globals already in use come first, in the order
        they came into use, whether public or private to the code's file
        (so a script's global shadows a library file's own private one)."""
        use_file = code_file(tok).name
        public_name = "__global_" + name
        private_name = "__private_%s_%s" % (mangle_file_name(use_file), name)
        for key, symbol in self.program.globals.items():
            if key == public_name or key == private_name:
                self.check_cross_file_reference(symbol, tok)
                return symbol
        symbol = self._private_declared.get((use_file, name))
        if symbol is None:
            declared = self._declared.get(name)
            if declared:
                symbol = declared[0]
        if symbol is None:
            for path in self.index.files_defining_global(name):
                if self.pull_library_file(path) or path in self._library_paths:
                    declared = self._declared.get(name)
                    if declared:
                        symbol = declared[0]
                        break
        return symbol

    def use_global(self, symbol, tok):
        """A global found by lookup_global is used: it joins the program's
        globals (in order of first use, as stap lists them)."""
        self._use_global(symbol, tok)

    def _use_global(self, symbol, tok):
        key = symbol.unique_name
        if key in self.program.globals:
            return
        self.program.globals[key] = symbol
        if symbol.private_file is None and symbol.name in self._cmdline_globals():
            symbol.from_cmdline = True      # -G gives it a value

    def _cmdline_globals(self):
        return {setting.partition("=")[0] for setting in self.session.global_settings}

    def check_cross_file_reference(self, symbol, tok):
        """stap warns when library code ends up using a global the user's
        script declared (the script's global shadows the library's)."""
        if symbol.private_file is not None or symbol.decl is None:
            return
        use_file = code_file(tok)
        decl_file = symbol.tok.file
        if use_file is decl_file or use_file.synthetic or not self.is_user_file(decl_file.name):
            return
        from stap5.diagnostics import describe_token, token_location
        self.warn("cross-file global variable reference to %s at %s from"
                  % (describe_token(symbol.tok), token_location(symbol.tok)), tok)

    # --- functions -------------------------------------------------------------

    def _visible_functions(self, name, use_file):
        return (self._private_functions.get((use_file, name), [])
                + self._public_functions.get(name, []))

    def find_functions(self, name, arity, tok):
        """The overloads a call `name(arity args)` from `tok`'s code resolves
        to, pulling in library files that define them; and, when there is
        none, another function of that name (for the arity diagnostic)."""
        use_file = code_file(tok).name
        visible = self._visible_functions(name, use_file)
        found = [f for f in visible if len(f.params) == arity]
        if found:
            return found, None
        for path in self.index.files_defining_function(name, arity):
            self.pull_library_file(path)
        visible = self._visible_functions(name, use_file)
        found = [f for f in visible if len(f.params) == arity]
        if found:
            return found, None
        if visible:
            return [], visible[-1]
        for path in self.index.files_defining_function(name):
            stap_file = self.library_file(path)
            for function in getattr(stap_file, "functions", ()):
                if function.name == name and not function.private:
                    return [], function
        return [], None

    def function_names_for_hints(self):
        names = set(self.program.functions)
        names.update(self.index.function_names())
        return names

    def use_function(self, function):
        overloads = self.program.functions.setdefault(function.name, [])
        if function in overloads:
            return
        overloads.append(function)
        if id(function) not in self._resolved_functions:
            self._pending_functions.append(function)

    # --- running ---------------------------------------------------------------

    def run(self, user_files):
        """stap's pass 2: symbols (with probe derivation), conditions,
        optimization, types, global displays, checks."""
        from stap5.elaborate import optimize, types
        for stap_file in user_files:
            self._user_files.add(stap_file.name)
        for stap_file in user_files:
            self._add_file(stap_file)
        self._resolve_symbols()
        self.procfs_values.add_include()
        if self.listing:
            # Listing shows what each probe has, before any optimization,
            # whatever failed elsewhere.
            self._fix_statement_tokens()
            optimize.fold_only(self)
            types.infer(self)
            return self.program
        try:
            self._analyze()
        finally:
            self.flush_deferred_warnings()
        return self.program

    def _analyze(self):
        from stap5.elaborate import autoprint, checks, conditions, optimize, stable, types
        if self.errors:
            return
        checks.check_entry_ops(self)
        if self.errors:
            return
        self._fix_statement_tokens()
        conditions.add_condition_checks(self)
        if self.errors:
            return
        optimize.optimize1(self)
        if self._failed():
            return
        types.infer(self, after_sweeps=self.after_type_sweeps)
        if self._failed():
            return
        autoprint.add_displays(self)
        if self._failed():
            return
        optimize.optimize2(self)
        stable.hoist_stable_calls(self)
        checks.check(self)
        self.flush_deferred_warnings()
        if not self.errors and not self.program.probes:
            self.error("no probes found")

    def _failed(self):
        """Errors, or (under -W) warnings: from optimize1 on, stap stops at
        the end of a stage that gave either."""
        return bool(self.errors) or (self.session.warnings_as_errors and bool(self.warnings))

    def after_type_sweeps(self):
        # 4.8's order, between the type clashes and the unresolved types.
        from stap5.elaborate import checks
        self.flush_deferred_warnings()
        checks.check_probe_groups(self)

    def _resolve_symbols(self):
        from stap5.elaborate import derive
        from stap5.elaborate.resolve import Resolver
        resolver = Resolver(self)
        position = 0
        while position < len(self.program.files):
            stap_file = self.program.files[position]
            position += 1
            self.program.embeds.extend(stap_file.embeds)
            for decl in stap_file.probes:
                # stap derives every probe of a declaration (with their @entry
                # globals) before resolving any: that orders the globals.
                derived = derive.derive_probe(self, decl)
                self._expand_target_variables(derived)
                for probe in list(self._with_entry_probes(derived)):
                    probe.index = len(self.program.probes)
                    self.program.probes.append(probe)
                    resolver.resolve_probe(probe)
                    if probe.family.name == "procfs":
                        self.procfs_values.rewrite_probe(probe)
                    probe.family.rewrite_resolved(self, probe)
            self._resolve_pending_functions(resolver)

    def _expand_target_variables(self, derived):
        """Probes that see into the probed code (their family gave them a
        Scope) get their $vars, @cast and @var expanded (elaborate/tvars);
        the others their @cast and @var, through the kernel's types."""
        from stap5.elaborate import perf_reads, tvars
        for probe in derived:
            probe.family.expand_context(self, probe)
            perf_reads.expand(self, probe)
            scope = getattr(probe, "scope", None)
            if scope is not None:
                tvars.expand(self, probe, scope)
            elif tvars.uses_kernel_types(probe.body):
                from stap5.kernel import kernel_target
                from stap5.kernel.scope import kernel_scope
                tvars.expand(self, probe, kernel_scope(kernel_target(self.session)),
                             types_only=True)

    def _with_entry_probes(self, derived):
        """kprobe .return probes using @entry get their entry probe first."""
        from stap5.elaborate import entry
        for probe in derived:
            if probe.family.supports_entry(probe) and entry.has_entry_ops(probe):
                yield from entry.expand(self, probe)
            else:
                yield probe

    def next_entry_number(self):
        self._entry_count += 1
        return self._entry_count - 1

    def declare_synthetic_global(self, name, arity, tok):
        """A global pass 2 makes up (found by name like a declared one)."""
        from stap5.elaborate.entry import make_global
        symbol = make_global(name, arity, tok)
        self._declared.setdefault(name, []).insert(0, symbol)
        self._use_global(symbol, tok)       # in the program from the start, as in stap

    def _fix_statement_tokens(self):
        from stap5.elaborate.astutil import statements_start_at_first_token
        for probe in self.program.probes:
            statements_start_at_first_token(probe.body)
        for function in self.program.used_functions():
            if not function.embedded:
                statements_start_at_first_token(function.body)

    def _resolve_pending_functions(self, resolver):
        """Resolve the functions used so far, file by file in declaration
        order (stap's order), until no new one is used."""
        while self._pending_functions:
            order = {id(f): i for i, f in enumerate(self._function_order())}
            pending = sorted(self._pending_functions, key=lambda f: order.get(id(f), 0))
            self._pending_functions = []
            for function in pending:
                if id(function) in self._resolved_functions:
                    continue
                self._resolved_functions.add(id(function))
                resolver.resolve_function(function)

    def _function_order(self):
        for stap_file in self.program.files:
            yield from stap_file.functions

    def new_synthetic_file(self, name, text):
        """A SourceFile for code stap5 makes up (global displays...)."""
        return SourceFile(name, text, synthetic=True)


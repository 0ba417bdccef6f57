"""Symbol resolution: which variable or function each name means.

In a probe or function body a name is, in order: a local already seen in
that body (or a parameter), a global visible from the code's file (its own
privates first, then public globals, then globals of library files, which
are pulled in), and otherwise a new local.  Arrays and statistics must be
globals.  Function calls resolve by name and number of arguments, pulling in
the library file that defines the function.
"""

from stap5.elaborate.probes.registry import similar_names
from stap5.elaborate.program import VarSymbol
from stap5.parse import ast


class Scope:
    def __init__(self, owner, locals_, params):
        self.owner = owner          # DerivedProbe or FunctionDecl
        self.locals = locals_       # name -> VarSymbol (shared with the owner)
        self.params = params        # name -> VarSymbol

    @property
    def in_function(self):
        return isinstance(self.owner, ast.FunctionDecl)


class Resolver(ast.NodeVisitor):
    def __init__(self, elab):
        self.elab = elab
        self.scope = None
        self._probes_done = 0
        self._functions_done = set()
        self._function_queue = []

    # --- driving ---------------------------------------------------------------

    def resolve_pending(self):
        """Resolve probes and called functions not yet resolved; returns
        whether anything was done (it may have pulled in more files)."""
        progressed = False
        program = self.elab.program
        while self._probes_done < len(program.probes) or self._function_queue:
            if self._probes_done < len(program.probes):
                probe = program.probes[self._probes_done]
                self._probes_done += 1
                self.resolve_probe(probe)
            else:
                function = self._function_queue.pop(0)
                self.resolve_function(function)
            progressed = True
        return progressed

    def resolve_probe(self, probe):
        self.scope = Scope(probe, probe.locals, {})
        if probe.condition is not None:
            self.visit(probe.condition)
            for symbol in self._symbols_in(probe.condition):
                if symbol.scope != "global":
                    self.elab.error("probe condition must not reference locals", symbol.tok)
        self.visit(probe.body)
        self.scope = None

    def resolve_function(self, function):
        params = {}
        for param in function.params:
            symbol = VarSymbol(param.name, "param", param.tok)
            symbol.type = param.type
            param.symbol = symbol
            params[param.name] = symbol
        function.locals = {}
        function.param_symbols = params
        if not function.embedded:
            self.scope = Scope(function, function.locals, params)
            self.visit(function.body)
            self.scope = None

    def _symbols_in(self, node):
        for child in ast.walk(node):
            referent = getattr(child, "referent", None)
            if isinstance(referent, VarSymbol):
                yield referent

    def _call(self, function):
        if self.elab.use_function(function) and id(function) not in self._functions_done:
            self._functions_done.add(id(function))
            self._function_queue.append(function)

    # --- variables -----------------------------------------------------------

    def _variable(self, node, arity=None):
        """Resolve a name used as a variable (arity: number of indexes when
        used as an array, None as a scalar)."""
        name = node.name
        scope = self.scope
        symbol = scope.locals.get(name) or scope.params.get(name)
        if symbol is None:
            symbol = self.elab.lookup_global(name, node.tok)
        if symbol is None:
            if arity is not None:
                self.elab.error("unresolved arity-%d global array %s, missing global "
                                "declaration?" % (arity, name), node.tok)
                symbol = VarSymbol(name, "global", node.tok)
            else:
                symbol = VarSymbol(name, "local", node.tok)
                scope.locals[name] = symbol
        elif arity is not None and symbol.scope != "global":
            self.elab.error("unresolved arity-%d global array %s, missing global "
                            "declaration?" % (arity, name), node.tok)
        node.referent = symbol
        return symbol

    def visit_Symbol(self, node):
        self._variable(node)

    def visit_ArrayIndex(self, node):
        for index in node.indexes:
            self.visit(index)
        base = node.base
        if isinstance(base, ast.Symbol):
            self._variable(base, arity=len(node.indexes))
        else:
            self.visit(base)

    def visit_ArrayIn(self, node):
        for index in node.indexes:
            self.visit(index)
        self._variable(node.array, arity=len(node.indexes))

    def visit_ForeachLoop(self, node):
        array = node.array
        if isinstance(array, ast.Symbol):
            self._variable(array, arity=len(node.indexes))
        else:
            self.visit(array)
        for index in node.array_slice:
            self.visit(index)
        for key in node.indexes:
            self._variable(key)
        if node.value is not None:
            self._variable(node.value)
        if node.limit is not None:
            self.visit(node.limit)
        self.visit(node.body)

    def visit_TryBlock(self, node):
        self.visit(node.try_block)
        if node.catch_var is not None:
            self._variable(node.catch_var)
        self.visit(node.catch_block)

    # --- functions -------------------------------------------------------------

    def visit_FunctionCall(self, node):
        for arg in node.args:
            self.visit(arg)
        arity = len(node.args)
        candidates = self.elab.function_overloads(node.name, node.tok, arity)
        if not candidates:
            similar = similar_names(node.name, sorted(self.elab.known_function_names()))
            message = "unresolved function %s" % node.name
            if similar:
                message += " (similar: %s)" % ", ".join(similar)
            self.elab.error(message, node.tok)
            return
        matching = [f for f in candidates if len(f.params) == arity]
        if not matching:
            first = candidates[0]
            self.elab.error("arity mismatch found (function '%s' takes %d args)"
                            % (node.name, len(first.params)), node.tok,
                            related=[("", first.tok)])
            return
        node.referent = matching[0]
        self._call(matching[0])

    # --- target variables --------------------------------------------------------

    def visit_TargetSymbol(self, node):
        for component in node.components:
            if component.index is not None:
                self.visit(component.index)
        probe = self.scope.owner
        if (not self.scope.in_function and node.name == "$value" and not node.components
                and probe.family.name == "procfs"):
            node.procfs_value = True
            return
        self.elab.error("unresolved target-symbol expression", node.tok)

    def visit_TargetVars(self, node):
        self.elab.error("unresolved target-symbol expression", node.tok)

    def visit_DefinedOp(self, node):
        # @defined($x) asks whether a target expression resolves; it is
        # settled here and folded to a literal, errors are not reported.
        saved = len(self.elab.errors)
        self.visit(node.operand)
        resolved = len(self.elab.errors) == saved
        del self.elab.errors[saved:]
        node.resolved = resolved

    def visit_EntryOp(self, node):
        self.elab.error("@entry is only available in .return probes with debuginfo", node.tok)

    def visit_CastOp(self, node):
        self.visit(node.operand)
        self.elab.error("@cast needs kernel debuginfo, which stap5 does not read yet",
                        node.tok)

    def visit_AtVar(self, node):
        self.elab.error("@var needs kernel debuginfo, which stap5 does not read yet", node.tok)

    def visit_AutoCast(self, node):
        self.visit(node.operand)
        self.elab.error("type information for '->' needs debuginfo, which stap5 does not "
                        "read yet", node.tok)

    def visit_PerfOp(self, node):
        self.elab.error("@perf is only available in perf-counter probes", node.tok)

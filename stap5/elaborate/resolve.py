"""Symbol resolution: which variable or function each name means.

In a probe or function body a name is, in order: a local already seen in
that body, a parameter of the function, a global already in use, a global
of the script or of a library file (the file is then pulled in), and
otherwise a new local.  A name used with indexes must be a global array.
Function calls resolve by name and number of arguments; all overloads of
that arity are the call's referents (at run time, an overload that executes
`next` hands over to the following one).

As in stap, the first error in a body abandons the rest of that body: the
error is reported and resolution goes on with the next probe or function.
Arities are settled here (`x` vs `x[i]`), types later (types.py).
"""

from stap5.elaborate.astutil import code_file
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.program import VarSymbol
from stap5.elaborate.similar import suggest
from stap5.parse import ast


class Resolver(ast.NodeVisitor):
    def __init__(self, elab):
        self.elab = elab
        self.probe = None           # DerivedProbe whose body is resolved
        self.function = None        # FunctionDecl whose body is resolved

    # --- entry points ----------------------------------------------------------

    def resolve_probe(self, probe):
        """Resolve a derived probe's body, then its condition (which may
        only name globals).  Errors are reported, not raised."""
        try:
            self.probe, self.function = probe, None
            self.visit(probe.body)
            self.probe = None
            if probe.condition is not None:
                self.visit(probe.condition)
        except SemanticError as error:
            self.elab.report(error)
        finally:
            self.probe = self.function = None

    def resolve_function(self, function):
        function.locals = {}
        function.param_symbols = {}
        for param in function.params:
            symbol = VarSymbol(param.name, "param", param.tok)
            symbol.type = param.type
            symbol.arity = 0
            symbol.declared_type = param.type is not None
            param.symbol = symbol
            function.param_symbols[param.name] = symbol
        if function.embedded:
            return
        try:
            self.probe, self.function = None, function
            self.visit(function.body)
        except SemanticError as error:
            self.elab.report(error)
        finally:
            self.probe = self.function = None

    def visit_Block(self, node):
        # stap reports the first error of each statement and goes on
        for statement in node.statements:
            try:
                self.visit(statement)
            except SemanticError as error:
                self.elab.report(error)

    # --- variables -------------------------------------------------------------

    def _locals(self):
        if self.function is not None:
            return self.function.locals
        if self.probe is not None:
            return self.probe.locals
        return None

    def find_var(self, name, arity, tok):
        """The variable `name` used with `arity` indexes (-1: unknown, as
        for `delete x`), or None."""
        local_vars = self._locals()
        if local_vars is not None and name in local_vars:
            symbol = local_vars[name]
            symbol.set_arity(arity, tok)
            return symbol
        if arity <= 0 and self.function is not None:
            symbol = self.function.param_symbols.get(name)
            if symbol is not None:
                return symbol
        symbol = self.elab.lookup_global(name, tok)
        if symbol is not None:
            symbol.set_arity(arity, tok)
            self.elab.use_global(symbol, tok)
        return symbol

    def _new_local(self, name, tok):
        local_vars = self._locals()
        if local_vars is None:
            raise SemanticError("probe condition must not reference undeclared global", tok)
        symbol = VarSymbol(name, "local", tok)
        symbol.set_arity(0, tok)
        local_vars[name] = symbol
        return symbol

    def visit_Symbol(self, node):
        if getattr(node, "referent", None) is not None:
            return
        symbol = self.find_var(node.name, 0, node.tok)
        if symbol is None:
            symbol = self._new_local(node.name, node.tok)
        node.referent = symbol

    def _array(self, symbol_node, arity):
        if getattr(symbol_node, "referent", None) is not None:
            return
        symbol = self.find_var(symbol_node.name, arity, symbol_node.tok)
        if symbol is None:
            template = "unresolved arity-%d global array %s, missing global declaration?"
            raise SemanticError(template % (arity, symbol_node.name), symbol_node.tok,
                                similar=template)
        symbol_node.referent = symbol

    def visit_ArrayIndex(self, node):
        for index in node.indexes:
            self.visit(index)
        if isinstance(node.base, ast.Symbol):
            self._array(node.base, len(node.indexes))
        else:
            self.visit(node.base)

    def visit_ArrayIn(self, node):
        for index in node.indexes:
            self.visit(index)
        if isinstance(node.array, ast.Symbol):
            self._array(node.array, len(node.indexes))
        else:
            self.visit(node.array)

    def visit_ForeachLoop(self, node):
        for key in node.indexes:
            self.visit(key)
        for index in node.array_slice:
            self.visit(index)
        array = node.array
        if isinstance(array, ast.Symbol):
            self._array(array, len(node.indexes))
            if node.array_slice and len(node.array_slice) != len(node.indexes):
                # stap names the array by its unique name here
                template = "unresolved arity-%d global array %s, missing global declaration?"
                raise SemanticError(template % (len(node.array_slice),
                                                array.referent.unique_name),
                                    array.tok, similar=template)
        else:
            self.visit(array)
        if node.value is not None:
            self.visit(node.value)
        if node.limit is not None:
            self.visit(node.limit)
        self.visit(node.body)

    def visit_DeleteStatement(self, node):
        target = node.target
        if isinstance(target, ast.Symbol):
            if getattr(target, "referent", None) is None:
                symbol = self.find_var(target.name, -1, target.tok)
                if symbol is None:
                    raise SemanticError("unresolved array in delete statement", target.tok)
                target.referent = symbol
                target.plain_name = True    # stap prints it unmangled
        else:
            self.visit(target)

    def visit_TryBlock(self, node):
        self.visit(node.try_block)
        if node.catch_var is not None:
            self.visit(node.catch_var)
        self.visit(node.catch_block)

    # --- functions -------------------------------------------------------------

    def visit_FunctionCall(self, node):
        if self.function is None and self.probe is None:
            raise SemanticError("probe condition must not reference function", node.tok)
        for arg in node.args:
            self.visit(arg)
        if getattr(node, "referents", None):
            return
        found, other = self.elab.find_functions(node.name, len(node.args), node.tok)
        if found and not self.elab.session.guru and not code_file(node.tok).privileged:
            for function in found:
                if function.embedded and "/* guru */" in function.body.code:
                    raise SemanticError("function may not be used unless -g is specified",
                                        node.tok)
        if found:
            node.referents = found
            node.referent = found[0]
            for function in found:
                self.elab.use_function(function)
            return
        if other is not None:
            template = "arity mismatch found (function '%s' takes %d args)"
            raise SemanticError(template % (node.name, len(other.params)), node.tok,
                                tok2=other.tok, similar=template)
        similar = suggest(node.name, self.elab.function_names_for_hints())
        message = "unresolved function %s" % node.name
        if similar:
            message += " (similar: %s)" % ", ".join(similar)
        raise SemanticError(message, node.tok, similar="unresolved function %s%s")

    # --- target variables --------------------------------------------------------

    def visit_TargetSymbol(self, node):
        for component in node.components:
            if component.index is not None:
                self.visit(component.index)

    visit_TargetVars = visit_TargetSymbol

    def visit_EntryOp(self, node):
        # whether @entry is allowed is checked once all bodies are resolved
        self.visit(node.operand)

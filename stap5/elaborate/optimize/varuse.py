"""Which variables code reads and writes, and whether it has other side
effects (stap's varuse_collecting_visitor, which the optimizer, the probe
condition checks and the global displays all rely on).

Calls are followed into the functions they call (each once).  A write to
a function's own locals is not a side effect for its caller: hence
`side_effect_free_wrt(focal)`, which only counts writes to `focal`.
"""

from stap5.parse import ast


def _tagged(code, tag):
    return tag in code


def is_pure_embedded(code):
    return _tagged(code, "/* pure */")


class VarUse(ast.NodeVisitor):
    def __init__(self):
        self.read = set()           # id() of VarSymbols read
        self.used = set()           # ... read as a value (not only by a `++`, `+=`
                                    #     whose value is discarded, or `delete`)
        self.written = set()        # ... written
        self.embedded_seen = False  # impure embedded C, printing, $var writes...
        self.symbols = {}           # id() -> VarSymbol, for callers that want them
        self._lvalue = None         # the node being assigned (a pure write)
        self._lrvalue = None        # the node being read-modified-written
        self._functions = set()     # functions already followed
        self._discarded = set()     # id() of expressions whose value is dropped

    # --- results ---------------------------------------------------------------

    def side_effect_free(self):
        return not self.written and not self.embedded_seen

    def side_effect_free_wrt(self, focal):
        """No write to the VarSymbols whose id() is in `focal`, no other
        side effect."""
        return not self.embedded_seen and not (self.written & focal)

    def is_read(self, symbol):
        return id(symbol) in self.read

    def is_written(self, symbol):
        return id(symbol) in self.written

    def is_used(self, symbol):
        return id(symbol) in self.used

    # --- bookkeeping -----------------------------------------------------------

    def _note(self, symbol, lvalue_node, node):
        if symbol is None:
            return
        key = id(symbol)
        self.symbols[key] = symbol
        if self._lvalue is lvalue_node or self._lrvalue is lvalue_node:
            self.written.add(key)
        if self._lvalue is not lvalue_node or self._lrvalue is lvalue_node:
            self.read.add(key)
            if self._lrvalue is not lvalue_node:
                self.used.add(key)

    def _with_lvalue(self, node, visit, pure_write):
        saved = self._lvalue, self._lrvalue
        if pure_write:
            self._lvalue = node
        else:
            self._lrvalue = node
        try:
            visit()
        finally:
            self._lvalue, self._lrvalue = saved

    # --- variables -------------------------------------------------------------

    def visit_Symbol(self, node):
        self._note(getattr(node, "referent", None), node, node)

    def visit_ArrayIndex(self, node):
        base = node.base
        if isinstance(base, ast.Symbol):
            saved = self._lvalue, self._lrvalue
            # The element is what is assigned; the array is what changes.
            lvalue = base if self._lvalue is node else object()
            lrvalue = base if self._lrvalue is node else object()
            self._lvalue, self._lrvalue = lvalue, lrvalue
            try:
                self._note(getattr(base, "referent", None), base, base)
            finally:
                self._lvalue, self._lrvalue = saved
        else:
            self.visit(base)
        saved = self._lvalue, self._lrvalue
        self._lvalue = self._lrvalue = None
        try:
            for index in node.indexes:
                self.visit(index)
        finally:
            self._lvalue, self._lrvalue = saved

    def visit_AssignmentExpr(self, node):
        pure_write = node.op in ("=", "<<<")
        self._with_lvalue(node.left, lambda: self.visit(node.left), pure_write)
        if not pure_write:
            self._note_value_use(node, node.left)
        saved = self._lvalue, self._lrvalue
        self._lvalue = self._lrvalue = None
        try:
            self.visit(node.right)
        finally:
            self._lvalue, self._lrvalue = saved

    def visit_PreCrement(self, node):
        self._with_lvalue(node.operand, lambda: self.visit(node.operand), False)
        self._note_value_use(node, node.operand)

    visit_PostCrement = visit_PreCrement

    def _note_value_use(self, node, target):
        """`if (n++)`, `x = (n += 2)`: the variable's value is used, as stap
        sees it (`n++;` alone only updates it)."""
        if id(node) in self._discarded:
            return
        if isinstance(target, ast.ArrayIndex):
            target = target.base
        symbol = getattr(target, "referent", None)
        if symbol is not None:
            self.used.add(id(symbol))

    def visit_ExprStatement(self, node):
        self._discarded.add(id(node.expr))
        self.visit(node.expr)

    def visit_ForLoop(self, node):
        for expr in (node.init, node.incr):
            if expr is not None:
                self._discarded.add(id(expr))
        self.generic_visit(node)

    def visit_DeleteStatement(self, node):
        # Like ++ (the value is protected from the optimizer as if read),
        # but it counts as a use: a deleted global is not displayed at the end.
        self._with_lvalue(node.target, lambda: self.visit(node.target), False)
        target = node.target.base if isinstance(node.target, ast.ArrayIndex) else node.target
        symbol = getattr(target, "referent", None)
        if symbol is not None:
            self.used.add(id(symbol))

    def visit_ForeachLoop(self, node):
        self.visit(node.array)
        if isinstance(node.array, ast.Symbol) and (
                node.sort_direction or node.sort_aggregate is not None):
            symbol = getattr(node.array, "referent", None)
            if symbol is not None:
                self.symbols[id(symbol)] = symbol
                self.written.add(id(symbol))       # sorting changes the array
        for key in node.indexes:
            self._with_lvalue(key, lambda key=key: self.visit(key), True)
        for index in node.array_slice:
            self.visit(index)
        if node.value is not None:
            self._with_lvalue(node.value, lambda: self.visit(node.value), True)
        if node.limit is not None:
            self.visit(node.limit)
        self.visit(node.body)

    def visit_TryBlock(self, node):
        self.visit(node.try_block)
        if node.catch_var is not None:
            symbol = getattr(node.catch_var, "referent", None)
            if symbol is not None:
                self.symbols[id(symbol)] = symbol
                self.written.add(id(symbol))
        self.visit(node.catch_block)

    # --- side effects ------------------------------------------------------------

    def visit_PrintFormat(self, node):
        if not node.name.startswith("s"):
            self.embedded_seen = True          # printing is the effect
        self.generic_visit(node)

    def visit_EmbeddedExpr(self, node):
        if not is_pure_embedded(node.code):
            self.embedded_seen = True

    def visit_TargetSymbol(self, node):
        if self._lvalue is node or self._lrvalue is node:
            self.embedded_seen = True          # writing a target variable
        for component in node.components:
            if component.index is not None:
                self.visit(component.index)

    def visit_FunctionCall(self, node):
        saved = self._lvalue, self._lrvalue
        self._lvalue = self._lrvalue = None
        try:
            for arg in node.args:
                self.visit(arg)
        finally:
            self._lvalue, self._lrvalue = saved
        for function in getattr(node, "referents", None) or ():
            self.follow(function)

    def follow(self, function):
        """Take a called function's body into account (once)."""
        if id(function) in self._functions:
            return
        self._functions.add(id(function))
        if function.embedded:
            if not is_pure_embedded(function.body.code):
                self.embedded_seen = True
            return
        saved = self._lvalue, self._lrvalue
        self._lvalue = self._lrvalue = None
        try:
            self.visit(function.body)
        finally:
            self._lvalue, self._lrvalue = saved

    def visit_EmbeddedCode(self, node):
        if not is_pure_embedded(node.code):
            self.embedded_seen = True


def collect(*nodes):
    """VarUse over some trees (None entries skipped)."""
    use = VarUse()
    for node in nodes:
        if node is not None:
            use.visit(node)
    return use

"""Type inference: long, string or stats for every variable, array index,
function parameter, return value and expression, iterated to a fixed point.

Types flow both ways: from literals, operators and declared types to the
variables they touch, and from variables back into expressions that use
them.  A variable or index whose type conflicts with what was first inferred
is an error naming both places, as stap reports it.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.program import LONG, STATS, STRING, VarSymbol
from stap5.elaborate import printf_format
from stap5.parse import ast

MAX_ITERATIONS = 100

_LONG_ASSIGN = {"+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="}
_STRING_RESULT_PRINTS = {"sprint", "sprintln", "sprintf", "sprintd", "sprintdln"}


class TypeInference:
    def __init__(self, elab):
        self.elab = elab
        self.changed = False
        self.final = False              # last sweep: report what stays unresolved
        self.function = None            # FunctionDecl being visited, if any
        self._reported = set()

    # --- driving -------------------------------------------------------------

    def run(self):
        program = self.elab.program
        for _ in range(MAX_ITERATIONS):
            self.changed = False
            self._sweep(program)
            if not self.changed:
                break
        self.final = True
        self._sweep(program)

    def _sweep(self, program):
        for probe in program.probes:
            self.function = None
            if probe.condition is not None:
                self.expr(probe.condition, LONG)
            self.stmt(probe.body)
        for function in list(program.used_functions()):
            self.function = function
            self._function_signature(function)
            if not function.embedded:
                self.stmt(function.body)
            self.function = None
        for symbol in program.globals.values():
            if symbol.init is not None:
                self._unify_symbol(symbol, _literal_type(symbol.init), symbol.init.tok)

    def _function_signature(self, function):
        if not hasattr(function, "inferred_type"):
            function.inferred_type = function.rettype
            function.type_tok = function.tok
        if self.final and function.embedded:
            for param in function.params:
                if param.symbol.type is None:
                    self._report("unresolved type", param.tok)

    # --- reporting -----------------------------------------------------------

    def _report(self, message, tok, related=()):
        key = (message, id(tok))
        if key in self._reported:
            return
        self._reported.add(key)
        self.elab.errors.append(SemanticError(message, tok))
        for text, other in related:
            self.elab.errors.append(SemanticError(text, other))

    def _mismatch(self, expected, found, tok):
        self._report("type mismatch: expected %s but found %s" % (expected, found), tok)

    # --- symbols ---------------------------------------------------------------

    def _unify_symbol(self, symbol, new_type, tok):
        if new_type is None:
            return symbol.type
        if symbol.type is None:
            symbol.type = new_type
            symbol.type_tok = tok
            self.changed = True
        elif symbol.type != new_type:
            self._report("type mismatch (%s)" % new_type, tok,
                         [("type was first inferred here (%s)" % symbol.type,
                           getattr(symbol, "type_tok", symbol.tok))])
        return symbol.type

    def _unify_arity(self, symbol, arity, tok):
        if symbol.index_types is None and not getattr(symbol, "arity_known", False):
            symbol.arity_known = True
            symbol.arity_tok = tok
            symbol.index_types = [None] * arity if arity else None
            self.changed = True
            return True
        if symbol.arity != arity:
            self._report("inconsistent arity (%d vs %d)" % (symbol.arity, arity), tok,
                         [("arity %d first inferred here" % symbol.arity,
                           getattr(symbol, "arity_tok", symbol.tok))])
            return False
        return True

    def _unify_index(self, symbol, position, index_node):
        known = symbol.index_types[position]
        found = self.expr(index_node, known)
        if found is None:
            return
        if found == STATS:
            self._report("index %d type mismatch (stats)" % position, index_node.tok)
            return
        if known is None:
            symbol.index_types[position] = found
            if not hasattr(symbol, "index_toks"):
                symbol.index_toks = {}
            symbol.index_toks[position] = index_node.tok
            self.changed = True
        elif known != found:
            first = getattr(symbol, "index_toks", {}).get(position, symbol.tok)
            self._report("index %d type mismatch (%s)" % (position, found), index_node.tok,
                         [("type of index %d was first inferred here (%s)" % (position, known),
                           first)])

    # --- statements ----------------------------------------------------------

    def stmt(self, node):
        method = getattr(self, "stmt_" + type(node).__name__)
        method(node)

    def stmt_Block(self, node):
        for statement in node.statements:
            self.stmt(statement)

    def stmt_NullStatement(self, node):
        pass

    stmt_NextStatement = stmt_BreakStatement = stmt_ContinueStatement = stmt_NullStatement

    def stmt_ExprStatement(self, node):
        self.expr(node.expr, None, value_needed=False)

    def stmt_IfStatement(self, node):
        self.expr(node.cond, LONG)
        self.stmt(node.then_stmt)
        if node.else_stmt is not None:
            self.stmt(node.else_stmt)

    def stmt_ForLoop(self, node):
        if node.init is not None:
            self.expr(node.init, None, value_needed=False)
        if node.cond is not None:
            self.expr(node.cond, LONG)
        if node.incr is not None:
            self.expr(node.incr, None, value_needed=False)
        self.stmt(node.body)

    def stmt_ForeachLoop(self, node):
        array = node.array
        if isinstance(array, ast.Symbol):
            symbol = array.referent
            if self._unify_arity(symbol, len(node.indexes), array.tok) and symbol.is_array:
                for position, key in enumerate(node.indexes):
                    self._unify_index(symbol, position, key)
                for position, index in enumerate(node.array_slice):
                    if position < symbol.arity and not isinstance(index, ast.Wildcard):
                        self._unify_index(symbol, position, index)
                if node.value is not None:
                    self._unify_symbol(node.value.referent, symbol.type, node.value.tok)
                    if symbol.type is not None:
                        self._unify_symbol(symbol, node.value.referent.type, node.value.tok)
            if node.sort_aggregate is not None and symbol.type not in (None, STATS):
                self._report("aggregate sort on a non-statistic array", array.tok)
        else:
            self.expr(array, None)
            for key in node.indexes:
                self.expr(key, LONG)
            if node.value is not None:
                self._unify_symbol(node.value.referent, LONG, node.value.tok)
        if node.limit is not None:
            self.expr(node.limit, LONG)
        self.stmt(node.body)

    def stmt_ReturnStatement(self, node):
        function = self.function
        if node.value is None:
            return
        found = self.expr(node.value, getattr(function, "inferred_type", None))
        if function is None or found is None:
            return
        if function.inferred_type is None:
            function.inferred_type = found
            function.type_tok = node.value.tok
            self.changed = True
        elif function.inferred_type != found:
            self._report("type mismatch (%s)" % found, node.value.tok,
                         [("type was first inferred here (%s)" % function.inferred_type,
                           function.type_tok)])

    def stmt_DeleteStatement(self, node):
        target = node.target
        if isinstance(target, ast.ArrayIndex):
            self._array_element(target, None, allow_wildcards=True)
        else:
            self.expr(target, None, value_needed=False)

    def stmt_TryBlock(self, node):
        self.stmt(node.try_block)
        if node.catch_var is not None:
            self._unify_symbol(node.catch_var.referent, STRING, node.catch_var.tok)
        self.stmt(node.catch_block)

    # --- expressions ---------------------------------------------------------

    def expr(self, node, expected, value_needed=True):
        """Infer node.type, checking it against `expected` (None: anything)."""
        method = getattr(self, "expr_" + type(node).__name__)
        found = method(node, expected)
        node.type = found
        if found is not None and expected is not None and found != expected:
            if not getattr(node, "_mismatch_reported_by_symbol", False):
                self._mismatch(expected, found, node.tok)
        elif found is None and self.final and value_needed and not _is_void_ok(node):
            self._report("unresolved type", node.tok)
        return found

    def expr_Literal(self, node, expected):
        return _literal_type(node)

    def expr_Symbol(self, node, expected):
        symbol = node.referent
        if symbol.scope == "global" and not self._unify_arity(symbol, 0, node.tok):
            return symbol.type
        if expected is not None and symbol.type is not None and symbol.type != expected:
            # Reported against the symbol's first inference, as stap does.
            self._report("type mismatch (%s)" % expected, node.tok,
                         [("type was first inferred here (%s)" % symbol.type,
                           getattr(symbol, "type_tok", symbol.tok))])
            node._mismatch_reported_by_symbol = True
            return symbol.type
        return self._unify_symbol(symbol, expected, node.tok)

    def _array_element(self, node, expected, allow_wildcards=False):
        base = node.base
        if isinstance(base, ast.HistogramOp):
            self.expr(base, None)
            self.expr(node.indexes[0], LONG)
            return LONG
        symbol = base.referent
        if not self._unify_arity(symbol, len(node.indexes), base.tok) or not symbol.is_array:
            return symbol.type
        for position, index in enumerate(node.indexes):
            if isinstance(index, ast.Wildcard):
                if not allow_wildcards:
                    self._report("wildcard not allowed in array index", index.tok)
                continue
            self._unify_index(symbol, position, index)
        if expected is not None and symbol.type is not None and symbol.type != expected:
            self._report("type mismatch (%s)" % expected, node.tok,
                         [("type was first inferred here (%s)" % symbol.type,
                           getattr(symbol, "type_tok", symbol.tok))])
            node._mismatch_reported_by_symbol = True
            return symbol.type
        return self._unify_symbol(symbol, expected, node.tok)

    def expr_ArrayIndex(self, node, expected):
        return self._array_element(node, expected)

    def expr_ArrayIn(self, node, expected):
        symbol = node.array.referent
        if self._unify_arity(symbol, len(node.indexes), node.array.tok) and symbol.is_array:
            for position, index in enumerate(node.indexes):
                if not isinstance(index, ast.Wildcard):
                    self._unify_index(symbol, position, index)
        return LONG

    def expr_BinaryExpr(self, node, expected):
        self.expr(node.left, LONG)
        self.expr(node.right, LONG)
        return LONG

    def expr_LogicalExpr(self, node, expected):
        self.expr(node.left, LONG)
        self.expr(node.right, LONG)
        return LONG

    def expr_ConcatExpr(self, node, expected):
        self.expr(node.left, STRING)
        self.expr(node.right, STRING)
        return STRING

    def expr_ComparisonExpr(self, node, expected):
        left = self.expr(node.left, getattr(node.right, "type", None))
        right = self.expr(node.right, left)
        if left is None and right is not None:
            self.expr(node.left, right)
        if STATS in (left, right):
            self._report("type mismatch: expected long or string but found stats", node.tok)
        return LONG

    def expr_RegexMatch(self, node, expected):
        self.expr(node.left, STRING)
        return LONG

    def expr_UnaryExpr(self, node, expected):
        self.expr(node.operand, LONG)
        return LONG

    def expr_PreCrement(self, node, expected):
        self.expr(node.operand, LONG)
        return LONG

    expr_PostCrement = expr_PreCrement

    def expr_TernaryExpr(self, node, expected):
        self.expr(node.cond, LONG)
        true_type = self.expr(node.true_expr, expected or getattr(node.false_expr, "type", None))
        false_type = self.expr(node.false_expr, expected or true_type)
        if true_type is None and false_type is not None:
            true_type = self.expr(node.true_expr, false_type)
        return true_type or false_type

    def expr_AssignmentExpr(self, node, expected):
        op = node.op
        if op == "<<<":
            self._stats_target(node.left)
            self.expr(node.right, LONG)
            return None
        if op == ".=":
            self.expr(node.left, STRING)
            self.expr(node.right, STRING)
            return STRING
        if op in _LONG_ASSIGN:
            self.expr(node.left, LONG)
            self.expr(node.right, LONG)
            return LONG
        left = self.expr(node.left, getattr(node.right, "type", None) or expected,
                         value_needed=False)
        right = self.expr(node.right, left)
        if left is None and right is not None:
            left = self.expr(node.left, right)
        if left == STATS or right == STATS:
            self._report("type mismatch: statistics cannot be assigned", node.tok)
        return left or right

    def _stats_target(self, target):
        if isinstance(target, ast.Symbol):
            symbol = target.referent
            if symbol.scope != "global":
                self._report("stat locals not supported, missing global declaration?",
                             target.tok)
                return
            self._unify_arity(symbol, 0, target.tok)
            self.expr(target, STATS, value_needed=False)
        elif isinstance(target, ast.ArrayIndex):
            self.expr(target, STATS, value_needed=False)
        else:
            self._report("aggregation target must be a global variable or array element",
                         target.tok)

    def expr_FunctionCall(self, node, expected):
        function = getattr(node, "referent", None)
        if function is None:
            return None
        for param, arg in zip(function.params, node.args):
            symbol = param.symbol
            found = self.expr(arg, symbol.type)
            if found == STATS:
                self._report("function arguments cannot be statistics", arg.tok)
            elif found is not None and symbol.type is None:
                symbol.type = found
                symbol.type_tok = arg.tok
                self.changed = True
        if not hasattr(function, "inferred_type"):
            function.inferred_type = function.rettype
            function.type_tok = function.tok
        if function.inferred_type is None and expected is not None and function.embedded:
            function.inferred_type = expected
            function.type_tok = node.tok
            self.changed = True
        return function.inferred_type

    def expr_PrintFormat(self, node, expected):
        if node.format is not None:
            self._printf_args(node)
        else:
            for arg in node.args:
                if isinstance(arg, ast.HistogramOp):
                    self.expr(arg, None)
                    continue
                found = self.expr(arg, None)
                if found == STATS:
                    self._report("cannot print a statistic (use @count, @sum, @hist_log...)",
                                 arg.tok)
        if not node.args and node.format is None and not node.name.endswith("ln"):
            self._report("print requires at least one argument", node.tok)
        return STRING if node.name in _STRING_RESULT_PRINTS else None

    def _printf_args(self, node):
        try:
            directives = printf_format.parse(node.format)
        except printf_format.FormatError as exc:
            self._report("invalid format string: %s" % exc, node.tok)
            return
        node.directives = directives
        wanted = printf_format.argument_types(directives)
        if len(wanted) != len(node.args):
            self._report("Wrong number of args to formatted print operator", node.tok)
            for arg in node.args:
                self.expr(arg, None)
            return
        for arg, kind in zip(node.args, wanted):
            self.expr(arg, kind)

    def expr_StatOp(self, node, expected):
        self._stats_operand(node.operand)
        for param in node.params:
            self.expr(param, LONG)
        return LONG

    def _stats_operand(self, operand):
        if isinstance(operand, (ast.Symbol, ast.ArrayIndex)):
            base = operand if isinstance(operand, ast.Symbol) else operand.base
            symbol = getattr(base, "referent", None)
            if isinstance(symbol, VarSymbol) and symbol.scope != "global":
                self._report("stat locals not supported, missing global declaration?",
                             base.tok)
                return
            self.expr(operand, STATS, value_needed=False)
        else:
            self._report("aggregate operator requires a statistic variable", operand.tok)

    def expr_HistogramOp(self, node, expected):
        self._stats_operand(node.operand)
        for param in node.params:
            self.expr(param, LONG)
        return None

    def expr_TargetSymbol(self, node, expected):
        if getattr(node, "procfs_value", False):
            return STRING
        return None

    def expr_DefinedOp(self, node, expected):
        return LONG

    def expr_EmbeddedExpr(self, node, expected):
        return STRING if "/* string */" in node.code else LONG

    def expr_Wildcard(self, node, expected):
        self._report("wildcard not allowed here", node.tok)
        return None

    def _unsupported(self, node, expected):
        return None

    expr_TargetVars = expr_CastOp = expr_AtVar = expr_AutoCast = _unsupported
    expr_EntryOp = expr_PerfOp = expr_ProbewriteOp = _unsupported

    def expr_DerefOp(self, node, expected):
        self.expr(node.size, LONG)
        self.expr(node.address, LONG)
        return LONG

    def expr_RegisterOp(self, node, expected):
        self.expr(node.register, LONG)
        return LONG


def _literal_type(node):
    return STRING if isinstance(node.value, str) else LONG


def _is_void_ok(node):
    """Expressions that need no value when used as statements."""
    return isinstance(node, (ast.PrintFormat, ast.FunctionCall, ast.HistogramOp)) or (
        isinstance(node, ast.AssignmentExpr) and node.op == "<<<")


def infer(elab):
    TypeInference(elab).run()

"""stap's pass-2 optimizations (skipped with -u), with stap's warnings.

* constant folding (`1 + 2*3` is 7, `"a" . "b"` is "ab") and dead branches
  (`if (0)`, `while (0)`);
* assignments to locals that are never read become just their right-hand
  side ("Eliding assignment to 'x'"), and expression statements without side
  effects go away ("Eliding side-effect-free expression");
* calls to side-effect-free functions whose result is unused go away;
* probes left empty go away ("Probe 'begin' has been elided");
* functions and globals no longer referenced are dropped.
The steps repeat until nothing changes, as one elision exposes another.
"""

from stap5.elaborate.program import VarSymbol
from stap5.parse import ast

_FOLDABLE_BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
    "<<": lambda a, b: a << (b & 63), ">>": lambda a, b: a >> (b & 63),
}
_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def wrap64(value):
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _literal(node):
    return isinstance(node, ast.Literal)


def _int_literal(node):
    return isinstance(node, ast.Literal) and isinstance(node.value, int)


def _make_literal(value, tok, type_):
    node = ast.Literal(value, tok=tok)
    node.type = type_
    return node


class Folder(ast.NodeVisitor):
    """Folds constant expressions bottom-up; returns replacement nodes."""

    def __init__(self):
        self.changed = False

    def fold(self, node):
        if node is None:
            return None
        for name, kind in node._fields:
            if kind == "node":
                child = getattr(node, name)
                if child is not None:
                    setattr(node, name, self.fold(child))
            elif kind == "list":
                setattr(node, name, [self.fold(child) for child in getattr(node, name)])
        method = getattr(self, "fold_" + type(node).__name__, None)
        if method is None:
            return node
        result = method(node)
        if result is not node:
            self.changed = True
        return result

    def fold_BinaryExpr(self, node):
        left, right = node.left, node.right
        if not (_int_literal(left) and _int_literal(right)):
            return node
        a, b = left.value, right.value
        op = node.op
        if op in _FOLDABLE_BINARY:
            return _make_literal(wrap64(_FOLDABLE_BINARY[op](a, b)), node.tok, "long")
        if op == ">>>":
            return _make_literal(wrap64((a & ((1 << 64) - 1)) >> (b & 63)), node.tok, "long")
        if op in ("/", "%") and b != 0:
            quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            value = quotient if op == "/" else a - b * quotient
            return _make_literal(wrap64(value), node.tok, "long")
        return node          # division by zero stays, to fail at run time as in stap

    def fold_UnaryExpr(self, node):
        operand = node.operand
        if not _int_literal(operand):
            return node
        value = operand.value
        result = {"-": -value, "+": value, "!": int(not value), "~": ~value}[node.op]
        return _make_literal(wrap64(result), node.tok, "long")

    def fold_LogicalExpr(self, node):
        left, right = node.left, node.right
        if _int_literal(left):
            if node.op == "&&" and not left.value:
                return _make_literal(0, node.tok, "long")
            if node.op == "||" and left.value:
                return _make_literal(1, node.tok, "long")
            if _int_literal(right):
                return _make_literal(int(bool(right.value)), node.tok, "long")
        return node

    def fold_ComparisonExpr(self, node):
        left, right = node.left, node.right
        if _literal(left) and _literal(right) and type(left.value) is type(right.value):
            return _make_literal(int(_COMPARE[node.op](left.value, right.value)), node.tok,
                                 "long")
        return node

    def fold_ConcatExpr(self, node):
        if _literal(node.left) and _literal(node.right) and \
                isinstance(node.left.value, str) and isinstance(node.right.value, str):
            return _make_literal(node.left.value + node.right.value, node.tok, "string")
        return node

    def fold_TernaryExpr(self, node):
        if _int_literal(node.cond):
            return node.true_expr if node.cond.value else node.false_expr
        return node

    def fold_IfStatement(self, node):
        if _int_literal(node.cond):
            chosen = node.then_stmt if node.cond.value else node.else_stmt
            return chosen if chosen is not None else ast.NullStatement(tok=node.tok)
        return node

    def fold_ForLoop(self, node):
        if node.cond is not None and _int_literal(node.cond) and not node.cond.value:
            if node.init is not None:
                return ast.ExprStatement(node.init, tok=node.tok)
            return ast.NullStatement(tok=node.tok)
        return node


def fold_defined(program):
    """@defined(...) is settled in pass 2, with or without -u."""
    class DefinedFolder(Folder):
        def fold(self, node):
            if node is None:
                return None
            for name, kind in node._fields:
                if kind == "node" and getattr(node, name) is not None:
                    setattr(node, name, self.fold(getattr(node, name)))
                elif kind == "list":
                    setattr(node, name, [self.fold(c) for c in getattr(node, name)])
            if isinstance(node, ast.DefinedOp):
                return _make_literal(int(getattr(node, "resolved", False)), node.tok, "long")
            return node
    folder = DefinedFolder()
    _fold_everywhere(program, folder)


def _fold_everywhere(program, folder):
    for probe in program.probes:
        probe.body = folder.fold(probe.body)
        if probe.condition is not None:
            probe.condition = folder.fold(probe.condition)
    for function in program.used_functions():
        if not function.embedded:
            function.body = folder.fold(function.body)


# --- side effects --------------------------------------------------------------

class Purity:
    """Which expressions and functions have side effects."""

    def __init__(self, program):
        self.program = program
        self._functions = {}

    def function_is_pure(self, function):
        key = id(function)
        if key not in self._functions:
            self._functions[key] = False      # recursion: assume impure meanwhile
            if function.embedded:
                pure = "pure" in (function.pragmas or [])
            else:
                pure = not self.has_side_effects(function.body, function)
            self._functions[key] = pure
        return self._functions[key]

    def has_side_effects(self, node, function=None):
        for child in ast.walk(node):
            if isinstance(child, (ast.AssignmentExpr, ast.PreCrement, ast.PostCrement)):
                target = child.left if isinstance(child, ast.AssignmentExpr) else child.operand
                if function is None or _writes_global(target):
                    return True
            elif isinstance(child, ast.DeleteStatement):
                if function is None or _writes_global(child.target):
                    return True
            elif isinstance(child, ast.PrintFormat):
                if not child.name.startswith("s"):
                    return True
            elif isinstance(child, ast.FunctionCall):
                referent = getattr(child, "referent", None)
                if referent is None or not self.function_is_pure(referent):
                    return True
            elif isinstance(child, (ast.EmbeddedExpr, ast.NextStatement, ast.TargetSymbol,
                                    ast.DerefOp, ast.RegisterOp)):
                return True
            elif isinstance(child, (ast.ReturnStatement,)) and function is None:
                return True
        return False


def _writes_global(target):
    base = target.base if isinstance(target, ast.ArrayIndex) else target
    symbol = getattr(base, "referent", None)
    return not isinstance(symbol, VarSymbol) or symbol.scope == "global"


# --- elision ---------------------------------------------------------------------

class Eliminator:
    def __init__(self, elab, quiet=False):
        self.quiet = quiet          # later rounds elide silently, as stap does
        self.elab = elab
        self.program = elab.program
        self.purity = Purity(self.program)
        self.changed = False

    def _reads(self):
        """Symbols read somewhere (written-only locals can be elided)."""
        read = set()

        def scan(node):
            writes = set()
            for child in ast.walk(node):
                if isinstance(child, ast.AssignmentExpr) and child.op == "=" \
                        and isinstance(child.left, ast.Symbol):
                    writes.add(id(child.left))
            for child in ast.walk(node):
                if isinstance(child, ast.Symbol) and id(child) not in writes:
                    referent = getattr(child, "referent", None)
                    if referent is not None:
                        read.add(id(referent))
        for probe in self.program.probes:
            scan(probe.body)
            if probe.condition is not None:
                scan(probe.condition)
        for function in self.program.used_functions():
            if not function.embedded:
                scan(function.body)
        return read

    def _warn(self, message, tok):
        if not self.quiet:
            self.elab.warn(message, tok)

    def run(self):
        read = self._reads()
        for probe in self.program.probes:
            probe.body = self._block(probe.body, read, None)
        for function in list(self.program.used_functions()):
            if not function.embedded:
                function.body = self._block(function.body, read, function)

    def _block(self, node, read, function):
        if isinstance(node, ast.Block):
            kept = []
            for statement in node.statements:
                statement = self._statement(statement, read, function)
                if statement is not None:
                    kept.append(statement)
            if len(kept) != len(node.statements):
                self.changed = True
            node.statements = kept
            return node
        result = self._statement(node, read, function)
        return result if result is not None else ast.NullStatement(tok=node.tok)

    def _statement(self, node, read, function):
        if isinstance(node, ast.ExprStatement):
            return self._expression_statement(node, read, function)
        if isinstance(node, ast.NullStatement):
            return None
        if isinstance(node, ast.Block):
            self._block(node, read, function)
            return node if node.statements else None
        if isinstance(node, ast.IfStatement):
            node.then_stmt = self._block(node.then_stmt, read, function)
            if node.else_stmt is not None:
                node.else_stmt = self._block(node.else_stmt, read, function)
            return node
        if isinstance(node, (ast.ForLoop, ast.ForeachLoop)):
            node.body = self._block(node.body, read, function)
            return node
        if isinstance(node, ast.TryBlock):
            self._block(node.try_block, read, function)
            self._block(node.catch_block, read, function)
            return node
        return node

    def _expression_statement(self, node, read, function):
        expr = node.expr
        if isinstance(expr, ast.AssignmentExpr) and expr.op == "=" \
                and isinstance(expr.left, ast.Symbol):
            symbol = expr.left.referent
            if symbol.scope == "local" and id(symbol) not in read:
                self._warn("Eliding assignment to '%s'" % symbol.name, expr.tok)
                self.changed = True
                node.expr = expr = expr.right
                _forget_local(self.program, function, symbol)
        if not self.purity.has_side_effects(expr, None):
            self._warn("Eliding side-effect-free expression ", expr.tok)
            if isinstance(expr, ast.FunctionCall) and getattr(expr, "referent", None):
                self._warn("side-effect-free function '%s'" % expr.name, expr.referent.tok)
            self.changed = True
            return None
        return node


def _forget_local(program, function, symbol):
    owners = [function] if function is not None else program.probes
    for owner in owners:
        locals_ = getattr(owner, "locals", {})
        if locals_.get(symbol.name) is symbol:
            still_used = any(getattr(n, "referent", None) is symbol
                             for n in ast.walk(owner.body))
            if not still_used:
                del locals_[symbol.name]


def _elide_empty_probes(elab):
    kept = []
    for probe in elab.program.probes:
        if not _is_empty(probe.body) or getattr(probe, "keep_empty", False):
            kept.append(probe)
        else:
            elab.warn("Probe '%s' has been elided" % probe.decl.points[0].components[0].functor,
                      probe.decl.tok)
    elab.program.probes = kept


def _is_empty(body):
    return isinstance(body, ast.Block) and not body.statements


def prune_unreferenced(program):
    """Drop functions and globals no longer referenced by what remains."""
    called = {}
    referenced = set()
    queue = []

    def scan(node):
        for child in ast.walk(node):
            referent = getattr(child, "referent", None)
            if isinstance(referent, ast.FunctionDecl):
                if id(referent) not in called:
                    called[id(referent)] = referent
                    queue.append(referent)
            elif isinstance(referent, VarSymbol) and referent.scope == "global":
                referenced.add(id(referent))
    for probe in program.probes:
        scan(probe.body)
        if probe.condition is not None:
            scan(probe.condition)
    while queue:
        function = queue.pop()
        if not function.embedded:
            scan(function.body)
    for name in list(program.functions):
        overloads = [f for f in program.functions[name] if id(f) in called]
        if overloads:
            program.functions[name] = overloads
        else:
            del program.functions[name]
    for key in list(program.globals):
        symbol = program.globals[key]
        if id(symbol) not in referenced and not symbol.from_cmdline:
            del program.globals[key]


def optimize(elab):
    program = elab.program
    for round_number in range(20):
        eliminator = Eliminator(elab, quiet=round_number > 0)
        eliminator.run()
        folder = Folder()
        _fold_everywhere(program, folder)
        if not folder.changed and not eliminator.changed:
            break
    _elide_empty_probes(elab)
    _unwrap_single_statements(program)
    prune_unreferenced(program)


def _unwrap_single_statements(program):
    """A body of one statement is that statement (stap prints `{ print(1) }`)."""
    def unwrap(body):
        if isinstance(body, ast.Block) and len(body.statements) == 1 \
                and not isinstance(body.statements[0], ast.Block):
            return body.statements[0]
        return body
    for probe in program.probes:
        probe.body = unwrap(probe.body)
    for function in program.used_functions():
        if not function.embedded:
            function.body = unwrap(function.body)

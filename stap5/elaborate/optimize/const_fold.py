"""Constant folding (stap's const_folder): `1 + 2*3` is 7, `"a" . "b"` is
"ab", `x * 0` is 0 when x has no side effects, `if (0)`, `for (;0;)`,
`foreach ... limit 0` and `c ? a : b` with a constant c lose their dead
parts, and `@defined` checks nobody resolved become 0.  Runs even with -u.
"""

from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.optimize.varuse import collect
from stap5.elaborate.program import LONG, STRING
from stap5.parse import ast

LLONG_MIN = -(1 << 63)
LLONG_MAX = (1 << 63) - 1


def wrap64(value):
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def number(value, tok):
    node = ast.Literal(wrap64(value), tok=tok)
    node.type = LONG
    return node


def string(value, tok):
    node = ast.Literal(value, tok=tok)
    node.type = STRING
    return node


def _int(node):
    if isinstance(node, ast.Literal) and isinstance(node.value, int):
        return node
    return None


def _str(node):
    if isinstance(node, ast.Literal) and isinstance(node.value, str):
        return node
    return None


def _c_divide(a, b):
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


class MismatchFound(Exception):
    """A folded operand turned out not to be a number (stap reports the
    binary expression's sides as not agreeing)."""

    def __init__(self, node):
        super().__init__()
        self.node = node


class ConstFolder(Rewriter):
    def __init__(self, collapse_defined=True):
        self.changed = False
        self.collapse_defined = collapse_defined
        self.mismatches = []

    def _changed(self, node):
        self.changed = True
        return node

    # --- statements --------------------------------------------------------------

    def visit_IfStatement(self, node):
        node.cond = self.replace(node.cond)
        cond = _int(node.cond)
        if cond is None:
            node.then_stmt = self.required(node.then_stmt)
            node.else_stmt = self.replace(node.else_stmt) if node.else_stmt is not None else None
            return node
        self.changed = True
        chosen = node.then_stmt if cond.value else node.else_stmt
        if chosen is None:
            return ast.NullStatement(tok=node.tok)
        return self.required(chosen)

    def visit_ForLoop(self, node):
        node.cond = self.replace(node.cond)
        cond = _int(node.cond) if node.cond is not None else None
        if cond is None or cond.value:
            node.init = self.replace(node.init)
            node.incr = self.replace(node.incr)
            node.body = self.required(node.body)
            return node
        self.changed = True
        if node.init is not None:
            init = self.replace(node.init)
            return ast.ExprStatement(init, tok=init.tok)
        return ast.NullStatement(tok=node.tok)

    def visit_ForeachLoop(self, node):
        node.limit = self.replace(node.limit)
        limit = _int(node.limit) if node.limit is not None else None
        if limit is None or limit.value > 0:
            node.indexes = [self.replace(key) for key in node.indexes]
            node.array = self.replace(node.array)
            node.array_slice = [self.replace(index) for index in node.array_slice]
            node.value = self.replace(node.value)
            node.body = self.required(node.body)
            return node
        self.changed = True
        return ast.NullStatement(tok=node.tok)

    # --- expressions -------------------------------------------------------------

    def visit_BinaryExpr(self, node):
        node.left = self.replace(node.left)
        node.right = self.replace(node.right)
        left, right = _int(node.left), _int(node.right)
        op = node.op
        if right is not None and right.value == 0 and op in ("/", "%"):
            return node             # left for run time, unless elided elsewhere
        if left is not None and right is not None:
            a, b = left.value, right.value
            if op == "+":
                value = a + b
            elif op == "-":
                value = a - b
            elif op == "*":
                value = a * b
            elif op == "&":
                value = a & b
            elif op == "|":
                value = a | b
            elif op == "^":
                value = a ^ b
            elif op == ">>":
                value = a >> max(min(b, 64), 0) if b < 64 else (a >> 63 if a < 0 else 0)
            elif op == "<<":
                value = a << max(min(b, 64), 0) if b < 64 else 0
            elif op == "/":
                value = LLONG_MIN if (a == LLONG_MIN and b == -1) else _c_divide(a, b)
            elif op == "%":
                value = 0 if (a == LLONG_MIN and b == -1) else a - b * _c_divide(a, b)
            else:
                return node
            return self._changed(number(value, node.tok))
        if (left is not None and ((left.value == 0 and op in ("*", "&", ">>", "<<"))
                                  or (left.value == -1 and op in ("|", ">>")))) or \
           (right is not None and ((right.value == 0 and op in ("*", "&"))
                                   or (right.value == 1 and op == "%")
                                   or (right.value == -1 and op in ("%", "|")))):
            other = node.right if left is not None else node.left
            if not collect(other).side_effect_free():
                return node
            self._pass_long(other, node)
            if left is not None:
                value = left.value
            elif op == "%":
                value = 0
            else:
                value = right.value
            return self._changed(number(value, node.tok))
        if (left is not None and ((left.value == 0 and op in ("+", "|", "^"))
                                  or (left.value == 1 and op == "*")
                                  or (left.value == -1 and op == "&"))) or \
           (right is not None and ((right.value == 0 and op in ("+", "-", "|", "^"))
                                   or (right.value == 1 and op in ("*", "/"))
                                   or (right.value == -1 and op == "&")
                                   or (right.value <= 0 and op in (">>", "<<")))):
            other = node.right if left is not None else node.left
            self._pass_long(other, node)
            self.changed = True
            return other
        return node

    def _pass_long(self, other, node):
        type_ = getattr(other, "type", None)
        if type_ is None:
            other.type = LONG
        elif type_ != LONG:
            self.mismatches.append(node)

    def visit_UnaryExpr(self, node):
        node.operand = self.replace(node.operand)
        operand = _int(node.operand)
        if operand is None:
            return node
        value = operand.value
        if node.op == "-":
            value = -value
        elif node.op == "!":
            value = int(not value)
        elif node.op == "~":
            value = ~value
        return self._changed(number(value, node.tok))

    def visit_LogicalExpr(self, node):
        node.left = self.replace(node.left)
        node.right = self.replace(node.right)
        left, right = _int(node.left), _int(node.right)
        if node.op == "||":
            if left is not None and right is not None:
                value = int(bool(left.value or right.value))
            elif left is not None and left.value:
                value = 1
            elif right is not None and right.value and collect(node.left).side_effect_free():
                value = 1
            else:
                return node
        else:
            if left is not None and right is not None:
                value = int(bool(left.value and right.value))
            elif left is not None and not left.value:
                value = 0
            elif right is not None and not right.value and \
                    collect(node.left).side_effect_free():
                value = 0
            else:
                return node
        return self._changed(number(value, node.tok))

    def visit_ComparisonExpr(self, node):
        node.left = self.replace(node.left)
        node.right = self.replace(node.right)
        lnum, rnum = _int(node.left), _int(node.right)
        lstr, rstr = _str(node.left), _str(node.right)
        op = node.op
        if lstr is not None and rstr is not None:
            a, b = lstr.value.encode("utf-8", "surrogateescape"), \
                rstr.value.encode("utf-8", "surrogateescape")
            comparison = (a > b) - (a < b)
        elif lnum is not None and rnum is not None:
            comparison = (lnum.value > rnum.value) - (lnum.value < rnum.value)
        elif (lnum is not None and ((lnum.value == LLONG_MIN and op in ("<=", ">"))
                                    or (lnum.value == LLONG_MAX and op in (">=", "<")))) or \
             (rnum is not None and ((rnum.value == LLONG_MIN and op in (">=", "<"))
                                    or (rnum.value == LLONG_MAX and op in ("<=", ">")))):
            other = node.right if lnum is not None else node.left
            if not collect(other).side_effect_free():
                return node
            return self._changed(number(int(len(op) == 2), node.tok))
        else:
            return node
        value = {"==": comparison == 0, "!=": comparison != 0, "<": comparison < 0,
                 ">": comparison > 0, "<=": comparison <= 0, ">=": comparison >= 0}[op]
        return self._changed(number(int(value), node.tok))

    def visit_ConcatExpr(self, node):
        node.left = self.replace(node.left)
        node.right = self.replace(node.right)
        left, right = _str(node.left), _str(node.right)
        if left is not None and right is not None:
            return self._changed(string(left.value + right.value, node.tok))
        if (left is not None and left.value == "") or (right is not None and right.value == ""):
            self.changed = True
            return node.right if left is not None else node.left
        return node

    def visit_TernaryExpr(self, node):
        node.cond = self.replace(node.cond)
        cond = _int(node.cond)
        if cond is None:
            node.true_expr = self.replace(node.true_expr)
            node.false_expr = self.replace(node.false_expr)
            return node
        self.changed = True
        return self.replace(node.true_expr if cond.value else node.false_expr)

    def visit_DefinedOp(self, node):
        resolved = getattr(node, "resolved", None)
        if resolved is not None:
            return self._changed(number(int(resolved), node.tok))
        if not self.collapse_defined:
            return node
        return self._changed(number(0, node.tok))


def fold(program, collapse_defined=True):
    """Fold every probe and function body; returns the folder (`changed`,
    `mismatches`)."""
    folder = ConstFolder(collapse_defined)
    for probe in program.probes:
        probe.body = folder.required(probe.body)
    for function in program.used_functions():
        if not function.embedded:
            function.body = folder.required(function.body)
    return folder

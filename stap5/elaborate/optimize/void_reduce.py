"""Statements whose value is discarded, made simpler (stap's opt5):
`a || b;` becomes `if (!a) b;`, `a && b;` `if (a) b;`, `c ? a : b;` an
if/else, `f(x) + g(y);` the two calls in sequence, a call of a function
without side effects (or an sprint) just the evaluation of its arguments,
and an unused target variable the evaluation of its indexes.  What is
left without effect is then removed by the dead-statement pass.
"""

from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.optimize.varuse import VarUse
from stap5.parse import ast


class VoidReducer(Rewriter):
    def __init__(self, focal):
        self.focal = focal
        self.changed = False

    # --- statements --------------------------------------------------------------

    def visit_ExprStatement(self, node):
        result = self.reduce(node.expr)
        if isinstance(result, _Statement):
            return result.statement
        node.expr = result
        return node

    def visit_IfStatement(self, node):
        node.then_stmt = self.required(node.then_stmt)
        node.else_stmt = self.replace(node.else_stmt)
        return node

    def visit_ForLoop(self, node):
        node.init = self._void(node.init)
        node.incr = self._void(node.incr)
        node.body = self.required(node.body)
        return node

    def visit_ForeachLoop(self, node):
        node.body = self.required(node.body)
        return node

    def _void(self, expr):
        """A for loop's init/increment: an expression whose value is unused
        (stap keeps it an expression there; only its subparts shrink)."""
        if expr is None:
            return None
        result = self.reduce(expr)
        return expr if isinstance(result, _Statement) else result

    def generic(self, node):
        if isinstance(node, (ast.Block, ast.TryBlock)):
            return super().generic(node)
        return node

    # --- expressions in void context -------------------------------------------

    def reduce(self, expr):
        """The expression, simplified, or a _Statement standing for it."""
        method = getattr(self, "reduce_" + type(expr).__name__, None)
        if method is None:
            return expr
        return method(expr)

    def _statements(self, tok, exprs):
        block = ast.Block([ast.ExprStatement(e, tok=e.tok) for e in exprs], tok=tok)
        self.changed = True
        return _Statement(self.replace(block))

    def reduce_LogicalExpr(self, expr):
        cond = expr.left if expr.op == "&&" else ast.UnaryExpr("!", expr.left, tok=expr.tok)
        then = ast.ExprStatement(expr.right, tok=expr.right.tok)
        statement = ast.IfStatement(cond, then, None, tok=expr.tok)
        self.changed = True
        return _Statement(self.replace(statement))

    def reduce_TernaryExpr(self, expr):
        statement = ast.IfStatement(
            expr.cond, ast.ExprStatement(expr.true_expr, tok=expr.true_expr.tok),
            ast.ExprStatement(expr.false_expr, tok=expr.false_expr.tok), tok=expr.tok)
        self.changed = True
        return _Statement(self.replace(statement))

    def reduce_BinaryExpr(self, expr):
        return self._statements(expr.tok, [expr.left, expr.right])

    reduce_ComparisonExpr = reduce_ConcatExpr = reduce_BinaryExpr

    def reduce_UnaryExpr(self, expr):
        self.changed = True
        return self.reduce(expr.operand)

    def reduce_RegexMatch(self, expr):
        self.changed = True
        return self.reduce(expr.left)

    def reduce_FunctionCall(self, expr):
        if not expr.args:
            return expr
        for function in getattr(expr, "referents", None) or ():
            use = VarUse()
            use._functions.add(id(function))
            if function.embedded:
                use.visit_EmbeddedCode(function.body)
            else:
                use.visit(function.body)
            if not use.side_effect_free_wrt(self.focal):
                return expr
        return self._statements(expr.tok, expr.args)

    def reduce_PrintFormat(self, expr):
        if not expr.name.startswith("s") or not expr.args:
            return expr
        return self._statements(expr.tok, expr.args)

    def reduce_TargetSymbol(self, expr):
        indexes = [c.index for c in expr.components if c.index is not None]
        return self._statements(expr.tok, indexes)

    def reduce_DefinedOp(self, expr):
        self.changed = True
        return _Statement(None)


class _Statement:
    """What a void expression became: a statement (None: nothing)."""

    def __init__(self, statement):
        self.statement = statement


def reduce_void_statements(elab):
    program = elab.program
    reducer = VoidReducer({id(symbol) for symbol in program.globals.values()})
    for probe in program.probes:
        probe.body = reducer.required(probe.body)
    for function in program.used_functions():
        if not function.embedded:
            function.body = reducer.required(function.body)
    return reducer.changed

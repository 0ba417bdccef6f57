"""Helpers on syntax trees used by pass 2."""

from stap5.parse import ast


def clone(node):
    """A deep copy of a syntax tree.  Tokens, source files and anything that
    is not a Node (literal values, symbols already attached) are shared."""
    if node is None:
        return None
    if isinstance(node, list):
        return [clone(item) for item in node]
    copy = node.__class__.__new__(node.__class__)
    copy.__dict__.update(node.__dict__)
    for name, kind in node._fields:
        if kind == "node":
            value = getattr(node, name)
            if value is not None:
                setattr(copy, name, clone(value))
        elif kind == "list":
            setattr(copy, name, [clone(item) for item in getattr(node, name)])
    return copy


def code_file(tok):
    """The file whose code a token belongs to: for tokens a macro expanded,
    the file of the outermost macro use."""
    origin = tok
    while origin.origin is not None:
        origin = origin.origin
    return origin.file


def conjunction(left, right):
    """`left && right` for probe point conditions (either may be None)."""
    if left is None:
        return right
    if right is None:
        return left
    return ast.LogicalExpr("&&", left, right, tok=left.tok)


def first_token(expr):
    """The leftmost token of an expression (where its statement starts)."""
    while True:
        if isinstance(expr, (ast.BinaryExpr, ast.LogicalExpr, ast.ComparisonExpr,
                             ast.ConcatExpr, ast.AssignmentExpr, ast.RegexMatch)):
            expr = expr.left
        elif isinstance(expr, ast.PostCrement):
            expr = expr.operand
        elif isinstance(expr, ast.TernaryExpr):
            expr = expr.cond
        elif isinstance(expr, ast.ArrayIndex):
            expr = expr.base
        elif isinstance(expr, ast.ArrayIn) and expr.tok is None:
            expr = expr.indexes[0]
        else:
            return expr.tok


def statements_start_at_first_token(body):
    """Give each expression statement the token it starts with, as stap's
    parser does (its diagnostics point there)."""
    for node in ast.walk(body):
        if isinstance(node, ast.ExprStatement) and node.expr is not None:
            tok = first_token(node.expr)
            if tok is not None:
                node.tok = tok


def component_token(component):
    """The token stap shows for a probe point component: a wildcard
    functor (`sys*`) is one identifier for it, while our lexer made it
    several tokens."""
    tok = component.tok
    if tok is None or getattr(tok, "kind", None) != "identifier" or tok.text == component.functor:
        return tok
    import copy
    glued = copy.copy(tok)
    glued.text = component.functor
    return glued


def with_argument(point, functor, value):
    """The probe point with the argument of its `functor` component made
    the literal `value` (a wildcard resolved: function("vfs_*") ->
    function("vfs_read"))."""
    components = []
    for component in point.components:
        if component.functor == functor:
            arg = ast.Literal(value, tok=component.arg.tok)
            component = ast.Component(functor, arg, component.from_glob, tok=component.tok)
        components.append(component)
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)

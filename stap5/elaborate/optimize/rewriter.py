"""A visitor that rebuilds trees (stap's update_visitor): `replace(node)`
visits a node and returns what should stand in its place, None to drop
it; by default a node stays, with each child replaced in turn."""

from stap5.parse import ast


class Rewriter:
    def replace(self, node):
        if node is None:
            return None
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            return self.generic(node)
        return method(node)

    def generic(self, node):
        for name, kind in node._fields:
            if kind == "node":
                child = getattr(node, name)
                if child is not None:
                    setattr(node, name, self.replace(child))
            elif kind == "list":
                replaced = (self.replace(child) for child in getattr(node, name))
                setattr(node, name, [child for child in replaced if child is not None])
        return node

    def required(self, node):
        """Replace a child that must stay (a null statement if it went)."""
        if node is None:
            return None
        result = self.replace(node)
        if result is None and isinstance(node, _STATEMENTS):
            return ast.NullStatement(tok=node.tok)
        return result


_STATEMENTS = (ast.Block, ast.TryBlock, ast.NullStatement, ast.ExprStatement, ast.IfStatement,
               ast.ForLoop, ast.ForeachLoop, ast.ReturnStatement, ast.DeleteStatement,
               ast.NextStatement, ast.BreakStatement, ast.ContinueStatement)


def is_statement(node):
    return isinstance(node, _STATEMENTS)

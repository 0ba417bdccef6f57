"""Semantic checks after types are known: lvalues, arrays modified while a
foreach iterates them, `-G` settings, and the other rules stap enforces in
pass 2."""

from stap5.elaborate.program import LONG, STATS, STRING
from stap5.parse import ast


class Checker(ast.NodeVisitor):
    def __init__(self, elab):
        self.elab = elab
        self.iterating = []          # symbols of the enclosing foreach loops

    def run(self):
        program = self.elab.program
        for probe in program.probes:
            self.visit(probe.body)
        for function in program.used_functions():
            if not function.embedded:
                self.visit(function.body)
        self._check_cmdline_globals()

    # --- writes ----------------------------------------------------------------

    def _written(self, target, op_tok):
        if isinstance(target, ast.Symbol):
            symbol = target.referent
        elif isinstance(target, ast.ArrayIndex) and isinstance(target.base, ast.Symbol):
            symbol = target.base.referent
        elif isinstance(target, ast.TargetSymbol) and getattr(target, "procfs_value", False):
            return
        else:
            self.elab.error("Expecting lvalue for assignment", target.tok)
            return
        if symbol in self.iterating:
            self.elab.error("variable '%s' modified during 'foreach' iteration" % symbol.name,
                            target.tok)

    def visit_AssignmentExpr(self, node):
        self._written(node.left, node.tok)
        self.generic_visit(node)

    def visit_PreCrement(self, node):
        self._written(node.operand, node.tok)
        self.generic_visit(node)

    visit_PostCrement = visit_PreCrement

    def visit_DeleteStatement(self, node):
        target = node.target
        if isinstance(target, (ast.Symbol, ast.ArrayIndex)):
            self._written(target, node.tok)
        else:
            self.elab.error("delete requires a variable or an array element", target.tok)
        self.generic_visit(node)

    def visit_ForeachLoop(self, node):
        symbol = getattr(node.array, "referent", None)
        if node.sort_aggregate is not None and symbol is not None and symbol.type != STATS:
            self.elab.error("invalid type %s" % symbol.type, node.array.tok)
        if symbol is not None:
            self.iterating.append(symbol)
        self.generic_visit(node)
        if symbol is not None:
            self.iterating.pop()

    # --- -G ----------------------------------------------------------------------

    def _check_cmdline_globals(self):
        program = self.elab.program
        by_name = {symbol.name: symbol for symbol in program.globals.values()
                   if symbol.private_file is None}
        for setting in self.elab.session.global_settings:
            name, _, value = setting.partition("=")
            symbol = by_name.get(name)
            if symbol is None:
                self.elab.error("Unknown global variable '%s' in -G %s" % (name, setting))
                continue
            if symbol.is_array or symbol.type not in (LONG, STRING):
                self.elab.error("-G %s: only scalar long or string globals can be set" % name)
                continue
            if symbol.type == LONG:
                try:
                    int(value, 0)
                except ValueError:
                    self.elab.error("-G %s: '%s' is not a number" % (name, value))
                    continue
            symbol.from_cmdline = True


def check(elab):
    Checker(elab).run()

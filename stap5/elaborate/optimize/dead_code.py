"""Dead code, as stap's optimizer finds it:

* unused functions (no longer called) and unused variables, with the
  "never-assigned" warnings (stap's opt1 and opt2);
* assignments to locals nobody reads become their right-hand side
  ("Eliding assignment to 'x'", opt3);
* statements without side effects go, empty blocks and loops with them,
  nested blocks flatten ("Eliding side-effect-free expression", opt4);
  probes left empty are elided ("Probe 'begin' has been elided");
* statements after an unconditional `next`/`return`/`break`/`continue`.
"""

from stap5.elaborate.astutil import code_file
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.optimize.varuse import VarUse, collect
from stap5.elaborate.similar import suggest
from stap5.parse import ast


def program_varuse(program):
    """Variable use of every probe (and the functions they call)."""
    use = VarUse()
    for probe in program.probes:
        use.visit(probe.body)
    return use


# --- opt1: functions no longer called ---------------------------------------------

def remove_unused_functions(elab):
    program = elab.program
    called = {}
    queue = []

    def scan(node):
        for child in ast.walk(node):
            for function in getattr(child, "referents", None) or ():
                if id(function) not in called:
                    called[id(function)] = function
                    queue.append(function)
    for probe in program.probes:
        scan(probe.body)
    while queue:
        function = queue.pop()
        if not function.embedded:
            scan(function.body)
    changed = False
    for name in list(program.functions):
        kept = [f for f in program.functions[name] if id(f) in called]
        if len(kept) != len(program.functions[name]):
            changed = True
        if kept:
            program.functions[name] = kept
        else:
            del program.functions[name]
    return changed


# --- opt2: unused variables ---------------------------------------------------------

def remove_unused_variables(elab, first_iteration):
    program = elab.program
    use = program_varuse(program)
    changed = False
    global_names = [symbol.name for symbol in program.globals.values()]

    def sweep(owner_locals, candidates):
        nonlocal changed
        for name, symbol in list(owner_locals.items()):
            if symbol.synthetic:
                continue
            if not use.is_read(symbol) and not use.is_written(symbol):
                if elab.is_user_file(code_file(symbol.tok).name):
                    elab.warn("Eliding unused variable '%s'" % symbol.name, symbol.tok)
                del owner_locals[name]
                changed = True
            elif not use.is_written(symbol) and first_iteration:
                others = [c for c in candidates() if c != symbol.name]
                _never_assigned(elab, "local", symbol, others)

    for probe in program.probes:
        sweep(probe.locals, lambda probe=probe: list(probe.locals) + global_names)
    for function in program.used_functions():
        if function.embedded:
            continue
        sweep(function.locals, lambda function=function: [p.name for p in function.params]
              + list(function.locals) + global_names)
    for key, symbol in list(program.globals.items()):
        if not use.is_read(symbol) and not use.is_written(symbol):
            if elab.is_user_file(code_file(symbol.tok).name):
                elab.warn("Eliding unused variable '%s'" % symbol.name, symbol.tok)
            del program.globals[key]
            changed = True
        elif not use.is_written(symbol) and symbol.init is None and not symbol.from_cmdline \
                and first_iteration:
            _never_assigned(elab, "global", symbol, global_names)
    return changed


def _never_assigned(elab, kind, symbol, candidates):
    similar = suggest(symbol.name, candidates)
    elab.warn("never-assigned %s variable '%s'%s" % (
        kind, symbol.name, " (similar: %s)" % ", ".join(similar) if similar else ""),
        symbol.tok)


# --- opt3: assignments nobody reads -----------------------------------------------

# What can be assigned to (a histogram's bucket cannot, nor @entry(...)).
_LVALUES = (ast.Symbol, ast.TargetSymbol, ast.TargetVars, ast.CastOp, ast.AtVar, ast.AutoCast,
            ast.ProbewriteOp, ast.DerefOp, ast.RegisterOp)


class NotAnLvalue(Exception):
    def __init__(self, node):
        super().__init__()
        self.error = SemanticError("Expecting lvalue for assignment", node.tok,
                                   tok2=node.left.tok)


def _is_lvalue(node):
    if isinstance(node, ast.ArrayIndex):
        return isinstance(node.base, ast.Symbol)
    return isinstance(node, _LVALUES)


class DeadAssignmentRemover(Rewriter):
    """stap finds what is assigned to as it goes: an assignment to no
    variable ends pass 2 there (its first only)."""

    def __init__(self, elab, use):
        self.elab = elab
        self.use = use
        self.changed = False

    def visit_AssignmentExpr(self, node):
        node.left = self.replace(node.left)
        node.right = self.replace(node.right)
        left = node.left
        if not _is_lvalue(left):
            raise NotAnLvalue(node)
        base = left.base if isinstance(left, ast.ArrayIndex) else left
        symbol = getattr(base, "referent", None) if isinstance(base, ast.Symbol) else None
        if symbol is None or self.use.is_read(symbol):
            return node
        if symbol.scope == "global" or symbol.synthetic:
            return node
        if not collect(left).side_effect_free():
            return node
        if self.elab.is_user_file(code_file(left.tok).name):
            self.elab.warn("Eliding assignment to '%s'" % symbol.name, node.tok)
        self.changed = True
        return node.right

    def visit_TryBlock(self, node):
        node.try_block = self.replace(node.try_block)
        if node.catch_var is not None:
            symbol = getattr(node.catch_var, "referent", None)
            if symbol is not None and not self.use.is_read(symbol):
                node.catch_var = None       # nobody looks at the message
        node.catch_block = self.replace(node.catch_block)
        return node


def remove_dead_assignments(elab):
    program = elab.program
    remover = DeadAssignmentRemover(elab, program_varuse(program))
    try:
        for probe in program.probes:
            probe.body = remover.replace(probe.body)
        for function in program.used_functions():
            if not function.embedded:
                function.body = remover.replace(function.body)
    except NotAnLvalue as wrong:
        elab.report(wrong.error)
    return remover.changed


# --- opt4: statements without effect -------------------------------------------------

class DeadStatementRemover(Rewriter):
    def __init__(self, elab):
        self.elab = elab
        self.focal = set()
        self.changed = False

    def visit_Block(self, node):
        statements = []
        for statement in node.statements:
            result = self.replace(statement)
            if result is None:
                continue
            if isinstance(result, ast.Block):
                statements.extend(result.statements)       # flatten nested blocks
                self.changed = True
            else:
                statements.append(result)
        if not statements:
            return None
        if len(statements) == 1:
            return statements[0]
        node.statements = statements
        return node

    # NB: as in stap, only an elided expression or a flattened block counts
    # as progress; an if/loop/try that goes quietly does not.

    def visit_NullStatement(self, node):
        return None

    def visit_ExprStatement(self, node):
        use = collect(node.expr)
        if use.side_effect_free_wrt(self.focal):
            if self.elab.is_user_file(code_file(node.tok).name):
                self.elab.warn("Eliding side-effect-free expression ", node.tok)
            self.changed = True
            return None
        return node

    def visit_IfStatement(self, node):
        node.then_stmt = self.replace(node.then_stmt)
        node.else_stmt = self.replace(node.else_stmt)
        if node.then_stmt is None:
            if node.else_stmt is None:
                if collect(node.cond).side_effect_free():
                    return None
                return ast.ExprStatement(node.cond, tok=node.cond.tok)
            node.cond = ast.UnaryExpr("!", node.cond, tok=node.cond.tok)
            node.then_stmt, node.else_stmt = node.else_stmt, None
        return node

    def visit_ForeachLoop(self, node):
        node.body = self.replace(node.body)
        if node.body is None:
            return None
        return node

    def visit_ForLoop(self, node):
        node.body = self.replace(node.body)
        if node.body is None:
            if collect(node.init, node.cond, node.incr).side_effect_free():
                return None
            node.body = ast.NullStatement(tok=node.tok)
        return node

    def visit_TryBlock(self, node):
        node.try_block = self.replace(node.try_block)
        node.catch_block = self.replace(node.catch_block)
        if node.try_block is None:
            return None
        if node.catch_block is None:
            node.catch_block = ast.Block([], tok=node.tok)     # catch {} is useful
        return node

    def generic(self, node):
        return node         # other statements stay as they are


def remove_dead_statements(elab):
    program = elab.program
    remover = DeadStatementRemover(elab)
    global_ids = {id(symbol) for symbol in program.globals.values()}
    empty = []
    for probe in program.probes:
        remover.focal = global_ids | {id(s) for s in probe.locals.values()}
        probe.body = remover.replace(probe.body)
        if probe.body is None:
            empty.append(probe)
    for function in program.used_functions():
        if function.embedded:
            continue
        remover.focal = global_ids | {id(s) for s in function.locals.values()} | {
            id(s) for s in function.param_symbols.values()}
        function.body = remover.replace(function.body)
        if function.body is None:
            if elab.is_user_file(code_file(function.tok).name):
                elab.warn("side-effect-free function '%s'" % function.name, function.tok)
            function.body = ast.NullStatement(tok=function.tok)
    for probe in empty:
        probe.body = ast.NullStatement(tok=probe.tok)
        if probe.synthetic:
            continue
        if elab.is_user_file(code_file(probe.tok).name):
            elab.warn("Probe '%s' has been elided" % probe.point.components[0].functor,
                      probe.tok, deferred=True)
        program.probes.remove(probe)
    return remover.changed


# --- statements that cannot be reached ----------------------------------------------

_CONTROL = (ast.ReturnStatement, ast.NextStatement, ast.BreakStatement, ast.ContinueStatement)


def remove_unreachable(elab):
    changed = False

    def visit(node):
        nonlocal changed
        for child in ast.walk(node):
            if not isinstance(child, ast.Block):
                continue
            statements = child.statements
            for position, statement in enumerate(statements[:-1]):
                if isinstance(statement, _CONTROL):
                    # (stap says nothing about it at its usual verbosity)
                    del statements[position + 1:]
                    changed = True
                    break
    for probe in elab.program.probes:
        visit(probe.body)
    for function in elab.program.used_functions():
        if not function.embedded:
            visit(function.body)
    return changed

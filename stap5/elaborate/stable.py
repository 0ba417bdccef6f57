"""Calls of "stable" functions hoisted out of a handler, as stap does.

An embedded-C function tagged `/* stable */` (and taking no argument)
returns the same value throughout one probe handler run, e.g. the name of
the probed module.  Each probe or function calling one gets a local
`__stable_<function>_value`, set once at the start of its body, and every
call becomes a read of that local.  (Not done with -u.)
"""

from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.program import VarSymbol, function_unique_name
from stap5.parse import ast


def is_stable(function):
    return function.embedded and not function.params and "/* stable */" in function.body.code


class _Hoister(Rewriter):
    def __init__(self, locals_):
        self.locals = locals_
        self.hoisted = []           # (function, VarSymbol) in order of first call

    def visit_FunctionCall(self, node):
        node.args = [self.replace(arg) for arg in node.args]
        referents = getattr(node, "referents", None) or []
        if len(referents) != 1 or not is_stable(referents[0]):
            return node
        function = referents[0]
        symbol = self._symbol(function, node.tok)
        replacement = ast.Symbol(symbol.name, tok=node.tok)
        replacement.referent = symbol
        replacement.type = symbol.type
        return replacement

    def _symbol(self, function, tok):
        for hoisted, symbol in self.hoisted:
            if hoisted is function:
                return symbol
        name = "__stable_%s_value" % function_unique_name(function)
        symbol = VarSymbol(name, "local", tok)
        symbol.type = function.inferred_type
        symbol.arity = 0
        symbol.synthetic = True
        self.locals[name] = symbol
        self.hoisted.append((function, symbol))
        return symbol


def _hoist(body, locals_):
    hoister = _Hoister(locals_)
    body = hoister.required(body)
    if not hoister.hoisted:
        return body
    statements = list(body.statements) if isinstance(body, ast.Block) else [body]
    for function, symbol in hoister.hoisted:
        target = ast.Symbol(symbol.name, tok=symbol.tok)
        target.referent = symbol
        target.type = symbol.type
        call = ast.FunctionCall(function.name, [], tok=symbol.tok)
        call.referent = function
        call.referents = [function]
        call.type = symbol.type
        assignment = ast.AssignmentExpr("=", target, call, tok=symbol.tok)
        assignment.type = symbol.type
        statements.insert(0, ast.ExprStatement(assignment, tok=symbol.tok))
    block = ast.Block(statements, tok=body.tok)
    return block


def _reached_from(probes):
    """The script functions called, directly or not, from these probes."""
    reached = set()
    pending = [probe.body for probe in probes if probe.body is not None]
    while pending:
        for node in ast.walk(pending.pop()):
            for function in getattr(node, "referents", None) or []:
                if isinstance(function, ast.FunctionDecl) and id(function) not in reached:
                    reached.add(id(function))
                    if not function.embedded:
                        pending.append(function.body)
    return reached


def hoist_stable_calls(elab):
    if elab.session.unoptimized:
        return
    program = elab.program
    # stap hoists nothing in DWARF probes, nor in the functions they call
    kept = _reached_from([p for p in program.probes if not p.family.hoists_stable_calls])
    for function in program.used_functions():
        if not function.embedded and id(function) not in kept:
            function.body = _hoist(function.body, function.locals)
    for probe in program.probes:
        if probe.family.hoists_stable_calls:
            probe.body = _hoist(probe.body, probe.locals)

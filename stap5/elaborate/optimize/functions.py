"""Function-level optimizations: overloads that can never run (an earlier
overload of the same arity never executes `next`) and functions that are
exact duplicates of another (same parameters, types and body: calls go to
the first, by unique name), as stap does."""

from stap5.elaborate.dump import ResolvedPrinter, function_signature_types
from stap5.elaborate.program import function_unique_name
from stap5.parse import ast


def _may_next(function):
    if function.embedded:
        return False
    return any(isinstance(node, ast.NextStatement) for node in ast.walk(function.body))


def remove_dead_overloads(elab):
    """Drop overloads no call can reach; returns whether anything changed."""
    program = elab.program
    dead = set()
    for node in _all_calls(program):
        referents = getattr(node, "referents", None) or []
        for position, function in enumerate(referents[:-1]):
            if not _may_next(function):
                dead.update(id(f) for f in referents[position + 1:])
                node.referents = referents[:position + 1]
                break
    if not dead:
        return False
    live = {id(f) for node in _all_calls(program) for f in getattr(node, "referents", ())}
    for name in list(program.functions):
        kept = [f for f in program.functions[name] if id(f) not in dead or id(f) in live]
        if kept:
            program.functions[name] = kept
        else:
            del program.functions[name]
    return True


def _all_calls(program):
    seen = set()
    roots = [probe.body for probe in program.probes]
    roots += [f.body for f in program.used_functions() if not f.embedded]
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.FunctionCall) and id(node) not in seen:
                seen.add(id(node))
                yield node


def _signature(function, printer):
    params = ", ".join("%s:%s" % (p.name, t) for p, t in
                       zip(function.params, function_signature_types(function)))
    if function.embedded:
        body = "%{" + function.body.code + "%}"
    else:
        body = printer.visit(function.body)
    return "(%s)\n%s" % (params, body)


def merge_duplicate_functions(elab):
    program = elab.program
    printer = ResolvedPrinter(program)
    first = {}
    duplicate_of = {}
    for function in program.used_functions():
        signature = _signature(function, printer)
        if signature in first:
            duplicate_of[id(function)] = first[signature]
        else:
            first[signature] = function
    if not duplicate_of:
        return False
    for name in list(program.functions):
        kept = [f for f in program.functions[name] if id(f) not in duplicate_of]
        if kept:
            program.functions[name] = kept
        else:
            del program.functions[name]
    bodies = [probe.body for probe in program.probes]
    bodies += [f.body for f in program.used_functions() if not f.embedded]
    for body in bodies:
        for node in ast.walk(body):
            referents = getattr(node, "referents", None)
            if not referents:
                continue
            for position, function in enumerate(referents):
                target = duplicate_of.get(id(function))
                if target is not None:
                    referents[position] = target
                    node.name = target.name
            node.referent = referents[0]
    return True


__all__ = ["remove_dead_overloads", "merge_duplicate_functions", "function_unique_name"]

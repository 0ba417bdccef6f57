"""The checks stap makes once types are known:

* an array must not be modified (an element assigned, incremented or
  deleted) inside a `foreach` over it, neither directly nor by a called
  function;
* a statistic may not be given two different histogram shapes;
* every `=~` pattern a probe can reach (through the functions it calls)
  must compile: the first bad one of each probe is reported.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.program import STATS
from stap5.parse import ast


def _modified_element(node):
    """The array element (ArrayIndex) a node assigns, increments or
    deletes, or None."""
    target = None
    if isinstance(node, ast.AssignmentExpr):
        target = node.left
    elif isinstance(node, (ast.PreCrement, ast.PostCrement)):
        target = node.operand
    elif isinstance(node, ast.DeleteStatement):
        target = node.target
    if isinstance(target, ast.ArrayIndex) and isinstance(target.base, ast.Symbol):
        return target
    return None


def _element_writes(node):
    """(ArrayIndex, VarSymbol) of array elements a tree modifies."""
    for child in ast.walk(node):
        target = _modified_element(child)
        symbol = getattr(target.base, "referent", None) if target is not None else None
        if symbol is not None:
            yield target, symbol


class ForeachMutation:
    def __init__(self, elab):
        self.elab = elab
        self.mutates = {}           # id(function) -> set of id(VarSymbol) it modifies
        self.iterating = []         # VarSymbols of the enclosing foreach loops

    def run(self):
        program = self.elab.program
        for function in program.used_functions():
            if not function.embedded:
                self.mutates[id(function)] = {id(s) for _, s in _element_writes(function.body)}
        for function in program.used_functions():
            if not function.embedded:
                self.visit(function.body)
        for probe in program.probes:
            self.visit(probe.body)

    def visit(self, node):
        if isinstance(node, ast.ForeachLoop):
            symbol = getattr(node.array, "referent", None)
            if symbol is not None:
                self.iterating.append(symbol)
            for child in node.children():
                self.visit(child)
            if symbol is not None:
                self.iterating.pop()
            return
        target = _modified_element(node)
        if target is not None:
            symbol = getattr(target.base, "referent", None)
            for iterated in self.iterating:
                if iterated is symbol:
                    template = "variable '%s' modified during 'foreach' iteration"
                    self.elab.error(template % symbol.name, target.tok, similar=template)
        if isinstance(node, ast.FunctionCall):
            for function in getattr(node, "referents", None) or ():
                modified = self.mutates.get(id(function), ())
                for iterated in self.iterating:
                    if id(iterated) in modified:
                        template = "function call modifies var '%s' during 'foreach' iteration"
                        self.elab.error(template % iterated.name, node.tok, similar=template)
        for child in node.children():
            self.visit(child)


def _check_histograms(elab):
    shapes = {}
    for node in _all_nodes(elab.program):
        if not isinstance(node, ast.HistogramOp):
            continue
        operand = node.operand
        base = operand.base if isinstance(operand, ast.ArrayIndex) else operand
        symbol = getattr(base, "referent", None)
        if symbol is None or symbol.type != STATS:
            continue
        shape = (node.kind, tuple(getattr(p, "value", None) for p in node.params))
        previous = shapes.setdefault(id(symbol), shape)
        if previous != shape:
            template = "multiple histogram types declared on '%s'"
            elab.error(template % symbol.unique_name, node.tok, similar=template)


def _all_nodes(program):
    for probe in program.probes:
        yield from ast.walk(probe.body)
    for function in program.used_functions():
        if not function.embedded:
            yield from ast.walk(function.body)


def check_entry_ops(elab):
    """@entry(...) is only for the .return probes of families that can
    save a value at entry."""
    from stap5.elaborate.dump import ResolvedPrinter, probe_point_text
    for probe in elab.program.probes:
        if getattr(probe.family, "supports_entry", lambda probe: False)(probe):
            continue
        for node in ast.walk(probe.body):
            if isinstance(node, ast.EntryOp):
                inner = SemanticError("internal error: @entry is only valid in .return probes",
                                      node.tok)
                elab.error("while processing probe %s"
                           % probe_point_text(probe, ResolvedPrinter(elab.program)),
                           chain=inner, similar="while processing probe %s")
                break


def _check_regexes(elab):
    from stap5.regex import RegexError, check_pattern
    checked = {}                    # pattern -> RegexError or None
    for probe in elab.program.probes:
        for node in _reachable_nodes(probe.body):
            if not isinstance(node, ast.RegexMatch) or \
                    not isinstance(node.pattern, ast.Literal):
                continue
            pattern = node.pattern.value
            if pattern not in checked:
                try:
                    check_pattern(pattern)
                    checked[pattern] = None
                except RegexError as exc:
                    checked[pattern] = exc
            if checked[pattern] is not None:
                # stap stops at a probe's first bad pattern; the next
                # probes' errors are "similar" whatever their pattern.
                elab.error(str(checked[pattern]), node.pattern.tok,
                           similar="regex compilation error")
                break


def _reachable_nodes(body):
    """The nodes of a probe body and of the functions it calls, in
    evaluation order (a function's body after its call's arguments),
    each function once."""
    seen = set()

    def visit(node):
        yield node
        for child in node.children():
            yield from visit(child)
        if isinstance(node, ast.FunctionCall):
            for function in getattr(node, "referents", None) or ():
                if id(function) not in seen and not function.embedded:
                    seen.add(id(function))
                    yield from visit(function.body)
    return visit(body)


def check_probe_groups(elab):
    """Each family's veto on its probes together; raises SemanticError at
    the first refusal.  stap checks this during type inference (see
    types.TypeResolution.after_sweeps)."""
    by_family = {}
    for probe in elab.program.probes:
        by_family.setdefault(probe.family, []).append(probe)
    for family, probes in by_family.items():
        family.check_group(probes)


def check(elab):
    ForeachMutation(elab).run()
    _check_histograms(elab)
    _check_regexes(elab)

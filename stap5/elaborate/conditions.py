"""Probe point conditions (`probe timer.s(1) if (enabled) { ... }`).

As in stap, a condition must not write variables or run impure embedded C;
it is put in front of the handler as `if (!(condition)) next`, so that the
handler does nothing while it is false.  It also stays on the probe
(`DerivedProbe.condition`) so that pass 3 can arm and disarm the probe when
the globals it reads change.

When any condition reads a variable, stap adds a `begin` probe that does
nothing but gives the runtime a point where every condition is evaluated
once before the other probes are armed; so do we (`condition_initializer`
is set on it, `condition_probes` lists the conditional probes).
"""

from stap5.diagnostics import SourceFile
from stap5.elaborate.astutil import clone
from stap5.elaborate.optimize.varuse import collect
from stap5.parse import ast
from stap5.parse.parser import parse_source


def add_condition_checks(elab):
    program = elab.program
    conditional = []
    for probe in list(program.probes):
        condition = probe.condition
        if condition is None:
            continue
        use = collect(condition)
        if use.written:
            elab.error("probe condition must not modify any variables", condition.tok)
        elif use.embedded_seen:
            elab.error("probe condition must not include impure embedded-C", condition.tok)
        check = ast.IfStatement(
            ast.UnaryExpr("!", clone(condition), tok=condition.tok),
            ast.NextStatement(tok=condition.tok), None, tok=condition.tok)
        probe.body = ast.Block([check, probe.body], tok=condition.tok)
        if use.read:
            conditional.append(probe)
    if conditional:
        _add_initializer(elab, conditional)


def _add_initializer(elab, conditional):
    from stap5.elaborate import derive
    source = SourceFile(conditional[0].condition.tok.file.name, "probe begin {}",
                        synthetic=True)
    stap_file, errors = parse_source(source, elab.env)
    for error in errors:
        elab.report(error)
    for decl in stap_file.probes:
        for probe in derive.derive_probe(elab, decl):
            probe.synthetic = True
            probe.condition_initializer = True
            probe.condition_probes = list(conditional)
            probe.index = len(elab.program.probes)
            elab.program.probes.append(probe)

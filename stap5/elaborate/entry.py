"""`@entry(expr)` in kprobe `.return` probes, as stap does it without
debuginfo: expr is evaluated by an extra probe at the function's entry and
saved, per thread and nesting depth, in a global array; the return probe
reads it back (and forgets it).

For `probe kprobe.function("f").return { println(@entry(e)) }` the program
gets, before the return probe, `kprobe.function("f").call` running

    _entry_tvar_tid = tid()
    __global_entry_tvar_entry_0[_entry_tvar_tid,
                                ++__global_entry_tvar_entry_0_ctr[_entry_tvar_tid]] = e

and the return probe starts with

    _entry_tvar_tid = tid()
    __global_entry_tvar_entry_0_tmp = __global_entry_tvar_entry_0[_entry_tvar_tid,
                                          __global_entry_tvar_entry_0_ctr[_entry_tvar_tid]]
    delete __global_entry_tvar_entry_0[_entry_tvar_tid,
                                       __global_entry_tvar_entry_0_ctr[_entry_tvar_tid]--]
    if (!__global_entry_tvar_entry_0_ctr[_entry_tvar_tid])
        delete __global_entry_tvar_entry_0_ctr[_entry_tvar_tid]

with @entry(e) replaced by the local __global_entry_tvar_entry_0_tmp (stap's
names, which its -p2 dump shows).  tid() comes from the tapset library.
"""

from stap5.diagnostics import SourceFile
from stap5.elaborate.astutil import clone
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.program import DerivedProbe, VarSymbol
from stap5.parse import ast
from stap5.parse.parser import parse_source

_ENTRY = """\
probe begin {
  _entry_tvar_tid = tid()
  {SAVES}
}
"""
_SAVE = "{G}[_entry_tvar_tid, ++{G}_ctr[_entry_tvar_tid]] = __entry_value_{N}"
_RETURN = """\
probe begin {
  _entry_tvar_tid = tid()
  {LOADS}
}
"""
_LOAD = """\
  {G}_tmp = {G}[_entry_tvar_tid, {G}_ctr[_entry_tvar_tid]]
  delete {G}[_entry_tvar_tid, {G}_ctr[_entry_tvar_tid]--]
  if (!{G}_ctr[_entry_tvar_tid]) delete {G}_ctr[_entry_tvar_tid]
"""


def has_entry_ops(probe):
    return any(isinstance(node, ast.EntryOp) for node in ast.walk(probe.body))


class _Replace(Rewriter):
    """@entry(e) -> the saved copy; collects the operands."""

    def __init__(self, next_number):
        self.next_number = next_number
        self.saved = []         # (global name, operand)

    def visit_EntryOp(self, node):
        name = "__global_entry_tvar_entry_%d" % self.next_number()
        self.saved.append((name, node.operand))
        return ast.Symbol(name + "_tmp", tok=node.tok)


def _statements(elab, template, tok):
    source = SourceFile(tok.file.name if tok is not None else "<entry>", template,
                        synthetic=True)
    stap_file, errors = parse_source(source, elab.env)
    for error in errors:
        elab.report(error)
    return stap_file.probes[0].body.statements if stap_file.probes else []


def _substitute(statements, values):
    """Put the saved expressions where the template has `__entry_value_N`."""
    class Substitute(Rewriter):
        def visit_Symbol(self, node):
            if node.name.startswith("__entry_value_"):
                return clone(values[int(node.name[len("__entry_value_"):])])
            return node
    substitute = Substitute()
    return [substitute.replace(statement) for statement in statements]


def _entry_point(point):
    """`kprobe.function("f").return[.maxactive(N)]` ->
    `kprobe.function("f").call[.maxactive(N)]` (stap keeps the rest)."""
    components = []
    for component in point.components:
        if component.functor == "return":
            component = ast.Component("call", None, False, tok=component.tok)
        components.append(component)
    return ast.ProbePoint(components, point.optional, point.sufficient, None, tok=point.tok)


def expand(elab, probe):
    """The probes replacing a kprobe .return probe that uses @entry: the
    entry probe, then the return probe itself (rewritten)."""
    replace = _Replace(elab.next_entry_number)
    probe.body = replace.replace(probe.body)
    tok = probe.body.tok
    for name, _ in replace.saved:
        for suffix, arity in (("", 2), ("_ctr", 1)):
            elab.declare_synthetic_global(name + suffix, arity, tok)
    saves = "\n  ".join(_SAVE.replace("{G}", name).replace("{N}", str(number))
                        for number, (name, _) in enumerate(replace.saved))
    entry_body = _substitute(_statements(elab, _ENTRY.replace("{SAVES}", saves), tok),
                             [operand for _, operand in replace.saved])
    loads = "".join(_LOAD.replace("{G}", name) for name, _ in replace.saved)
    return_prefix = _statements(elab, _RETURN.replace("{LOADS}", loads), tok)
    probe.body = ast.Block(return_prefix + [probe.body], tok=tok)
    entry = DerivedProbe(_entry_point(probe.point), probe.family,
                         ast.Block(entry_body, tok=tok), probe.decl, probe.chain)
    entry.params = probe.family.entry_params(probe)
    entry.probe_tok = probe.probe_tok
    entry.scope = probe.scope
    entry.entry_saver_for = probe
    return [entry, probe]


def make_global(name, arity, tok):
    symbol = VarSymbol(name, "global", tok)
    symbol.raw_unique_name = True       # stap's name already has its prefix
    symbol.synthetic = True
    symbol.set_arity(arity, tok)
    return symbol

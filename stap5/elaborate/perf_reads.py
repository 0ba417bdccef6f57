"""`@perf("name")`: the count of the script's `.counter("name")` perf
probe (elaborate/probes/perf.py), read in the probes of families that
allow it (stap's DWARF probes: `reads_perf_counters`).

As in stap, each counter a probe reads becomes a context local
`__perf_read_NAME` (elaborate/context_locals.py), filled when the probe
starts (pass 3: `stp_perf_read()` of runtime/probes/perf.c), so that all
its reads in one run of the handler see one value:

    println(@perf("insns"))     ->  println(__perf_read_insns)

The counter must be defined by then (a `.counter` probe earlier in the
script).  Elsewhere @perf stays as it is, and pass 3 refuses it as stap
does ("cannot translate general @perf expression").
"""

from stap5.elaborate import context_locals
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.probes.perf import perf_counters
from stap5.parse import ast

PREFIX = "__perf_read_"


def uses_perf(body):
    return any(isinstance(node, ast.PerfOp) for node in ast.walk(body))


def expand(elab, probe):
    if not probe.family.reads_perf_counters or not uses_perf(probe.body):
        return
    probe.body = _Reads(elab, probe).required(probe.body)


def counter_of(symbol):
    """The counter name a context local of @perf reads, or None."""
    name = symbol.name
    if getattr(symbol, "context", False) and name.startswith(PREFIX):
        return name[len(PREFIX):]
    return None


class _Reads(Rewriter):
    def __init__(self, elab, probe):
        self.elab = elab
        self.probe = probe

    def visit_PerfOp(self, node):
        if node.name not in perf_counters(self.elab):
            # (reported on its own, as stap does)
            self.elab.report(SemanticError("perf counter '%s' not defined" % node.name))
            return node
        return context_locals.reference(self.probe, PREFIX + node.name, node.tok)

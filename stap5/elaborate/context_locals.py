"""Context locals: locals of a probe that the probe's runtime fills before
its handler runs, as stap names them: netfilter's `$skb` is the local
`__nf_skb`, `@perf("insns")` the local `__perf_read_insns`.

As in stap they come first among the probe's locals, sorted by name, are
never elided (unused or never assigned), and -L lists them.  What fills
them is pass 3's business: the family's `local_initializers` (netfilter),
or the translator's perf reads.
"""

from stap5.elaborate.program import VarSymbol
from stap5.parse import ast


def reference(probe, name, tok):
    """A Symbol node naming the probe's context local `name` (made on
    first use)."""
    symbol = probe.locals.get(name)
    if symbol is None:
        symbol = VarSymbol(name, "local", tok)
        symbol.type = "long"
        symbol.set_arity(0, tok)
        symbol.synthetic = True     # never elided
        symbol.listed = True        # but shown by -L
        symbol.context = True
        probe.locals[name] = symbol
        _sort(probe)
    node = ast.Symbol(name, tok=tok)
    node.referent = symbol
    node.type = "long"
    return node


def context_locals(probe):
    """The probe's context locals, in order."""
    return [symbol for symbol in probe.locals.values() if getattr(symbol, "context", False)]


def _sort(probe):
    context = sorted(context_locals(probe), key=lambda symbol: symbol.name)
    ordered = {symbol.name: symbol for symbol in context}
    for name, symbol in probe.locals.items():
        ordered.setdefault(name, symbol)
    probe.locals = ordered

"""Probe families stap5 knows the shape of but cannot run yet:
perf counters.

They are matched (so that a script naming them gets this explanation
rather than "probe point mismatch") and refused.  To implement one, write
its module and remove its shapes from here.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import ProbeFamily


class Unsupported(ProbeFamily):
    available = False
    def __init__(self, name, what, patterns):
        self.name = name
        self.what = what
        self.patterns = tuple(patterns)

    def derive(self, elab, point, args):
        raise SemanticError("%s are not supported by stap5 yet" % self.what)


FAMILIES = [
    Unsupported("perf", "perf counter probes",
                ["perf.type(number).config(number)",
                 "perf.type(number).config(number).sample(number)",
                 "perf.type(number).config(number).hz(number)",
                 "perf.type(number).config(number).process",
                 "perf.type(number).config(number).process(string)",
                 "perf.type(number).config(number).counter(string)"]),
]

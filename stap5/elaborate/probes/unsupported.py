"""Probe families stap5 knows the shape of but cannot run yet:
user-space probes (uprobes).

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


_PROCESS = []
for _target in ("process", "process(string)", "process(number)"):
    _PROCESS += [_target + s for s in (
        ".begin", ".end", ".thread.begin", ".thread.end", ".syscall", ".syscall.return",
        ".function(string)", ".function(string).call", ".function(string).return",
        ".function(number)", ".statement(string)", ".statement(number)",
        ".mark(string)", ".provider(string).mark(string)", ".insn", ".insn.block")]

FAMILIES = [
    Unsupported("uprobe", "user-space probes (process)", _PROCESS),
]

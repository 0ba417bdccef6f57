"""`begin`, `end` and `error` probes (with an optional priority), and `never`.

begin probes run when the session starts, end probes when it ends, error
probes when it ends because of a runtime error; within each kind, lower
priority numbers run first (ties in script order).

params: `priority` (int, 0 when not given); `never` has none.

The runtime runs them itself (runtime/probes/be.c, part of the core).
"""

from stap5.elaborate.probes.registry import CSymbol, ProbeFamily, RuntimeTable

BE = RuntimeTable("be", "probes/be.c", order=0, registered=False)


class SessionProbes(ProbeFamily):
    """begin / end / error, each with an optional `(priority)`."""

    runtime = BE

    def __init__(self, name):
        self.name = name
        self.patterns = (name, "%s(number)" % name)

    def derive(self, elab, point, args):
        priority = args.get(self.name) or 0
        return [(point, {"priority": priority})]

    def probe_type(self, probe):
        return "begin_end"

    def c_fields(self, probe):
        return {"when": CSymbol("STP_BE_" + self.name.upper()),
                "priority": probe.params["priority"]}


class NeverProbe(ProbeFamily):
    """`never`: a probe that is never run (its body is still checked)."""

    name = "never"
    patterns = ("never",)

    def derive(self, elab, point, args):
        return [(point, {})]


FAMILIES = [SessionProbes("begin"), SessionProbes("end"), SessionProbes("error"),
            NeverProbe()]

"""`begin`, `end` and `error` probes (with an optional priority), and `never`.

begin probes run when the session starts, end probes when it ends, error
probes when it ends because of a runtime error; within each kind, lower
priority numbers run first (ties in script order).

params: `priority` (int, 0 when not given); `never` has none.
"""

from stap5.elaborate.probes.registry import ProbeFamily


class SessionProbes(ProbeFamily):
    """begin / end / error, each with an optional `(priority)`."""

    def __init__(self, name):
        self.name = name
        self.patterns = (name, "%s(number)" % name)

    def derive(self, ctx, point, args):
        priority = args.get(self.name) or 0
        return [(point, {"priority": priority})]


class NeverProbe(ProbeFamily):
    """`never`: a probe that is never run (its body is still checked)."""

    name = "never"
    patterns = ("never",)

    def derive(self, ctx, point, args):
        return [(point, {})]


FAMILIES = [SessionProbes("begin"), SessionProbes("end"), SessionProbes("error"),
            NeverProbe()]

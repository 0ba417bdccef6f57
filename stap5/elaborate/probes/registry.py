"""Probe families: the built-in kinds of probe points.

Each family (one module per family in this package) declares the probe
point shapes it accepts, e.g. ``timer.ms(number).randomize(number)``, and
derives concrete probes from a matched point.  The match tree
(stap5/elaborate/match_tree.py) puts the families' shapes and the probe
aliases side by side, as stap does.
"""

import re

_COMPONENT = re.compile(r"([A-Za-z_*][A-Za-z0-9_*]*)(?:\((number|string)\))?$")


def parse_pattern(pattern):
    """"timer.ms(number)" -> [("timer", None), ("ms", "number")]."""
    components = []
    for part in pattern.split("."):
        match = _COMPONENT.match(part)
        if not match:
            raise ValueError("bad probe pattern %r" % pattern)
        components.append((match.group(1), match.group(2)))
    return components


def pattern_text(components):
    return ".".join(f if k is None else "%s(%s)" % (f, k) for f, k in components)


class ProbeFamily:
    """A kind of built-in probe.  Subclasses set `name` (pass 3 dispatches
    on it), `patterns`, and implement `derive`."""

    name = None
    patterns = ()
    # Whether handlers of this family run in a context with registers of a
    # probed kernel function (kprobes) — decides what context functions mean.
    has_registers = False
    # False for families only recognized to be refused (not listed by
    # --dump-probe-types).
    available = True
    # Whether -p2 shows the derivation of a probe as its concrete point
    # alone, without the aliases it came through (stap's DWARF probes).
    chain_is_point = False
    # Whether calls of /* stable */ functions in its handlers are hoisted
    # into locals (stap does not in DWARF probes).
    hoists_stable_calls = True

    def derive(self, ctx, point, args):
        """Return a list of (ProbePoint, params dict) for one matched point.

        `args` maps each component functor of the point to the user's
        argument value (int or str), or None when it had none.  `ctx` (the
        Elaborator) gives the session, diagnostics and `deriving_tok` (the
        probe's token).  Raise StapError or SemanticError to refuse the
        point (the message may be a callable, computed only if reported)."""
        raise NotImplementedError

    def supports_entry(self, probe):
        """Whether `@entry(...)` may be used in this derived probe."""
        return False

    def check_group(self, probes):
        """Refuse (raise SemanticError) a set of this family's probes that
        cannot live in one module; called once the optimizer has dropped
        the empty ones (stap's "probe group" enrolment)."""


class Registry:
    """The families, in registration order."""

    def __init__(self, families=()):
        self.families = list(families)

    def register(self, family):
        self.families.append(family)

    def all_patterns(self):
        """Every registered point shape, sorted (for --dump-probe-types)."""
        return sorted({pattern for family in self.families for pattern in family.patterns})

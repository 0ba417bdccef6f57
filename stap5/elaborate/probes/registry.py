"""The registry of built-in probe families, matched component by component.

Each family (one module per family in this package) declares the probe
point shapes it accepts, e.g. ``timer.ms(number).randomize(number)``; the
registry builds a match tree from them, like stap's.  A user's point
``timer.ms(100)`` walks the tree component by component (functors may be
globs: ``timer.*``); each complete match gives the family the component
arguments it needs to derive concrete probes.
"""

import fnmatch
import re

from stap5.diagnostics import StapError

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
    """A kind of built-in probe.  Subclasses set `name`, `patterns` and
    implement `derive`."""

    name = None
    patterns = ()
    # Whether handlers of this family run in a context with registers of a
    # probed kernel function (kprobes) — decides what context functions mean.
    has_registers = False

    def derive(self, ctx, point, args):
        """Return a list of (ProbePoint, params dict) for one matched point.

        `args` maps each component functor of the matched pattern to the
        user's argument value (int or str), or None when it had none.
        `ctx` (an Elaborator) gives the session, symbols and diagnostics.
        Raise StapError to refuse the point."""
        raise NotImplementedError

    def describe(self, params):
        """A short description for diagnostics and listings."""
        return self.name


class _Node:
    __slots__ = ("children", "terminals")

    def __init__(self):
        self.children = {}          # (functor, argkind) -> _Node
        self.terminals = []         # (family, pattern components) ending here


class Registry:
    def __init__(self, families=()):
        self.root = _Node()
        self.families = []
        for family in families:
            self.register(family)

    def register(self, family):
        self.families.append(family)
        for pattern in family.patterns:
            components = parse_pattern(pattern)
            node = self.root
            for key in components:
                node = node.children.setdefault(key, _Node())
            node.terminals.append((family, components))

    def all_patterns(self):
        """Every registered point shape, sorted (for --dump-probe-types)."""
        found = []

        def walk(node, prefix):
            if node.terminals:
                found.append(pattern_text(prefix))
            for key, child in node.children.items():
                walk(child, prefix + [key])
        walk(self.root, [])
        return sorted(set(found))

    def match(self, components):
        """Match a user's components.  Returns (matches, failure) where
        matches is a list of (family, args) and failure, when there is no
        match, is (component_index, candidate_names) for the diagnostic."""
        matches = []
        deepest = [0, set()]

        def walk(node, index, args):
            if index == len(components):
                for family, _pattern in node.terminals:
                    matches.append((family, dict(args)))
                return
            component = components[index]
            functor = component.functor
            arg = component.arg
            kind = _argument_kind(arg)
            progressed = False
            for (name, argkind), child in node.children.items():
                if not _functor_matches(functor, name):
                    continue
                if argkind != kind:
                    continue
                progressed = True
                args.append((name, None if arg is None else arg.value))
                walk(child, index + 1, args)
                args.pop()
            if not progressed and index >= deepest[0]:
                if index > deepest[0]:
                    deepest[1] = set()
                deepest[0] = index
                deepest[1].update(name for name, _ in node.children)

        walk(self.root, 0, [])
        if matches:
            return _dedupe(matches), None
        return [], (deepest[0], sorted(deepest[1]))


def _dedupe(matches):
    seen = set()
    out = []
    for family, args in matches:
        key = (id(family), tuple(args.items()) if isinstance(args, dict) else tuple(args))
        if key not in seen:
            seen.add(key)
            out.append((family, args))
    return out


def _argument_kind(arg):
    if arg is None:
        return None
    return "string" if isinstance(arg.value, str) else "number"


def _functor_matches(pattern, name):
    if "*" in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    return pattern == name


def similar_names(wanted, candidates, limit=5):
    """The candidates closest to `wanted` (stap's "similar: ..." hints)."""
    scored = []
    for candidate in candidates:
        distance = levenshtein(wanted, candidate)
        if distance <= max(len(wanted), 3):
            scored.append((distance, candidate))
    scored.sort()
    return [name for _, name in scored[:limit]]


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def require_positive(value, tok, what):
    if value is None or value <= 0:
        raise StapError("%s must be positive" % what, tok, kind="semantic error")
    return value

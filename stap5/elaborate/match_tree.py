"""The tree probe points are matched against, as in stap: built-in probe
families and probe aliases side by side, one component per level.

A node's children are keyed by functor and argument kind (`ms(number)`,
`function(string)`, `begin`); a node where a family pattern or an alias
name ends holds that "builder".  A point walks the tree component by
component:

* an exact component goes to its child; when there is none, the builders
  of the current node get the rest of the point as a suffix (only aliases
  accept one: `tick.randomize(10)` for `probe tick = timer.ms(100)`);
* a wildcard component (`timer.*`, `sys*`) tries every matching child,
  ignoring their failures unless none matched;
* at the end of the point, the node's builders derive probes.
"""

import fnmatch

from stap5.elaborate.astutil import component_token
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import parse_pattern
from stap5.elaborate.similar import suggest


class MatchKey:
    __slots__ = ("functor", "kind")

    def __init__(self, functor, kind):
        self.functor = functor
        self.kind = kind            # None, "number" or "string"

    def key(self):
        return (self.functor, self.kind)

    def text(self):
        return self.functor if self.kind is None else "%s(%s)" % (self.functor, self.kind)

    def sort_key(self):
        return (self.functor, self.kind is not None, self.kind or "")


def argument_kind(component):
    arg = component.arg
    if arg is None:
        return None
    value = getattr(arg, "value", None)
    return "string" if isinstance(value, str) else "number"


def is_glob(functor):
    return "*" in functor or "?" in functor or "[" in functor


class MatchNode:
    __slots__ = ("children", "builders")

    def __init__(self):
        self.children = {}          # (functor, kind) -> (MatchKey, MatchNode)
        self.builders = []

    def child(self, key):
        entry = self.children.get(key.key())
        if entry is None:
            entry = self.children[key.key()] = (key, MatchNode())
        return entry[1]

    def sorted_children(self):
        return sorted(self.children.values(), key=lambda entry: entry[0].sort_key())


class FamilyBuilder:
    """A built-in family's pattern ending at a node."""

    def __init__(self, family, pattern):
        self.family = family
        self.pattern = pattern      # [(functor, kind)]

    def build(self, deriver, point, suffix):
        if suffix:
            raise SemanticError("invalid suffix for probe")
        deriver.build_family(self.family, point)


class AliasBuilder:
    """A probe alias whose name ends at a node.  `source` is the AliasDecl,
    or the path of the library file defining it (parsed when first used)."""

    def __init__(self, name, source):
        self.name = name            # tuple of functors
        self.source = source

    def build(self, deriver, point, suffix):
        deriver.build_alias(self, point, suffix)


class MatchTree:
    def __init__(self):
        self.root = MatchNode()
        # Aliases not yet in the tree, by first functor: the library has
        # thousands, a script's points name a few (see add_alias_later).
        self._pending = {}

    def add(self, pattern, builder):
        node = self.root
        for functor, kind in pattern:
            node = node.child(MatchKey(functor, kind))
        if builder is not None:
            node.builders.append(builder)

    def add_alias_later(self, functors, source):
        """Like add_alias, done when a point first reaches that name."""
        self._pending.setdefault(functors[0], []).append((functors, source))

    def _load(self, first_functor_pattern):
        """Put in the tree the pending aliases a first component can match."""
        if not self._pending:
            return
        if is_glob(first_functor_pattern):
            names = [n for n in self._pending if fnmatch.fnmatchcase(n, first_functor_pattern)]
        else:
            names = [first_functor_pattern] if first_functor_pattern in self._pending else []
        for name in names:
            for functors, source in self._pending.pop(name):
                self.add_alias(functors, source)

    def load_all(self):
        for name in list(self._pending):
            self._load(name)

    def first_functors(self):
        """Every functor a point may start with."""
        names = {key.functor for key, _ in self.root.children.values()}
        names.update(self._pending)
        return names

    def add_family(self, family):
        for text in family.patterns:
            pattern = parse_pattern(text)
            self.add(pattern, FamilyBuilder(family, pattern))

    def add_alias(self, functors, source):
        """An alias name (source None: only the nodes, for a name stap
        refused half-way)."""
        builder = AliasBuilder(tuple(functors), source) if source is not None else None
        self.add([(functor, None) for functor in functors], builder)

    # --- matching ----------------------------------------------------------------

    def find_and_build(self, deriver, point):
        """Derive the probes of one point (results go to the deriver); raise
        SemanticError when it matches nothing and is not optional."""
        if point.components:
            self._load(point.components[0].functor)
        self._walk(self.root, deriver, point, 0)

    def _walk(self, node, deriver, point, pos):
        components = point.components
        if pos == len(components):
            if node is self.root:
                self.load_all()
            if not node.builders:
                follow = "".join(" " + key.text() for key, _ in node.sorted_children())
                raise SemanticError("probe point truncated (follow: %s)" % follow,
                                    component_token(components[-1]),
                                    similar="probe point truncated (follow: %s)")
            for builder in node.builders:
                builder.build(deriver, point, [])
            return
        component = components[pos]
        kind = argument_kind(component)
        if is_glob(component.functor):
            before = deriver.result_count()
            # `**` also matches the components after the one it matches:
            # `perf.**` reaches perf.hw.cpu_cycles, `perf.hw**` perf.hw_cache.l1d...
            deep = "**" in component.functor
            pattern = component.functor.replace("**", "*") if deep else component.functor
            for key, child in node.sorted_children():
                if key.kind != kind or not fnmatch.fnmatchcase(key.functor, pattern):
                    continue
                concrete = deriver.with_functor(point, pos, key.functor)
                deeper = [concrete]
                if deep:
                    deeper.append(deriver.with_component(concrete, pos + 1, "**"))
                for each in deeper:
                    try:
                        self._walk(child, deriver, each, pos + 1)
                    except SemanticError:
                        pass        # only an error if no match at all
            if deriver.result_count() == before:
                self._try_suffix(node, deriver, point, pos)
            if deriver.result_count() == before and not deriver.optional(point):
                raise SemanticError("probe point mismatch: didn't find any wildcard matches%s"
                                    % self._similar(node, component.functor),
                                    component_token(component),
                                    similar="probe point mismatch: didn't find any wildcard")
            return
        entry = node.children.get((component.functor, kind))
        if entry is not None:
            self._walk(entry[1], deriver, point, pos + 1)
            return
        before = deriver.result_count()
        self._try_suffix(node, deriver, point, pos)
        if deriver.result_count() == before and not deriver.optional(point):
            raise SemanticError("probe point mismatch%s" % self._similar(node, component.functor),
                                component_token(component), similar="probe point mismatch%s")

    def _try_suffix(self, node, deriver, point, pos):
        suffix = point.components[pos:]
        for builder in node.builders:
            try:
                builder.build(deriver, point, suffix)
            except SemanticError as error:
                if getattr(error, "recursive", False):
                    raise
                if not deriver.optional(point):
                    # stap keeps the message, not its chain, at the suffix
                    raise SemanticError(error.lazy_message(),
                                        component_token(point.components[pos]),
                                        similar=error._similar) from None

    def _similar(self, node, functor):
        names = [key.functor for key, _ in node.children.values()]
        if node is self.root:
            names = self.first_functors()
        found = suggest(functor, names)
        return " (similar: %s)" % ", ".join(found) if found else ""

    def listing(self):
        """Every point shape the tree accepts (for --dump-probe-types)."""
        self.load_all()
        found = []

        def walk(node, prefix):
            if node.builders:
                found.append(".".join(prefix))
            for key, child in node.sorted_children():
                walk(child, prefix + [key.text()])
        walk(self.root, [])
        return found

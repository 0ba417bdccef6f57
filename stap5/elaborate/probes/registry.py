"""Probe families: the built-in kinds of probe points, both halves of each.

Each family (one module per family in this package) declares the probe
point shapes it accepts, e.g. ``timer.ms(number).randomize(number)``, and
derives concrete probes from a matched point (pass 2); it also says how
its probes run (pass 3): the runtime file that places them, and the C
fields of each probe's entry in that file's table.  The match tree
(stap5/elaborate/match_tree.py) puts the families' shapes and the probe
aliases side by side, as stap does; the translator builds the module's
probe tables from the families alone (templates/module.c.j2), so adding a
family is one module here plus one runtime file or template.
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


class RuntimeTable:
    """The C half of one or more families: a file of the runtime with

        struct stp_NAME_probe { struct stp_probe probe; ...fields... };
        int stp_NAME_register(struct stp_NAME_probe *probes, unsigned n);
        void stp_NAME_unregister(struct stp_NAME_probe *probes, unsigned n);

    The generated module includes the file when the script has such probes,
    fills one array `gen_NAME_probes[]` with them and registers the tables
    in `order` (lower first), unregistering in reverse.  Families sharing a
    mechanism share a table (kprobe.function and kernel.function are both
    kprobes).  `registered` False: the core runs them itself (begin/end).
    `template`: a template of templates/ whose `declarations(probes)` macro
    emits per-module C the table needs (rendered before the tables), or
    None."""

    def __init__(self, name, file, order, registered=True, template=None):
        self.name = name
        self.file = file
        self.order = order
        self.registered = registered
        self.template = template

    @property
    def struct(self):
        return "stp_%s_probe" % self.name

    def __repr__(self):
        return "RuntimeTable(%s)" % self.name


class CSymbol(str):
    """A C identifier as the value of a probe field (an enum constant):
    written as is, not as a string literal."""


class ProbeFamily:
    """A kind of built-in probe.  Subclasses set `name`, `patterns` and
    `runtime`, and implement `derive` and `c_fields`."""

    name = None
    patterns = ()
    # The table its probes go in (None: they never run, like `never`).
    runtime = None
    # Whether -p2 shows the derivation of a probe as its concrete point
    # alone, without the aliases it came through (stap's DWARF probes).
    chain_is_point = False
    # Whether -l/-L and that -p2 derivation show the point as the family
    # matched it (`perf...hz(100)`) rather than as derived (`...sample(100)`).
    shows_matched_point = False
    # Whether calls of /* stable */ functions in its handlers are hoisted
    # into locals (stap does not in DWARF probes).
    hoists_stable_calls = True
    # Whether its handlers may read perf counters with @perf (stap's DWARF
    # probes; elaborate/perf_reads.py).
    reads_perf_counters = False

    # --- pass 2 ----------------------------------------------------------------

    def derive(self, elab, point, args):
        """Return a list of (ProbePoint, params dict) for one matched point.

        `args` maps each component functor of the point to the user's
        argument value (int or str), or None when it had none.  `elab` (the
        Elaborator) gives the session, diagnostics and `deriving_tok` (the
        probe's token).  Raise StapError or SemanticError to refuse the
        point (the message may be a callable, computed only if reported)."""
        raise NotImplementedError

    def supports_entry(self, probe):
        """Whether `@entry(...)` may be used in this derived probe."""
        return False

    def entry_params(self, probe):
        """The params of the probe saving a .return probe's @entry values at
        the function's entry (elaborate/entry.py)."""
        return dict(probe.params, **{"return": False, "maxactive": None})

    def expand_context(self, elab, probe):
        """Rewrite what the handler names of the probed event that is not
        a Scope's target variable (netfilter's $skb...), before symbols
        are resolved."""

    def rewrite_resolved(self, elab, probe):
        """Rewrite the probe once its handler's symbols are resolved (a
        perf counter's handler never runs: stap makes it `next`)."""

    def check_group(self, probes):
        """Refuse (raise SemanticError) a set of this family's probes that
        cannot live in one module; called once the optimizer has dropped
        the empty ones (stap's "probe group" enrolment)."""

    # --- pass 3 ----------------------------------------------------------------

    def probe_type(self, probe):
        """What `probe_type()` says in this probe's handler."""
        return self.runtime.name if self.runtime else ""

    def is_return(self, probe):
        """Whether the probe fires on a function's return (`is_return()`)."""
        return False

    def relocates_kernel_addresses(self, probe):
        """Whether the probe's fields hold link-time kernel addresses that
        the runtime relocates by the kernel's KASLR offset (the module
        then carries the anchor of runtime/target.c)."""
        return False

    def c_fields(self, probe):
        """The probe's fields in its runtime table, beyond the common ones:
        {field: value}, a value being an int, bool, str (a C string), None
        (NULL) or CSymbol."""
        return {}

    def local_initializers(self, probe):
        """Locals of the probe the runtime fills before its handler's body
        runs: [(VarSymbol, {name: value})], rendered by the `initialize`
        macro of its table's template with (C lvalue, values) pairs (a
        tracepoint's arguments copied into their locals)."""
        return []


class Registry:
    """The families, in registration order."""

    def __init__(self, families=()):
        self.families = list(families)

    def register(self, family):
        self.families.append(family)

    def all_patterns(self):
        """Every registered point shape, sorted (for --dump-probe-types)."""
        return sorted({pattern for family in self.families for pattern in family.patterns})

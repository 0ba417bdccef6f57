"""`kernel.trace("name")` probes: the kernel's tracepoints, by name
("sched_switch"), by system and name ("sched:sched_switch"), either part
a glob ("sched:*", "*:sys_enter", "sched_*").

Each derived probe is `kernel.trace("system:name")` (as stap prints it),
with the tracepoint's parameters as target variables ($prev, $next...,
see stap5/kernel/tracepoints): no debuginfo is involved, and no query
module is compiled (4.8 compiles one per trace header, the first time).
At run time the module attaches to the tracepoint by name through the
kernel's tracepoint API (runtime/probes/tracepoints.c), a module's
tracepoint as soon as the module is loaded.

params: `name` (the tracepoint), `system`, `nargs`; the probe's `scope` is
its TracepointScope (the Variables, each an ("arg", i) of the callback).
"""

from stap5.elaborate.astutil import with_argument
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable
from stap5.elaborate.similar import suggest
from stap5.elaborate.unordered_map import iteration_order
from stap5.kernel import ctype, kernel_target
from stap5.kernel.tracepoints import tracepoint_table

# The runtime's callback takes this many arguments after its data pointer
# (Debian 6.1's largest tracepoint has 12).
MAX_ARGUMENTS = 12

TRACEPOINTS = RuntimeTable("tracepoint", "probes/tracepoints.c", order=25,
                           template="tracepoints.j2")


class Tracepoint(ProbeFamily):
    name = "tracepoint"
    patterns = ("kernel.trace(string)",)
    runtime = TRACEPOINTS

    def probe_type(self, probe):
        return "kernel_tracepoint"

    def c_fields(self, probe):
        return {"name": probe.params["name"]}

    def local_initializers(self, probe):
        """Each argument the handler uses, into its __tracepoint_arg_NAME
        local (elaborate/tvars), converted to its type: `conversion` is the
        C type the 64-bit slot is cast to first."""
        initializers = []
        for index, variable in enumerate(probe.scope.parameters()):
            symbol = probe.locals.get("__tracepoint_arg_" + variable.name)
            if symbol is not None:
                initializers.append((symbol, {"index": index,
                                              "conversion": _conversion(variable.type)}))
        return initializers

    def derive(self, ctx, point, args):
        pattern = args["trace"]
        try:
            table = tracepoint_table(kernel_target(ctx.session))
        except LookupError as exc:
            raise SemanticError(str(exc))
        found = table.match(pattern)
        if not found:
            def message():
                similar = suggest(pattern.split(":")[-1], table.names())
                if not similar:
                    return "no match"
                return "no match (similar tracepoints: %s)" % ", ".join(similar)
            raise SemanticError(message, similar="no match (similar tracepoints: %s)")
        derived = []
        for tracepoint in _in_48_order(table, found):
            scope = table.scope(tracepoint)
            nargs = len(scope.parameters())
            if nargs > MAX_ARGUMENTS:
                raise SemanticError("tracepoint %s has %d arguments; stap5 handles up to %d"
                                    % (tracepoint.full_name, nargs, MAX_ARGUMENTS))
            derived.append((with_argument(point, "trace", tracepoint.full_name),
                            {"name": tracepoint.name, "system": tracepoint.system,
                             "scope": scope, "nargs": nargs}))
        return derived


def _conversion(ctype_):
    """The C type an argument's 64-bit slot is cast to before it becomes
    a long: its integer type (sign-extended or not), bool, or the whole
    slot (pointers, small structs)."""
    target = ctype_.strip()
    if getattr(target, "encoding", None) == ctype.BOOLEAN:
        return "bool"
    if target.is_integer and target.size in (1, 2, 4, 8):
        return "%s%d" % ("s" if target.is_signed else "u", target.size * 8)
    return "u64"


def _in_48_order(table, found):
    """The tracepoints in the order 4.8 derives them: header by header
    (here by system; 4.8's order of headers follows hashes of its cache
    files), and within a header as its map of the query module's functions
    iterates (`stapprobe_NAME`, one per tracepoint, in DWARF order: the
    header's order reversed)."""
    by_header = {}
    for tracepoint in found:
        by_header.setdefault(tracepoint.header, set()).add(tracepoint.name)
    ordered = []
    for header in sorted(by_header, key=lambda h: (table.of_header(h)[0].system, h)):
        declared = table.of_header(header)
        keys = ["stapprobe_" + tp.name for tp in reversed(declared)]
        wanted = by_header[header]
        named = {tp.name: tp for tp in declared}
        for key in iteration_order(keys):
            name = key[len("stapprobe_"):]
            if name in wanted:
                ordered.append(named[name])
    return ordered


FAMILIES = [Tracepoint()]

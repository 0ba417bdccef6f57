"""`kernel.data(...)` probes: hardware data breakpoints (watchpoints).

    kernel.data(ADDRESS)[.length(N)].write | .rw
    kernel.data("symbol").write | .rw

The handler runs after each write (or read or write, `.rw`) of the
watched bytes, on any CPU.  As in stap, the length defaults to 1 and the
derived point names it (`kernel.data("jiffies").length(1).write`); an
address is shown in hex; a symbol the kernel's symbol table lacks, a length
the processor cannot watch or more breakpoints than it has are the
kernel's to refuse when the probe is registered (runtime/probes/hwbkpt.c).

params: `address` (the address, or the symbol's link-time address, None
when the symbol is unknown), `symbol` (or None), `length`, `rw`.
"""

from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable
from stap5.kernel import kernel_target, symbols
from stap5.parse import ast

HWBKPT = RuntimeTable("hwbkpt", "probes/hwbkpt.c", order=27)

_SHAPES = ("kernel.data(number).write", "kernel.data(number).rw",
           "kernel.data(number).length(number).write",
           "kernel.data(number).length(number).rw",
           "kernel.data(string).write", "kernel.data(string).rw")


class HardwareBreakpoint(ProbeFamily):
    name = "kernel.data"
    patterns = _SHAPES
    runtime = HWBKPT
    shows_matched_point = True      # -l: kernel.data(0x1000).write, as 4.8

    def probe_type(self, probe):
        return "hardware_data_breakpoint"

    def relocates_kernel_addresses(self, probe):
        return probe.params["symbol"] is not None and probe.params["address"] is not None

    def c_fields(self, probe):
        params = probe.params
        return {"addr": params["address"] or 0, "symbol": params["symbol"],
                "length": params["length"], "rw": params["rw"]}

    def derive(self, elab, point, args):
        target = args["data"]
        length = args.get("length")
        if length is None:
            length = 1
        if isinstance(target, str):
            table = symbols.data_symbols(kernel_target(elab.session)) or {}
            address, symbol = table.get(target), target
        else:
            address, symbol = target & ((1 << 64) - 1), None
        params = {"address": address, "symbol": symbol, "length": length,
                  "rw": "rw" in args}
        return [(_concrete(point, target, length), params)]


def _concrete(point, target, length):
    """The point with its address in hex and its length spelled out."""
    data, access = point.components[1], point.components[-1]
    arg = ast.Literal(target, tok=data.arg.tok)
    if not isinstance(target, str):
        # in hex, also where -p2 shows the point as the script wrote it
        arg.display = data.arg.display = "%#x" % (target & ((1 << 64) - 1))
    given = [c for c in point.components if c.functor == "length"]
    length_component = given[0] if given else ast.Component(
        "length", ast.Literal(length, tok=access.tok), False, tok=access.tok)
    components = [point.components[0],
                  ast.Component("data", arg, data.from_glob, tok=data.tok),
                  length_component, access]
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)


FAMILIES = [HardwareBreakpoint()]

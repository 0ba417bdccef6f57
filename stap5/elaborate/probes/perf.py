"""`perf.type(T).config(C)` probes: perf events of the kernel's perf
subsystem (perf_event_open's `type` and `config`), and @perf counters.

    perf.type(T).config(C)[.sample(N) | .hz(N)]     every CPU
    perf.type(T).config(C).process[("path")]        one process
    perf.type(T).config(C)[.process("path")].counter("name")

A sampling probe runs its handler each N events (`.sample`, default
1000000) or N times a second (`.hz`), in whatever the CPU was running (the
interrupted registers: user_mode(), addr(), backtraces).  With `.process`
the event counts only in the process running that executable (the first
one started, or already running, as in stap; `.process` alone is -c's
command).  A `.counter("name")` probe only counts: its handler never runs
(stap makes it `next`), and `@perf("name")` in a DWARF probe reads the
count (elaborate/perf_reads.py).  The perf.hw.* / perf.sw.* /
perf.hw_cache.* names are aliases of tapsets/linux/perf.stp.

As in stap, the derived point says what runs: `.hz(N)` and the default
period become `.sample(N)`, the path is resolved (`.process("/usr/bin/ls")`),
and -p2 shows the point as matched (`/* <- perf.type(1).config(0).hz(100) */`).

params: `type`, `config`, `period` (the sample period, or frequency with
`freq`), `freq`, `process` (the executable's path or None), `counter`
(its name or None).  Runtime: runtime/probes/perf.c.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.executable import find_executable
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable
from stap5.parse import ast

# Before kprobes: their @perf reads find the counters there.
PERF = RuntimeTable("perf", "probes/perf.c", order=15)

DEFAULT_PERIOD = 1000000

_BASE = "perf.type(number).config(number)"
_SHAPES = (_BASE, _BASE + ".sample(number)", _BASE + ".hz(number)", _BASE + ".process",
           _BASE + ".process(string)", _BASE + ".counter(string)",
           _BASE + ".process(string).counter(string)")


class PerfProbe(ProbeFamily):
    name = "perf"
    patterns = _SHAPES
    runtime = PERF
    chain_is_point = True
    shows_matched_point = True

    def probe_type(self, probe):
        return "perf_event"

    def c_fields(self, probe):
        params = probe.params
        return {"type": params["type"] & 0xffffffff,
                "config": params["config"] & 0xffffffffffffffff,
                "period": params["period"] & 0xffffffffffffffff,
                "freq": params["freq"], "process": params["process"],
                "counter": params["counter"] is not None}

    def derive(self, elab, point, args):
        period, freq = DEFAULT_PERIOD, False
        if "sample" in args:
            period = args["sample"]
            if period <= 0:
                raise SemanticError("invalid perf sample period %d" % period,
                                    _argument_token(point, "sample"))
        elif "hz" in args:
            period, freq = args["hz"], True
        process = None
        if "process" in args:
            process = args["process"]
            if process is None:
                command = elab.session.target_command
                if not command:
                    raise SemanticError("unspecified process probe is invalid without a "
                                        "-c COMMAND [man stapprobes]")
                process = command.split()[0] if command.split() else ""
            process = find_executable(process)
        counter = args.get("counter")
        if counter is not None:
            period = 0
            counters = perf_counters(elab)
            if counter in counters:
                raise SemanticError("duplicate counter name", point.components[3].tok
                                    if len(point.components) > 3 else None)
            counters[counter] = process
        params = {"type": args["type"], "config": args["config"], "period": period,
                  "freq": freq, "process": process, "counter": counter}
        return [(_derived_point(point, period, process, counter), params)]

    def rewrite_resolved(self, elab, probe):
        # A counter only counts: stap replaces its handler, once checked.
        if probe.params["counter"] is not None:
            tok = probe.body.tok
            probe.body = ast.Block([ast.NextStatement(tok=tok)], tok=tok)


def perf_counters(elab):
    """The script's counters so far: name -> the process path (or None)
    of its `.counter("name")` probe, in definition order."""
    counters = getattr(elab, "perf_counters", None)
    if counters is None:
        counters = elab.perf_counters = {}
    return counters


def _argument_token(point, functor):
    for component in point.components:
        if component.functor == functor and component.arg is not None:
            return component.arg.tok
    return None


def _derived_point(point, period, process, counter):
    """perf.type(T).config(C).sample(N)[.process("path")][.counter("name")]."""
    by_functor = {component.functor: component for component in point.components}
    config = by_functor["config"]
    components = [by_functor["perf"], by_functor["type"], config,
                  _component("sample", period, config.tok)]
    if process is not None:
        components.append(_component("process", process, by_functor["process"].tok))
    if counter is not None:
        components.append(by_functor["counter"])
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                         tok=point.tok)


def _component(functor, value, tok):
    return ast.Component(functor, ast.Literal(value, tok=tok), False, tok=tok)


FAMILIES = [PerfProbe()]

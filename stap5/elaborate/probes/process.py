"""Process life-cycle and system-call probes: `process[("PATH")|(PID)]`
`.begin`, `.end`, `.thread.begin`, `.thread.end`, `.syscall`,
`.syscall.return`.

    .begin          a process starts running the program (exec; a fork of
                    such a process), and once, at startup, in each process
                    already running it
    .end            a process ends (its last thread exits)
    .thread.begin   a thread other than the first starts
    .thread.end     such a thread exits
    .syscall        a thread of the process enters a system call:
                    $syscall, $arg1..$arg6
    .syscall.return it returns: $return (and $syscall, saved at entry)

Without PATH or PID every process is a candidate; with -c/-x only the
target's hierarchy (as stap).  The runtime (runtime/probes/process.c)
follows processes with the scheduler's tracepoints and system calls with
the raw syscall tracepoints; the handlers of .begin and .thread.begin run
in the new task itself.

params: `event` (begin, end, thread_begin, thread_end, syscall,
syscall_return), `umodule` (the program's index in the module's binaries,
-1 for any), `pid` (0 for any).
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import CSymbol, ProbeFamily, RuntimeTable
from stap5.elaborate.probes.uprobes import _with_process_path, resolve_process
from stap5.kernel import ctype
from stap5.kernel.location import Location, Variable
from stap5.kernel.scope import Scope
from stap5.user import modules as umodules

PROCESS_EVENTS = RuntimeTable("process", "probes/process.c", order=24)

_EVENTS = {".begin": "begin", ".end": "end", ".thread.begin": "thread_begin",
           ".thread.end": "thread_end", ".syscall": "syscall",
           ".syscall.return": "syscall_return"}

_SHAPES = ["%s%s" % (target, event) for target in ("process", "process(string)",
                                                    "process(number)") for event in _EVENTS]
_SHAPES += ["process(string).insn", "process(string).insn.block", "process(number).insn",
            "process(number).insn.block"]


class ProcessEvents(ProbeFamily):
    name = "process"
    patterns = tuple(_SHAPES)
    runtime = PROCESS_EVENTS

    def probe_type(self, probe):
        return "utrace"

    def c_fields(self, probe):
        params = probe.params
        return {"event": CSymbol("STP_PROCESS_" + params["event"].upper()),
                "umodule": params["umodule"], "pid": params["pid"] or 0}

    def derive(self, elab, point, args):
        value = args.get("process")
        if value is None and elab.session.target_command is None and \
                elab.session.target_pid is None:
            path, pid = None, None
        else:
            path, pid = resolve_process(elab, value)
            if isinstance(value, int):
                path = None
        if "insn" in args:
            # single-stepping a process needs utrace, which this kernel
            # lacks: 4.8 refuses them so, in these words (once the process
            # is found)
            raise SemanticError("process probes not available without kernel CONFIG_UTRACE")
        functors = [c.functor for c in point.components[1:]]
        event = _EVENTS["." + ".".join(functors)]
        if path is not None and not isinstance(value, int):
            point = _with_process_path(point, path)
        index = umodules.index_of(elab.program, path) if path else -1
        params = {"event": event, "umodule": index, "pid": pid if isinstance(value, int)
                  else None, "scope": SyscallScope(event)}
        return [(point, params)]


_LONG = ctype.Base("long", 8, ctype.SIGNED)


class SyscallScope(Scope):
    """What a process probe names: $syscall, $arg1..$arg6 (.syscall), and
    $return (.syscall.return), read from the task's user registers by the
    tapset's _utrace_syscall_* functions, as 4.8 does."""

    source = "utrace"
    space = "user"

    def __init__(self, event):
        self.event = event

    def listed_variables(self):
        # 4.8 lists these for every process event
        return [Variable(name, _LONG, Location.unavailable("utrace"))
                for name in ("syscall", "arg1", "arg2", "arg3", "arg4", "arg5", "arg6")]

    def expand(self, elab, probe):
        from stap5.elaborate.tvars import utrace
        utrace.expand(elab, probe, self.event)


FAMILIES = [ProcessEvents()]

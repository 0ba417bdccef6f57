"""DWARF probes: `kernel.function("name")`, `kernel.statement(...)`,
`module("m").function(...)` and their `.call`/`.return`/`.inline`/...
variants.

They need the kernel's debuginfo, which stap5 does not read yet.  Without
debuginfo installed stap fails them in pass 2 exactly like this (the
tapsets rely on it: `syscall.open = dw_syscall.open !, nd_syscall.open ?`
falls back to kprobes); with debuginfo installed we say what is missing.
"""

import os

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import ProbeFamily

_FUNCTION_SUFFIXES = ("", ".call", ".exported", ".inline", ".return",
                      ".return.maxactive(number)", ".label(string)", ".callee(string)",
                      ".callees", ".callees(number)")
_STATEMENT_SUFFIXES = ("", ".nearest", ".label(string)")

_SHAPES = []
for _target in ("kernel", "module(string)"):
    for _arg in ("string", "number"):
        _SHAPES += ["%s.function(%s)%s" % (_target, _arg, s) for s in _FUNCTION_SUFFIXES]
        _SHAPES += ["%s.statement(%s)%s" % (_target, _arg, s) for s in _STATEMENT_SUFFIXES]


def _debuginfo_installed(session):
    release = session.kernel_release
    return any(os.path.exists(path) for path in (
        "/usr/lib/debug/boot/vmlinux-%s" % release,
        "/usr/lib/debug/lib/modules/%s/vmlinux" % release,
        os.path.join(session.build_tree, "vmlinux")))


class DwarfProbe(ProbeFamily):
    name = "dwarf"
    available = False
    patterns = tuple(_SHAPES)

    def derive(self, elab, point, args):
        session = elab.session
        if _debuginfo_installed(session):
            raise SemanticError("stap5 does not read kernel debuginfo yet: use "
                                "kprobe.function(\"name\") instead")
        raise SemanticError("missing %s kernel/module debuginfo [man warning::debuginfo] "
                            "under '%s'" % (session.arch, session.build_tree))


FAMILIES = [DwarfProbe()]

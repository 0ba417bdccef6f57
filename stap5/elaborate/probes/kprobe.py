"""`kprobe.*` probes: kprobes and kretprobes on kernel functions by name
(no debuginfo needed), and on absolute addresses (guru mode only).

A function name may be a glob (`vfs_*`) with alternatives in braces
(`__{ia32,x64}_sys_open`, as the syscall tapsets write it); it is expanded
against the target kernel's symbol table.  Module functions are resolved by the kernel when
the probe is registered.

params: family "kprobe": `symbol` (the function), `module` (None for the
kernel), `return` (a kretprobe), `maxactive` (None when not given),
`comment` (for the -p2 dump); "kprobe.statement": `address`, `comment`.
"""

import fnmatch

from stap5.diagnostics import StapError
from stap5.elaborate.astutil import with_argument
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable
from stap5.elaborate.similar import suggest
from stap5.kernel import kernel_target, symbols
from stap5.parse import ast

# kprobes and kretprobes, placed by symbol+offset or address: also the
# mechanism of the DWARF family.
KPROBES = RuntimeTable("kprobe", "probes/kprobes.c", order=20)

_SHAPES = []
for _target in ("kprobe.function(string)", "kprobe.module(string).function(string)"):
    _SHAPES += [_target, _target + ".call", _target + ".return",
                _target + ".return.maxactive(number)"]


class KprobeFunction(ProbeFamily):
    name = "kprobe"
    patterns = tuple(_SHAPES)
    runtime = KPROBES

    def supports_entry(self, probe):
        return bool(probe.params.get("return"))     # see elaborate/entry.py

    def probe_type(self, probe):
        return "kretprobe" if probe.params["return"] else "kprobe"

    def is_return(self, probe):
        return bool(probe.params["return"])

    def c_fields(self, probe):
        params = probe.params
        module = params.get("module")
        in_module = bool(module) and module != "kernel"
        return {"symbol": "%s:%s" % (module, params["symbol"]) if in_module
                else params["symbol"],
                "maxactive": params.get("maxactive") or 0,
                "optional": bool(probe.point.optional), "in_module": in_module}

    def derive(self, elab, point, args):
        pattern = args["function"]
        module = args.get("module")
        is_return = "return" in args
        maxactive = args.get("maxactive")     # as in stap, any number goes
        if module is not None:
            names = [pattern]
        else:
            names = self._expand(elab, pattern)
        derived = []
        for name in names:
            concrete = with_argument(point, "function", name)
            params = {"symbol": name, "module": module, "return": is_return,
                      "maxactive": maxactive,
                      "comment": "name = %s" % (name if module is None
                                                else "%s:%s" % (module, name))}
            derived.append((concrete, params))
        return derived

    def _expand(self, elab, pattern):
        table = symbols.function_symbols(kernel_target(elab.session))
        patterns = expand_braces(pattern)
        has_glob = any(ch in p for p in patterns for ch in "*?[")
        if table is None:
            elab.warn_once("Kernel function symbol table missing [man warning::symbols]")
            if has_glob:
                raise StapError("no match (kernel symbol table missing for wildcard '%s')"
                                % pattern, None, kind="semantic error")
            return patterns
        names = []
        for each in patterns:
            if any(ch in each for ch in "*?["):
                found = sorted(name for name in table if fnmatch.fnmatchcase(name, each))
            else:
                found = [each] if each in table else []
            names.extend(name for name in found if name not in names)
        if not names:
            def message():
                similar = suggest(pattern, table)
                if not similar:
                    return "no match"
                return "no match (similar function%s: %s)" % (
                    "s" if len(similar) > 1 else "", ", ".join(similar))
            raise SemanticError(message, similar="no match (similar functions: %s)")
        return names


def expand_braces(pattern):
    """`__{ia32,x64}_sys_open` -> the patterns it stands for, in order
    (braces nest; an unbalanced brace is taken literally)."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    depth = 0
    parts = []
    part_start = start + 1
    for position in range(start, len(pattern)):
        char = pattern[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(pattern[part_start:position])
                head, tail = pattern[:start], pattern[position + 1:]
                expanded = []
                for part in parts:
                    for each in expand_braces(head + part + tail):
                        if each not in expanded:
                            expanded.append(each)
                return expanded
        elif char == "," and depth == 1:
            parts.append(pattern[part_start:position])
            part_start = position + 1
    return [pattern]


class KprobeStatement(ProbeFamily):
    name = "kprobe.statement"
    patterns = ("kprobe.statement(number).absolute",)
    runtime = KPROBES

    def probe_type(self, probe):
        return "kprobe"

    def c_fields(self, probe):
        return {"symbol": None, "addr": probe.params["address"]}

    def derive(self, elab, point, args):
        if not elab.session.guru:
            raise StapError("absolute statement probe in unprivileged script; need stap -g",
                            elab.deriving_tok, kind="semantic error")
        address = args["statement"] & ((1 << 64) - 1)
        components = []
        for component in point.components:
            if component.functor == "statement":
                arg = ast.Literal(args["statement"], tok=component.arg.tok)
                arg.display = "%#x" % address          # stap shows it in hex
                component = ast.Component("statement", arg, component.from_glob,
                                          tok=component.tok)
            components.append(component)
        concrete = ast.ProbePoint(components, point.optional, point.sufficient,
                                  point.condition, tok=point.tok)
        return [(concrete, {"address": address, "comment": "name = "})]


FAMILIES = [KprobeFunction(), KprobeStatement()]

"""`kprobe.*` probes: kprobes and kretprobes on kernel functions by name
(no debuginfo needed), and on absolute addresses (guru mode only).

A function name may be a glob (`vfs_*`); it is expanded against the target
kernel's symbol table.  Module functions are resolved by the kernel when
the probe is registered.
"""

import fnmatch

from stap5.diagnostics import StapError
from stap5.elaborate import kernel_symbols
from stap5.elaborate.probes.registry import ProbeFamily, similar_names
from stap5.parse import ast

_SHAPES = []
for _target in ("kprobe.function(string)", "kprobe.module(string).function(string)"):
    _SHAPES += [_target, _target + ".call", _target + ".return",
                _target + ".return.maxactive(number)"]


class KprobeFunction(ProbeFamily):
    name = "kprobe"
    patterns = tuple(_SHAPES)
    has_registers = True

    def derive(self, ctx, point, args):
        pattern = args["function"]
        module = args.get("module")
        is_return = "return" in args
        maxactive = args.get("maxactive")     # as in stap, any number goes
        if module is not None:
            names = [pattern]
        else:
            names = self._expand(ctx, pattern)
        derived = []
        for name in names:
            concrete = _with_function_name(point, name)
            params = {"symbol": name, "module": module, "return": is_return,
                      "maxactive": maxactive,
                      "comment": "name = %s" % (name if module is None
                                                else "%s:%s" % (module, name))}
            derived.append((concrete, params))
        return derived

    def _expand(self, ctx, pattern):
        table = kernel_symbols.function_symbols(ctx.session)
        has_glob = any(ch in pattern for ch in "*?[")
        if table is None:
            ctx.warn_once("Kernel function symbol table missing [man warning::symbols]")
            if has_glob:
                raise StapError("no match (kernel symbol table missing for wildcard '%s')"
                                % pattern, None, kind="semantic error")
            return [pattern]
        if has_glob:
            names = sorted(name for name in table if fnmatch.fnmatchcase(name, pattern))
        else:
            names = [pattern] if pattern in table else []
        if not names:
            similar = similar_names(pattern, table)
            message = "no match"
            if similar:
                message += " (similar functions: %s)" % ", ".join(similar)
            raise StapError(message, None, kind="semantic error")
        return names


def _with_function_name(point, name):
    """The point with its function("...") argument made concrete."""
    components = []
    for component in point.components:
        if component.functor == "function":
            arg = ast.Literal(name, tok=component.arg.tok)
            component = ast.Component("function", arg, component.from_glob, tok=component.tok)
        components.append(component)
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)


class KprobeStatement(ProbeFamily):
    name = "kprobe.statement"
    patterns = ("kprobe.statement(number).absolute",)
    has_registers = True

    def derive(self, ctx, point, args):
        if not ctx.session.guru:
            raise StapError("absolute statement probe in unprivileged script; need stap -g",
                            ctx.deriving_tok, kind="semantic error")
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

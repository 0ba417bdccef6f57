"""DWARF probes: `kernel.function("name[@file[:line]]")`,
`kernel.statement("name@file:line")` and `kernel.statement(ADDRESS)`,
`module("m").function(...)` / `.statement(...)`, with `.call`, `.return`,
`.inline`, `.exported`, `.maxactive(N)`.

They read the kernel's (or the module's) debuginfo through
stap5/kernel/dwarf.  Without it, `kernel.function("name")` (entry and
.return) comes from the kernel's BTF (btf_function.py); the other points
fail as stap does ("missing ... debuginfo"), which the tapsets rely on:
`syscall.open = dw_syscall.open !, nd_syscall.open ?` then falls back to
kprobes.

Each derived probe carries, for pass 3 and for target variables:
    probe.scope             the DwarfScope at the probe address
    params["address"]       the link-time address of the probe
    params["module"]        None for the kernel, else the module name
    params["symbol"], params["offset"]
                            the function symbol holding the address and
                            the offset from it (a kprobe's symbol+offset)
    params["reloc"]         (relocation base, offset): ("_stext", N) for the
                            kernel, (section name, N) for a module
    params["return"], params["maxactive"]
                            a .return probe (kretprobe), its maxactive
    params["function"]      the function's name; params["inlined"]
    params["pc_comment"]    what -p2 prints after the point (pc=_stext+0x..)
"""

import os

from stap5.diagnostics import StapError
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.kprobe import KPROBES
from stap5.elaborate.probes import btf_function
from stap5.elaborate.probes.registry import ProbeFamily
from stap5.elaborate.similar import suggest
from stap5.kernel import debuginfo, kernel_target
from stap5.kernel.dwarf import open_module
from stap5.parse import ast

# The point shapes of stap 4.8's DWARF family, exactly.
_BY_NAME = ("", ".call", ".callee(string)", ".callee(string).call", ".callee(string).return",
            ".callees", ".callees(number)", ".exported", ".inline", ".label(string)",
            ".return", ".return.maxactive(number)")
_BY_ADDRESS = ("", ".call", ".exported", ".return", ".return.maxactive(number)")

_SHAPES = []
for _target in ("kernel", "module(string)"):
    _SHAPES += ["%s.function(number)%s" % (_target, s) for s in _BY_ADDRESS]
    _SHAPES += ["%s.function(string)%s" % (_target, s) for s in _BY_NAME]
    _SHAPES += ["%s.statement(%s)%s" % (_target, arg, s) for arg in ("number", "string")
                for s in ("", ".nearest")]
_SHAPES += ["kernel.statement(number).absolute"]


def _missing(session):
    return SemanticError("missing %s kernel/module debuginfo [man warning::debuginfo] "
                         "under '%s'" % (session.arch, session.build_tree))


def _log_for(elab):
    """With -v, say so when the (minute-long) index build happens."""
    session = elab.session
    if session.verbosity(2) > 0:
        import sys
        return lambda message: sys.stderr.write(message + "\n")
    return None


def dwarf_module(elab, module_name):
    """The DwarfModule of the kernel (module_name None) or of a module;
    a SemanticError as stap's when there is no debuginfo."""
    target = kernel_target(elab.session)
    if module_name is None:
        path = debuginfo.kernel_debuginfo(target)
    else:
        path = debuginfo.module_debuginfo(target, module_name)
    if path is None:
        if module_name is not None and not _module_exists(target, module_name):
            raise SemanticError("no match")
        raise _missing(elab.session)
    failed = _failed.get(path)
    if failed is None:
        try:
            return open_module(path, module_name or "kernel", _log_for(elab))
        except Exception as exc:        # a broken file is the user's environment
            failed = _failed[path] = "cannot read debuginfo %s: %s" % (path, exc)
    raise SemanticError(failed)


def _module_exists(target, name):
    """Whether a module of that name exists for the target at all (stap
    says "no match" for one that does not, "missing debuginfo" else)."""
    if target.module_debuginfo_candidates(name):
        return True
    deb = debuginfo.cached_debian_package(target.release)
    return deb is not None and debuginfo.package_has_module(deb, target.release, name)


_failed = {}            # path -> why it could not be read (tried once per run)


def parse_spec(spec):
    """"name[@file[:line]]" -> (name, file pattern or None, line spec or None)."""
    name, at, rest = spec.partition("@")
    if not at:
        return name, None, None
    file_pattern, line = rest, None
    colon = rest.rfind(":")
    if colon >= 0:
        candidate = rest[colon + 1:]
        if candidate == "*" or candidate.replace("-", "").isdigit():
            file_pattern, line = rest[:colon], candidate
    return name, file_pattern, line


def line_matcher(line):
    """A predicate on line numbers for a line spec ("12", "10-20", "*")."""
    if line is None or line == "*":
        return None
    if "-" in line:
        low, _, high = line.partition("-")
        low, high = int(low), int(high)
        return lambda n: low <= n <= high
    wanted = int(line)
    return lambda n: n == wanted


def _with_arg(point, functor, value, display=None):
    components = []
    for component in point.components:
        if component.functor == functor and component.arg is not None:
            arg = ast.Literal(value, tok=component.arg.tok)
            if display is not None:
                arg.display = display
            component = ast.Component(functor, arg, component.from_glob, tok=component.tok)
        components.append(component)
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)


class DwarfProbe(ProbeFamily):
    name = "dwarf"
    patterns = tuple(_SHAPES)
    runtime = KPROBES           # placed as kprobes at symbol+offset
    chain_is_point = True
    hoists_stable_calls = False
    reads_perf_counters = True

    def supports_entry(self, probe):
        return bool(probe.params.get("return"))

    def probe_type(self, probe):
        return "kretprobe" if probe.params["return"] else "kprobe"

    def is_return(self, probe):
        return bool(probe.params["return"])

    def c_fields(self, probe):
        params = probe.params
        if params.get("absolute"):
            return {"symbol": None, "addr": params["address"]}
        module = params.get("module")
        symbol, offset = params.get("symbol"), params.get("offset")
        if module:
            where = "%s:%s" % (module, symbol)
        elif symbol is not None and params.get("symbol_unique", True):
            where = symbol
        else:
            # a static name several functions share: from the kernel's start
            where, offset = params["reloc"]
        return {"symbol": where, "offset": offset or 0,
                "maxactive": params.get("maxactive") or 0,
                "optional": bool(probe.point.optional), "in_module": bool(module)}

    def derive(self, elab, point, args):
        for unsupported in ("callee", "callees", "label"):
            if unsupported in args:
                raise SemanticError(".%s probes are not supported by stap5 yet" % unsupported)
        if "absolute" in args:
            return self._absolute(elab, point, args)
        module_name = args.get("module")
        if "function" in args and btf_function.applies(elab, args) and (
                btf_function.debuginfo_ignored()
                or debuginfo.kernel_debuginfo(kernel_target(elab.session)) is None):
            # No DWARF: the kernel's BTF serves function entries and returns.
            return btf_function.derive(elab, point, args,
                                       lambda p, name: _with_arg(p, "function", name))
        module = dwarf_module(elab, module_name)
        if "statement" in args:
            return self._statement(elab, point, args, module)
        return self._function(elab, point, args, module)

    # --- kernel.function / module().function ----------------------------------------

    def _function(self, elab, point, args, module):
        spec = args["function"]
        if isinstance(spec, int):
            return self._function_at(elab, point, args, module, spec)
        name, file_pattern, line = parse_spec(spec)
        if line is not None and line != "*":
            elab.warn("For probing a particular line, use a .statement() probe, "
                     "not .function()", elab.deriving_tok)
        is_return = "return" in args
        functions = module.functions(name, file_pattern)
        if is_return:
            inlined = sorted({f.name for f in functions if f.inlined})
            if inlined:
                elab.warn("cannot probe .return of %d inlined functions %s"
                         % (len(inlined), "".join(" " + n for n in inlined)))
        if "call" in args or is_return:
            functions = [f for f in functions if not f.inlined]
        if "inline" in args:
            functions = [f for f in functions if f.inlined]
        if "exported" in args:
            functions = [f for f in functions if not f.inlined and f.is_external()]
        symbols = []
        if "inline" not in args and file_pattern is None:
            named = {f.name for f in functions}
            symbols = [(n, a) for n, a in module.symbol_functions(name) if n not in named]
        if not functions and not symbols:
            raise self._no_match(module, name)
        derived = []
        placed = set()
        for function in _ordered(functions):
            pc = function.entry_pc
            if pc is None or (function.name, pc) in placed:
                continue        # two instances at one address are one probe, as in stap
            placed.add((function.name, pc))
            text = "%s@%s:%d" % (function.name, function.decl_file, function.decl_line)
            concrete = _with_arg(point, "function", text)
            params = self._placement(module, pc, args)
            params.update({"function": function.name, "inlined": function.inlined,
                           "return": is_return, "maxactive": args.get("maxactive")})
            params["scope"] = function.scope(pc)
            derived.append((concrete, params))
        entries = {pc for _, pc in placed}
        for symbol, address in symbols:
            if address in entries:
                continue
            entries.add(address)
            params = self._placement(module, address, args)
            params.update({"function": symbol, "inlined": False, "return": is_return,
                           "maxactive": args.get("maxactive"), "scope": None})
            derived.append((_with_arg(point, "function", symbol), params))
        return derived

    def _function_at(self, elab, point, args, module, address):
        function = _function_containing(module, address)
        if function is None:
            raise SemanticError("no match")
        params = self._placement(module, function.entry_pc, args)
        params.update({"function": function.name, "inlined": False,
                       "return": "return" in args, "maxactive": args.get("maxactive"),
                       "scope": function.scope(function.entry_pc)})
        concrete = _with_arg(point, "function", address, "%#x" % address)
        return [(concrete, params)]

    def _no_match(self, module, name):
        def message():
            if any(ch in name for ch in "*?["):
                return "no match"
            similar = suggest(name, module.function_names())
            if not similar:
                return "no match"
            return "no match (similar function%s: %s)" % ("s" if len(similar) > 1 else "",
                                                          ", ".join(similar))
        return SemanticError(message, similar="no match (similar functions: %s)")

    # --- kernel.statement ------------------------------------------------------------

    def _statement(self, elab, point, args, module):
        spec = args["statement"]
        if isinstance(spec, int):
            address = spec & ((1 << 64) - 1)
            function = _function_containing(module, address)
            if function is None:
                raise SemanticError("no match")
            params = self._placement(module, address, args)
            params.update({"function": function.name, "inlined": False, "return": False,
                           "maxactive": None, "scope": function.scope(address)})
            concrete = _with_arg(point, "statement", spec, "%#x" % address)
            return [(concrete, params)]
        name, file_pattern, line = parse_spec(spec)
        matcher = line_matcher(line)
        derived = []
        functions = module.functions(name, file_pattern)
        for function in _ordered(functions):
            rows = function.statement_rows()
            if matcher is not None:
                chosen = [(n, a) for n, a in rows if matcher(n)]
                if not chosen and "nearest" in args and line and line.isdigit():
                    later = [(n, a) for n, a in rows if n >= int(line)]
                    chosen = later[:1]
            elif line == "*":
                chosen = rows
            else:
                chosen = rows[:1]
            if not chosen and matcher is not None and line.isdigit():
                elab.error(_no_line_records(function, int(line), rows))
            for number, address in chosen:
                text = "%s@%s:%d" % (function.name, function.decl_file, number)
                concrete = _with_arg(point, "statement", text)
                params = self._placement(module, address, args)
                params.update({"function": function.name, "inlined": function.inlined,
                               "return": False, "maxactive": None,
                               "scope": function.scope(address)})
                derived.append((concrete, params))
        if not derived:
            if functions:
                raise SemanticError("no match")
            raise self._no_match(module, name)
        return derived

    def _absolute(self, elab, point, args):
        if not elab.session.guru:
            raise StapError("absolute statement probe in unprivileged script; need stap -g",
                            elab.deriving_tok, kind="semantic error")
        address = args["statement"] & ((1 << 64) - 1)
        concrete = _with_arg(point, "statement", args["statement"], "%#x" % address)
        return [(concrete, {"address": address, "module": None, "symbol": None,
                            "offset": None, "reloc": None, "return": False,
                            "maxactive": None, "function": None, "inlined": False,
                            "absolute": True, "pc_comment": None, "scope": None})]

    # --- placement ---------------------------------------------------------------------

    def _placement(self, module, address, args):
        params = {"address": address, "module": args.get("module")}
        if module.name == "kernel":
            base = module.symbol_address("_stext")
            reloc = ("_stext", address - base) if base is not None else ("", address)
        else:
            reloc = module.section_offset(address) or ("", address)
        params["reloc"] = reloc
        params["pc_comment"] = "pc=%s+%#x" % reloc
        found = module.address_symbol(address)
        params["symbol"], params["offset"] = found if found else (None, None)
        # kprobes find the first function of a name: a shared name is placed
        # relative to _stext instead (see c_fields).
        params["symbol_unique"] = found is not None and (
            module.name != "kernel" or module.index.symbol_count(found[0]) == 1)
        return params


def _no_line_records(function, line, rows):
    """stap's message for a line without code, with the nearest lines that
    have some in the function."""
    message = "no line records for %s:%d [man error::dwarf]" % (function.decl_file, line)
    before = [n for n, _ in rows if n < line]
    after = [n for n, _ in rows if n > line]
    if before and after:            # (only for a line inside the function)
        message += " (try :%d or :%d)" % (before[-1], after[0])
    return message


def _ordered(functions):
    """Out-of-line copies first (by address), then inlined instances."""
    concrete = sorted((f for f in functions if not f.inlined), key=lambda f: f.entry_pc or 0)
    inlined = [f for f in functions if f.inlined]
    return concrete + inlined


def _function_containing(module, address):
    """The out-of-line function whose code holds `address`, or None."""
    from stap5.kernel.dwarf import die as D
    from stap5.kernel.dwarf.reader import FunctionInstance
    unit = module.dwarf.unit_for_address(address)
    if unit is None:
        return None
    for child in unit.root.children():
        if child.tag != D.TAG_subprogram:
            continue
        for start, end in module.dwarf.die_ranges(child):
            if start <= address < end:
                abstract = child
                for _ in range(4):
                    origin = abstract.origin()
                    if origin is None:
                        break
                    abstract = origin
                decl_file = abstract.unit.file_name(abstract.get(D.AT_decl_file, 0))
                return FunctionInstance(module, abstract.name, child, False, decl_file,
                                        abstract.get(D.AT_decl_line, 0))
    return None


FAMILIES = [DwarfProbe()]

"""Pass 3: the elaborated program to one C file, through the templates.

Python decides what the module contains — which globals with which C
representation, which frames, which handlers, which locks each handler
takes — and renders templates/module.c.j2; the C shape of every statement
and expression comes from the macros of templates/c_syntax.j2.
"""

import stap5
from stap5.elaborate.program import LONG, STATS, STRING, VarSymbol
from stap5.elaborate.dump import ResolvedPrinter
from stap5.elaborate.perf_reads import counter_of
from stap5.elaborate.probes.perf import PERF
from stap5.parse import ast
from stap5.templates import template_environment
from stap5.translate import names, run_modes
from stap5.translate.codegen import CodeGen, Frame, TranslationError


class GlobalInfo:
    def __init__(self, symbol, cname, kind):
        self.symbol = symbol
        self.cname = cname
        self.kind = kind                # long, string, stat, map, pmap
        self.declaration = ""
        self.stat_desc = None
        self.param = ""
        self.init_code = ""
        self.free_code = ""


class FunctionInfo:
    def __init__(self, function, cname, frame):
        self.function = function
        self.cname = cname
        self.frame = frame


class Translator:
    def __init__(self, session, program):
        self.session = session
        self.program = program
        environment = template_environment()
        self.syntax = environment.get_template("c_syntax.j2").module
        self.globals_syntax = environment.get_template("globals.j2").module
        self._uid = 0
        self._globals = {}
        self._functions = {}
        self._regexes = {}              # pattern -> regex.Matcher
        self._regex_groups = None
        self._kernel_anchor = None      # (name, link address) for @address
        self.frames = []

    def next_uid(self):
        self._uid += 1
        return self._uid

    # --- globals -------------------------------------------------------------

    def global_cname(self, symbol):
        return self._globals[id(symbol)].cname

    def clear_array(self, symbol):
        info = self._globals[id(symbol)]
        function = "stp_pmap_clear" if info.kind == "pmap" else "stp_map_clear"
        return "%s(%s)" % (function, info.cname)

    def _global_kind(self, symbol):
        if symbol.is_array:
            return "pmap" if symbol.type == STATS else "map"
        if symbol.type == STATS:
            return "stat"
        return "string" if symbol.type == STRING else "long"

    def _prepare_globals(self):
        stat_uses = _stat_uses(self.program)
        syntax = self.globals_syntax
        for symbol in self.program.globals.values():
            info = GlobalInfo(symbol, names.global_name(symbol), self._global_kind(symbol))
            self._globals[id(symbol)] = info
        for symbol in self.program.globals.values():
            info = self._globals[id(symbol)]
            kind = info.kind
            info.declaration = syntax.declare(kind, info.cname)
            if kind in ("stat", "pmap"):
                info.stat_desc = self._stat_desc(symbol, stat_uses.get(id(symbol), []))
            if kind in ("long", "string"):
                info.param = syntax.param(kind, info.cname, symbol.name)
            value = None
            if symbol.init is not None:
                if isinstance(symbol.init.value, str):
                    value = '"%s"' % names.c_string(symbol.init.value)
                else:
                    value = self.syntax.long_literal(str(symbol.init.value)) \
                        if symbol.init.value != -(1 << 63) else self.syntax.long_min()
            key_types = "".join("s" if t == STRING else "i" for t in (symbol.index_types or []))
            value_type = "s" if symbol.type == STRING else "i"
            max_entries = symbol.maxsize or "MAXMAPENTRIES"
            info.init_code = syntax.init(kind, info.cname, symbol.name, value, key_types,
                                         value_type, max_entries, symbol.wrap,
                                         bool(info.param))
            info.free_code = syntax.release(kind, info.cname)

    def _stat_desc(self, symbol, uses):
        hist_type, start, stop, interval = "HIST_NONE", 0, 0, 0
        variance, bit_shift = False, 0
        for use in uses:
            if isinstance(use, ast.HistogramOp):
                if use.kind == "log":
                    hist_type = "HIST_LOG"
                else:
                    values = []
                    for param in use.params:
                        if not (isinstance(param, ast.Literal) and isinstance(param.value, int)):
                            raise TranslationError("@hist_linear parameters must be numbers",
                                                   param.tok)
                        values.append(param.value)
                    hist_type = "HIST_LINEAR"
                    start, stop, interval = values
            elif isinstance(use, ast.StatOp) and use.op == "variance":
                variance = True
                if use.params and isinstance(use.params[0], ast.Literal):
                    bit_shift = use.params[0].value
        return self.globals_syntax.stat_desc(hist_type, start, stop, interval, bit_shift,
                                             variance)

    # --- functions and probes --------------------------------------------------

    def function_info(self, function):
        return self._functions[id(function)]

    def _prepare_functions(self):
        for function in self.program.used_functions():
            cname = names.function_name(self.program, function)
            frame = Frame("%s_frame" % cname, cname)
            for param in function.params:
                frame.add_variable(param.symbol)
            rettype = getattr(function, "inferred_type", None)
            if rettype == STRING:
                frame.add("string_t", "retval")
            elif rettype == LONG:
                frame.add("int64_t", "retval")
            self._functions[id(function)] = FunctionInfo(function, cname, frame)
            self.frames.append(frame)

    def _function_output(self, info):
        function = info.function
        rettype = getattr(function, "inferred_type", None)
        params = ", ".join("%s:%s" % (p.name, p.symbol.type or "unknown")
                           for p in function.params)
        out = {
            "cname": info.cname, "frame": info.frame.struct_name,
            "embedded": function.embedded,
            "signature": names.plain_c_string("%s:%s (%s)" % (function.name,
                                                              rettype or "unknown", params)),
            "location": names.plain_c_string(function.tok.location()),
            "near": names.near(function.tok),
            "returns_string": rettype == STRING, "returns_long": rettype == LONG,
            "arg_macros": [(p.name, names.local_name(p.symbol)) for p in function.params],
        }
        if function.embedded:
            out["body"] = function.body.code
            out["line"], out["file"] = _code_position(function.body.tok)
        else:
            for symbol in function.locals.values():
                info.frame.add_variable(symbol)
            codegen = CodeGen(self, info.frame, function)
            out["body"] = codegen.body(function.body)
        return out

    def _probe_output(self, probe, index):
        frame = Frame("probe_%d_locals" % index, "probe_%d" % index)
        self.frames.append(frame)
        for symbol in probe.locals.values():
            frame.add_variable(symbol)
        if probe.family.relocates_kernel_addresses(probe):
            self.need_kernel_relocation(probe.decl.tok)
        codegen = CodeGen(self, frame, probe)
        body = codegen.body(probe.body) if probe.body is not None else "{}"
        condition = codegen.expr_long(probe.condition) if probe.condition is not None else ""
        printer = ResolvedPrinter(self.program)
        point = probe.point
        pp = printer.visit(ast.ProbePoint(point.components, False, False, None, tok=point.tok))
        script_point = probe.script_point
        pn = printer.visit(ast.ProbePoint(script_point.components, False, False, None,
                                          tok=script_point.tok))
        location = probe.decl.tok.location() if probe.decl.tok is not None else ""
        family = probe.family
        return {
            "cname": "probe_%d" % index, "frame": frame.struct_name,
            "frame_member": frame.member, "pp": names.plain_c_string(pp).replace("*/", "* /"),
            "pp_c": names.plain_c_string(pp), "pn_c": names.plain_c_string(pn),
            "location": location.replace("*/", "* /"),
            "location_c": names.plain_c_string(location),
            "body": body, "condition": condition,
            "table": family.runtime, "type": family.probe_type(probe),
            "is_return": family.is_return(probe), "fields": family.c_fields(probe),
            "initializers": [("l->" + names.local_name(symbol), values)
                             for symbol, values in family.local_initializers(probe)],
            "locks": self._locks(probe),
            "perf_reads": [(frame.add_variable(symbol), self._perf_counter_index(name))
                           for symbol, name in _perf_reads(probe)],
        }

    def _perf_counter_index(self, name):
        """The position of counter `name`'s probe in the perf table."""
        perf = [p for p in self.program.probes if p.family.runtime is PERF]
        return next(i for i, p in enumerate(perf) if p.params.get("counter") == name)

    # --- kernel addresses ------------------------------------------------------

    # An exported function whose run-time address tells the kernel's KASLR
    # offset (runtime/target.c).
    _ANCHOR = "kfree"

    def need_kernel_relocation(self, tok):
        """@address("kernel", A) or a probe on a kernel symbol's address is
        used: the module needs the anchor."""
        if self._kernel_anchor is not None:
            return
        from stap5.kernel import kernel_target, symbols
        table = symbols.function_symbols(kernel_target(self.session))
        if not table or self._ANCHOR not in table:
            raise TranslationError("cannot relocate kernel addresses: no symbol table of "
                                   "kernel %s (run stap5-prep)" % self.session.kernel_release,
                                   tok)
        self._kernel_anchor = (self._ANCHOR, table[self._ANCHOR])

    # --- user-space binaries ---------------------------------------------------

    def _user_modules(self):
        """The tables of the user binaries the module knows: those of its
        process probes, then those of -d / --ldd; with their symbols when
        the script names user symbols (a tapset function marked
        `/* pragma:symbols */` or `pragma:vma`), their unwind rows when it
        walks user stacks (`pragma:unwind`), as stap decides."""
        from stap5.user import modules as user_modules
        paths = user_modules.user_modules(self.program)
        for path in user_modules.session_modules(self.session, paths):
            user_modules.index_of(self.program, path)
        bodies = [f.body.code for f in self.program.used_functions() if f.embedded]
        symbols = any("pragma:symbols" in code or "pragma:vma" in code for code in bodies)
        unwind = any("pragma:unwind" in code for code in bodies)
        tables = []
        for path in paths:
            table = user_modules.module_table(path, symbols or unwind, unwind)
            table["path_c"] = names.plain_c_string(path)
            table["comment"] = path.replace("*/", "* /")
            table["symbols"] = [(a, s, names.plain_c_string(n)) for a, s, n in table["symbols"]]
            tables.append(table)
        return tables

    # --- regular expressions ---------------------------------------------------

    def regex_matcher(self, pattern_node):
        """The C function matching `=~ "pattern"` (compiled once per pattern)."""
        from stap5 import regex
        pattern = pattern_node.value
        if pattern not in self._regexes:
            try:
                self._regexes[pattern] = regex.compile_matcher(
                    pattern, "gen_regex_%d" % (len(self._regexes) + 1), template_environment(),
                    captures=self._wants_regex_groups())
            except regex.RegexError as exc:
                raise TranslationError("invalid regular expression: %s" % exc,
                                       pattern_node.tok) from None
        return self._regexes[pattern].cname

    def _wants_regex_groups(self):
        """Whether matchers must record groups: the script uses a tapset
        function reading them (marked `/* pragma:tagged_dfa */`, as in stap)."""
        if self._regex_groups is None:
            self._regex_groups = any(
                f.embedded and "pragma:tagged_dfa" in f.body.code
                for f in self.program.used_functions())
        return self._regex_groups

    # --- locks ---------------------------------------------------------------

    def _locks(self, probe):
        usage = {}
        seen_functions = set()

        def note(symbol, write):
            if isinstance(symbol, VarSymbol) and symbol.scope == "global":
                usage[id(symbol)] = usage.get(id(symbol), False) or write

        def scan(node):
            for child in ast.walk(node):
                _note_usage(child, note)
                referent = getattr(child, "referent", None)
                if isinstance(referent, ast.FunctionDecl) and id(referent) not in seen_functions:
                    seen_functions.add(id(referent))
                    if not referent.embedded:
                        scan(referent.body)
        if probe.body is not None:
            scan(probe.body)
        if probe.condition is not None:
            scan(probe.condition)
        order = list(self.program.globals.values())
        locks = []
        for symbol in order:
            if id(symbol) in usage:
                locks.append((self.global_cname(symbol) + "_lock", usage[id(symbol)]))
        return locks

    # --- the module ------------------------------------------------------------

    def translate(self, module_name, script_name):
        self._prepare_globals()
        self._prepare_functions()
        probes = [self._probe_output(probe, index)
                  for index, probe in enumerate(self.program.probes)]
        functions = [self._function_output(self._functions[id(f)])
                     for f in self.program.used_functions()]
        embeds = []
        for embed in self.program.embeds:
            origin = embed.tok.location() if embed.tok is not None else "?"
            line, file_name = _code_position(embed.tok)
            embeds.append({"origin": origin.replace("*/", "* /"), "code": embed.code,
                           "line": line, "file": file_name})
        c_macros = []
        if self._wants_regex_groups():
            c_macros.append(("STP_NEED_REGEX_MATCH", "1"))
        c_macros.extend(run_modes.session_macros(self.session))
        if self._kernel_anchor is not None:
            c_macros.append(("STP_KERNEL_ANCHOR", self._kernel_anchor[0]))
            c_macros.append(("STP_KERNEL_ANCHOR_LINK", "%#xUL" % self._kernel_anchor[1]))
        for definition in self.session.c_macros:
            name, sep, value = definition.partition("=")
            c_macros.append((name, value if sep else None))
        tables = _probe_tables(probes)
        umodules = self._user_modules()
        template = template_environment().get_template("module.c.j2")
        return _restore_lines(module_name, template.render(
            restore_line=_RESTORE_MARKER,
            module_name=module_name, version=stap5.__version__,
            script_name=script_name.replace("*/", "* /"),
            script_name_c=names.plain_c_string(script_name),
            c_macros=c_macros, embeds=embeds,
            globals=[self._globals[id(s)] for s in self.program.globals.values()],
            frames=self.frames, functions=functions, probes=probes, tables=tables,
            umodules=umodules,
            regex_matchers=[m.code for m in self._regexes.values()]))


# Embedded C is compiled under `#line` directives naming the script, so that
# gcc's messages about it point at the .stp file; this marker, after each
# such block, becomes a #line back to the generated file.
_RESTORE_MARKER = "/* @stap5: restore line numbering */"


def _code_position(tok):
    """(line, C-escaped file name) where a `%{ ... %}` block's code starts."""
    if tok is None:
        return 1, "<unknown>"
    line, _col = tok.position()
    return line, names.plain_c_string(tok.file.name)


def _restore_lines(module_name, text):
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line == _RESTORE_MARKER:
            lines[index] = '#line %d "%s.c"' % (index + 2, module_name)
    return "\n".join(lines)


class ProbeTable:
    """The probes of one runtime table (RuntimeTable), in program order."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.probes = []


def _perf_reads(probe):
    """(local, counter name) of each @perf counter the probe reads."""
    return [(symbol, counter_of(symbol)) for symbol in probe.locals.values()
            if counter_of(symbol) is not None]


def _probe_tables(probes):
    """The runtime tables the probes use, in registration order (the core's
    begin/end table always, even empty)."""
    from stap5.elaborate.probes.begin_end import BE
    tables = {BE.name: ProbeTable(BE)}
    for probe in probes:
        runtime = probe["table"]
        if runtime is not None:
            tables.setdefault(runtime.name, ProbeTable(runtime)).probes.append(probe)
    return sorted(tables.values(), key=lambda table: table.runtime.order)


def _note_usage(node, note):
    """Record which globals a node reads or writes (for the handler's locks)."""
    if isinstance(node, ast.AssignmentExpr):
        target = node.left
        base = target.base if isinstance(target, ast.ArrayIndex) else target
        # `s <<< v` only adds to this CPU's statistic: a read lock suffices.
        note(getattr(base, "referent", None), node.op != "<<<")
    elif isinstance(node, (ast.PreCrement, ast.PostCrement)):
        target = node.operand
        base = target.base if isinstance(target, ast.ArrayIndex) else target
        note(getattr(base, "referent", None), True)
    elif isinstance(node, ast.DeleteStatement):
        target = node.target
        base = target.base if isinstance(target, ast.ArrayIndex) else target
        note(getattr(base, "referent", None), True)
    elif isinstance(node, (ast.StatOp, ast.HistogramOp)):
        operand = node.operand
        base = operand.base if isinstance(operand, ast.ArrayIndex) else operand
        note(getattr(base, "referent", None), True)     # aggregating writes
    elif isinstance(node, ast.ForeachLoop):
        symbol = getattr(node.array, "referent", None)
        sorted_ = bool(node.sort_direction)
        note(symbol, sorted_ or (symbol is not None and symbol.type == STATS))
    elif isinstance(node, ast.Symbol):
        note(getattr(node, "referent", None), False)
    elif isinstance(node, ast.ArrayIn):
        note(getattr(node.array, "referent", None), False)


def _stat_uses(program):
    uses = {}

    def scan(node):
        for child in ast.walk(node):
            if isinstance(child, (ast.StatOp, ast.HistogramOp)):
                operand = child.operand
                base = operand.base if isinstance(operand, ast.ArrayIndex) else operand
                symbol = getattr(base, "referent", None)
                if symbol is not None:
                    uses.setdefault(id(symbol), []).append(child)
    for probe in program.probes:
        if probe.body is not None:
            scan(probe.body)
    for function in program.used_functions():
        if not function.embedded:
            scan(function.body)
    return uses

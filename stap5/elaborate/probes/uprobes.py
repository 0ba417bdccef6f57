"""User-space code probes (uprobes): `process("PATH")`, `process(PID)` and
`process` (the -c / -x target) with `.function("name[@file[:line]]")`
(`.call`, `.return`, `.inline`, `.exported`), `.function(ADDR)`,
`.statement("func@file:line")`, `.statement(ADDR)[.absolute]`, `.plt("name")`
(`.return`), `.mark("name")` and `.provider("p").mark("name")` (the
<sys/sdt.h> markers), each also inside `.library("lib")`.

A probe is a uprobe on the binary's inode at a file offset (the kernel puts
it in every process mapping the file, wherever it is mapped: PIE, shared
libraries), or a uretprobe.  The binary's DWARF (its own, or separate
debuginfo found by build-id or debuglink, stap5/user/binary.py) gives
functions, lines and target variables, read by stap5/kernel/dwarf as the
kernel's are; without it, functions come from the symbol table.

Which processes see the probe: with -c/-x, the target process and its
descendants only (as stap); `process(PID)`, that process; a probe in
`.library(...)`, the processes running the program named first.

params, for pass 3 (c_fields):
    umodule          index of the binary holding the probe (stap5/user/modules)
    address, offset  link-time address of the probe, its file offset
    return           a uretprobe
    semaphore        file offset of an SDT marker's semaphore, 0 if none
    pid              process(PID): only that process
    exe              index of the program a .library() probe is restricted to, -1
    pc_comment, listed_point (what -l/-L show for marks and PLT entries)
"""

import fnmatch
import errno
import os

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.dwarf import (_function_containing, _no_line_records, _ordered,
                                          _with_arg, line_matcher, parse_spec)
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable
from stap5.elaborate.similar import suggest
from stap5.kernel.dwarf import open_module
from stap5.parse import ast
from stap5.user import modules as umodules
from stap5.user import sdt
from stap5.user.binary import find_executable, is_elf, user_binary

UPROBES = RuntimeTable("uprobe", "probes/uprobes.c", order=25)

_BY_NAME = ("", ".call", ".callee(string)", ".callee(string).call",
            ".callee(string).return", ".callees", ".callees(number)", ".exported", ".inline",
            ".label(string)", ".return")
_BY_ADDRESS = ("", ".call", ".exported", ".return")
_IN_OBJECT = ([".function(string)" + s for s in _BY_NAME]
              + [".function(number)" + s for s in _BY_ADDRESS]
              + [".statement(string)", ".statement(string).nearest", ".statement(number)",
                 ".statement(number).nearest", ".mark(string)",
                 ".provider(string).mark(string)", ".plt", ".plt.return", ".plt(string)",
                 ".plt(string).return"])

_SHAPES = []
for _target in ("process", "process(string)", "process(number)"):
    _SHAPES += [_target + s for s in _IN_OBJECT]
    if _target != "process(number)":
        _SHAPES += [_target + ".library(string)" + s for s in _IN_OBJECT]
_SHAPES += ["process(number).statement(number).absolute",
            "process(number).statement(number).absolute.return"]


class Target:
    """The object a point names: `binary` (path) holds the probes;
    `pid` restricts them to one process; `exe` (path) to the processes of
    a program (.library probes)."""

    def __init__(self, binary, pid=None, exe=None, process_text=None):
        self.binary = binary
        self.pid = pid
        self.exe = exe
        self.process_text = process_text


def resolve_process(elab, value):
    """The program path of `process(...)`'s argument (str, PID or None),
    and the PID when one was given; SemanticErrors as 4.8's."""
    session = elab.session
    if value is None:
        if session.target_command:
            import shlex
            try:
                words = shlex.split(session.target_command)
            except ValueError:
                words = []
            path = find_executable(words[0]) if words else None
            if path is None:
                raise SemanticError("cannot find executable '%s'"
                                    % (words[0] if words else ""))
            return path, None
        if session.target_pid is not None:
            return _pid_executable(session.target_pid), session.target_pid
        raise SemanticError("unspecified process probe is invalid without a -c COMMAND "
                            "or -x PID [man stapprobes]")
    if isinstance(value, int):
        return _pid_executable(value), value
    path = find_executable(value)
    if path is None:
        if "/" in value:
            raise SemanticError("no match")
        raise SemanticError("cannot find executable '%s'" % value)
    return path, None


def _pid_executable(pid):
    try:
        return os.path.realpath(os.readlink("/proc/%d/exe" % pid))
    except OSError as exc:
        # (no /proc/PID: say ESRCH's words, as 4.8 does)
        reason = exc.strerror if os.path.isdir("/proc/%d" % pid) else os.strerror(errno.ESRCH)
        raise SemanticError("cannot probe pid %d: %s" % (pid, reason))


def _point_with(point, replacements):
    """The point with some components' arguments replaced:
    {functor: (value, display or None)}."""
    components = []
    for component in point.components:
        if component.functor in replacements and component.arg is not None:
            value, display = replacements[component.functor]
            arg = ast.Literal(value, tok=component.arg.tok)
            if display is not None:
                arg.display = display
            component = ast.Component(component.functor, arg, component.from_glob,
                                      tok=component.tok)
        components.append(component)
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)


def _with_process_path(point, path):
    """`process` / `process("ls")` -> `process("/usr/bin/ls")`."""
    components = list(point.components)
    first = components[0]
    if first.arg is None or isinstance(first.arg.value, str):
        tok = first.arg.tok if first.arg is not None else first.tok
        components[0] = ast.Component("process", ast.Literal(path, tok=tok), first.from_glob,
                                      tok=first.tok)
    return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                          tok=point.tok)


def _replace_tail(point, functor, new_components):
    """The point with its components from `functor` on replaced."""
    components = []
    for component in point.components:
        if component.functor == functor:
            break
        components.append(component)
    return ast.ProbePoint(components + new_components, point.optional, point.sufficient,
                          point.condition, tok=point.tok)


def _component(functor, value, tok, display=None):
    arg = None
    if value is not None:
        arg = ast.Literal(value, tok=tok)
        if display is not None:
            arg.display = display
    return ast.Component(functor, arg, False, tok=tok)


class UserProbe(ProbeFamily):
    name = "uprobe"
    patterns = tuple(_SHAPES)
    runtime = UPROBES
    chain_is_point = True
    hoists_stable_calls = False

    def supports_entry(self, probe):
        return bool(probe.params.get("return"))

    def probe_type(self, probe):
        return "uretprobe" if probe.params.get("return") else "uprobe"

    def is_return(self, probe):
        return bool(probe.params.get("return"))

    def entry_params(self, probe):
        """At the function's entry as a plain probe places it (past the
        prologue of unoptimized code, where 4.8 reads @entry values)."""
        params = dict(probe.params, **{"return": False})
        params.update(params.pop("call", {}))
        return params

    def c_fields(self, probe):
        params = probe.params
        return {"umodule": params["umodule"], "offset": params["offset"],
                "semaphore": params.get("semaphore") or 0,
                "pid": params.get("pid") or 0,
                "exe": params.get("exe", -1)}

    # --- pass 2 ------------------------------------------------------------------

    def derive(self, elab, point, args):
        for unsupported in ("callee", "callees", "label"):
            if unsupported in args:
                raise SemanticError(".%s probes are not supported by stap5 yet" % unsupported)
        if "absolute" in args:
            # (they need utrace's per-process probes; uprobes are per inode,
            # so 4.8 refuses them on this kernel too, in these words)
            raise SemanticError("absolute process probes not available "
                                "[man error::inode-uprobes]")
        path, pid = resolve_process(elab, args.get("process"))
        point = _with_process_path(point, path)
        exe = None
        binary = path
        if "library" in args:
            library = umodules.find_library(args["library"])
            if library is None:
                raise SemanticError("no match")
            binary, exe = library, path
            point = _point_with(point, {"library": (library, None)})
        if not is_elf(binary) or user_binary(binary) is None:
            raise SemanticError("no match")
        target = Target(binary, pid, exe)
        if "mark" in args:
            return self._marks(elab, point, args, target)
        if "plt" in args:
            return self._plt(elab, point, args, target)
        module = self._dwarf(elab, target)
        if "statement" in args:
            if module is None:
                if isinstance(args["statement"], int):
                    return self._raw_statement(elab, point, args, target)
                raise SemanticError("no match")
            return self._statement(elab, point, args, target, module)
        if module is None:
            return self._symbol_functions(elab, point, args, target)
        return self._functions(elab, point, args, target, module)

    def _dwarf(self, elab, target):
        binary = user_binary(target.binary)
        debug = binary.debuginfo()
        if debug is None:
            elab.warn_once("cannot find module %s debuginfo: No DWARF information found "
                           "[man warning::debuginfo]" % target.binary)
            return None
        try:
            return open_module(debug, target.binary)
        except Exception as exc:
            raise SemanticError("cannot read debuginfo %s: %s" % (debug, exc))

    def _params(self, elab, target, address, is_return=False):
        binary = user_binary(target.binary)
        offset = binary.file_offset(address)
        if offset is None:
            raise SemanticError("no match (address %#x is not in %s's loaded code)"
                                % (address, target.binary))
        program = elab.program
        params = {"umodule": umodules.index_of(program, target.binary), "address": address,
                  "offset": offset, "return": is_return, "pid": target.pid,
                  "exe": umodules.index_of(program, target.exe) if target.exe else -1,
                  "pc_comment": "pc=" + binary.reloc_text(address), "binary": target.binary}
        return params

    # --- .function ----------------------------------------------------------------

    def _functions(self, elab, point, args, target, module):
        spec = args["function"]
        is_return = "return" in args
        if isinstance(spec, int):
            function = _function_containing(module, spec)
            if function is None:
                raise SemanticError("no match")
            params = self._params(elab, target, self._probe_address(function, args),
                                  is_return)
            params.update({"function": function.name, "scope": function.scope(
                params["address"])})
            return [(_point_with(point, {"function": (spec, "%#x" % spec)}), params)]
        name, file_pattern, line = parse_spec(spec)
        if line is not None and line != "*":
            elab.warn("For probing a particular line, use a .statement() probe, "
                      "not .function()", elab.deriving_tok)
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
            # an alias (malloc) names the DWARF function at its address (__libc_malloc)
            symbols = self._aliases(module, symbols, functions)
        if not functions and not symbols:
            raise _no_match(_names_of(module), name)
        derived = []
        placed = set()
        for function in _ordered(functions):
            pc = function.entry_pc
            if pc is None or (function.name, pc) in placed:
                continue
            placed.add((function.name, pc))
            text = "%s@%s:%d" % (function.name, function.decl_file, function.decl_line)
            address = self._probe_address(function, args)
            params = self._params(elab, target, address, is_return)
            params.update({"function": function.name, "scope": function.scope(address)})
            if is_return:
                self._entry_placement(elab, target, function, args, params)
            derived.append((_point_with(point, {"function": (text, None)}), params))
        entries = {pc for _, pc in placed}
        for symbol, address in symbols:
            if address in entries:
                continue
            entries.add(address)
            params = self._params(elab, target, address, is_return)
            params.update({"function": symbol, "scope": None})
            derived.append((_point_with(point, {"function": (symbol, None)}), params))
        return derived

    def _entry_placement(self, elab, target, function, args, params):
        """A .return probe's @entry values are read where a .call probe
        would be (past the prologue of unoptimized code): there, and with
        the variables' locations there."""
        call_args = dict(args)
        call_args.pop("return", None)
        address = self._probe_address(function, call_args)
        call = self._params(elab, target, address)
        params["call"] = {key: call[key] for key in ("address", "offset", "pc_comment")}
        params["scope"] = function.scope(address)

    def _aliases(self, module, symbols, functions):
        """Symbols at the entry of a DWARF function of another name are that
        function (stap probes `__libc_malloc@malloc.c` for `malloc`)."""
        result = []
        for name, address in symbols:
            found = _function_at_entry(module, address)
            if found is not None and found.entry_pc == address:
                if all(f.die is not found.die for f in functions):
                    functions.append(found)
                continue
            result.append((name, address))
        return result

    def _probe_address(self, function, args):
        """Where a function probe goes: its entry, or past its prologue in
        code compiled without optimization (as 4.8 places it, so that the
        parameters are in their homes): the first line row after the
        entry's."""
        pc = function.entry_pc
        if "return" in args or function.inlined or not _unoptimized(function):
            return pc
        return _prologue_end(function) or pc

    def _symbol_functions(self, elab, point, args, target):
        """Without DWARF: functions of the symbol table (their entries)."""
        binary = user_binary(target.binary)
        spec = args["function"]
        table = binary.function_symbols()
        if isinstance(spec, int):
            names = [n for n, a in table.items() if a == spec]
            if not names:
                raise SemanticError("no match")
            params = self._params(elab, target, spec, "return" in args)
            params.update({"function": names[0], "scope": None})
            return [(_point_with(point, {"function": (spec, "%#x" % spec)}), params)]
        name, file_pattern, _ = parse_spec(spec)
        if file_pattern is not None or "inline" in args:
            raise SemanticError("no match")
        found = sorted((a, n) for n, a in table.items() if fnmatch.fnmatchcase(n, name))
        if not found:
            raise _no_match(table, name)
        derived = []
        seen = set()
        for address, symbol in found:
            if address in seen:
                continue
            seen.add(address)
            params = self._params(elab, target, address, "return" in args)
            params.update({"function": symbol, "scope": None})
            derived.append((_point_with(point, {"function": (symbol, None)}), params))
        return derived

    # --- .statement -------------------------------------------------------------------

    def _statement(self, elab, point, args, target, module):
        spec = args["statement"]
        if isinstance(spec, int):
            function = _function_containing(module, spec)
            params = self._params(elab, target, spec)
            params.update({"function": function.name if function else None,
                           "scope": function.scope(spec) if function else None})
            return [(_point_with(point, {"statement": (spec, "%#x" % spec)}), params)]
        name, file_pattern, line = parse_spec(spec)
        matcher = line_matcher(line)
        derived = []
        functions = module.functions(name, file_pattern)
        for function in _ordered(functions):
            rows = function.statement_rows()
            if matcher is not None:
                chosen = [(n, a) for n, a in rows if matcher(n)]
                if not chosen and "nearest" in args and line and line.isdigit():
                    chosen = [(n, a) for n, a in rows if n >= int(line)][:1]
            elif line == "*":
                chosen = rows
            else:
                chosen = rows[:1]
            if not chosen and matcher is not None and line.isdigit():
                elab.error(_no_line_records(function, int(line), rows))
            for number, address in chosen:
                text = "%s@%s:%d" % (function.name, function.decl_file, number)
                params = self._params(elab, target, address)
                params.update({"function": function.name,
                               "scope": function.scope(address, blocks=True)})
                derived.append((_point_with(point, {"statement": (text, None)}), params))
        if not derived:
            if functions:
                raise SemanticError("no match")
            raise _no_match(module.function_names(), name)
        return derived

    def _raw_statement(self, elab, point, args, target):
        spec = args["statement"]
        params = self._params(elab, target, spec)
        params.update({"function": None, "scope": None})
        return [(_point_with(point, {"statement": (spec, "%#x" % spec)}), params)]

    # --- .mark -----------------------------------------------------------------------

    def _marks(self, elab, point, args, target):
        binary = user_binary(target.binary)
        provider = args.get("provider")
        pattern = args["mark"]
        notes = [n for n in binary.notes
                 if fnmatch.fnmatchcase(n.name, pattern)
                 and (provider is None or fnmatch.fnmatchcase(n.provider, provider))]
        if not notes:
            names = sorted({n.name for n in binary.notes})
            similar = suggest(pattern, names) if not any(c in pattern for c in "*?[") else []
            if similar:
                raise SemanticError("no match (similar marks: %s)" % ", ".join(similar))
            raise SemanticError("no match")
        module = None
        derived = []
        for note in notes:
            if module is None and binary.debuginfo() is not None:
                module = self._dwarf(elab, target)
            params = self._params(elab, target, note.pc)
            if note.semaphore:
                params["semaphore"] = binary.file_offset(note.semaphore) or 0
            params["scope"] = sdt.SdtScope(note, target.binary, module)
            replacements = {"mark": (note.name, None)}
            if provider is not None:
                replacements["provider"] = (note.provider, None)
            params["listed_point"] = _point_with(point, replacements)
            tok = point.components[-1].tok
            concrete = _replace_tail(point, "provider" if provider is not None else "mark",
                                     [_component("statement", note.pc, tok, "%#x" % note.pc)])
            derived.append((concrete, params))
        return derived

    # --- .plt ------------------------------------------------------------------------

    def _plt(self, elab, point, args, target):
        binary = user_binary(target.binary)
        pattern = args.get("plt") or "*"
        entries = [(n, a) for n, a in binary.plt() if fnmatch.fnmatchcase(n, pattern)]
        if not entries:
            raise SemanticError("no match")
        is_return = "return" in args
        derived = []
        for name, address in entries:
            params = self._params(elab, target, address, is_return)
            params.update({"scope": sdt.PltScope(name), "plt_name": name})
            tok = point.components[-1].tok
            tail = [_component("statement", address, tok, "%#x" % address)]
            if is_return:
                tail.append(_component("return", None, tok))
            concrete = _replace_tail(point, "plt", tail)
            listed = _replace_tail(point, "plt", [_component("plt", name, tok)]
                                   + ([_component("return", None, tok)] if is_return else []))
            params["listed_point"] = listed
            derived.append((concrete, params))
        return derived


def _no_match(names, name):
    def message():
        if any(ch in name for ch in "*?["):
            return "no match"
        similar = suggest(name, names)
        if not similar:
            return "no match"
        return "no match (similar function%s: %s)" % ("s" if len(similar) > 1 else "",
                                                      ", ".join(similar))
    return SemanticError(message, similar="no match (similar functions: %s)")


def _names_of(module):
    """What "similar functions" chooses from: DWARF's and the symbol
    table's function names."""
    names = list(module.function_names())
    names += [n for n, _ in module.symbol_functions("*") if n not in names]
    return names


def _function_at_entry(module, address):
    function = _function_containing(module, address)
    if function is None or function.entry_pc != address:
        return None
    return function


def _unoptimized(function):
    """Whether the function's unit was compiled without optimization
    (gcc records its options in DW_AT_producer): its parameters live at
    fixed frame slots, stored there by the prologue."""
    from stap5.kernel.dwarf import die as D
    producer = function.die.unit.root.attrs.get(D.AT_producer)
    if not isinstance(producer, str):
        return False
    level = None
    for word in producer.split():
        if word.startswith("-O"):
            level = word[2:]
    return level in (None, "0")


def _prologue_end(function):
    """The address of the first line row past the function's entry row,
    inside the function, or None."""
    pc = function.entry_pc
    ranges = function.ranges
    end = max((e for s, e in ranges if s <= pc < e), default=None)
    if end is None:
        return None
    table = function.die.unit.lines()
    entry_line = None
    for row in table.rows():
        if row.end_sequence:
            continue
        if row.address == pc and entry_line is None:
            entry_line = row.line
            continue
        if entry_line is not None and pc < row.address < end and row.line != entry_line:
            return row.address
    return None


FAMILIES = [UserProbe()]

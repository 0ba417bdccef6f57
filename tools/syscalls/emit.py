"""The tapset files written from the table and the headers."""

import re

from . import headers
from .table import entry_functions

# How a parameter of each C type is read from the system call's registers
# (tapsets/linux/x86_64/syscall_args.stp): as a C int (sign-extended from
# 32 bits), an unsigned int, a long or an unsigned long (a pointer).
READERS = {"int": "__sc_int", "uint": "__sc_uint", "long": "__sc_long", "ulong": "__sc_ulong"}
_TYPE_KINDS = {
    "int": ["int", "__s32", "clockid_t", "key_serial_t", "key_t", "mqd_t", "pid_t", "rwf_t",
            "timer_t", "compat_pid_t", "compat_long_t", "compat_ssize_t", "compat_off_t",
            "compat_int_t", "compat_clock_t"],
    "uint": ["unsigned", "unsigned int", "__u32", "u32", "uint32_t", "uid_t", "gid_t",
             "old_uid_t", "old_gid_t", "umode_t", "qid_t", "compat_mode_t", "compat_size_t",
             "compat_ulong_t", "compat_uptr_t", "compat_aio_context_t", "unsigned short",
             "compat_uint_t"],
    "long": ["long", "off_t", "loff_t", "s64", "__s64"],
    "ulong": ["unsigned long", "size_t", "aio_context_t", "u64", "__u64", "cap_user_header_t",
              "cap_user_data_t", "const cap_user_data_t", "__sighandler_t", "old_sigset_t"],
}
KINDS = {ctype: kind for kind, ctypes in _TYPE_KINDS.items() for ctype in ctypes}


class EmitError(Exception):
    pass


def type_kind(ctype):
    if "*" in ctype:
        return "ulong"
    if ctype.startswith("enum "):
        return "int"
    kind = KINDS.get(ctype)
    if kind is None:
        raise EmitError("no reader for C type %r: add it to emit.KINDS" % ctype)
    return kind


def prototype_of(function, table, known):
    """The one prototype of `function`: the table's, or the headers' when
    they declare it once."""
    function = function.lstrip("=")
    if function in table.protos:
        text = table.protos[function]
        name = re.match(r"long\s+(\w+)\s*\(", text).group(1)
        params = headers.parse_params(text[text.index("(") + 1:text.rindex(")")])
        return headers.Prototype(name, params)
    found = known.get(function)
    if not found:
        raise EmitError("no prototype for %s: give one with 'proto'" % function)
    if len(found) > 1 and any(p.params != found[0].params for p in found):
        raise EmitError("%s is declared %d ways: give its prototype with 'proto'"
                        % (function, len(found)))
    return found[0]


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\$(\w+)(?::(int|uint|long|ulong)\b)?')


def substitute(code, prototype, is_return, where):
    """`code` with each $param read from the registers (and $return).
    `$param:int` (or uint, long, ulong) reads it as that C type instead
    of its declared one."""
    def replace(match):
        name = match.group(1)
        if name is None:                # a string literal
            return match.group(0)
        if name == "return":
            if not is_return:
                raise EmitError("%s: $return outside a return probe" % where)
            return "returnval()"
        for position, param in enumerate(prototype.params, 1):
            # An unnamed parameter is $argN.
            if param.name == name or (not param.name and name == "arg%d" % position):
                kind = match.group(2) or type_kind(param.ctype)
                return "%s(%d)" % (READERS[kind], position)
        raise EmitError("%s: %s has no parameter %s" % (where, prototype.function, name))
    return _TOKEN.sub(replace, code)


def _kprobes(function, prototype, is_return):
    # A system call without arguments has one entry point for both ABIs
    # (__ia32_sys_getpid is __x64_sys_getpid): probe it once.  "=name" is
    # a kernel function probed as it is named.
    if function.startswith("="):
        prefix, function = "", function[1:]
    elif not prototype.params:
        prefix = "__x64_"
    else:
        prefix = "__{ia32,x64}_"
    return 'kprobe.function("%s%s")%s ?' % (prefix, function, ".return" if is_return else "")


def _sets_name(lines):
    return any(re.match(r"\s*name\s*=", code) for _, code in lines)


def probes(entry, table, known, path):
    """The alias definitions of one entry (nd_syscall.NAME and the
    probes its functions need), as text."""
    functions = entry_functions(entry, table.entries)
    prototypes = {f: prototype_of(f, table, known) for f in functions}
    alias = "nd_syscall." + entry.name
    base = entry.base
    default_name = ['name = "%s"' % base]

    def body(lines, prototype, indent="\t"):
        out = []
        for number, code in lines:
            out.append(indent + substitute(code, prototype, entry.is_return,
                                           "%s:%d" % (path, number)))
        return "\n".join(out)

    common = list(entry.common)
    if entry.is_return and not entry.common and not entry.groups:
        common = [(entry.line, "retval = $return"), (entry.line, "retstr = return_str(1, retval)")]
    names_set = _sets_name(common) or any(_sets_name(g.lines) for g in entry.groups)
    text = []
    points = []
    grouped = set()
    for group in entry.groups:
        inner = "__nd_syscall.%s.%s" % (base, group.functions[0])
        if entry.is_return:
            inner += ".return"
        lines = group.lines
        if not names_set:
            lines = [(entry.line, default_name[0])] + lines
        prototype = prototypes[group.functions[0]]
        kprobes = ",\n\t".join(_kprobes(f, prototypes[f], entry.is_return)
                                for f in group.functions)
        text.append("probe %s = %s\n{\n%s\n}\n" % (inner, kprobes, body(lines, prototype)))
        points.append(inner + " ?")
        grouped.update(group.functions)
    points += [_kprobes(f, prototypes[f], entry.is_return) for f in functions
               if f not in grouped]
    if not names_set and not entry.groups:
        common = [(entry.line, default_name[0])] + common
    text.append("probe %s = %s\n{\n%s\n}\n" % (alias, ",\n\t".join(points),
                                               body(common, prototypes[functions[0]])))
    return "\n".join(text)


HEADER = """\
// syscall.{name} and nd_syscall.{name}, with their .return probes.
//
// Generated by tools/syscalls from its table and the kernel's prototypes:
{prototypes}
// Do not edit: change tools/syscalls/syscalls.table and run
// `python3 -m tools.syscalls`.
"""


def tapset_file(entry, return_entry, table, known, path):
    """The text of the tapset file of one system call."""
    functions = entry_functions(entry, table.entries)
    lines = ["//     %s" % prototype_of(f, table, known).text() for f in functions]
    out = [HEADER.format(name=entry.name, prototypes="\n".join(lines))]
    if not return_entry:
        out[0] = out[0].replace(", with their .return probes",
                                ", whose .return probes are never (it does not return)")
    out.append(probes(entry, table, known, path))
    if return_entry:
        out.append(probes(return_entry, table, known, path))
    out.append("probe syscall.%s = nd_syscall.%s { }\n" % (entry.name, entry.name))
    if return_entry:
        out.append("probe syscall.%s.return = nd_syscall.%s.return { }\n"
                   % (entry.name, entry.name))
    else:
        # Never a return to probe: these say so rather than leave
        # syscall.NAME.return to mean "syscall.NAME with .return appended".
        never = ('never\n{\n\tname = "%s"\n\tretval = 0\n\tretstr = return_str(1, retval)\n}\n'
                 % entry.name)
        out.append("probe nd_syscall.%s.return = %s" % (entry.name, never))
        out.append("probe syscall.%s.return = %s" % (entry.name, never))
    return "\n".join(out)

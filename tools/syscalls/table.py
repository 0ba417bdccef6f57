"""The table of system calls: what each syscall.NAME probe computes.

    # a comment
    proto long sys_mmap(unsigned long addr, unsigned long len, ...)

    NAME: FUNCTION...
    	stap statements, $param for a parameter of FUNCTION's prototype
    	[FUNCTION...]
    	statements for these functions only
    	[]
    	statements for all of them again
    NAME.return: FUNCTION...
    	statements ($return is the value returned)

An entry `NAME:` defines the probes syscall.NAME and nd_syscall.NAME on
the kernel functions named (`sys_openat`: kprobes on __x64_sys_openat and
__ia32_sys_openat); with no function named, `sys_NAME`.  Its statements
compute the probe's variables, in the order a listing (-L) shows them.
`name = "NAME"` comes first unless a statement sets `name`.

A function named `=sys_ni_syscall` is probed under that very name (the
others through their entry points __x64_NAME and __ia32_NAME).

`[FUNCTION...]` starts statements that run only in probes on those
functions (before the common ones, whatever their place in the entry).

`NAME.return` is optional: by default the return probes set name, retval
and retstr (return_str(1, retval)).  Its functions default to the entry's;
`NAME.return: none` says the call does not return (exit).

`proto` gives the prototype of a function the headers do not declare, or
declare without parameter names, or more than once.
"""

import re
from dataclasses import dataclass, field


class TableError(Exception):
    def __init__(self, path, line, message):
        super().__init__("%s:%d: %s" % (path, line, message))


@dataclass
class Group:
    """Statements run in probes on some of an entry's functions."""
    functions: list
    lines: list = field(default_factory=list)


@dataclass
class Entry:
    name: str                   # "openat", or "openat.return"
    functions: list             # ["sys_openat", "compat_sys_openat"]
    line: int
    common: list = field(default_factory=list)      # statements for all functions
    groups: list = field(default_factory=list)      # [Group]

    @property
    def is_return(self):
        return self.name.endswith(".return")

    @property
    def base(self):
        return self.name[:-len(".return")] if self.is_return else self.name


@dataclass
class Table:
    entries: list               # [Entry], in table order
    protos: dict                # function -> prototype text (after "proto ")


_HEAD = re.compile(r"^([a-z0-9_]+(?:\.return)?):\s*(.*)$")
_GROUP = re.compile(r"^\[([a-z0-9_= ]*)\]$")


def read(path):
    entries, protos = [], {}
    entry = None
    group = None
    with open(path) as f:
        lines = f.read().split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            entry = group = None
            if stripped.startswith("proto "):
                match = re.match(r"^proto\s+long\s+(\w+)\s*\(", stripped)
                if not match:
                    raise TableError(path, number, "bad prototype")
                protos[match.group(1)] = stripped[len("proto "):]
                continue
            match = _HEAD.match(stripped)
            if not match:
                raise TableError(path, number, "expected 'NAME: FUNCTION...' or 'proto ...'")
            entry = Entry(match.group(1), match.group(2).split(), number)
            if any(e.name == entry.name for e in entries):
                raise TableError(path, number, "%s listed twice" % entry.name)
            entries.append(entry)
            continue
        if entry is None:
            raise TableError(path, number, "statement outside an entry")
        match = _GROUP.match(stripped) if line.startswith("\t[") else None
        if match:
            functions = match.group(1).split()
            if not functions:
                group = None
                continue
            unknown = [f for f in functions if f not in entry_functions(entry, entries)]
            if unknown:
                raise TableError(path, number, "%s is not a function of %s"
                                 % (" ".join(unknown), entry.name))
            group = Group(functions)
            entry.groups.append(group)
            continue
        if not line.startswith("\t"):
            raise TableError(path, number, "statements are indented with a tab")
        (group.lines if group else entry.common).append((number, line[1:]))
    return Table(entries, protos)


def entry_functions(entry, entries=()):
    """The kernel functions an entry probes (a .return entry without
    functions takes its entry's)."""
    if entry.functions:
        return entry.functions
    if entry.is_return:
        for other in entries:
            if other.name == entry.base:
                return entry_functions(other)
    return ["sys_" + entry.base]

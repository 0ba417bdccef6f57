"""<sys/sdt.h> marker arguments, and the Scopes of marker and PLT probes.

A marker's note gives its arguments as assembler operands with a size:

    -4@-20(%rbp)      a signed 4-byte value at rbp - 20
    8@%rax            an unsigned 8-byte value in rax
    -4@$5             the constant 5
    2@gu16(%rip)      a global (link-time address from the symbol table)
    -4@4(%r9,%rax,4)  indexed

`parse_argument` turns one into an Operand; stap5/elaborate/tvars/sdt.py
turns those into 4.8's expressions for `$argN` and `$$parms`.
"""

import re

from stap5.kernel import ctype
from stap5.kernel.location import Location, Variable
from stap5.kernel.scope import Scope

# DWARF register numbers of x86-64's register names, and the bytes each names.
_REGISTERS = {}
for _number, _names in enumerate([
        ("rax", "eax", "ax", "al"), ("rdx", "edx", "dx", "dl"), ("rcx", "ecx", "cx", "cl"),
        ("rbx", "ebx", "bx", "bl"), ("rsi", "esi", "si", "sil"), ("rdi", "edi", "di", "dil"),
        ("rbp", "ebp", "bp", "bpl"), ("rsp", "esp", "sp", "spl")]):
    for _size, _name in zip((8, 4, 2, 1), _names):
        _REGISTERS[_name] = (_number, _size)
for _number in range(8, 16):
    for _size, _suffix in zip((8, 4, 2, 1), ("", "d", "w", "b")):
        _REGISTERS["r%d%s" % (_number, _suffix)] = (_number, _size)
_REGISTERS["rip"] = (16, 8)

_MEMORY = re.compile(r"^([-+]?(?:0x[0-9a-fA-F]+|\d+)|[A-Za-z_.$][\w.$@]*(?:[-+]\d+)?)?"
                     r"\((%\w+)?(?:,(%\w+)(?:,(\d+))?)?\)$")


class Operand:
    """kind "register" (register, register bytes), "constant" (value),
    "memory" (base register or None, index register or None, scale,
    displacement, symbol or None: a %rip-relative global)."""

    def __init__(self, kind, size, signed, **fields):
        self.kind = kind
        self.size = size
        self.signed = signed
        self.register = self.register_size = self.value = None
        self.base = self.index = self.symbol = None
        self.scale = 1
        self.displacement = 0
        for name, value in fields.items():
            setattr(self, name, value)


class SdtArgumentError(Exception):
    pass


def split_arguments(text):
    return text.split() if text else []


def parse_argument(text):
    """One "N@OPERAND" (or a bare operand: 8 bytes, signed) -> Operand."""
    size, signed = 8, True
    match = re.match(r"^(-?)(1|2|4|8)@(.*)$", text)
    operand = text
    if match:
        signed = match.group(1) == "-"
        size = int(match.group(2))
        operand = match.group(3)
    if operand.startswith("%"):
        name = operand[1:]
        if name not in _REGISTERS:
            raise SdtArgumentError("unknown register %s" % operand)
        number, register_size = _REGISTERS[name]
        return Operand("register", size, signed, register=number, register_size=register_size)
    if operand.startswith("$"):
        try:
            return Operand("constant", size, signed, value=int(operand[1:], 0))
        except ValueError:
            raise SdtArgumentError("cannot read constant %s" % operand)
    found = _MEMORY.match(operand)
    if not found:
        raise SdtArgumentError("cannot read operand %s" % operand)
    displacement, base, index, scale = found.groups()
    symbol = None
    offset = 0
    if displacement:
        if re.match(r"^[-+]?(0x[0-9a-fA-F]+|\d+)$", displacement):
            offset = int(displacement, 0)
        else:
            parts = re.match(r"^([A-Za-z_.$][\w.$@]*)([-+]\d+)?$", displacement)
            symbol = parts.group(1)
            offset = int(parts.group(2) or 0)
    fields = {"displacement": offset, "symbol": symbol, "scale": int(scale or 1)}
    for key, register in (("base", base), ("index", index)):
        if register:
            name = register[1:]
            if name not in _REGISTERS:
                raise SdtArgumentError("unknown register %s" % register)
            fields[key] = _REGISTERS[name][0]
    return Operand("memory", size, signed, **fields)


_LONG = ctype.Base("long", 8, ctype.SIGNED)


class SdtScope(Scope):
    """A marker probe's view: `$arg1..$argN` (-L lists them as long),
    `$$name`, `$$provider`; types of the binary's DWARF for @cast."""

    source = "sdt"
    space = "user"

    def __init__(self, note, binary_path, module=None):
        self.note = note
        self.module_name = binary_path
        self.module = module
        self.arguments = split_arguments(note.arguments)

    def listed_variables(self):
        return [Variable("arg%d" % (i + 1), _LONG, Location.unavailable("sdt"))
                for i in range(len(self.arguments))]

    def find_type(self, name, module=None):
        if self.module is None:
            return None
        if module is not None and module not in (self.module_name,) and \
                not module.startswith("/"):
            return None
        return self.module.find_type(name)

    def expand(self, elab, probe):
        from stap5.elaborate.tvars import sdt as sdt_tvars
        sdt_tvars.expand(elab, probe, self)


class PltScope(Scope):
    """A PLT probe: `$$name`, the function the entry leads to."""

    source = "plt"
    space = "user"

    def __init__(self, name, binary_path=None):
        self.name = name
        self.module_name = binary_path or "kernel"
        self.arguments = []
        self.note = None

    def listed_variables(self):
        return []

    def expand(self, elab, probe):
        from stap5.elaborate.tvars import sdt as sdt_tvars
        sdt_tvars.expand(elab, probe, self)

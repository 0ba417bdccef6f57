"""Where a function's arguments are at its first instruction, and its
return value after `ret`, by the x86-64 System V calling convention (the
kernel's): what a prototype alone (BTF, no DWARF) tells about locations.

    entry_locations(function_type)   # [Location], one per parameter
    return_location(return_type)     # Location of $return, or None (void)

Classification, as the ABI gives it for the types a kernel uses (no
floating point, no vectors):
  - an integer, enum, pointer or bool of up to 8 bytes: the next of rdi,
    rsi, rdx, rcx, r8, r9;
  - a struct or union of up to 16 bytes, or a 16-byte integer: as many of
    those registers as it has eightbytes, if that many remain, otherwise
    all of it on the stack (later arguments may still take registers);
  - larger aggregates: on the stack, and returning one passes a hidden
    pointer to its memory in rdi (which shifts the parameters by one);
  - stack arguments start just above the return address (rsp+8 at the
    first instruction), each in 8-byte slots (16-byte aligned when the
    type is).
Floating point (SSE registers) is refused with a reason.
"""

from stap5.kernel import ctype
from stap5.kernel.location import PIECES, Location

# DWARF register numbers on x86-64.
RAX, RDX, RCX, RSI, RDI, RSP, R8, R9 = 0, 1, 2, 4, 5, 7, 8, 9
ARGUMENT_REGISTERS = (RDI, RSI, RDX, RCX, R8, R9)
RETURN_REGISTERS = (RAX, RDX)

INTEGER = "integer"
MEMORY = "memory"
SSE = "sse"
NONE = "none"


def classify(ctype_):
    """(class, number of eightbytes) of a value of this type."""
    t = ctype_.strip()
    size = t.size or 0
    if size == 0:
        return NONE, 0
    if isinstance(t, ctype.Base) and t.encoding == ctype.FLOAT:
        return SSE, (size + 7) // 8
    if isinstance(t, (ctype.Base, ctype.Enum, ctype.Pointer)):
        return (INTEGER, 1) if size <= 8 else (INTEGER, 2) if size == 16 else (MEMORY, 0)
    if size > 16:
        return MEMORY, 0
    if _has_float(t):
        return SSE, (size + 7) // 8
    return INTEGER, (size + 7) // 8


def _has_float(t):
    t = t.strip()
    if isinstance(t, ctype.Base):
        return t.encoding == ctype.FLOAT
    if isinstance(t, ctype.Array):
        return _has_float(t.element)
    if isinstance(t, ctype.Struct):
        return any(_has_float(member.type) for member in t.members)
    return False


def _alignment(t):
    t = t.strip()
    if isinstance(t, ctype.Struct):
        return max([_alignment(m.type) for m in t.members] or [1])
    if isinstance(t, ctype.Array):
        return _alignment(t.element)
    return min(t.size or 1, 16)


def entry_locations(function_type):
    """One Location per parameter of `function_type`, valid at the
    function's first instruction (a kprobe at its address)."""
    registers = list(ARGUMENT_REGISTERS)
    if classify(function_type.return_type)[0] == MEMORY:
        registers.pop(0)            # the hidden pointer to the return value
    stack = 8                       # above the return address
    locations = []
    for param in function_type.params:
        cls, count = classify(param)
        if cls == INTEGER and count <= len(registers):
            taken, registers = registers[:count], registers[count:]
            locations.append(_in_registers(taken, param.strip().size))
            continue
        if cls == SSE:
            locations.append(Location.unavailable(
                "a floating-point argument (passed in an SSE register, which stap5 "
                "does not read)"))
            continue
        if cls == NONE:
            locations.append(Location.unavailable("an empty argument (no storage)"))
            continue
        align = max(8, _alignment(param))
        stack = (stack + align - 1) // align * align
        locations.append(Location.memory(("breg", RSP, stack)))
        stack += (param.strip().size + 7) // 8 * 8
    return locations


def return_location(return_type):
    """The Location of a function's return value just after it returned
    (a kretprobe), or None for void."""
    cls, count = classify(return_type)
    if cls == NONE:
        return None
    if cls == MEMORY:
        return Location.memory(("reg", RAX))   # rax holds the address given in rdi
    if cls == SSE:
        return Location.unavailable("a floating-point return value (in xmm0, which stap5 "
                                    "does not read)")
    return _in_registers(RETURN_REGISTERS[:count], return_type.strip().size)


def _in_registers(registers, size):
    if len(registers) == 1:
        return Location.register(registers[0])
    return Location(PIECES, pieces=[(8, Location.register(registers[0])),
                                    (size - 8, Location.register(registers[1]))])

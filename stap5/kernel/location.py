"""Where a target variable lives at a probe's address, and the variable.

A reader (DWARF of the kernel, a module or a user binary; BTF at function
entry; a tracepoint's prototype) turns what it knows into a `Location`: a
small stack program, evaluated in the probe handler by code the translator
emits (templates/), with every memory read fault-safe.  Pass 2 and pass 3
never see DWARF expressions, only these operations:

    ("reg", R)            push the value of register R (DWARF numbering; on
                          x86-64 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi,
                          6 rbp, 7 rsp, 8..15 r8..r15, 16 rip)
    ("breg", R, N)        push register R + N
    ("addr", A)           push link-time address A of the probed object (the
                          kernel or the module holding the probe); the
                          module relocates it (KASLR, module load address)
    ("const", N)          push N
    ("deref", SIZE)       pop an address, push the SIZE-byte value there
                          (zero-extended)
    ("plus_const", N)     add N to the top
    ("plus",) ("minus",) ("mul",) ("div",) ("mod",) ("and",) ("or",)
    ("xor",) ("shl",) ("shr",) ("shra",) ("neg",) ("not",)
                          binary ops pop two and push one, as DWARF's do
    ("dup",) ("drop",) ("swap",) ("over",) ("pick", I) ("rot",)
    ("arg", I)            push argument I of the probe's callback (a
                          tracepoint's arguments: no registers involved)

`kind` says what the program leaves on the stack:
    "memory"     the address of the value (read it with its type's size)
    "register"   the value itself, which is a register's (one ("reg", R)):
                 it can be assigned, not have its address taken
    "value"      the value itself, computed (DW_OP_stack_value)
    "pieces"     the value is in parts: `pieces` is [(size in bytes,
                 Location or None when that part is optimized out)]
    "unavailable" no location at this address (optimized out): `reason`
                 tells stap's words for it

Frame-base and CFA rules are resolved by the reader into "breg" operations
for the probe's address, so the C side needs no unwinder for them.
"""

MEMORY = "memory"
REGISTER = "register"
VALUE = "value"
PIECES = "pieces"
UNAVAILABLE = "unavailable"


class Location:
    def __init__(self, kind, ops=(), pieces=None, reason=None):
        self.kind = kind
        self.ops = tuple(ops)
        self.pieces = pieces
        self.reason = reason

    @classmethod
    def register(cls, regno):
        return cls(REGISTER, [("reg", regno)])

    @classmethod
    def memory(cls, *ops):
        return cls(MEMORY, ops)

    @classmethod
    def unavailable(cls, reason):
        return cls(UNAVAILABLE, reason=reason)

    def key(self):
        """A hashable summary (to share the C emitted for equal locations)."""
        pieces = None if self.pieces is None else tuple(
            (size, loc.key() if loc is not None else None) for size, loc in self.pieces)
        return (self.kind, self.ops, pieces, self.reason)

    def __eq__(self, other):
        return isinstance(other, Location) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __repr__(self):
        return "<Location %s %s>" % (self.kind, list(self.ops) if self.pieces is None
                                     else self.pieces)


class Variable:
    """A parameter, local or global of the probed code, as a probe sees it:
    `$name` gives its value, `$name$` pretty-prints it, `&$name` (for a
    "memory" location) its address.  `decl_file`/`decl_line` where the
    source declares it (for `@var("name@file")`), when known."""

    def __init__(self, name, ctype, location, is_parameter=False, decl_file=None,
                 decl_line=None):
        self.name = name
        self.type = ctype
        self.location = location
        self.is_parameter = is_parameter
        self.decl_file = decl_file
        self.decl_line = decl_line

    def __repr__(self):
        return "<Variable %s: %s %r>" % (self.name, self.type.spelling(), self.location)

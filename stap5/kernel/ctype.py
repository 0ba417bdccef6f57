"""C types of a probed program, one model whatever described them.

The kernel's DWARF, its BTF and a user binary's DWARF all describe the same
C types; target variables (`$file->f_path->dentry`), `@cast`, pretty
printing (`$var$`) and `-L` listings work on this model and never ask where
a type came from.

    Void()                                   void
    Base("unsigned int", 4, UNSIGNED)        integers, bool, char, floats
    Pointer(target)                          T*  (target Void() for void*)
    Array(element, count)                    T[N]  (count None: T[])
    Struct("file", 232, members=[...])       struct or union (kind "union"),
                                             members given or loaded lazily
    Enum("pid_type", 4, enumerators=[...])
    Typedef("size_t", target)
    Qualified("const", target)               const / volatile / restrict
    FunctionType(return_type, [param types], variadic, [param names])

Struct members may be loaded on first use (`load=callable` returning the
member list), so that naming `struct task_struct` does not read its whole
type graph.  Types compare by identity: a reader returns the same object for
the same type.
"""

SIGNED = "signed"
UNSIGNED = "unsigned"
SIGNED_CHAR = "signed_char"
UNSIGNED_CHAR = "unsigned_char"
BOOLEAN = "boolean"
FLOAT = "float"


class CType:
    kind = None
    size = None         # bytes; None when incomplete (void, T[], a declaration)

    def strip(self):
        """The type without typedefs and qualifiers."""
        return self

    def spelling(self):
        """The type as stap spells it in -L listings: "char const*",
        "struct file*", "long int", "size_t", "char const[]**" (arrays
        without their count), "int (*) (unsigned int)" (function pointers).
        Not C: the type's name, then what is built on it, left to right."""
        return self._spell("")

    def _spell(self, suffix):
        """This type's spelling followed by `suffix` (what outer pointers,
        arrays and qualifiers add)."""
        raise NotImplementedError

    def __repr__(self):
        return "<%s %s>" % (type(self).__name__, self.spelling())

    # Questions target-variable code asks, looking through typedefs and
    # qualifiers.
    @property
    def is_integer(self):
        t = self.strip()
        return isinstance(t, (Base, Enum)) and getattr(t, "encoding", None) != FLOAT

    @property
    def is_pointer(self):
        return isinstance(self.strip(), Pointer)

    @property
    def is_array(self):
        return isinstance(self.strip(), Array)

    @property
    def is_aggregate(self):
        return isinstance(self.strip(), Struct)

    @property
    def is_char(self):
        t = self.strip()
        return isinstance(t, Base) and t.encoding in (SIGNED_CHAR, UNSIGNED_CHAR)

    @property
    def is_signed(self):
        t = self.strip()
        if isinstance(t, Base):
            return t.encoding in (SIGNED, SIGNED_CHAR)
        if isinstance(t, Enum):
            return t.signed
        return False


class Void(CType):
    kind = "void"

    def _spell(self, suffix):
        return "void" + suffix


class Base(CType):
    kind = "base"

    def __init__(self, name, size, encoding):
        self.name = name
        self.size = size
        self.encoding = encoding

    def _spell(self, suffix):
        return self.name + suffix


class Pointer(CType):
    kind = "pointer"
    size = 8

    def __init__(self, target, size=8):
        self.target = target
        self.size = size

    def _spell(self, suffix):
        if isinstance(self.target, FunctionType):
            return self.target._spell_pointer(suffix)
        return self.target._spell("*" + suffix)


class Array(CType):
    kind = "array"

    def __init__(self, element, count):
        self.element = element
        self.count = count
        element_size = element.strip().size
        self.size = element_size * count if count is not None and element_size else None

    def _spell(self, suffix):
        return self.element._spell("[]" + suffix)


class Member:
    """A struct or union member.  `offset` in bytes from the start of the
    aggregate; for a bitfield, `bit_size` and `bit_offset` (bits from the
    least significant bit of the storage unit at `offset`, whose size is
    the member type's size).  `name` None: an anonymous struct or union,
    whose members are found through it."""

    def __init__(self, name, ctype, offset, bit_size=None, bit_offset=None):
        self.name = name
        self.type = ctype
        self.offset = offset
        self.bit_size = bit_size
        self.bit_offset = bit_offset

    def __repr__(self):
        return "<Member %s: %s at %d>" % (self.name, self.type.spelling(), self.offset)


class Struct(CType):
    """A struct or a union (kind "union").  `name` None when anonymous;
    `size` None for a declaration without definition."""

    def __init__(self, name, size, kind="struct", members=None, load=None):
        self.kind = kind
        self.name = name
        self.size = size
        self._members = members
        self._load = load

    @property
    def members(self):
        if self._members is None:
            self._members = list(self._load()) if self._load else []
            self._load = None
        return self._members

    @property
    def is_declaration(self):
        return self.size is None

    def find_member(self, name):
        """(Member, offset from this aggregate's start) for `name`, looking
        into anonymous members as C does; None if there is none."""
        for member in self.members:
            if member.name == name:
                return member, member.offset
            if member.name is None:
                inner = member.type.strip()
                if isinstance(inner, Struct):
                    found = inner.find_member(name)
                    if found is not None:
                        return found[0], member.offset + found[1]
        return None

    def member_names(self):
        """Every member name reachable by `.name`, in order (for messages)."""
        names = []
        for member in self.members:
            if member.name is not None:
                names.append(member.name)
            else:
                inner = member.type.strip()
                if isinstance(inner, Struct):
                    names += inner.member_names()
        return names

    def _spell(self, suffix):
        return "%s %s%s" % (self.kind, self.name or "{...}", suffix)


class Enum(CType):
    kind = "enum"

    def __init__(self, name, size, enumerators=(), signed=False):
        self.name = name
        self.size = size
        self.enumerators = list(enumerators)    # [(name, value)]
        self.signed = signed

    def _spell(self, suffix):
        return "enum %s%s" % (self.name or "{...}", suffix)


class Typedef(CType):
    kind = "typedef"

    def __init__(self, name, target):
        self.name = name
        self.target = target

    @property
    def size(self):
        return self.target.size

    def strip(self):
        return self.target.strip()

    def _spell(self, suffix):
        return self.name + suffix


class Qualified(CType):
    """const, volatile or restrict T; stap spells the qualifier after the
    type: "char const*"."""

    def __init__(self, qualifier, target):
        self.kind = qualifier
        self.target = target

    @property
    def size(self):
        return self.target.size

    def strip(self):
        return self.target.strip()

    def _spell(self, suffix):
        return self.target._spell(" %s%s" % (self.kind, suffix))


class FunctionType(CType):
    """A function's type.  `param_names` (one per param, None where unnamed)
    when the reader knows them: a function's prototype in BTF, its
    declaration in DWARF; spelling never shows them."""

    kind = "function"

    def __init__(self, return_type, params=(), variadic=False, param_names=None):
        self.return_type = return_type or Void()
        self.params = list(params)
        self.variadic = variadic
        self.param_names = list(param_names) if param_names is not None \
            else [None] * len(self.params)

    def parameter_list(self):
        params = [p.spelling() for p in self.params]
        if self.variadic:
            params.append("...")
        return ", ".join(params) or "void"

    def _spell_pointer(self, suffix):
        return "%s (*) (%s)%s" % (self.return_type.spelling(), self.parameter_list(), suffix)

    def _spell(self, suffix):
        return "%s (%s)%s" % (self.return_type.spelling(), self.parameter_list(), suffix)

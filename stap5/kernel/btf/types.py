"""BTF types as the shared C type model (stap5/kernel/ctype.py).

    types = BtfTypes(btf)
    types.type(tid)                 # the CType of a type id (same object each time)
    types.find_type("task_struct")  # @cast's lookup by name
    types.function("vfs_read")      # (FunctionType, parameter names) of a FUNC

Struct members are converted on first use, so naming a type costs only
that type.  A forward declaration (FWD) is resolved to the definition of
the same name when the BTF has one (a module's BTF declares what vmlinux
defines), as a DWARF reader resolves declarations.
"""

from stap5.kernel import ctype
from stap5.kernel.btf import reader as r

_QUALIFIERS = {r.CONST: "const", r.VOLATILE: "volatile", r.RESTRICT: "restrict"}
_CHAR_NAMES = ("char", "signed char", "unsigned char")


class BtfTypes:
    """`base`: the BtfTypes of the BTF `btf` is split on (a module's over
    vmlinux's), which converts the base's ids: one object per type."""

    def __init__(self, btf, base=None):
        self.btf = btf
        self.base = base
        self._memo = {0: ctype.Void()}
        self._function_names = None

    def type(self, tid):
        if self.base is not None and 0 < tid < self.btf.first_id:
            return self.base.type(tid)
        found = self._memo.get(tid)
        if found is None:
            found = self._memo[tid] = self._convert(tid)
        return found

    def _convert(self, tid):
        btf = self.btf
        kind, name_off, vlen, kflag, size_type, _tail = btf.record(tid)
        name = btf.string(name_off) if name_off else None
        if kind == r.INT:
            (encoding,) = btf.tail(tid, "<I")
            flags = (encoding >> 24) & 0xf
            if flags & r.INT_BOOL:
                return ctype.Base(name, size_type, ctype.BOOLEAN)
            signed = bool(flags & r.INT_SIGNED)
            if size_type == 1 and (flags & r.INT_CHAR or name in _CHAR_NAMES):
                return ctype.Base(name, 1, ctype.SIGNED_CHAR if signed
                                  else ctype.UNSIGNED_CHAR)
            return ctype.Base(name, size_type, ctype.SIGNED if signed else ctype.UNSIGNED)
        if kind == r.FLOAT:
            return ctype.Base(name, size_type, ctype.FLOAT)
        if kind == r.PTR:
            return ctype.Pointer(self.type(size_type))
        if kind == r.ARRAY:
            element, _index_type, count = btf.tail(tid, "<III")
            return ctype.Array(self.type(element), count or None)
        if kind in (r.STRUCT, r.UNION):
            return ctype.Struct(name, size_type, "union" if kind == r.UNION else "struct",
                                load=lambda: self._members(tid))
        if kind == r.FWD:
            aggregate = "union" if kflag else "struct"
            for candidate in btf.lookup(name, r.AGGREGATE) if name else ():
                if btf.kind(candidate) == (r.UNION if kflag else r.STRUCT):
                    return self.type(candidate)
            return ctype.Struct(name, None, aggregate, members=[])
        if kind in (r.ENUM, r.ENUM64):
            return self._enum(tid, name, vlen, kflag, size_type, kind)
        if kind == r.TYPEDEF:
            return ctype.Typedef(name, self.type(size_type))
        if kind in _QUALIFIERS:
            return ctype.Qualified(_QUALIFIERS[kind], self.type(size_type))
        if kind == r.TYPE_TAG:
            # btf_type_tag("user") and the like: no C type of their own.
            return self.type(size_type)
        if kind == r.FUNC_PROTO:
            return self._prototype(tid, size_type)[0]
        if kind == r.FUNC:
            return self.type(size_type)
        raise r.BtfError("%s: type %d (kind %d) is not a C type" % (btf.origin, tid, kind))

    def _members(self, tid):
        btf = self.btf
        kflag = btf.record(tid)[3]
        members = []
        for name_off, member_tid, offset in btf.entries(tid, "<III", 12):
            name = btf.string(name_off) if name_off else None
            member_type = self.type(member_tid)
            if kflag and offset >> 24:
                members.append(_bitfield(name, member_type, offset & 0xffffff, offset >> 24))
            else:
                bit = offset & 0xffffff if kflag else offset
                members.append(ctype.Member(name, member_type, bit // 8))
        return members

    def _enum(self, tid, name, vlen, kflag, size, kind):
        btf = self.btf
        enumerators = []
        if kind == r.ENUM:
            for name_off, value in btf.entries(tid, "<Ii", 8):
                if not kflag and value < 0:
                    value += 1 << 32        # kind_flag clear: unsigned values
                enumerators.append((btf.string(name_off), value))
        else:
            for name_off, low, high in btf.entries(tid, "<III", 12):
                value = (high << 32) | low
                if kflag and value >= 1 << 63:
                    value -= 1 << 64
                enumerators.append((btf.string(name_off), value))
        return ctype.Enum(name, size, enumerators, signed=bool(kflag))

    def _prototype(self, tid, return_tid):
        """(FunctionType, [parameter name or None]) of a FUNC_PROTO."""
        btf = self.btf
        params, names, variadic = [], [], False
        for name_off, param_tid in btf.entries(tid, "<II", 8):
            if param_tid == 0:
                variadic = True
                continue
            params.append(self.type(param_tid))
            names.append(btf.string(name_off) if name_off else None)
        return ctype.FunctionType(self.type(return_tid), params, variadic,
                                  param_names=names), names

    # --- lookups by name --------------------------------------------------

    def function(self, name):
        """The FunctionType of the kernel function `name` (BTF FUNC; its
        `param_names` are the parameters'), or None."""
        for tid in self.btf.lookup(name, r.FUNCTION):
            proto = self.btf.record(tid)[4]
            if self.btf.kind(proto) == r.FUNC_PROTO:
                return self.type(proto)
        return None

    def function_names(self):
        """The names of the functions BTF has a prototype for (a set)."""
        if self._function_names is None:
            names = set(self.btf.names(r.FUNCTION))
            base = self.btf.base
            while base is not None:
                names.update(base.names(r.FUNCTION))
                base = base.base
            self._function_names = names
        return self._function_names

    def typedef(self, name):
        for tid in self.btf.lookup(name, r.TYPEDEF_NAME):
            return self.type(tid)
        return None

    def find_type(self, name):
        """The CType named `name` as @cast names it: "struct task_struct",
        "union u", "enum e", or a bare name (a typedef, then a struct,
        union or enum tag, then a base type).  None if unknown."""
        name = " ".join(name.split())
        for keyword, category, kinds in (("struct ", r.AGGREGATE, (r.STRUCT,)),
                                         ("union ", r.AGGREGATE, (r.UNION,)),
                                         ("enum ", r.ENUM_NAME, (r.ENUM, r.ENUM64))):
            if name.startswith(keyword):
                return self._named(name[len(keyword):], category, kinds)
        for category, kinds in ((r.TYPEDEF_NAME, (r.TYPEDEF,)),
                                (r.AGGREGATE, (r.STRUCT, r.UNION)),
                                (r.ENUM_NAME, (r.ENUM, r.ENUM64)),
                                (r.BASE, (r.INT, r.FLOAT))):
            found = self._named(name, category, kinds)
            if found is not None:
                return found
        return None

    def _named(self, name, category, kinds):
        for tid in self.btf.lookup(name, category):
            if self.btf.kind(tid) in kinds:
                return self.type(tid)
        return None


def _bitfield(name, member_type, bit_offset, bit_size):
    """A bitfield at `bit_offset` bits from the aggregate's start, in the
    model's terms: the storage unit (of the member type's size) holding it,
    and the field's bit offset from that unit's least significant bit
    (x86-64 is little-endian)."""
    unit = member_type.size or 1
    start = (bit_offset // (unit * 8)) * unit
    if bit_offset + bit_size > (start + unit) * 8:
        start = bit_offset // 8      # packed, straddling its natural unit
    return ctype.Member(name, member_type, start, bit_size=bit_size,
                        bit_offset=bit_offset - start * 8)

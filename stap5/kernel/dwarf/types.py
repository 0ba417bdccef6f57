"""DWARF type DIEs turned into the C type model (stap5/kernel/ctype.py),
one object per DIE, struct members read when first asked for."""

from stap5.kernel import ctype
from stap5.kernel.dwarf import die as D

_ENCODINGS = {0x02: ctype.BOOLEAN, 0x04: ctype.FLOAT, 0x05: ctype.SIGNED,
              0x06: ctype.SIGNED_CHAR, 0x07: ctype.UNSIGNED, 0x08: ctype.UNSIGNED_CHAR,
              0x10: ctype.UNSIGNED}        # UTF


class TypeReader:
    def __init__(self, dwarf):
        self.dwarf = dwarf
        self._types = {}

    def type_of(self, die):
        """The CType of a DIE's DW_AT_type (Void when it has none)."""
        offset = die.integrated(D.AT_type)
        if offset is None:
            return ctype.Void()
        return self.at(offset, die.unit)

    def at(self, offset, hint=None):
        found = self._types.get(offset)
        if found is None:
            die = self.dwarf.die_at(offset, hint)
            found = self._convert(die)
        return found

    def _convert(self, die):
        tag = die.tag
        offset = die.offset
        if tag == D.TAG_base_type:
            result = ctype.Base(die.name or "int", die.get(D.AT_byte_size, 0),
                                _ENCODINGS.get(die.get(D.AT_encoding), ctype.SIGNED))
        elif tag in (D.TAG_pointer_type, D.TAG_reference_type):
            result = ctype.Pointer(None, die.get(D.AT_byte_size, 8))
            self._types[offset] = result           # before the target: cycles
            result.target = self.type_of(die)
            return result
        elif tag in (D.TAG_structure_type, D.TAG_union_type):
            size = None if die.get(D.AT_declaration) else die.get(D.AT_byte_size, 0)
            result = ctype.Struct(die.name, size,
                                  "union" if tag == D.TAG_union_type else "struct",
                                  load=lambda die=die: self._members(die))
        elif tag == D.TAG_enumeration_type:
            enumerators = [(child.name, child.get(D.AT_const_value, 0))
                           for child in die.children() if child.tag == D.TAG_enumerator]
            base = die.get(D.AT_type)
            signed = False
            if base is not None:
                signed = self.at(base, die.unit).is_signed
            result = ctype.Enum(die.name, die.get(D.AT_byte_size, 4), enumerators, signed)
        elif tag == D.TAG_typedef:
            result = ctype.Typedef(die.name, None)
            self._types[offset] = result
            result.target = self.type_of(die)
            return result
        elif tag in (D.TAG_const_type, D.TAG_volatile_type, D.TAG_restrict_type,
                     D.TAG_atomic_type):
            qualifier = {D.TAG_const_type: "const", D.TAG_volatile_type: "volatile",
                         D.TAG_restrict_type: "restrict",
                         D.TAG_atomic_type: "_Atomic"}[tag]
            result = ctype.Qualified(qualifier, None)
            self._types[offset] = result
            result.target = self.type_of(die)
            return result
        elif tag == D.TAG_array_type:
            element = self.type_of(die)
            counts = []
            for child in die.children():
                if child.tag != D.TAG_subrange_type:
                    continue
                if D.AT_count in child.attrs and isinstance(child.attrs[D.AT_count], int):
                    counts.append(child.attrs[D.AT_count])
                elif D.AT_upper_bound in child.attrs and \
                        isinstance(child.attrs[D.AT_upper_bound], int):
                    counts.append(child.attrs[D.AT_upper_bound] + 1)
                else:
                    counts.append(None)
            if not counts:
                counts = [None]
            result = element
            for count in reversed(counts):
                result = ctype.Array(result, count)
        elif tag == D.TAG_subroutine_type:
            params = [self.type_of(child) for child in die.children()
                      if child.tag == D.TAG_formal_parameter]
            variadic = any(child.tag == D.TAG_unspecified_parameters
                           for child in die.children())
            result = ctype.FunctionType(self.type_of(die), params, variadic)
        elif tag == D.TAG_unspecified_type:
            result = ctype.Void()
        else:
            result = ctype.Void()
        self._types[offset] = result
        return result

    def _members(self, die):
        members = []
        for child in die.children():
            if child.tag != D.TAG_member:
                continue
            member_type = self.type_of(child)
            location = child.get(D.AT_data_member_location, 0)
            if isinstance(location, (bytes, bytearray)):
                location = _member_offset_expression(location)
            bit_size = child.get(D.AT_bit_size)
            bit_offset = None
            offset = location or 0
            if bit_size is not None:
                storage = member_type.size or 4
                if D.AT_data_bit_offset in child.attrs:
                    bits = child.attrs[D.AT_data_bit_offset]
                    offset = (bits // (storage * 8)) * storage
                    bit_offset = bits - offset * 8
                else:
                    # DWARF 2/3: bits from the most significant bit of the
                    # storage unit at data_member_location
                    old = child.get(D.AT_bit_offset, 0)
                    bit_offset = storage * 8 - old - bit_size
            members.append(ctype.Member(child.name, member_type, offset, bit_size, bit_offset))
        return members

    def find(self, name, tag_and_offset):
        return self.at(tag_and_offset)


def _member_offset_expression(expression):
    """DW_OP_plus_uconst N (old compilers' data_member_location)."""
    if expression and expression[0] == 0x23:
        return D.uleb(expression, 1)[0]
    return 0

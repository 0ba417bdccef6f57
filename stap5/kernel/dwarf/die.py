"""Debugging information entries, decoded straight from .debug_info.

pyelftools decodes a DIE in tens of microseconds; a kernel has 15 million
of them and a probe needs a few hundred, found by offset through the index.
This module decodes units, abbreviations and DIEs directly (DWARF 2 to 5,
64-bit little-endian, 32-bit DWARF offsets) so that both the index scan and
the reader go fast.  `Die` is what the rest of the reader works with.
"""

import struct

# Tags
TAG_array_type = 0x01
TAG_enumeration_type = 0x04
TAG_formal_parameter = 0x05
TAG_label = 0x0a
TAG_lexical_block = 0x0b
TAG_member = 0x0d
TAG_pointer_type = 0x0f
TAG_reference_type = 0x10
TAG_compile_unit = 0x11
TAG_structure_type = 0x13
TAG_subroutine_type = 0x15
TAG_typedef = 0x16
TAG_union_type = 0x17
TAG_unspecified_parameters = 0x18
TAG_inlined_subroutine = 0x1d
TAG_subrange_type = 0x21
TAG_base_type = 0x24
TAG_const_type = 0x26
TAG_enumerator = 0x28
TAG_subprogram = 0x2e
TAG_variable = 0x34
TAG_volatile_type = 0x35
TAG_restrict_type = 0x37
TAG_unspecified_type = 0x3b
TAG_partial_unit = 0x3c
TAG_atomic_type = 0x47
TAG_call_site = 0x48

# Attributes
AT_sibling = 0x01
AT_location = 0x02
AT_name = 0x03
AT_byte_size = 0x0b
AT_bit_offset = 0x0c
AT_bit_size = 0x0d
AT_stmt_list = 0x10
AT_low_pc = 0x11
AT_high_pc = 0x12
AT_language = 0x13
AT_comp_dir = 0x1b
AT_const_value = 0x1c
AT_inline = 0x20
AT_producer = 0x25
AT_prototyped = 0x27
AT_count = 0x37
AT_upper_bound = 0x2f
AT_abstract_origin = 0x31
AT_artificial = 0x34
AT_data_member_location = 0x38
AT_decl_file = 0x3a
AT_decl_line = 0x3b
AT_declaration = 0x3c
AT_encoding = 0x3e
AT_external = 0x3f
AT_frame_base = 0x40
AT_specification = 0x47
AT_type = 0x49
AT_entry_pc = 0x52
AT_ranges = 0x55
AT_call_file = 0x58
AT_call_line = 0x59
AT_data_bit_offset = 0x6b
AT_linkage_name = 0x6e
AT_str_offsets_base = 0x72
AT_addr_base = 0x73
AT_rnglists_base = 0x74
AT_loclists_base = 0x8c

# Forms
FORM_addr = 0x01
FORM_block2 = 0x03
FORM_block4 = 0x04
FORM_data2 = 0x05
FORM_data4 = 0x06
FORM_data8 = 0x07
FORM_string = 0x08
FORM_block = 0x09
FORM_block1 = 0x0a
FORM_data1 = 0x0b
FORM_flag = 0x0c
FORM_sdata = 0x0d
FORM_strp = 0x0e
FORM_udata = 0x0f
FORM_ref_addr = 0x10
FORM_ref1 = 0x11
FORM_ref2 = 0x12
FORM_ref4 = 0x13
FORM_ref8 = 0x14
FORM_ref_udata = 0x15
FORM_indirect = 0x16
FORM_sec_offset = 0x17
FORM_exprloc = 0x18
FORM_flag_present = 0x19
FORM_strx = 0x1a
FORM_addrx = 0x1b
FORM_ref_sup4 = 0x1c
FORM_strp_sup = 0x1d
FORM_data16 = 0x1e
FORM_line_strp = 0x1f
FORM_ref_sig8 = 0x20
FORM_implicit_const = 0x21
FORM_loclistx = 0x22
FORM_rnglistx = 0x23
FORM_strx1, FORM_strx2, FORM_strx3, FORM_strx4 = 0x25, 0x26, 0x27, 0x28
FORM_addrx1, FORM_addrx2, FORM_addrx3, FORM_addrx4 = 0x29, 0x2a, 0x2b, 0x2c

# Bytes a form takes when that does not depend on the data (32-bit DWARF).
FIXED_SIZE = {
    FORM_addr: 8, FORM_data1: 1, FORM_data2: 2, FORM_data4: 4, FORM_data8: 8,
    FORM_data16: 16, FORM_flag: 1, FORM_flag_present: 0, FORM_implicit_const: 0,
    FORM_ref1: 1, FORM_ref2: 2, FORM_ref4: 4, FORM_ref8: 8, FORM_ref_addr: 4,
    FORM_ref_sig8: 8, FORM_sec_offset: 4, FORM_strp: 4, FORM_line_strp: 4,
    FORM_strx1: 1, FORM_strx2: 2, FORM_strx3: 3, FORM_strx4: 4,
    FORM_addrx1: 1, FORM_addrx2: 2, FORM_addrx3: 3, FORM_addrx4: 4,
    FORM_ref_sup4: 4, FORM_strp_sup: 4,
}
LEB_FORMS = frozenset((FORM_udata, FORM_sdata, FORM_ref_udata, FORM_strx, FORM_addrx,
                       FORM_loclistx, FORM_rnglistx))
REF_FORMS = frozenset((FORM_ref1, FORM_ref2, FORM_ref4, FORM_ref8, FORM_ref_udata))
BLOCK_FORMS = frozenset((FORM_block, FORM_block1, FORM_block2, FORM_block4, FORM_exprloc))
SIGNED_FORMS = frozenset((FORM_sdata, FORM_implicit_const))

_u16 = struct.Struct("<H").unpack_from
_u32 = struct.Struct("<I").unpack_from
_u64 = struct.Struct("<Q").unpack_from
_s8 = struct.Struct("<b").unpack_from
_s16 = struct.Struct("<h").unpack_from
_s32 = struct.Struct("<i").unpack_from
_s64 = struct.Struct("<q").unpack_from


class DwarfFormatError(Exception):
    pass


def uleb(buf, pos):
    result = 0
    shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7f) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def sleb(buf, pos):
    result = 0
    shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7f) << shift
        shift += 7
        if byte < 0x80:
            if byte & 0x40:
                result -= 1 << shift
            return result, pos


def cstring(buf, pos):
    end = pos
    while buf[end]:
        end += 1
    return bytes(buf[pos:end]).decode("utf-8", "replace"), end + 1


class Abbrev:
    __slots__ = ("code", "tag", "has_children", "specs", "fixed_size", "sibling_at")

    def __init__(self, code, tag, has_children, specs):
        self.code = code
        self.tag = tag
        self.has_children = has_children
        self.specs = specs              # [(attr, form, implicit value)]
        size = 0
        for _, form, _ in specs:
            step = FIXED_SIZE.get(form)
            if step is None:
                size = None
                break
            size += step
        self.fixed_size = size
        # byte position of DW_AT_sibling (ref4) when every attribute before
        # it has a fixed size: the scan jumps over subtrees with it
        self.sibling_at = None
        position = 0
        for attr, form, _ in specs:
            if attr == AT_sibling and form == FORM_ref4:
                self.sibling_at = position
                break
            step = FIXED_SIZE.get(form)
            if step is None:
                break
            position += step


def parse_abbrevs(buf, offset):
    table = {}
    pos = offset
    while True:
        code, pos = uleb(buf, pos)
        if code == 0:
            return table
        tag, pos = uleb(buf, pos)
        has_children = buf[pos] != 0
        pos += 1
        specs = []
        while True:
            attr, pos = uleb(buf, pos)
            form, pos = uleb(buf, pos)
            implicit = None
            if form == FORM_implicit_const:
                implicit, pos = sleb(buf, pos)
            if attr == 0 and form == 0:
                break
            specs.append((attr, form, implicit))
        table[code] = Abbrev(code, tag, has_children, specs)


def skip_attrs(buf, pos, specs):
    """The position after the attribute values of a DIE."""
    for _, form, _ in specs:
        step = FIXED_SIZE.get(form)
        if step is not None:
            pos += step
        elif form in LEB_FORMS:
            while buf[pos] & 0x80:
                pos += 1
            pos += 1
        elif form == FORM_exprloc or form == FORM_block:
            length, pos = uleb(buf, pos)
            pos += length
        elif form == FORM_string:
            while buf[pos]:
                pos += 1
            pos += 1
        elif form == FORM_block1:
            pos += 1 + buf[pos]
        elif form == FORM_block2:
            pos += 2 + _u16(buf, pos)[0]
        elif form == FORM_block4:
            pos += 4 + _u32(buf, pos)[0]
        elif form == FORM_indirect:
            real, pos = uleb(buf, pos)
            pos = skip_attrs(buf, pos, [(0, real, None)])
        else:
            raise DwarfFormatError("unknown DWARF form 0x%x" % form)
    return pos


def _index(buf, pos, form, leb_form, one_byte_form):
    """(index, new position) of a strx/addrx form: LEB128 or 1-4 bytes."""
    if form == leb_form:
        return uleb(buf, pos)
    size = form - one_byte_form + 1
    return int.from_bytes(buf[pos:pos + size], "little"), pos + size


def read_value(buf, pos, form, implicit, unit):
    """(value, new position) of one attribute value.  References come back
    as absolute .debug_info offsets, blocks as bytes, strings decoded."""
    if form == FORM_strp:
        offset = _u32(buf, pos)[0]
        return unit.dwarf.string(offset), pos + 4
    if form == FORM_line_strp:
        offset = _u32(buf, pos)[0]
        return unit.dwarf.line_string(offset), pos + 4
    if form == FORM_ref4:
        return unit.offset + _u32(buf, pos)[0], pos + 4
    if form == FORM_data1:
        return buf[pos], pos + 1
    if form == FORM_data2:
        return _u16(buf, pos)[0], pos + 2
    if form == FORM_data4:
        return _u32(buf, pos)[0], pos + 4
    if form == FORM_data8:
        return _u64(buf, pos)[0], pos + 8
    if form == FORM_addr:
        return _u64(buf, pos)[0], pos + 8
    if form == FORM_sec_offset:
        return _u32(buf, pos)[0], pos + 4
    if form == FORM_flag_present:
        return True, pos
    if form == FORM_flag:
        return buf[pos] != 0, pos + 1
    if form == FORM_implicit_const:
        return implicit, pos
    if form == FORM_udata:
        return uleb(buf, pos)
    if form == FORM_sdata:
        return sleb(buf, pos)
    if form == FORM_exprloc or form == FORM_block:
        length, pos = uleb(buf, pos)
        return bytes(buf[pos:pos + length]), pos + length
    if form == FORM_block1:
        length = buf[pos]
        return bytes(buf[pos + 1:pos + 1 + length]), pos + 1 + length
    if form == FORM_block2:
        length = _u16(buf, pos)[0]
        return bytes(buf[pos + 2:pos + 2 + length]), pos + 2 + length
    if form == FORM_block4:
        length = _u32(buf, pos)[0]
        return bytes(buf[pos + 4:pos + 4 + length]), pos + 4 + length
    if form == FORM_string:
        return cstring(buf, pos)
    if form == FORM_ref1:
        return unit.offset + buf[pos], pos + 1
    if form == FORM_ref2:
        return unit.offset + _u16(buf, pos)[0], pos + 2
    if form == FORM_ref8:
        return unit.offset + _u64(buf, pos)[0], pos + 8
    if form == FORM_ref_udata:
        value, pos = uleb(buf, pos)
        return unit.offset + value, pos
    if form == FORM_ref_addr:
        return _u32(buf, pos)[0], pos + 4
    if form in (FORM_strx, FORM_strx1, FORM_strx2, FORM_strx3, FORM_strx4):
        index, pos = _index(buf, pos, form, FORM_strx, FORM_strx1)
        return unit.indexed_string(index), pos
    if form in (FORM_addrx, FORM_addrx1, FORM_addrx2, FORM_addrx3, FORM_addrx4):
        index, pos = _index(buf, pos, form, FORM_addrx, FORM_addrx1)
        return unit.indexed_address(index), pos
    if form == FORM_loclistx or form == FORM_rnglistx:
        index, pos = uleb(buf, pos)
        return ("index", index), pos
    if form == FORM_data16:
        return bytes(buf[pos:pos + 16]), pos + 16
    if form == FORM_ref_sig8:
        return ("signature", _u64(buf, pos)[0]), pos + 8
    if form == FORM_indirect:
        real, pos = uleb(buf, pos)
        return read_value(buf, pos, real, None, unit)
    if form in (FORM_ref_sup4, FORM_strp_sup):
        return _u32(buf, pos)[0], pos + 4
    raise DwarfFormatError("unknown DWARF form 0x%x" % form)


class Unit:
    """A compile unit's header and the attributes of its root DIE."""

    def __init__(self, dwarf, offset):
        self.dwarf = dwarf
        self.offset = offset
        buf = dwarf.info
        length = _u32(buf, offset)[0]
        if length >= 0xfffffff0:
            raise DwarfFormatError("64-bit DWARF is not supported")
        self.end = offset + 4 + length
        self.version = _u16(buf, offset + 4)[0]
        if self.version >= 5:
            self.unit_type = buf[offset + 6]
            self.address_size = buf[offset + 7]
            abbrev_offset = _u32(buf, offset + 8)[0]
            self.first_die = offset + 12
            if self.unit_type in (2, 6):         # type / split type unit
                self.first_die += 12
            elif self.unit_type in (4, 5):       # skeleton / split compile
                self.first_die += 8
        else:
            abbrev_offset = _u32(buf, offset + 6)[0]
            self.address_size = buf[offset + 10]
            self.first_die = offset + 11
            self.unit_type = 1
        self.abbrevs = dwarf.abbrevs(abbrev_offset)
        self.str_offsets_base = 8
        self.addr_base = 8
        self.loclists_base = 12
        self.rnglists_base = 12
        root = self.die(self.first_die)
        self.root = root
        attrs = root.attrs
        self.str_offsets_base = attrs.get(AT_str_offsets_base, 8)
        self.addr_base = attrs.get(AT_addr_base, 8)
        self.loclists_base = attrs.get(AT_loclists_base, 12)
        self.rnglists_base = attrs.get(AT_rnglists_base, 12)
        root = self.root = self.die(self.first_die)    # again, with the bases known
        self.name = root.attrs.get(AT_name)
        self.comp_dir = root.attrs.get(AT_comp_dir)
        self.low_pc = root.attrs.get(AT_low_pc, 0)
        self._lines = None

    def die(self, offset, parent=None):
        return Die(self, offset, parent)

    def indexed_string(self, index):
        base = self.str_offsets_base
        offset = _u32(self.dwarf.str_offsets, base + 4 * index)[0]
        return self.dwarf.string(offset)

    def indexed_address(self, index):
        return _u64(self.dwarf.addr, self.addr_base + 8 * index)[0]

    def lines(self):
        """The unit's line table (lines.LineTable), read on first use."""
        if self._lines is None:
            from stap5.kernel.dwarf.lines import LineTable
            offset = self.root.attrs.get(AT_stmt_list)
            self._lines = LineTable(self, offset)
        return self._lines

    def file_name(self, index):
        """The source file `index` names in DW_AT_decl_file/call_file, as
        stap prints it (relative to the compilation directory)."""
        return self.lines().file_name(index)


class Die:
    """One entry: `tag`, `attrs` {attr: value} (references as absolute
    offsets), and its children, read on demand."""

    __slots__ = ("unit", "offset", "tag", "attrs", "has_children", "end", "parent",
                 "_children", "_next")

    def __init__(self, unit, offset, parent=None):
        self.unit = unit
        self.offset = offset
        self.parent = parent
        buf = unit.dwarf.info
        code, pos = uleb(buf, offset)
        self._children = None
        if code == 0:
            self.tag = 0
            self.attrs = {}
            self.has_children = False
            self.end = pos
            self._next = None
            return
        abbrev = unit.abbrevs[code]
        self.tag = abbrev.tag
        self.has_children = abbrev.has_children
        attrs = {}
        high_is_length = False
        for attr, form, implicit in abbrev.specs:
            value, pos = read_value(buf, pos, form, implicit, unit)
            attrs[attr] = value
            if attr == AT_high_pc and form != FORM_addr and form < FORM_addrx1 \
                    and form != FORM_addrx:
                high_is_length = True
            elif attr == AT_entry_pc and form in (FORM_data1, FORM_data2, FORM_data4,
                                                   FORM_data8, FORM_udata, FORM_sdata):
                attrs[attr] = ("offset", value)     # from the DIE's base address
        if high_is_length and AT_low_pc in attrs:
            attrs[AT_high_pc] += attrs[AT_low_pc]      # always an address here
        self.attrs = attrs
        self.end = pos                  # where the first child (or the next DIE) is
        self._next = attrs.get(AT_sibling)

    def __repr__(self):
        return "<Die 0x%x tag 0x%x %s>" % (self.offset, self.tag, self.attrs.get(AT_name))

    @property
    def name(self):
        return self.attrs.get(AT_name)

    def get(self, attr, default=None):
        return self.attrs.get(attr, default)

    def ref(self, attr):
        """The DIE an attribute refers to, or None."""
        offset = self.attrs.get(attr)
        if offset is None or isinstance(offset, tuple):
            return None
        return self.unit.dwarf.die_at(offset, self.unit)

    def origin(self):
        """The DIE this one completes (DW_AT_abstract_origin or
        DW_AT_specification), or None."""
        return self.ref(AT_abstract_origin) or self.ref(AT_specification)

    def integrated(self, attr, default=None):
        """An attribute, looked up through abstract origins and
        specifications as elfutils' dwarf_attr_integrate does."""
        die = self
        for _ in range(8):
            if attr in die.attrs:
                return die.attrs[attr]
            die = die.origin()
            if die is None:
                break
        return default

    def children(self):
        if self._children is None:
            found = []
            if self.has_children:
                pos = self.end
                end = self.unit.end
                while pos < end:
                    child = Die(self.unit, pos, self)
                    if child.tag == 0:
                        break
                    found.append(child)
                    pos = child.next_offset()
            self._children = found
        return self._children

    def next_offset(self):
        """The offset of the next sibling (after this DIE's subtree)."""
        if self._next is not None:
            return self._next
        if not self.has_children:
            return self.end
        pos = self.end
        buf = self.unit.dwarf.info
        abbrevs = self.unit.abbrevs
        depth = 1
        while depth:
            code, pos = uleb(buf, pos)
            if code == 0:
                depth -= 1
                continue
            abbrev = abbrevs[code]
            pos = skip_attrs(buf, pos, abbrev.specs)
            if abbrev.has_children:
                depth += 1
        self._next = pos
        return pos

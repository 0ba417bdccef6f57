"""One ELF file's DWARF: its sections, units and DIEs by offset, the units
covering an address (.debug_aranges), location and range lists."""

import bisect
import struct

from stap5.kernel.dwarf.die import Die, DwarfFormatError, Unit, cstring, parse_abbrevs, uleb
from stap5.kernel.dwarf.elf import ElfImage

_u16 = struct.Struct("<H").unpack_from
_u32 = struct.Struct("<I").unpack_from
_u64 = struct.Struct("<Q").unpack_from


class DwarfFile:
    def __init__(self, path, image=None):
        self.path = path
        self.image = image or ElfImage(path)
        image = self.image
        self.info = image.data(".debug_info")
        if not len(self.info):
            raise DwarfFormatError("%s has no DWARF (.debug_info)" % path)
        self.abbrev = image.data(".debug_abbrev")
        self.str = image.data(".debug_str")
        self.line_str = image.data(".debug_line_str")
        self.str_offsets = image.data(".debug_str_offsets")
        self.addr = image.data(".debug_addr")
        self.line = image.data(".debug_line")
        self.loclists = image.data(".debug_loclists")
        self.loc = image.data(".debug_loc")
        self.rnglists = image.data(".debug_rnglists")
        self.ranges_v4 = image.data(".debug_ranges")
        self.build_id = image.build_id
        # File names as stap prints them: the kernel's relative to its
        # source tree, a user binary's as its line table gives them.
        self.full_paths = False
        self._abbrevs = {}
        self._units = {}
        self._unit_offsets = None
        self._dies = {}
        self._aranges = None

    # --- strings, abbreviations, units -----------------------------------------------

    def string(self, offset):
        return cstring(self.str, offset)[0]

    def line_string(self, offset):
        return cstring(self.line_str, offset)[0]

    def abbrevs(self, offset):
        table = self._abbrevs.get(offset)
        if table is None:
            table = self._abbrevs[offset] = parse_abbrevs(self.abbrev, offset)
        return table

    def unit_offsets(self):
        """The offsets of every unit, in file order (headers only: fast)."""
        if self._unit_offsets is None:
            offsets = []
            pos = 0
            size = len(self.info)
            info = self.info
            while pos < size:
                offsets.append(pos)
                pos += 4 + _u32(info, pos)[0]
            self._unit_offsets = offsets
        return self._unit_offsets

    def unit(self, offset):
        unit = self._units.get(offset)
        if unit is None:
            unit = self._units[offset] = Unit(self, offset)
        return unit

    def unit_containing(self, offset):
        offsets = self.unit_offsets()
        index = bisect.bisect_right(offsets, offset) - 1
        return self.unit(offsets[index])

    def die_at(self, offset, hint=None):
        """The DIE at .debug_info offset `offset` (one object per offset)."""
        die = self._dies.get(offset)
        if die is None:
            unit = hint if hint is not None and hint.offset <= offset < hint.end \
                else self.unit_containing(offset)
            die = self._dies[offset] = Die(unit, offset)
        return die

    def units(self):
        for offset in self.unit_offsets():
            yield self.unit(offset)

    # --- addresses ------------------------------------------------------------------

    def aranges(self):
        """Sorted [(start, end, unit offset)] from .debug_aranges."""
        if self._aranges is None:
            data = self.image.data(".debug_aranges")
            found = []
            pos = 0
            while pos < len(data):
                length = _u32(data, pos)[0]
                end = pos + 4 + length
                unit_offset = _u32(data, pos + 6)[0]
                address_size = data[pos + 10]
                tuple_size = 2 * address_size
                header = 12
                first = pos + ((header + tuple_size - 1) // tuple_size) * tuple_size
                cursor = first
                while cursor + tuple_size <= end:
                    start, size = struct.unpack_from("<QQ", data, cursor)
                    cursor += tuple_size
                    if start == 0 and size == 0:
                        break
                    if size:
                        found.append((start, start + size, unit_offset))
                pos = end
            found.sort()
            self._aranges = found
        return self._aranges

    def unit_for_address(self, address):
        ranges = self.aranges()
        index = bisect.bisect_right(ranges, (address, float("inf"), 0)) - 1
        while index >= 0:
            start, end, unit_offset = ranges[index]
            if start <= address < end:
                return self.unit(unit_offset)
            if end <= address and index > 0 and ranges[index - 1][1] <= address:
                break
            index -= 1
        return None

    def die_ranges(self, die):
        """[(start, end)] of the addresses a DIE covers (low/high pc or
        DW_AT_ranges)."""
        attrs = die.attrs
        low = attrs.get(0x11)
        if low is not None and 0x12 in attrs:
            return [(low, attrs[0x12])]        # Die made high_pc an address
        ranges = attrs.get(0x55)
        if ranges is None:
            return []
        return self.range_list(die.unit, ranges)

    def range_list(self, unit, value):
        base = unit.low_pc or 0
        result = []
        if unit.version >= 5:
            data = self.rnglists
            if isinstance(value, tuple):        # rnglistx
                pos = unit.rnglists_base + _u32(data, unit.rnglists_base + 4 * value[1])[0]
            else:
                pos = value
            while True:
                kind = data[pos]
                pos += 1
                if kind == 0:                   # end_of_list
                    break
                if kind == 1:                   # base_addressx
                    index, pos = uleb(data, pos)
                    base = unit.indexed_address(index)
                elif kind == 2:                 # startx_endx
                    a, pos = uleb(data, pos)
                    b, pos = uleb(data, pos)
                    result.append((unit.indexed_address(a), unit.indexed_address(b)))
                elif kind == 3:                 # startx_length
                    a, pos = uleb(data, pos)
                    length, pos = uleb(data, pos)
                    start = unit.indexed_address(a)
                    result.append((start, start + length))
                elif kind == 4:                 # offset_pair
                    a, pos = uleb(data, pos)
                    b, pos = uleb(data, pos)
                    result.append((base + a, base + b))
                elif kind == 5:                 # base_address
                    base = _u64(data, pos)[0]
                    pos += 8
                elif kind == 6:                 # start_end
                    a, b = struct.unpack_from("<QQ", data, pos)
                    pos += 16
                    result.append((a, b))
                elif kind == 7:                 # start_length
                    a = _u64(data, pos)[0]
                    length, pos = uleb(data, pos + 8)
                    result.append((a, a + length))
                else:
                    raise DwarfFormatError("bad range list entry %d" % kind)
        else:
            data = self.ranges_v4
            pos = value
            while True:
                a, b = struct.unpack_from("<QQ", data, pos)
                pos += 16
                if a == 0 and b == 0:
                    break
                if a == 0xffffffffffffffff:
                    base = b
                    continue
                result.append((base + a, base + b))
        return result

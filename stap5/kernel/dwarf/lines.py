"""A compile unit's line table: its source files and the address of each
source line, for `@file:line` probes, decl_file names and statement
probes."""

import os
import struct

from stap5.kernel.dwarf.die import read_value, sleb, uleb

_u16 = struct.Struct("<H").unpack_from
_u32 = struct.Struct("<I").unpack_from
_u64 = struct.Struct("<Q").unpack_from

DW_LNCT_path = 1
DW_LNCT_directory_index = 2


class Row:
    __slots__ = ("address", "file", "line", "is_stmt", "end_sequence")

    def __init__(self, address, file, line, is_stmt, end_sequence):
        self.address = address
        self.file = file
        self.line = line
        self.is_stmt = is_stmt
        self.end_sequence = end_sequence

    def __repr__(self):
        return "<Row %#x %d:%d%s>" % (self.address, self.file, self.line,
                                      " end" if self.end_sequence else "")


class LineTable:
    def __init__(self, unit, offset):
        self.unit = unit
        self.offset = offset
        self.directories = []
        self.files = []             # [(directory index, name)]
        self._rows = None
        self._program = None
        if offset is not None:
            self._read_header()

    def _entries(self, buf, pos, count_formats_first=True):
        unit = self.unit
        format_count = buf[pos]
        pos += 1
        formats = []
        for _ in range(format_count):
            content, pos = uleb(buf, pos)
            form, pos = uleb(buf, pos)
            formats.append((content, form))
        count, pos = uleb(buf, pos)
        entries = []
        for _ in range(count):
            entry = {}
            for content, form in formats:
                value, pos = read_value(buf, pos, form, None, unit)
                entry[content] = value
            entries.append(entry)
        return entries, pos

    def _read_header(self):
        buf = self.unit.dwarf.line
        pos = self.offset
        length = _u32(buf, pos)[0]
        self.end = pos + 4 + length
        version = _u16(buf, pos + 4)[0]
        pos += 6
        if version >= 5:
            pos += 2                # address size, segment selector size
        header_length = _u32(buf, pos)[0]
        pos += 4
        program = pos + header_length
        self.min_inst_length = buf[pos]
        pos += 1
        if version >= 4:
            pos += 1                # maximum operations per instruction
        self.default_is_stmt = buf[pos] != 0
        self.line_base = struct.unpack_from("<b", buf, pos + 1)[0]
        self.line_range = buf[pos + 2]
        self.opcode_base = buf[pos + 3]
        pos += 4
        self.standard_lengths = list(buf[pos:pos + self.opcode_base - 1])
        pos += self.opcode_base - 1
        if version >= 5:
            dirs, pos = self._entries(buf, pos)
            self.directories = [d.get(DW_LNCT_path, "") for d in dirs]
            files, pos = self._entries(buf, pos)
            self.files = [(f.get(DW_LNCT_directory_index, 0), f.get(DW_LNCT_path, ""))
                          for f in files]
        else:
            # DWARF 2-4: directory 0 is the compilation directory, file 0 is unused
            self.directories = [self.unit.comp_dir or ""]
            while buf[pos]:
                end = bytes(buf[pos:pos + 4096]).index(b"\0")
                self.directories.append(bytes(buf[pos:pos + end]).decode("utf-8", "replace"))
                pos += end + 1
            pos += 1
            self.files = [(0, self.unit.name or "")]
            while buf[pos]:
                end = bytes(buf[pos:pos + 4096]).index(b"\0")
                name = bytes(buf[pos:pos + end]).decode("utf-8", "replace")
                pos += end + 1
                directory, pos = uleb(buf, pos)
                _, pos = uleb(buf, pos)
                _, pos = uleb(buf, pos)
                self.files.append((directory, name))
        self._program = program
        self.version = version

    def full_path(self, index):
        if not 0 <= index < len(self.files):
            return None
        directory, name = self.files[index]
        if name.startswith("/"):
            return name
        base = self.directories[directory] if 0 <= directory < len(self.directories) else ""
        # (a relative directory is under the compilation directory, when
        # that one is absolute: glibc's are both relative, "../misc")
        if directory and base and not base.startswith("/") and self.directories and \
                self.directories[0].startswith("/"):
            base = os.path.join(self.directories[0], base)
        return os.path.join(base, name) if base else name

    def file_name(self, index):
        """The file as stap prints it: relative to the compilation
        directory when inside it ("fs/read_write.c",
        "include/linux/fs.h"), else the full path."""
        path = self.full_path(index)
        if path is None or self.unit.dwarf.full_paths:
            return path
        path = os.path.normpath(path)
        comp_dir = self.unit.comp_dir
        if comp_dir and path.startswith(comp_dir.rstrip("/") + "/"):
            return path[len(comp_dir.rstrip("/")) + 1:]
        return path

    # --- the program ---------------------------------------------------------

    def rows(self):
        """Every row of the line program, in program order."""
        if self._rows is None:
            self._rows = self._run() if self._program is not None else []
        return self._rows

    def _run(self):
        buf = self.unit.dwarf.line
        pos = self._program
        end = self.end
        rows = []
        opcode_base = self.opcode_base
        line_base = self.line_base
        line_range = self.line_range
        min_inst = self.min_inst_length
        lengths = self.standard_lengths

        def reset():
            return 0, 1, 1, self.default_is_stmt
        address, file, line, is_stmt = reset()
        if self.version >= 5:
            file = 1
        first_file = file
        while pos < end:
            opcode = buf[pos]
            pos += 1
            if opcode >= opcode_base:
                adjusted = opcode - opcode_base
                address += (adjusted // line_range) * min_inst
                line += line_base + adjusted % line_range
                rows.append(Row(address, file, line, is_stmt, False))
            elif opcode == 0:
                length, pos = uleb(buf, pos)
                sub = buf[pos]
                if sub == 1:            # end_sequence
                    rows.append(Row(address, file, line, is_stmt, True))
                    address, file, line, is_stmt = reset()
                    file = first_file
                elif sub == 2:          # set_address
                    address = _u64(buf, pos + 1)[0]
                pos += length
            elif opcode == 1:           # copy
                rows.append(Row(address, file, line, is_stmt, False))
            elif opcode == 2:           # advance_pc
                delta, pos = uleb(buf, pos)
                address += delta * min_inst
            elif opcode == 3:           # advance_line
                delta, pos = sleb(buf, pos)
                line += delta
            elif opcode == 4:           # set_file
                file, pos = uleb(buf, pos)
            elif opcode == 5:           # set_column
                _, pos = uleb(buf, pos)
            elif opcode == 6:           # negate_stmt
                is_stmt = not is_stmt
            elif opcode == 7:           # set_basic_block
                pass
            elif opcode == 8:           # const_add_pc
                address += ((255 - opcode_base) // line_range) * min_inst
            elif opcode == 9:           # fixed_advance_pc
                address += _u16(buf, pos)[0]
                pos += 2
            else:                       # other standard opcodes: skip their operands
                for _ in range(lengths[opcode - 1]):
                    _, pos = uleb(buf, pos)
        return rows

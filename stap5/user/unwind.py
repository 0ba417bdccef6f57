"""A user binary's call-frame information (.eh_frame), read whole.

`CallFrames(binary_path)` decodes every FDE of .eh_frame into rows, each
valid from its address to the next row's:

    (address, cfa register, cfa offset, rbp offset or None, ra offset)

meaning CFA = register + offset, the caller's rbp saved at CFA + rbp offset
(None: rbp unchanged), the return address at CFA + ra offset.  That is all
an x86-64 user unwinder needs to walk code that keeps no frame pointer;
rows whose CFA is an expression (PLT stubs, signal trampolines) or a
register other than rsp/rbp are dropped, and the unwinder falls back to
frame pointers there.

`rows(binary)` gives those rows for the module (templates/umodules.j2),
`CallFrames.cfa(address)` the CFA rule at one address (DWARF frame bases:
DW_OP_call_frame_cfa).
"""

import bisect
import struct

from stap5.kernel.dwarf.die import sleb, uleb

RSP, RBP, RA = 7, 6, 16

_PE_ABSPTR, _PE_ULEB, _PE_U2, _PE_U4, _PE_U8 = 0x00, 0x01, 0x02, 0x03, 0x04
_PE_SLEB, _PE_S2, _PE_S4, _PE_S8 = 0x09, 0x0a, 0x0b, 0x0c
_PE_PCREL, _PE_DATAREL = 0x10, 0x30
_PE_OMIT = 0xff


def _read_encoded(data, pos, encoding, section_address):
    """(value, new pos) of a pointer in DW_EH_PE `encoding`."""
    if encoding == _PE_OMIT:
        return None, pos
    fmt = encoding & 0x0f
    place = section_address + pos
    if fmt == _PE_ABSPTR or fmt == _PE_U8:
        value, size = struct.unpack_from("<Q", data, pos)[0], 8
    elif fmt == _PE_S8:
        value, size = struct.unpack_from("<q", data, pos)[0], 8
    elif fmt == _PE_U4:
        value, size = struct.unpack_from("<I", data, pos)[0], 4
    elif fmt == _PE_S4:
        value, size = struct.unpack_from("<i", data, pos)[0], 4
    elif fmt == _PE_U2:
        value, size = struct.unpack_from("<H", data, pos)[0], 2
    elif fmt == _PE_S2:
        value, size = struct.unpack_from("<h", data, pos)[0], 2
    elif fmt == _PE_ULEB:
        value, new = uleb(data, pos)
        size = new - pos
    elif fmt == _PE_SLEB:
        value, new = sleb(data, pos)
        size = new - pos
    else:
        raise ValueError("pointer encoding %#x" % encoding)
    if encoding & 0x70 == _PE_PCREL:
        value += place
    return value & 0xffffffffffffffff, pos + size


class _Cie:
    def __init__(self, code_align, data_align, ra_register, fde_encoding, augmented,
                 instructions):
        self.code_align = code_align
        self.data_align = data_align
        self.ra_register = ra_register
        self.fde_encoding = fde_encoding
        self.augmented = augmented
        self.instructions = instructions


class CallFrames:
    """The FDEs of one .eh_frame (or .debug_frame with `eh=False`)."""

    def __init__(self, data, section_address=0, eh=True):
        self.data = data
        self.section_address = section_address
        self.eh = eh
        self._cies = {}
        self._fdes = None

    @classmethod
    def of_binary(cls, path):
        """The .eh_frame of an ELF file, or None."""
        from elftools.elf.elffile import ELFFile
        try:
            with open(path, "rb") as f:
                elf = ELFFile(f)
                section = elf.get_section_by_name(".eh_frame")
                if section is None or section["sh_type"] == "SHT_NOBITS":
                    return None
                return cls(section.data(), section["sh_addr"], eh=True)
        except Exception:
            return None

    # --- CIEs and FDEs ----------------------------------------------------------------

    def _cie(self, offset):
        cie = self._cies.get(offset)
        if cie is not None:
            return cie
        data = self.data
        length = struct.unpack_from("<I", data, offset)[0]
        end = offset + 4 + length
        pos = offset + 8
        version = data[pos]
        pos += 1
        augmentation_end = data.index(b"\0", pos)
        augmentation = bytes(data[pos:augmentation_end])
        pos = augmentation_end + 1
        if version >= 4:
            pos += 2
        code_align, pos = uleb(data, pos)
        data_align, pos = sleb(data, pos)
        if version == 1:
            ra_register = data[pos]
            pos += 1
        else:
            ra_register, pos = uleb(data, pos)
        fde_encoding = _PE_ABSPTR
        augmented = augmentation.startswith(b"z")
        if augmented:
            aug_length, pos = uleb(data, pos)
            aug_end = pos + aug_length
            for char in augmentation[1:]:
                if char == ord("R"):
                    fde_encoding = data[pos]
                    pos += 1
                elif char == ord("P"):
                    encoding = data[pos]
                    _, pos = _read_encoded(data, pos + 1, encoding & 0x7f,
                                           self.section_address)
                elif char == ord("L"):
                    pos += 1
            pos = aug_end
        cie = self._cies[offset] = _Cie(code_align, data_align, ra_register, fde_encoding,
                                        augmented, bytes(data[pos:end]))
        return cie

    def fdes(self):
        """Sorted [(start, end, instructions, cie)]."""
        if self._fdes is None:
            found = []
            data = self.data
            pos = 0
            while pos + 4 <= len(data):
                length = struct.unpack_from("<I", data, pos)[0]
                if length == 0:
                    if self.eh:
                        break
                    pos += 4
                    continue
                if length == 0xffffffff:
                    break               # 64-bit DWARF: not produced for x86-64
                body = pos + 4
                end = body + length
                cie_id = struct.unpack_from("<I", data, body)[0]
                is_cie = cie_id == 0 if self.eh else cie_id == 0xffffffff
                if not is_cie:
                    cie_offset = body - cie_id if self.eh else cie_id
                    try:
                        cie = self._cie(cie_offset)
                        cursor = body + 4
                        if self.eh:
                            start, cursor = _read_encoded(data, cursor, cie.fde_encoding,
                                                          self.section_address)
                            extent, cursor = _read_encoded(data, cursor,
                                                           cie.fde_encoding & 0x0f, 0)
                        else:
                            start, extent = struct.unpack_from("<QQ", data, cursor)
                            cursor += 16
                        if cie.augmented:
                            aug_length, cursor = uleb(data, cursor)
                            cursor += aug_length
                        found.append((start, start + extent, bytes(data[cursor:end]), cie))
                    except (ValueError, IndexError, struct.error):
                        pass
                pos = end
            found.sort(key=lambda fde: fde[0])
            self._fdes = found
        return self._fdes

    # --- rows ---------------------------------------------------------------------------

    def rows_of(self, fde):
        """[(address, cfa rule, {register: rule})] of one FDE, a rule being
        ("offset", N) (saved at CFA+N), ("reg", R, N) for the CFA, or None."""
        start, end, instructions, cie = fde
        state = {"cfa": ("reg", RSP, 8), "regs": {}}
        _run(cie.instructions, state, None, start, cie, [], None)
        initial = {"cfa": state["cfa"], "regs": dict(state["regs"])}
        rows = []
        _run(instructions, state, initial, start, cie, rows, end)
        return rows

    def cfa(self, address):
        """(register, offset) of the CFA at `address`, or None."""
        fdes = self.fdes()
        index = bisect.bisect_right([f[0] for f in fdes], address) - 1
        if index < 0 or not fdes[index][0] <= address < fdes[index][1]:
            return None
        found = None
        for row_address, cfa, _ in self.rows_of(fdes[index]):
            if row_address > address:
                break
            found = cfa
        if found is None or found[0] != "reg":
            return None
        return found[1], found[2]


def _run(program, state, initial, location, cie, rows, end):
    """Execute CFA instructions; each row is appended as the location
    advances (and once at the end), when `rows` is given."""
    stack = []
    pos = 0
    size = len(program)

    def emit():
        if end is not None:
            rows.append((location, state["cfa"], dict(state["regs"])))

    def set_rule(register, rule):
        state["regs"][register] = rule

    def restore(register):
        if initial is not None and register in initial["regs"]:
            state["regs"][register] = initial["regs"][register]
        else:
            state["regs"].pop(register, None)
    code_align, data_align = cie.code_align, cie.data_align
    while pos < size:
        op = program[pos]
        pos += 1
        high, low = op & 0xc0, op & 0x3f
        advance = None
        if high == 0x40:
            advance = low * code_align
        elif high == 0x80:
            offset, pos = uleb(program, pos)
            set_rule(low, ("offset", offset * data_align))
        elif high == 0xc0:
            restore(low)
        elif op == 0x00:
            pass
        elif op == 0x01:
            new = struct.unpack_from("<Q", program, pos)[0]
            pos += 8
            advance = new - location
        elif op == 0x02:
            advance = program[pos] * code_align
            pos += 1
        elif op == 0x03:
            advance = struct.unpack_from("<H", program, pos)[0] * code_align
            pos += 2
        elif op == 0x04:
            advance = struct.unpack_from("<I", program, pos)[0] * code_align
            pos += 4
        elif op == 0x05:
            register, pos = uleb(program, pos)
            offset, pos = uleb(program, pos)
            set_rule(register, ("offset", offset * data_align))
        elif op == 0x06:
            register, pos = uleb(program, pos)
            restore(register)
        elif op in (0x07, 0x08):
            register, pos = uleb(program, pos)
            set_rule(register, None if op == 0x08 else ("undefined",))
            if op == 0x08:
                state["regs"].pop(register, None)
        elif op == 0x09:
            register, pos = uleb(program, pos)
            other, pos = uleb(program, pos)
            set_rule(register, ("register", other))
        elif op == 0x0a:
            stack.append((state["cfa"], dict(state["regs"])))
        elif op == 0x0b:
            if stack:
                state["cfa"], state["regs"] = stack.pop()
        elif op == 0x0c:
            register, pos = uleb(program, pos)
            offset, pos = uleb(program, pos)
            state["cfa"] = ("reg", register, offset)
        elif op == 0x0d:
            register, pos = uleb(program, pos)
            cfa = state["cfa"]
            state["cfa"] = ("reg", register, cfa[2] if cfa and cfa[0] == "reg" else 0)
        elif op == 0x0e:
            offset, pos = uleb(program, pos)
            cfa = state["cfa"]
            state["cfa"] = ("reg", cfa[1], offset) if cfa and cfa[0] == "reg" else None
        elif op == 0x0f:
            length, pos = uleb(program, pos)
            pos += length
            state["cfa"] = ("expression",)
        elif op in (0x10, 0x16):
            register, pos = uleb(program, pos)
            length, pos = uleb(program, pos)
            pos += length
            set_rule(register, ("expression",))
        elif op in (0x11, 0x14, 0x15):
            register, pos = uleb(program, pos)
            offset, pos = sleb(program, pos) if op != 0x14 else uleb(program, pos)
            set_rule(register, ("offset" if op == 0x11 else "val_offset", offset * data_align))
        elif op == 0x12:
            register, pos = uleb(program, pos)
            offset, pos = sleb(program, pos)
            state["cfa"] = ("reg", register, offset * data_align)
        elif op == 0x13:
            offset, pos = sleb(program, pos)
            cfa = state["cfa"]
            state["cfa"] = ("reg", cfa[1], offset * data_align) if cfa and cfa[0] == "reg" \
                else None
        elif op == 0x2e:
            _, pos = uleb(program, pos)
        elif op == 0x2f:
            register, pos = uleb(program, pos)
            offset, pos = uleb(program, pos)
            set_rule(register, ("offset", -offset * data_align))
        else:
            break
        if advance is not None:
            if rows is not None and end is not None:
                if not rows or rows[-1][0] != location:
                    emit()
                else:
                    rows[-1] = (location, state["cfa"], dict(state["regs"]))
            location += advance
            if end is not None and location >= end:
                return
    if end is not None:
        if rows and rows[-1][0] == location:
            rows[-1] = (location, state["cfa"], dict(state["regs"]))
        else:
            emit()


def rows(binary):
    """The module's unwind rows of a UserBinary: sorted (address, cfa
    register, cfa offset, rbp offset or 0, ra offset), and a row with cfa
    register -1 where a function's FDE ends (unknown beyond)."""
    frames = CallFrames.of_binary(binary.path)
    if frames is None:
        return []
    table = []
    for fde in frames.fdes():
        last = None
        for address, cfa, registers in frames.rows_of(fde):
            if cfa is None or cfa[0] != "reg" or cfa[1] not in (RSP, RBP):
                row = (address, -1, 0, 0, 0)
            else:
                rbp = registers.get(RBP)
                ra = registers.get(RA)
                if ra is None or ra[0] != "offset":
                    row = (address, -1, 0, 0, 0)
                else:
                    row = (address, cfa[1], cfa[2],
                           rbp[1] if rbp is not None and rbp[0] == "offset" else 0, ra[1])
            if last is None or row[1:] != last[1:]:
                table.append(row)
                last = row
        table.append((fde[1], -1, 0, 0, 0))
    table.sort(key=lambda row: row[0])
    # one row per address: where an FDE's end meets the next FDE's start,
    # the start wins
    deduplicated = []
    for row in table:
        if deduplicated and deduplicated[-1][0] == row[0]:
            if row[1] != -1:
                deduplicated[-1] = row
            continue
        deduplicated.append(row)
    return deduplicated

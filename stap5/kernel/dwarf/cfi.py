"""The canonical frame address (CFA) at an address, from .debug_frame (or
.eh_frame): DWARF's frame base is usually DW_OP_call_frame_cfa, and a probe
needs it as "register + offset" at its own address."""

import bisect
import struct

from stap5.kernel.dwarf.die import sleb, uleb

_u32 = struct.Struct("<I").unpack_from
_u64 = struct.Struct("<Q").unpack_from
RSP = 7


class FrameTable:
    def __init__(self, data):
        self.data = data
        self._fdes = None           # sorted [(start, end, offset, cie offset)]
        self._cies = {}

    def _scan(self):
        data = self.data
        fdes = []
        pos = 0
        size = len(data)
        while pos + 4 <= size:
            length = _u32(data, pos)[0]
            if length == 0:
                pos += 4
                continue
            body = pos + 4
            cie_id = _u32(data, body)[0]
            if cie_id != 0xffffffff:
                start, extent = struct.unpack_from("<QQ", data, body + 4)
                fdes.append((start, start + extent, pos, cie_id))
            pos = body + length
        fdes.sort()
        self._fdes = fdes

    def _cie(self, offset):
        cie = self._cies.get(offset)
        if cie is None:
            data = self.data
            length = _u32(data, offset)[0]
            end = offset + 4 + length
            pos = offset + 8
            version = data[pos]
            pos += 1
            augmentation_end = bytes(data[pos:pos + 64]).index(b"\0")
            augmentation = bytes(data[pos:pos + augmentation_end])
            pos += augmentation_end + 1
            if version >= 4:
                pos += 2            # address size, segment size
            code_align, pos = uleb(data, pos)
            data_align, pos = sleb(data, pos)
            if version == 1:
                pos += 1
            else:
                _, pos = uleb(data, pos)
            if augmentation.startswith(b"z"):
                aug_length, pos = uleb(data, pos)
                pos += aug_length
            cie = self._cies[offset] = (code_align, data_align, bytes(data[pos:end]))
        return cie

    def cfa(self, address):
        """(register, offset) of the CFA at `address`, or None."""
        if self._fdes is None:
            self._scan()
        index = bisect.bisect_right(self._fdes, (address, float("inf"))) - 1
        if index < 0:
            return None
        start, end, offset, cie_offset = self._fdes[index]
        if not start <= address < end:
            return None
        code_align, data_align, initial = self._cie(cie_offset)
        data = self.data
        length = _u32(data, offset)[0]
        fde_end = offset + 4 + length
        instructions = bytes(data[offset + 4 + 4 + 16:fde_end])
        state = {"cfa": (RSP, 8)}
        self._run(initial, state, None, start, code_align, data_align, None)
        self._run(instructions, state, dict(state), start, code_align, data_align, address)
        return state["cfa"]

    def _run(self, program, state, initial, location, code_align, data_align, target):
        """Execute CFA instructions up to `target` (None: all)."""
        stack = []
        pos = 0
        size = len(program)
        while pos < size:
            op = program[pos]
            pos += 1
            high = op & 0xc0
            low = op & 0x3f
            advance = None
            if high == 0x40:                        # advance_loc
                advance = low * code_align
            elif high == 0x80:                      # offset(reg)
                _, pos = uleb(program, pos)
            elif high == 0xc0:                      # restore(reg)
                pass
            elif op == 0x01:                        # set_loc
                new = _u64(program, pos)[0]
                pos += 8
                advance = new - location
            elif op == 0x02:
                advance = program[pos] * code_align
                pos += 1
            elif op == 0x03:
                advance = struct.unpack_from("<H", program, pos)[0] * code_align
                pos += 2
            elif op == 0x04:
                advance = _u32(program, pos)[0] * code_align
                pos += 4
            elif op in (0x05,):                     # offset_extended
                _, pos = uleb(program, pos)
                _, pos = uleb(program, pos)
            elif op in (0x06, 0x07, 0x08):          # restore_ext, undefined, same_value
                _, pos = uleb(program, pos)
            elif op == 0x09:                        # register
                _, pos = uleb(program, pos)
                _, pos = uleb(program, pos)
            elif op == 0x0a:                        # remember_state
                stack.append(dict(state))
            elif op == 0x0b:                        # restore_state
                if stack:
                    state.clear()
                    state.update(stack.pop())
            elif op == 0x0c:                        # def_cfa
                register, pos = uleb(program, pos)
                offset, pos = uleb(program, pos)
                state["cfa"] = (register, offset)
            elif op == 0x0d:                        # def_cfa_register
                register, pos = uleb(program, pos)
                state["cfa"] = (register, state["cfa"][1])
            elif op == 0x0e:                        # def_cfa_offset
                offset, pos = uleb(program, pos)
                state["cfa"] = (state["cfa"][0], offset)
            elif op == 0x0f:                        # def_cfa_expression
                length, pos = uleb(program, pos)
                pos += length
                state["cfa"] = None
            elif op in (0x10, 0x16):                # expression, val_expression
                _, pos = uleb(program, pos)
                length, pos = uleb(program, pos)
                pos += length
            elif op in (0x11, 0x14):                # offset_extended_sf, val_offset
                _, pos = uleb(program, pos)
                _, pos = sleb(program, pos)
            elif op == 0x15:
                _, pos = uleb(program, pos)
                _, pos = sleb(program, pos)
            elif op == 0x12:                        # def_cfa_sf
                register, pos = uleb(program, pos)
                offset, pos = sleb(program, pos)
                state["cfa"] = (register, offset * data_align)
            elif op == 0x13:                        # def_cfa_offset_sf
                offset, pos = sleb(program, pos)
                state["cfa"] = (state["cfa"][0], offset * data_align)
            elif op == 0x2e:                        # GNU_args_size
                _, pos = uleb(program, pos)
            elif op == 0x2f:                        # GNU_negative_offset_extended
                _, pos = uleb(program, pos)
                _, pos = uleb(program, pos)
            elif op == 0x00:                        # nop
                pass
            else:
                return
            if advance is not None:
                if target is not None and location + advance > target:
                    return
                location += advance

"""DWARF location descriptions turned into stap5's Location programs
(stap5/kernel/location.py), for one probe address: the location list entry
covering the address is chosen, the frame base is resolved to the CFA rule
there, and the expression becomes a list of simple stack operations."""

import struct

from stap5.kernel.dwarf.die import sleb, uleb
from stap5.kernel.location import MEMORY, PIECES, REGISTER, UNAVAILABLE, VALUE, Location

_u16 = struct.Struct("<H").unpack_from
_u32 = struct.Struct("<I").unpack_from
_u64 = struct.Struct("<Q").unpack_from


class Unsupported(Exception):
    """An expression stap5 cannot turn into a program; str() says why."""


def location_expression(unit, value, pc):
    """The expression bytes of a DW_AT_location value at `pc` (a block, or
    a location list offset/index), or None when nothing covers `pc`."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    dwarf = unit.dwarf
    base = unit.low_pc or 0
    if unit.version >= 5:
        data = dwarf.loclists
        if isinstance(value, tuple):
            pos = unit.loclists_base + _u32(data, unit.loclists_base + 4 * value[1])[0]
        else:
            pos = value
        default = None
        while True:
            kind = data[pos]
            pos += 1
            start = end = None
            if kind == 0:
                break
            elif kind == 1:
                index, pos = uleb(data, pos)
                base = unit.indexed_address(index)
                continue
            elif kind == 2:
                a, pos = uleb(data, pos)
                b, pos = uleb(data, pos)
                start, end = unit.indexed_address(a), unit.indexed_address(b)
            elif kind == 3:
                a, pos = uleb(data, pos)
                length, pos = uleb(data, pos)
                start = unit.indexed_address(a)
                end = start + length
            elif kind == 4:
                a, pos = uleb(data, pos)
                b, pos = uleb(data, pos)
                start, end = base + a, base + b
            elif kind == 5:
                pass
            elif kind == 6:
                base = _u64(data, pos)[0]
                pos += 8
                continue
            elif kind == 7:
                start, end = struct.unpack_from("<QQ", data, pos)
                pos += 16
            elif kind == 8:
                start = _u64(data, pos)[0]
                length, pos = uleb(data, pos + 8)
                end = start + length
            elif kind == 9:                 # GNU view pair: no location follows
                _, pos = uleb(data, pos)
                _, pos = uleb(data, pos)
                continue
            else:
                raise Unsupported("unknown location list entry %d" % kind)
            length, pos = uleb(data, pos)
            expression = bytes(data[pos:pos + length])
            pos += length
            if kind == 5:
                default = expression
            elif start <= pc < end:
                return expression
        return default
    data = dwarf.loc
    pos = value
    while True:
        start, end = struct.unpack_from("<QQ", data, pos)
        pos += 16
        if start == 0 and end == 0:
            return None
        if start == 0xffffffffffffffff:
            base = end
            continue
        length = _u16(data, pos)[0]
        pos += 2
        expression = bytes(data[pos:pos + length])
        pos += length
        if base + start <= pc < base + end:
            return expression


_BINARY = {0x1a: "and", 0x1b: "div", 0x1c: "minus", 0x1d: "mod", 0x1e: "mul",
           0x21: "or", 0x22: "plus", 0x24: "shl", 0x25: "shr", 0x26: "shra", 0x27: "xor"}
_UNARY = {0x1f: "neg", 0x20: "not"}
_STACK = {0x12: ("dup",), 0x13: ("drop",), 0x14: ("over",), 0x16: ("swap",), 0x17: ("rot",)}


def to_location(expression, frame_base=None, in_piece=False):
    """A Location for a DWARF expression.  `frame_base` is a callable
    giving the ops of the frame base (for DW_OP_fbreg)."""
    if not expression:
        return Location.unavailable("optimized out")
    ops = []
    kind = MEMORY
    pieces = []
    pos = 0
    size = len(expression)
    piece_start = 0
    register_only = None
    while pos < size:
        op_start = pos
        op = expression[pos]
        pos += 1
        if 0x50 <= op <= 0x6f:                          # reg0..31
            register_only = op - 0x50
            kind = REGISTER
        elif op == 0x90:                                # regx
            register_only, pos = uleb(expression, pos)
            kind = REGISTER
        elif 0x70 <= op <= 0x8f:                        # breg0..31
            offset, pos = sleb(expression, pos)
            ops.append(("breg", op - 0x70, offset))
        elif op == 0x92:                                # bregx
            register, pos = uleb(expression, pos)
            offset, pos = sleb(expression, pos)
            ops.append(("breg", register, offset))
        elif op == 0x91:                                # fbreg
            offset, pos = sleb(expression, pos)
            if frame_base is None:
                raise Unsupported("no frame base")
            base = frame_base()
            ops.extend(base)
            if offset:
                ops.append(("plus_const", offset))
        elif op == 0x03:                                # addr
            ops.append(("addr", _u64(expression, pos)[0]))
            pos += 8
        elif 0x30 <= op <= 0x4f:                        # lit0..31
            ops.append(("const", op - 0x30))
        elif op in (0x08, 0x09):                        # const1u/s
            value = expression[pos] if op == 0x08 else struct.unpack_from("<b", expression, pos)[0]
            ops.append(("const", value))
            pos += 1
        elif op in (0x0a, 0x0b):
            value = struct.unpack_from("<H" if op == 0x0a else "<h", expression, pos)[0]
            ops.append(("const", value))
            pos += 2
        elif op in (0x0c, 0x0d):
            value = struct.unpack_from("<I" if op == 0x0c else "<i", expression, pos)[0]
            ops.append(("const", value))
            pos += 4
        elif op in (0x0e, 0x0f):
            value = struct.unpack_from("<Q" if op == 0x0e else "<q", expression, pos)[0]
            ops.append(("const", value))
            pos += 8
        elif op == 0x10:                                # constu
            value, pos = uleb(expression, pos)
            ops.append(("const", value))
        elif op == 0x11:                                # consts
            value, pos = sleb(expression, pos)
            ops.append(("const", value))
        elif op == 0x23:                                # plus_uconst
            value, pos = uleb(expression, pos)
            ops.append(("plus_const", value))
        elif op == 0x06:                                # deref
            ops.append(("deref", 8))
        elif op == 0x94:                                # deref_size
            ops.append(("deref", expression[pos]))
            pos += 1
        elif op in _BINARY:
            ops.append((_BINARY[op],))
        elif op in _UNARY:
            ops.append((_UNARY[op],))
        elif op in _STACK:
            ops.append(_STACK[op])
        elif op == 0x15:                                # pick
            ops.append(("pick", expression[pos]))
            pos += 1
        elif op == 0x9c:                                # call_frame_cfa
            if frame_base is None:
                raise Unsupported("no CFA")
            ops.extend(frame_base(cfa=True))
        elif op == 0x9f:                                # stack_value
            kind = VALUE
        elif op == 0x9e:                                # implicit_value
            length, pos = uleb(expression, pos)
            value = int.from_bytes(expression[pos:pos + min(length, 8)], "little")
            pos += length
            ops = [("const", value)]
            kind = VALUE
        elif op in (0x93, 0x9d):                        # piece, bit_piece
            piece_size, pos = uleb(expression, pos)
            if op == 0x9d:
                _, pos = uleb(expression, pos)
                piece_size = (piece_size + 7) // 8
            part = expression[piece_start:op_start]
            pieces.append((piece_size, to_location(part, frame_base, True) if part else None))
            piece_start = pos
            ops = []
            kind = MEMORY
            register_only = None
        elif op in (0xa3, 0xf3):                        # entry_value
            raise Unsupported("DW_OP_entry_value")
        elif op in (0xa0, 0xf2):                        # implicit_pointer
            raise Unsupported("DW_OP_implicit_pointer")
        elif op == 0x96:                                # nop
            pass
        else:
            raise Unsupported("DWARF operation 0x%x" % op)
    if pieces:
        if piece_start < size:
            raise Unsupported("trailing operations after pieces")
        return Location(PIECES, pieces=pieces)
    if kind == REGISTER:
        if ops:
            raise Unsupported("register with other operations")
        return Location.register(register_only)
    if not ops:
        return Location.unavailable("optimized out")
    return Location(kind, ops)

"""Wire formats shared with the runtime (runtime/transport/messages.h)."""

import struct

# Control channel messages: header (type, len) then `len` bytes.
MSG_HEADER = struct.Struct("<II")
MSG_STDERR = 1          # text for stderr ("ERROR: ...\n", "WARNING: ...\n")
MSG_REQUEST_EXIT = 2    # the script wants to end: answer with CMD_STOP
MSG_DONE = 3            # session over, payload DONE below

DONE = struct.Struct("<iiii")   # errors, skipped, aborted, dropped

CMD_START = b"start"
CMD_STOP = b"stop"
CMD_DETACH = b"detach"      # flight recorder: the session outlives ctl
CMD_ATTACH = b"attach"      # a staprun5 is back

# Data channel records: header (seq, len, magic) then `len` bytes of output.
RECORD_HEADER = struct.Struct("<QII")
RECORD_MAGIC = 0x53545035


class ProtocolError(Exception):
    """The module sent something this staprun5 does not understand."""


def split_messages(buf):
    """Complete control messages in buf: ([(type, payload)], rest)."""
    out = []
    pos = 0
    while len(buf) - pos >= MSG_HEADER.size:
        mtype, mlen = MSG_HEADER.unpack_from(buf, pos)
        end = pos + MSG_HEADER.size + mlen
        if end > len(buf):
            break
        out.append((mtype, bytes(buf[pos + MSG_HEADER.size:end])))
        pos = end
    return out, buf[pos:]


def split_records(buf):
    """Complete data records in buf: ([(seq, payload)], rest)."""
    out = []
    pos = 0
    while len(buf) - pos >= RECORD_HEADER.size:
        seq, rlen, magic = RECORD_HEADER.unpack_from(buf, pos)
        if magic != RECORD_MAGIC:
            raise ProtocolError(f"bad record header at offset {pos} "
                                f"(magic {magic:#x})")
        end = pos + RECORD_HEADER.size + rlen
        if end > len(buf):
            break
        out.append((seq, bytes(buf[pos + RECORD_HEADER.size:end])))
        pos = end
    return out, buf[pos:]

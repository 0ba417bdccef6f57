"""The framing spoken over the virtio-serial control port between host and guest agent.

Both sides import this file (the agent runs it from the source tree with ``python -S``),
so it must stay dependency-free. A frame is a 9-byte header -- kind (u8), command id
(u32), payload length (u32), big-endian -- followed by the payload. Control payloads are
JSON; STDIN/STDOUT/STDERR payloads are raw bytes.
"""

import json
import struct

HEADER = struct.Struct(">BII")
MAX_PAYLOAD = 1 << 20

# host -> guest
SPAWN = 1      # {"argv": [...], "cwd": str, "env": {...}}; id chosen by the host
STDIN = 2      # raw bytes for the command's stdin; an empty payload closes it
SIGNAL = 3     # {"signal": N}: sent to the command's process group
SHUTDOWN = 4   # {}: kill what runs, power the guest off

# guest -> host
READY = 10     # {"uname": ..., "tmp": "overlay"|"tmpfs"}: the agent is up (id 0)
STARTED = 11   # {"pid": N}
STDOUT = 12    # raw bytes
STDERR = 13    # raw bytes
EXIT = 14      # {"status": N}: exit code, or -N if killed by signal N
LOG = 15       # {"message": str}: the agent itself has something to say


def frame(kind, ident, payload=b""):
    if not isinstance(payload, (bytes, bytearray)):
        payload = json.dumps(payload).encode()
    return HEADER.pack(kind, ident, len(payload)) + payload


def frames(kind, ident, data):
    """Split `data` into as many frames as MAX_PAYLOAD requires."""
    for i in range(0, len(data), MAX_PAYLOAD):
        yield frame(kind, ident, data[i:i + MAX_PAYLOAD])


class Reader:
    """Accumulates bytes from a stream and yields complete (kind, id, payload) frames."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        while len(self.buf) >= HEADER.size:
            kind, ident, length = HEADER.unpack_from(self.buf)
            if length > MAX_PAYLOAD:
                raise ValueError(f"corrupt frame: length {length}")
            end = HEADER.size + length
            if len(self.buf) < end:
                break
            payload = bytes(self.buf[HEADER.size:end])
            del self.buf[:end]
            yield kind, ident, payload


def decode(payload):
    return json.loads(payload.decode()) if payload else {}

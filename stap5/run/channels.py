"""The module's two channels, seen from user space.

ControlChannel: debugfs stap5/MODULE/ctl. Commands are written to it;
messages (stderr text, exit requests, the end-of-session report) are read
from it.

DataChannel: the per-CPU relay files stap5/MODULE/trace<N>. Each holds a
stream of records numbered across all CPUs; OrderedOutput puts them back in
order before they reach stdout (or -o FILE).
"""

import errno
import glob
import heapq
import os
import time

from stap5.run import wire

DEBUGFS = "/sys/kernel/debug"


def module_dir(name):
    return os.path.join(DEBUGFS, "stap5", name)


class ControlChannel:
    def __init__(self, path):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self._pending = b""

    def fileno(self):
        return self.fd

    def read_messages(self):
        """All messages available now: [(type, payload)]."""
        while True:
            try:
                chunk = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                raise
            if not chunk:
                break
            self._pending += chunk
        messages, self._pending = wire.split_messages(self._pending)
        return messages

    def command(self, word):
        """Send a command; returns when the module has carried it out."""
        os.write(self.fd, word)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class DataChannel:
    def __init__(self, directory):
        paths = sorted(glob.glob(os.path.join(directory, "trace[0-9]*")),
                       key=lambda p: int(p.rsplit("trace", 1)[1]))
        self.files = []
        for path in paths:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            self.files.append([fd, b"", int(path.rsplit("trace", 1)[1])])

    def read_records(self):
        """All complete records available now, from every CPU."""
        return [record for records in self.read_records_per_cpu().values()
                for record in records]

    def read_records_per_cpu(self):
        """All complete records available now: {cpu: [(seq, payload)]}."""
        records = {}
        for entry in self.files:
            fd, cpu = entry[0], entry[2]
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except BlockingIOError:
                    break
                except OSError as e:
                    if e.errno == errno.EINTR:
                        continue
                    if e.errno == errno.ENODATA:
                        break
                    raise
                if not chunk:
                    break
                entry[1] += chunk
            records[cpu], entry[1] = wire.split_records(entry[1])
        return records

    def close(self):
        for entry in self.files:
            os.close(entry[0])
        self.files = []


def write_all(sink, data):
    """Write data to sink (a binary stream) whole, straight to its file
    descriptor, a short write at a time: CPython's BufferedWriter loses the
    rest of a write larger than its buffer that a signal cut short (Ctrl-Z
    and fg, a Ctrl-C handler); floods write megabytes at once."""
    try:
        fd = sink.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is None:
        sink.write(data)
        sink.flush()
        return
    sink.flush()
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except InterruptedError:
            continue


class OrderedOutput:
    """Writes records in sequence order. A record whose predecessor has not
    shown up yet (still being written on another CPU) is held back, for at
    most `gap_timeout` seconds (a predecessor can be lost only if the
    module's buffers overflowed)."""

    def __init__(self, sink, gap_timeout=0.5):
        self.sink = sink
        self.gap_timeout = gap_timeout
        self.next_seq = 1
        self.heap = []
        self.gap_since = None

    def add(self, records):
        for seq, payload in records:
            heapq.heappush(self.heap, (seq, payload))

    def flush(self, final=False):
        out = []
        if self.next_seq is None:
            if not self.heap:
                return
            self.next_seq = self.heap[0][0]
        while self.heap:
            seq, payload = self.heap[0]
            if seq < self.next_seq:         # duplicate: cannot happen
                heapq.heappop(self.heap)
                continue
            if seq != self.next_seq:
                now = time.monotonic()
                if not final:
                    if self.gap_since is None:
                        self.gap_since = now
                    if now - self.gap_since < self.gap_timeout:
                        break
                self.next_seq = seq         # give up on the missing ones
            heapq.heappop(self.heap)
            out.append(payload)
            self.next_seq = seq + 1
            self.gap_since = None
        if out:
            write_records = getattr(self.sink, "write_records", None)
            if write_records:       # a rotating file: each record whole in one file
                write_records(out)
            else:
                write_all(self.sink, b"".join(out))

    def start_anywhere(self):
        """Attaching to a running session: its first records were read by an
        earlier staprun5 (or overwritten): start from the first one found."""
        self.next_seq = None

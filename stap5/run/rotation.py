"""staprun5's output file (-o FILE), and its rotation (-S SIZE[,N], SIGUSR2).

As staprun does it: with -S the output goes to FILE.0, then FILE.1, ... each
at most SIZE megabytes, and when N is given only the last N files are kept
(the oldest is removed as a new one starts). Without -S the output goes to
FILE, and SIGUSR2 switches it to FILE.1, FILE.2, ... (with -S it switches to
the next file early). FILE may hold strftime(3) formats, expanded once.

A record (one probe's output) is never split between two files: a file ends
before the record that would take it past SIZE (or past it, for a record
larger than SIZE on its own).
"""

import os
import re
import time

SIZE_SPEC = re.compile(r"^[0-9]+(,[0-9]+)?$")


class RotationError(Exception):
    pass


def parse_size_spec(spec):
    """ "SIZE[,N]" (SIZE in MB) -> (max bytes or None, max files or None)."""
    if not SIZE_SPEC.match(spec):
        raise RotationError(f"invalid -S argument '{spec}' (SIZE[,N] expected)")
    size, _, count = spec.partition(",")
    max_bytes = int(size) << 20
    max_files = int(count) if count else None
    if max_bytes == 0:
        return None, None
    if max_files == 0:
        max_files = None
    return max_bytes, max_files


def expand_name(path):
    return time.strftime(path) if "%" in path else path


class OutputFile:
    """A writable binary sink (write/flush/close) over FILE or FILE.N."""

    def __init__(self, path, max_bytes=None, max_files=None):
        self.base = expand_name(path)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.rotating = max_bytes is not None
        self.index = 0
        self.size = 0
        self.file = None
        self.switch_requested = False
        self._open()

    def name(self, index):
        if self.rotating:
            return f"{self.base}.{index}"
        return self.base if index == 0 else f"{self.base}.{index}"

    def _open(self):
        path = self.name(self.index)
        try:
            self.file = open(path, "wb")
        except OSError as e:
            raise RotationError(f"Couldn't open output file {path}: {e.strerror}") from None
        self.size = 0
        if self.max_files and self.index >= self.max_files:
            try:
                os.unlink(self.name(self.index - self.max_files))
            except OSError:
                pass

    def switch(self):
        """Go on in the next file (SIGUSR2: asked from a signal handler, done at
        the next write, between two records)."""
        self.switch_requested = True

    def _next(self):
        self.file.close()
        self.index += 1
        self._open()

    def write(self, data):
        if self.switch_requested:
            self.switch_requested = False
            self._next()
        if self.max_bytes and self.size and self.size + len(data) > self.max_bytes:
            self._next()
        self.file.write(data)
        self.size += len(data)

    def write_records(self, payloads):
        """Write a batch of records, each whole in one file."""
        for payload in payloads:
            self.write(payload)

    def flush(self):
        self.file.flush()

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None

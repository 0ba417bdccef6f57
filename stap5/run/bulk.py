"""Bulk mode (stap -b): each CPU's output kept apart instead of merged.

With -o FILE, CPU N's records go to FILE_N, each preceded by stap's
per-CPU record header {u32 sequence, u32 length} (what 4.8 writes), so that
stap-merge can put the files back in order.  Without -o, each record is
written to stdout as it is read, CPU by CPU (4.8 has no usable behaviour to
copy there: its bulk mode without -o hangs on this kernel).
"""

import struct

from stap5.run.channels import write_all

TRACE_HEADER = struct.Struct("<II")     # 4.8's struct _stp_trace


class PerCpuOutput:
    def __init__(self, output_path=None, stdout=None):
        self.output_path = output_path
        self.stdout = stdout
        self.files = {}

    def _file(self, cpu):
        if cpu not in self.files:
            self.files[cpu] = open("%s_%d" % (self.output_path, cpu), "wb")
        return self.files[cpu]

    def add(self, records_by_cpu):
        for cpu, records in sorted(records_by_cpu.items()):
            if not records:
                continue
            if self.output_path is None:
                write_all(self.stdout, b"".join(payload for _seq, payload in records))
                continue
            write_all(self._file(cpu), b"".join(
                TRACE_HEADER.pack(seq & 0xFFFFFFFF, len(payload)) + payload
                for seq, payload in records))

    def flush(self, final=False):
        if final:
            self.close()

    def close(self):
        for f in self.files.values():
            f.close()
        self.files = {}

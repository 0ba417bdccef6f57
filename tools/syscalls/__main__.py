"""python3 -m tools.syscalls [--check]

Writes the syscall tapsets (tapsets/linux/x86_64/sysc_*.stp and
syscall_table.stp) from syscalls.table and the kernel's headers; with
--check, writes nothing and exits 1 if any of them is out of date.
"""

import os
import sys

from . import generate


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    try:
        files = generate.tapset_files()
    except (generate.GenerateError) as e:
        print("tools.syscalls: %s" % e, file=sys.stderr)
        return 2
    stale = generate.stale_files(files)
    if check:
        for path in stale:
            print("out of date: %s" % os.path.relpath(path), file=sys.stderr)
        return 1 if stale else 0
    generate.write(files)
    print("%d files, %d rewritten" % (len(files), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

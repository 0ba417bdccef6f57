"""The generator of the syscall tapsets: `python3 -m tools.syscalls`.

From syscalls.table (what each syscall.NAME probe computes, in SystemTap
statements over the parameters of the kernel functions it probes),
names.table (the lists of named values the decoders print) and the
kernel's headers (prototypes, system call tables and numbers), it writes:

- tapsets/linux/x86_64/sysc_NAME.stp: syscall.NAME, nd_syscall.NAME and
  their .return probes (emit.py);
- tapsets/linux/x86_64/syscall_table.stp: syscall_name(), syscall_num()
  (numbers.py);
- runtime/syscalls/names.h and tapsets/linux/syscall_lists.stp: the lists
  and the decoders that look a value up in one (names.py).

`--check` writes nothing and fails if a file is out of date (the tests run
it).  headers.py reads the headers; table.py documents the table's format.
"""

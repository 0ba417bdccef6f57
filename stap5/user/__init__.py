"""User-space programs and libraries as probe targets: what pass 2 needs to
know of a binary that a process probe names.

    binary.py     finding a binary as stap does (PATH, #! scripts), its ELF
                  facts (segments: link-time address -> file offset, the
                  uprobe's coordinate), its PLT, its separate debuginfo
    sdt.py        the .note.stapsdt markers (<sys/sdt.h>) and their
                  argument strings
    unwind.py     the binary's call-frame information (.eh_frame), compiled
                  into tables the module's user unwinder walks

Their DWARF is read by stap5/kernel/dwarf (`open_module(debug file, path)`),
as the kernel's is.
"""

"""What stap5 knows about a target kernel, in one place.

A script is built for one kernel release: its kbuild tree (pass 4), its
symbol table (kprobe.function wildcards), its debuginfo (DWARF probes and
target variables), its BTF (target variables without debuginfo,
tracepoint prototypes) and stap5's cache of all of these.

    target = kernel_target(session)     # KernelTarget: release, build tree, files
    cache.cache_dir()                   # the one cache root ($STAP5_CACHE)
    symbols.function_symbols(target)    # names of the kernel's functions
    ctype                               # C types, one model for DWARF and BTF
"""

from stap5.kernel.target import KernelTarget, kernel_target  # noqa: F401

"""The DWARF reader: the kernel's and modules' debuginfo, read fast.

    elf.py      the ELF file (mapped; a module's DWARF relocated)
    die.py      units, abbreviations and DIEs decoded from .debug_info
    file.py     one file's DWARF: DIEs by offset, aranges, range lists
    index.py    function/global/type names -> DIEs, built once per build-id
    lines.py    line tables (files, statement addresses)
    expr.py     location expressions and lists -> stap5 Locations
    cfi.py      the CFA at an address (.debug_frame)
    types.py    type DIEs -> the C type model
    reader.py   DwarfModule: functions by pattern, FunctionInstance
    scope.py    DwarfScope: a probe's variables, globals and types

`open_module(path, name)` gives the DwarfModule of a file, once per run.
"""

_modules = {}


def open_module(path, name="kernel", log=None):
    """The DwarfModule of `path` (opened and indexed once per run)."""
    from stap5.kernel.dwarf.reader import DwarfModule
    module = _modules.get(path)
    if module is None:
        module = _modules[path] = DwarfModule(path, name, log)
    return module


def kernel_scope(target):
    """The kernel as a whole, for @cast and @var (stap5/kernel/scope.py
    kernel_scope); None without the kernel's debuginfo."""
    from stap5.kernel import debuginfo
    from stap5.kernel.dwarf.scope import DwarfModuleScope
    path = debuginfo.kernel_debuginfo(target)
    if path is None:
        return None
    try:
        return DwarfModuleScope(open_module(path, "kernel"))
    except Exception:               # unreadable debuginfo: as if none
        return None

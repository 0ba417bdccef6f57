"""The user-space binaries a module knows: those its process probes are in,
and those named with -d / --ldd.  The module gets, for each, its path (the
runtime finds its inode), its loaded segments (run-time address <-> link-time
address), its function symbols (usymname, ubacktrace) and its unwind table.

Pass 2 registers the binaries in the program (`index_of`); pass 3 renders the
tables (templates/umodules.j2) in that order, so that a probe names its
binary by index.
"""

import os

from stap5.user.binary import user_binary


def user_modules(program):
    """The program's list of binary paths (created empty)."""
    found = getattr(program, "user_modules", None)
    if found is None:
        found = program.user_modules = []
    return found


def index_of(program, path):
    """The index of binary `path` in the program's table (added if new)."""
    modules = user_modules(program)
    if path not in modules:
        modules.append(path)
    return modules.index(path)


def ldd(path):
    """The shared libraries `path` needs (DT_NEEDED, transitively), as the
    dynamic loader finds them: their canonical paths."""
    from elftools.elf.elffile import ELFFile
    found = []
    pending = [path]
    while pending:
        current = pending.pop(0)
        try:
            with open(current, "rb") as f:
                elf = ELFFile(f)
                dynamic = elf.get_section_by_name(".dynamic")
                needed = [tag.needed for tag in dynamic.iter_tags()
                          if tag.entry.d_tag == "DT_NEEDED"] if dynamic is not None else []
        except Exception:
            continue
        for name in needed:
            library = find_library(name)
            if library and library not in found and library != path:
                found.append(library)
                pending.append(library)
    return found


LIBRARY_DIRECTORIES = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
                       "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib")


def find_library(name):
    """The canonical path of shared library `name` ("libc.so.6", a glob, or
    a path), or None."""
    import fnmatch
    if "/" in name:
        return os.path.realpath(name) if os.path.isfile(name) else None
    directories = [d for d in os.environ.get("LD_LIBRARY_PATH", "").split(":") if d]
    directories += list(LIBRARY_DIRECTORIES)
    for directory in directories:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return os.path.realpath(candidate)
        if any(ch in name for ch in "*?["):
            try:
                entries = sorted(os.listdir(directory))
            except OSError:
                continue
            for entry in entries:
                if fnmatch.fnmatchcase(entry, name):
                    return os.path.realpath(os.path.join(directory, entry))
    return None


def session_modules(session, probed):
    """The binaries -d names (those that are user binaries: -d also names
    kernel modules), and with --ldd the libraries each of them and each
    probed binary needs."""
    found = []
    for name in getattr(session, "unwind_modules", []):
        if "/" not in name:
            continue
        path = os.path.realpath(name)
        if os.path.isfile(path) and path not in found:
            found.append(path)
    if getattr(session, "ldd", False):
        for path in list(probed) + list(found):
            for library in ldd(path):
                if library not in found:
                    found.append(library)
    return [path for path in found if path not in probed]


def module_table(path, symbols=True, unwind=True):
    """What the C table of one binary holds (see templates/umodules.j2):
    segments, and if asked sorted function symbols and unwind rows."""
    from stap5.user import unwind as unwind_rows
    binary = user_binary(path)
    if binary is None:
        return {"path": path, "segments": [], "symbols": [], "unwind": []}
    segments = [(s.offset, s.vaddr, s.filesz) for s in binary.segments]
    return {"path": path, "segments": segments,
            "symbols": _sized(_symbols_with_sizes(binary)) if symbols else [],
            "unwind": unwind_rows.rows(binary) if unwind else []}


def _sized(symbols):
    """Sorted, each symbol's size the distance to the next one (as 4.8's
    usymdata() reports it; the last keeps its own)."""
    symbols = sorted(symbols)
    result = []
    for i, (address, size, name) in enumerate(symbols):
        if i + 1 < len(symbols):
            size = symbols[i + 1][0] - address
        result.append((address, size, name))
    return result


def _symbols_with_sizes(binary):
    """[(address, size, name)] of the functions, from the richest table we
    have: the separate debuginfo's .symtab, else the binary's own."""
    from elftools.elf.elffile import ELFFile
    sources = [binary.path]
    debug = binary.debuginfo()
    if debug and debug != binary.path:
        sources.insert(0, debug)
    for source in sources:
        try:
            with open(source, "rb") as f:
                elf = ELFFile(f)
                found = {}
                for section_name in (".symtab", ".dynsym"):
                    table = elf.get_section_by_name(section_name)
                    if table is None or table["sh_type"] == "SHT_NOBITS":
                        continue
                    for symbol in table.iter_symbols():
                        if symbol["st_info"]["type"] not in ("STT_FUNC", "STT_GNU_IFUNC"):
                            continue
                        if symbol["st_shndx"] == "SHN_UNDEF" or not symbol.name:
                            continue
                        address = symbol["st_value"]
                        name = symbol.name.split("@")[0]
                        # one name per address: prefer a global over a local alias
                        if address not in found or (symbol["st_info"]["bind"] == "STB_GLOBAL"
                                                    and found[address][2] != "STB_GLOBAL"):
                            found[address] = (symbol["st_size"], name,
                                              symbol["st_info"]["bind"])
                if found:
                    return [(a, size, name) for a, (size, name, _) in found.items()]
        except Exception:
            continue
    return []

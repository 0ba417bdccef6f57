"""A user-space binary (program or shared library) as stap sees it.

    path = find_executable("ls")        # "/usr/bin/ls", or None
    binary = user_binary(path)          # read once per run
    binary.file_offset(0x1149)          # where the uprobe goes in the file
    binary.plt()                        # [(name, stub address)]
    binary.debuginfo()                  # the file with its DWARF, or None

Addresses are link-time ones (those of the DWARF and the symbol table). A
uprobe is placed at a file offset of an inode, which the kernel maps into
every process that maps the file, wherever it lands (PIE, libraries).
"""

import os
import struct

from elftools.elf.elffile import ELFFile

from stap5.kernel.dwarf.elf import read_build_id

_binaries = {}


def find_executable(name, cwd=None, path_env=None):
    """The canonical path of the program `name` names, as stap finds it:
    relative to the working directory when it has a "/", else along $PATH;
    a script (#!) stands for its interpreter. None when there is none."""
    if not name:
        return None
    if "/" in name:
        candidate = os.path.join(cwd or os.getcwd(), name)
        found = candidate if os.path.isfile(candidate) else None
    else:
        found = None
        for directory in (path_env if path_env is not None
                          else os.environ.get("PATH", "")).split(":"):
            candidate = os.path.join(directory or ".", name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                found = candidate
                break
    if found is None:
        return None
    found = os.path.realpath(found)
    interpreter = _interpreter(found)
    if interpreter and interpreter != found:
        return find_executable(interpreter, cwd, path_env) or found
    return found


def _interpreter(path):
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n")[0].split()
    return words[0].decode("utf-8", "replace") if words else None


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def user_binary(path):
    """The UserBinary of `path` (read once per run); None if it is not an
    ELF file stap5 can read."""
    if path not in _binaries:
        try:
            _binaries[path] = UserBinary(path)
        except Exception:       # not ELF, unreadable: the caller says "no match"
            _binaries[path] = None
    return _binaries[path]


class Segment:
    def __init__(self, header):
        self.vaddr = header["p_vaddr"]
        self.memsz = header["p_memsz"]
        self.offset = header["p_offset"]
        self.filesz = header["p_filesz"]
        self.flags = header["p_flags"]


class UserBinary:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            elf = ELFFile(f)
            self.is_shared = elf["e_type"] == "ET_DYN"
            self.segments = [Segment(s.header) for s in elf.iter_segments()
                             if s["p_type"] == "PT_LOAD"]
            self.build_id = read_build_id(elf)
            self.sections = {s.name: (s["sh_addr"], s["sh_size"], s["sh_offset"],
                                      s["sh_type"]) for s in elf.iter_sections()}
            self.debuglink = _debuglink(elf)
            self._plt = _read_plt(elf, self.sections)
            self._symbols = _function_symbols(elf)
            self.notes = _stapsdt_notes(elf)
            self.dynamic_symbols_only = elf.get_section_by_name(".symtab") is None
        self._debuginfo = False

    # --- addresses -----------------------------------------------------------------

    def file_offset(self, address):
        """The file offset of link-time `address`, or None outside the file's
        loaded contents."""
        for segment in self.segments:
            if segment.vaddr <= address < segment.vaddr + segment.filesz:
                return segment.offset + address - segment.vaddr
        return None

    def address_of_offset(self, offset):
        for segment in self.segments:
            if segment.offset <= offset < segment.offset + segment.filesz:
                return segment.vaddr + offset - segment.offset
        return None

    def reloc_text(self, address):
        """What 4.8's -p2 writes after a probe: ".dynamic+0x1149" in a PIE or
        library (relative to the load address), ".absolute+0x401136" else."""
        return "%s+%#x" % (".dynamic" if self.is_shared else ".absolute", address)

    # --- symbols -----------------------------------------------------------------------

    def plt(self):
        """[(name, address of its PLT stub)] in PLT order."""
        return self._plt

    def function_symbols(self):
        """{name: address} of the defined function symbols (.symtab, else
        .dynsym)."""
        return self._symbols

    # --- debuginfo -------------------------------------------------------------------

    def debuginfo(self):
        """The path of the file holding this binary's DWARF: itself, or its
        separate debuginfo (by build-id under the debug roots or from
        debuginfod, or by .gnu_debuglink next to it or under
        /usr/lib/debug); None without any."""
        if self._debuginfo is False:
            self._debuginfo = self._find_debuginfo()
        return self._debuginfo

    def _find_debuginfo(self):
        from stap5.kernel import debuginfo
        if debuginfo.has_dwarf(self.path):
            return self.path
        candidates = []
        if self.build_id:
            candidates += debuginfo.build_id_paths(self.build_id)
        if self.debuglink:
            directory = os.path.dirname(self.path)
            candidates += [os.path.join(directory, self.debuglink),
                           os.path.join(directory, ".debug", self.debuglink),
                           "/usr/lib/debug" + directory + "/" + self.debuglink]
        for candidate in candidates:
            if debuginfo.has_dwarf(candidate):
                return candidate
        if self.build_id:
            found = debuginfo.debuginfod_find(self.build_id)
            if found and debuginfo.has_dwarf(found):
                return found
        return None


def _debuglink(elf):
    section = elf.get_section_by_name(".gnu_debuglink")
    if section is None:
        return None
    data = section.data()
    return data[:data.index(b"\0")].decode("utf-8", "replace")


def _function_symbols(elf):
    found = {}
    for name in (".symtab", ".dynsym"):
        table = elf.get_section_by_name(name)
        if table is None:
            continue
        for symbol in table.iter_symbols():
            if symbol["st_info"]["type"] in ("STT_FUNC", "STT_GNU_IFUNC") and \
                    symbol["st_shndx"] != "SHN_UNDEF" and symbol.name and symbol["st_value"]:
                found.setdefault(symbol.name.split("@")[0], symbol["st_value"])
        if found:
            break
    return found


def _read_plt(elf, sections):
    """The PLT's stubs: one per R_X86_64_JUMP_SLOT relocation of .rela.plt,
    in its order; in .plt.sec when the binary has one (IBT), else in .plt
    after its header entry."""
    rela = elf.get_section_by_name(".rela.plt")
    if rela is None or ".plt" not in sections:
        return []
    symbols = elf.get_section(rela["sh_link"])
    names = []
    for relocation in rela.iter_relocations():
        if relocation["r_info_type"] != 7:         # R_X86_64_JUMP_SLOT
            names.append(None)
            continue
        symbol = symbols.get_symbol(relocation["r_info_sym"])
        names.append(symbol.name.split("@")[0] if symbol is not None else None)
    if ".plt.sec" in sections:
        base, step = sections[".plt.sec"][0], 16
    else:
        base, step = sections[".plt"][0] + 16, 16
    return [(name, base + i * step) for i, name in enumerate(names) if name]


class SdtNote:
    """One <sys/sdt.h> marker: where it is (link-time), its semaphore's
    link-time address (0: none), and its argument strings."""

    def __init__(self, provider, name, pc, semaphore, arguments):
        self.provider = provider
        self.name = name
        self.pc = pc
        self.semaphore = semaphore
        self.arguments = arguments

    def __repr__(self):
        return "<SdtNote %s:%s %#x %r>" % (self.provider, self.name, self.pc, self.arguments)


def _stapsdt_notes(elf):
    """The markers of .note.stapsdt, in note order; their addresses
    adjusted as sdt.h asks when the binary was prelinked (the note records
    .stapsdt.base's address at link time)."""
    section = elf.get_section_by_name(".note.stapsdt")
    if section is None:
        return []
    base_section = elf.get_section_by_name(".stapsdt.base")
    base_now = base_section["sh_addr"] if base_section is not None else None
    data = section.data()
    notes = []
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, kind = struct.unpack_from("<III", data, pos)
        pos += 12
        owner = data[pos:pos + namesz].rstrip(b"\0")
        pos += (namesz + 3) & ~3
        desc = data[pos:pos + descsz]
        pos += (descsz + 3) & ~3
        if owner != b"stapsdt" or kind != 3 or len(desc) < 24:
            continue
        pc, base, semaphore = struct.unpack_from("<QQQ", desc, 0)
        strings = desc[24:].split(b"\0")
        if len(strings) < 3:
            continue
        provider, name, arguments = (s.decode("utf-8", "replace") for s in strings[:3])
        if base_now is not None and base:
            pc += base_now - base
            if semaphore:
                semaphore += base_now - base
        notes.append(SdtNote(provider, name, pc, semaphore, arguments))
    return notes

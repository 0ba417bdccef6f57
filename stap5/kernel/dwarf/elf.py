"""An ELF file holding DWARF: its sections as memory views, its build-id,
its function symbols, and, for a kernel module (ET_REL), its debug sections
with relocations applied.

The kernel's vmlinux is 600 MB: it is mapped, never read whole.  Its
.rela.debug_* sections (kept by --emit-relocs) are already applied by the
linker and are ignored.  A module's sections all start at address 0 in the
file; like elfutils, we lay its allocated sections out one after the other
(each at its alignment) so that every address names one place, and relocate
its DWARF to that layout.
"""

import mmap
import struct

from elftools.elf.elffile import ELFFile

SHF_ALLOC = 0x2
SHF_COMPRESSED = 0x800
ET_REL = 1
STT_FUNC = 2
STT_SECTION = 3
_R_X86_64 = {1: 8, 10: 4, 11: 4, 2: 4}       # 64, 32, 32S, PC32: bytes written


class ElfError(Exception):
    """A file is not a readable ELF with DWARF; str() says why."""


def read_build_id(elf):
    """The GNU build-id (hex) of a pyelftools ELFFile, or None."""
    for section in elf.iter_sections():
        if section.header["sh_type"] != "SHT_NOTE":
            continue
        for note in section.iter_notes():
            # (vmlinux also has Xen notes, whose type numbers collide)
            if note["n_type"] == "NT_GNU_BUILD_ID" and note["n_name"] == "GNU":
                return note["n_desc"]
    return None


class Section:
    def __init__(self, index, name, header):
        self.index = index
        self.name = name
        self.type = header["sh_type"]
        self.flags = header["sh_flags"]
        self.address = header["sh_addr"]
        self.offset = header["sh_offset"]
        self.size = header["sh_size"]
        self.align = header["sh_addralign"]
        self.link = header["sh_link"]
        self.info = header["sh_info"]
        self.entsize = header["sh_entsize"]


class ElfImage:
    def __init__(self, path):
        self.path = path
        try:
            self._file = open(path, "rb")
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            elf = ELFFile(self._file)
        except (OSError, ValueError) as exc:
            raise ElfError("cannot read %s: %s" % (path, exc))
        except Exception as exc:        # pyelftools' ELFError and friends
            raise ElfError("%s is not an ELF file: %s" % (path, exc))
        self.type = 1 if elf["e_type"] == "ET_REL" else 0
        self.is_relocatable = elf["e_type"] == "ET_REL"
        self.sections = []
        for index, section in enumerate(elf.iter_sections()):
            self.sections.append(Section(index, section.name, section.header))
        self._by_name = {s.name: s for s in self.sections}
        self.build_id = read_build_id(elf)
        self._elf = elf
        self._views = {}
        self._symbols = None
        if self.is_relocatable:
            self._layout()

    # --- sections ----------------------------------------------------------

    def section(self, name):
        return self._by_name.get(name)

    def data(self, name):
        """The contents of section `name` (relocated for a module), or b""."""
        view = self._views.get(name)
        if view is None:
            section = self._by_name.get(name)
            if section is None or section.type == "SHT_NOBITS":
                view = b""
            elif self.is_relocatable and name.startswith(".debug_"):
                view = self._relocated(section)
            elif section.flags & SHF_COMPRESSED:
                view = self._decompressed(section)
            else:
                view = memoryview(self._map)[section.offset:section.offset + section.size]
            self._views[name] = view
        return view

    def _decompressed(self, section):
        """A SHF_COMPRESSED section (Debian's separate debuginfo): an
        Elf64_Chdr, then zlib data."""
        import zlib
        raw = self._map[section.offset:section.offset + section.size]
        kind, _, size, _ = struct.unpack_from("<IIQQ", raw, 0)
        if kind != 1:                   # ELFCOMPRESS_ZLIB
            raise ElfError("%s: section %s has compression %d" % (self.path, section.name,
                                                                  kind))
        data = zlib.decompress(raw[24:])
        return memoryview(data[:size])

    # --- a module's layout and relocations ---------------------------------

    def _layout(self):
        address = 0
        for section in self.sections:
            if section.flags & SHF_ALLOC and section.size:
                align = max(section.align, 1)
                address = (address + align - 1) // align * align
                section.address = address
                address += section.size

    def _symbol_table(self):
        symtab = next((s for s in self.sections if s.type == "SHT_SYMTAB"), None)
        if symtab is None:
            return [], None
        raw = self._map[symtab.offset:symtab.offset + symtab.size]
        return list(struct.iter_unpack("<IBBHQQ", raw)), symtab

    def _relocated(self, section):
        data = bytearray(self._map[section.offset:section.offset + section.size])
        rela = self._by_name.get(".rela" + section.name)
        if rela is None:
            return memoryview(data)
        symbols, _ = self._symbol_table()
        raw = self._map[rela.offset:rela.offset + rela.size]
        bases = [s.address for s in self.sections]
        for r_offset, r_info, r_addend in struct.iter_unpack("<QQq", raw):
            kind = r_info & 0xffffffff
            size = _R_X86_64.get(kind)
            if size is None or kind == 2:
                continue
            name, info, other, shndx, value, _ = symbols[r_info >> 32]
            base = bases[shndx] if 0 < shndx < len(bases) else 0
            result = base + value + r_addend
            if size == 8:
                struct.pack_into("<Q", data, r_offset, result & (2**64 - 1))
            else:
                struct.pack_into("<I", data, r_offset, result & 0xffffffff)
        return memoryview(data)

    # --- symbols -------------------------------------------------------------

    def function_symbols(self):
        """[(address, size, name)] of the functions, sorted by address
        (addresses in this image's layout)."""
        if self._symbols is None:
            entries, symtab = self._symbol_table()
            found = []
            if symtab is not None:
                strtab = self.sections[symtab.link]
                strings = self._map[strtab.offset:strtab.offset + strtab.size]
                for name, info, other, shndx, value, size in entries:
                    if info & 0xf != STT_FUNC or shndx == 0 or shndx >= 0xff00:
                        continue
                    end = strings.find(b"\0", name)
                    text = strings[name:end].decode("utf-8", "replace")
                    if self.is_relocatable:
                        value += self.sections[shndx].address
                    found.append((value, size, text))
            found.sort()
            self._symbols = found
        return self._symbols

    def all_symbols(self):
        """[(name, address, size, is function)] of every named symbol."""
        entries, symtab = self._symbol_table()
        if symtab is None:
            return []
        strtab = self.sections[symtab.link]
        strings = bytes(self._map[strtab.offset:strtab.offset + strtab.size])
        found = []
        count = len(self.sections)
        relocatable = self.is_relocatable
        for name, info, other, shndx, value, size in entries:
            kind = info & 0xf
            if not name or kind in (STT_SECTION, 4) or shndx == 0:
                continue
            text = strings[name:strings.index(b"\0", name)].decode("utf-8", "replace")
            if relocatable and 0 < shndx < count:
                value += self.sections[shndx].address
            found.append((text, value, size, 1 if kind == STT_FUNC else 0))
        return found

    def symbol_value(self, name):
        """The address of symbol `name` (any type), or None."""
        entries, symtab = self._symbol_table()
        if symtab is None:
            return None
        strtab = self.sections[symtab.link]
        strings = self._map[strtab.offset:strtab.offset + strtab.size]
        wanted = name.encode() + b"\0"
        for st_name, info, other, shndx, value, size in entries:
            if strings[st_name:st_name + len(wanted)] == wanted:
                if self.is_relocatable and 0 < shndx < len(self.sections):
                    value += self.sections[shndx].address
                return value
        return None

    def section_of(self, address):
        """The allocated section holding `address`, or None."""
        for section in self.sections:
            if section.flags & SHF_ALLOC and section.address <= address < section.address + section.size:
                return section
        return None

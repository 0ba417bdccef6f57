"""One section of an ELF file, read without parsing the rest (a 600 MB
DWARF vmlinux costs two small reads; pyelftools' import alone costs more
than that when all we need is .BTF)."""

import struct

_SECTION_HEADER = struct.Struct("<IIQQQQIIQQ")


def read_section(f, name):
    """The bytes of section `name` of the ELF64 little-endian file open as
    `f` (binary, seekable), or None when it has no such section or is not
    such a file."""
    f.seek(0)
    header = f.read(64)
    if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", header, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", header, 0x3a)
    if shoff == 0 or shentsize != _SECTION_HEADER.size:
        return None
    f.seek(shoff)
    first = f.read(shentsize)
    if shnum == 0:                      # extended numbering: the count is in section 0
        shnum = _SECTION_HEADER.unpack(first)[5]
    if shstrndx == 0xffff:
        shstrndx = _SECTION_HEADER.unpack(first)[7]
    f.seek(shoff)
    table = f.read(shentsize * shnum)
    sections = [_SECTION_HEADER.unpack_from(table, i * shentsize) for i in range(shnum)]
    if shstrndx >= len(sections):
        return None
    names_offset, names_size = sections[shstrndx][4], sections[shstrndx][5]
    f.seek(names_offset)
    names = f.read(names_size)
    wanted = name.encode()
    for section in sections:
        start = section[0]
        if names[start:names.find(b"\0", start)] == wanted:
            f.seek(section[4])
            return f.read(section[5])
    return None

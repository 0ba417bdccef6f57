"""The kernel inside a bootable image (bzImage, /boot/vmlinuz-R): Debian
compresses it with xz; what extract-vmlinux does, in Python."""

import lzma

XZ_MAGIC = b"\xfd7zXZ\x00"
ELF_MAGIC = b"\x7fELF"


def vmlinux_from_bzimage(blob):
    """The uncompressed ELF kernel inside a bzImage's bytes, or None when
    there is no xz-compressed ELF in it."""
    start = blob.find(XZ_MAGIC)
    while start != -1:
        try:
            out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(blob[start:])
        except lzma.LZMAError:
            out = b""
        if out.startswith(ELF_MAGIC):
            return out
        start = blob.find(XZ_MAGIC, start + 1)
    return None

"""Loading and unloading kernel modules with the raw syscalls (no insmod)."""

import ctypes
import errno
import os
import platform
import struct

# Syscall numbers per architecture.
_SYSCALLS = {
    "x86_64": {"finit_module": 313, "delete_module": 176},
    "aarch64": {"finit_module": 273, "delete_module": 106},
    "riscv64": {"finit_module": 273, "delete_module": 106},
    "ppc64le": {"finit_module": 353, "delete_module": 129},
    "s390x": {"finit_module": 344, "delete_module": 129},
}
O_NONBLOCK = os.O_NONBLOCK


class ModuleError(Exception):
    """A module could not be inspected, loaded or unloaded."""

    def __init__(self, message, errno_value=None):
        super().__init__(message)
        self.errno = errno_value


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _syscall_number(name):
    try:
        return _SYSCALLS[platform.machine()][name]
    except KeyError:
        raise ModuleError(f"{name} is not known on {platform.machine()}") from None


def _elf_section(data, wanted):
    """The contents of section `wanted` of an ELF64 little-endian image, or
    None. (Hand-rolled: importing an ELF library costs seconds in a slow VM.)"""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ModuleError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def header(i):
        off = shoff + i * shentsize
        name, _type, _flags, _addr, offset, size = struct.unpack_from("<IIQQQQ", data, off)
        return name, offset, size
    try:
        _, str_off, str_size = header(shstrndx)
        names = data[str_off:str_off + str_size]
        for i in range(shnum):
            name, offset, size = header(i)
            end = names.index(b"\0", name)
            if names[name:end] == wanted:
                return data[offset:offset + size]
    except (struct.error, ValueError):
        raise ModuleError("corrupt ELF section table") from None
    return None


def modinfo(path):
    """The module's .modinfo entries: {key: value} (the last of repeated keys)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ModuleError(f"Couldn't open '{path}': {e.strerror}") from None
    try:
        section = _elf_section(data, b".modinfo")
    except ModuleError as e:
        raise ModuleError(f"'{path}' is not a kernel module: {e}") from None
    info = {}
    for entry in (section or b"").split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep:
            info[key.decode(errors="replace")] = value.decode(errors="replace")
    return info


def module_name(path):
    """The name the kernel will give the module: .modinfo's name=, else the
    file name (as insmod would)."""
    name = modinfo(path).get("name")
    if name:
        return name
    base = os.path.basename(path)
    if base.endswith(".ko"):
        base = base[:-3]
    return base.replace("-", "_")


def load(path, params=()):
    """finit_module(path, "p1=v1 p2=v2")."""
    param_string = " ".join(params).encode()
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        libc = _libc()
        rc = libc.syscall(ctypes.c_long(_syscall_number("finit_module")),
                          ctypes.c_int(fd), ctypes.c_char_p(param_string),
                          ctypes.c_int(0))
        if rc != 0:
            err = ctypes.get_errno()
            raise ModuleError(os.strerror(err), err)
    finally:
        os.close(fd)


def unload(name, wait=False):
    """delete_module(name). Raises ModuleError (errno EBUSY/EAGAIN while
    in use)."""
    libc = _libc()
    flags = 0 if wait else O_NONBLOCK
    rc = libc.syscall(ctypes.c_long(_syscall_number("delete_module")),
                      ctypes.c_char_p(name.encode()), ctypes.c_uint(flags))
    if rc != 0:
        err = ctypes.get_errno()
        raise ModuleError(os.strerror(err), err)


def is_loaded(name):
    try:
        with open("/proc/modules") as f:
            return any(line.split(" ", 1)[0] == name for line in f)
    except OSError:
        return False


BUSY = (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK)


def unload_when_free(name, tries=100, interval=0.05):
    """delete_module(name), retried while the module is in use (a reader still
    closing its files). True once removed, False if it was not loaded; raises
    ModuleError (errno EBUSY after the last try)."""
    import time
    for attempt in range(tries):
        try:
            unload(name)
            return True
        except ModuleError as e:
            if e.errno == errno.ENOENT:
                return False
            if e.errno not in BUSY or attempt == tries - 1:
                raise
            time.sleep(interval)
    return False

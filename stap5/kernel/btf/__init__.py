"""The kernel's BTF: C types and function prototypes without debuginfo.

Every Debian (and Fedora, Ubuntu...) kernel since 5.x carries BTF, the
compact type description the BPF verifier uses: a `.BTF` section in the
vmlinux inside the kernel image, `/sys/kernel/btf/vmlinux` on the running
kernel, and a split `.BTF` in each module.  stap5 reads it when no DWARF
is installed: entry parameters of kernel functions, `$return`, `@cast` to
kernel types, and the prototypes of tracepoints.

    types = kernel_btf(target)           # BtfTypes of vmlinux, or None
    types = module_btf(target, "9p")     # a module's, over vmlinux's
    missing_reason(target)               # why kernel_btf is None
    btf_function_scope(target, "vfs_read", is_return=False)  # a Scope
    kernel_scope(target)                 # the kernel's types, for @cast
    find_kernel_type(target, "task_struct", module=None)

Files are located by KernelTarget.btf_candidates(); a compressed image
(/boot/vmlinuz-R) is unpacked once and its BTF kept in the cache.
"""

import hashlib
import io
import lzma
import os

from stap5.kernel import cache
from stap5.kernel.btf.reader import Btf, BtfError  # noqa: F401
from stap5.kernel.btf.types import BtfTypes
from stap5.kernel.elfsection import read_section
from stap5.kernel.image import vmlinux_from_bzimage

_kernels = {}
_modules = {}


def kernel_btf(target):
    """The BtfTypes of the target kernel's vmlinux, or None when none of
    its BTF candidates exists (see missing_reason)."""
    key = (target.release, target.build_tree)
    if key not in _kernels:
        _kernels[key] = None
        for path in target.btf_candidates():
            blob = read_btf_blob(path)
            if blob is not None:
                _kernels[key] = BtfTypes(Btf(blob, origin=path))
                break
    return _kernels[key]


def module_btf(target, module):
    """The BtfTypes of a module (its split BTF over vmlinux's), or None."""
    key = (target.release, target.build_tree, module)
    if key not in _modules:
        _modules[key] = None
        kernel = kernel_btf(target)
        if kernel is not None:
            for path in target.module_btf_candidates(module):
                blob = read_btf_blob(path)
                if blob is not None:
                    _modules[key] = BtfTypes(Btf(blob, base=kernel.btf, origin=path),
                                             base=kernel)
                    break
    return _modules[key]


def kernel_scope(target):
    """The kernel-wide Scope from BTF (stap5.kernel.scope.kernel_scope
    asks each reader), or None without BTF."""
    types = kernel_btf(target)
    if types is None:
        return None
    from stap5.kernel.btf.scope import BtfKernelScope
    return BtfKernelScope(target, types)


def find_kernel_type(target, name, module=None):
    """The CType `@cast(p, "name"[, module])` names, from BTF: the kernel's
    types for no module, "kernel" or "kernel<header.h>" (BTF has every
    type the kernel was built with, whatever the header), a module's own
    (over the kernel's) for a module name; None if unknown."""
    if module and not module.startswith("kernel"):
        types = module_btf(target, module.split("<")[0])
    else:
        types = kernel_btf(target)
    return types.find_type(name) if types is not None else None


def missing_reason(target):
    """Why the target kernel has no BTF here (for messages)."""
    return ("no BTF found for kernel %s (looked for %s)"
            % (target.release, ", ".join(target.btf_candidates())))


def read_btf_blob(path):
    """The raw BTF held by `path` (raw BTF as in /sys/kernel/btf, an ELF
    kernel or module with a .BTF section, an xz-compressed module, or a
    bzImage), or None when the file is absent or holds none."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head[:2] == b"\x9f\xeb":
                return head + f.read()
            if head == b"\x7fELF":
                return _elf_btf(f)
            if head == b"\xfd7zX" and path.endswith(".ko.xz"):
                f.seek(0)
                return _elf_btf(io.BytesIO(lzma.decompress(f.read())))
        if os.path.basename(path).startswith("vmlinuz"):
            return _image_btf(path)
    except (OSError, lzma.LZMAError):
        return None
    return None


def _elf_btf(f):
    return read_section(f, ".BTF")


def _image_btf(path):
    """The BTF of the kernel inside a compressed image, through the cache:
    unpacking 8 MB of xz costs a second or two, once per image."""
    st = os.stat(path)
    key = hashlib.sha1(("%s\0%d\0%d" % (path, st.st_size, st.st_mtime_ns)).encode(
        "utf-8", "surrogateescape")).hexdigest()[:24]
    cached = cache.path("btf", "image-%s.btf" % key)
    try:
        with open(cached, "rb") as f:
            return f.read()
    except OSError:
        pass
    with open(path, "rb") as f:
        vmlinux = vmlinux_from_bzimage(f.read())
    if vmlinux is None:
        return None
    blob = _elf_btf(io.BytesIO(vmlinux))
    if blob is not None:
        try:
            os.makedirs(os.path.dirname(cached), exist_ok=True)
            temp = "%s.tmp%d" % (cached, os.getpid())
            with open(temp, "wb") as f:
                f.write(blob)
            os.replace(temp, cached)
        except OSError:
            pass
    return blob


def btf_function_scope(target, name, is_return=False):
    """The Scope of kernel function `name` at its entry (or, with
    `is_return`, at its return: parameters as at entry, plus `$return`),
    built from the kernel's BTF.  Raises LookupError with a user message
    when BTF or the function's prototype is missing."""
    from stap5.kernel.btf.scope import function_scope
    return function_scope(target, name, is_return)

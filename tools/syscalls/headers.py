"""What the kernel's headers say about its system calls.

- the x86-64 system call table (`asm/syscalls_64.h`: number -> kernel
  function, e.g. 4 -> sys_newstat) and the i386 one (`asm/syscalls_32.h`,
  with the compat functions 64-bit kernels use for it);
- the names user space knows them by (`uapi/asm/unistd_64.h`,
  `unistd_32.h`: __NR_stat is 4);
- each system call function's prototype (`linux/syscalls.h`,
  `linux/compat.h`): its parameters' C types and names.
"""

import os
import re
from dataclasses import dataclass

KVER = "6.1.0-56-amd64"


def header_trees(kver=KVER):
    """(common tree, arch tree) of Debian's linux-headers packages."""
    arch = "/usr/src/linux-headers-%s" % kver
    common = re.sub(r"-[a-z0-9]+$", "-common", arch)
    return common, arch


@dataclass
class Param:
    ctype: str          # "const char __user *", "int", "umode_t"...
    name: str           # "" when the prototype does not name it


@dataclass
class Prototype:
    function: str       # "sys_openat"
    params: list        # [Param]

    def text(self):
        return "long %s(%s)" % (self.function, ", ".join(
            ("%s %s" % (p.ctype, p.name)).replace("* ", "*").strip() for p in self.params)
            or "void")


_PROTOTYPE = re.compile(r"^asmlinkage\s+(?:long|ssize_t)\s+((?:compat_)?sys_\w+)\s*\((.*?)\)\s*;",
                        re.M | re.S)
_TABLE_ENTRY = re.compile(r"^__SYSCALL(?:_WITH_COMPAT)?\((\d+),\s*(\w+)(?:,\s*(\w+))?\)", re.M)
_NR = re.compile(r"^#define __NR_(\w+)\s+(\d+)\s*$", re.M)


def parse_params(text):
    """The parameters of a prototype's parameter list."""
    text = " ".join(text.split())
    if text in ("", "void"):
        return []
    # compat_arg_u64(pos): a 64-bit value in two 32-bit arguments, low half first (little endian).
    text = re.sub(r"compat_arg_u64\((\w+)\)", r"u32 \1_lo, u32 \1_hi", text)
    params = []
    for item in text.split(","):
        item = item.strip()
        match = re.match(r"^(.*?[\s*])(\w+)$", item)
        # A lone type ("int", "unsigned long", "struct x __user *") has no name.
        if match and not _is_type_word(match.group(2), match.group(1)):
            ctype, name = match.group(1).strip(), match.group(2)
        else:
            ctype, name = item, ""
        params.append(Param(" ".join(ctype.replace("*", " * ").split()).replace(" *", "*")
                            .replace("*", " *").replace(" * ", " *").strip(), name))
    return params


_TYPE_WORDS = {"int", "long", "short", "char", "unsigned", "signed", "__user", "const"}


def _is_type_word(word, before):
    """Whether the last word of an unnamed parameter is part of its type."""
    if word in _TYPE_WORDS:
        return True
    # "struct foo", "unsigned foo_t": a single word before means a lone type.
    return before.strip() in ("struct", "union", "enum")


def prototypes(kver=KVER):
    """function name -> [Prototype] (some are declared more than once,
    under different #ifdefs)."""
    common, _ = header_trees(kver)
    found = {}
    for relative in ("include/linux/syscalls.h", "include/linux/compat.h"):
        with open(os.path.join(common, relative)) as f:
            text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
        for match in _PROTOTYPE.finditer(text):
            found.setdefault(match.group(1), []).append(
                Prototype(match.group(1), parse_params(match.group(2))))
    return found


def syscall_table(abi="64", kver=KVER):
    """[(number, native function, compat function or None)] of an ABI
    ("64" or "32"), without the unimplemented slots."""
    _, arch = header_trees(kver)
    path = os.path.join(arch, "arch/x86/include/generated/asm/syscalls_%s.h" % abi)
    with open(path) as f:
        text = f.read()
    return [(int(m.group(1)), m.group(2).replace("__x64_", ""), m.group(3))
            for m in _TABLE_ENTRY.finditer(text) if m.group(2) != "sys_ni_syscall"]


def syscall_numbers(abi="64", kver=KVER):
    """{user-space name: number} of an ABI ("64" or "32")."""
    _, arch = header_trees(kver)
    path = os.path.join(arch, "arch/x86/include/generated/uapi/asm/unistd_%s.h" % abi)
    with open(path) as f:
        text = f.read()
    return {m.group(1): int(m.group(2)) for m in _NR.finditer(text)
            if m.group(1) != "syscalls"}

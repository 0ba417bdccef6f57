"""What a probe's handler can name in the probed code.

A probe family that has target variables gives each derived probe a Scope:
the DWARF family one built from the function's DIEs at the probe address,
the BTF fallback one from the function's prototype at entry, tracepoints
one from the tracepoint's prototype.  Pass 2 resolves `$name`, `$$parms`,
`$return`, `@var` and `@cast` through it alone.
"""


import importlib


class Scope:
    """The base: nothing visible.  Readers override what they know."""

    # Which reader built it ("dwarf", "btf", "headers"...), and from what
    # (a file, for -v: "Pass 2: target variables of P from BTF (path)").
    source = None
    origin = None
    # "kernel" or "user": which registers and which memory the locations use.
    space = "kernel"
    # The probed object ("kernel", a module name, a binary's path): where
    # "addr" location operations are relocated, and what messages name.
    module_name = "kernel"

    def parameters(self):
        """[Variable] of the function's parameters, in declaration order."""
        return []

    def locals(self):
        """[Variable] of its locals visible at the probe address, in stap's
        $$locals order."""
        return []

    def variable(self, name):
        """The Variable `$name` names, or None."""
        for variable in self.parameters() + self.locals():
            if variable.name == name:
                return variable
        return None

    def listed_variables(self):
        """The variables `-L` lists ($name:type), in the reader's order."""
        return self.parameters() + self.locals()

    def return_type(self):
        """The CType `-L` lists as `$return` of a .return probe, or None."""
        variable = self.return_variable()
        return variable.type if variable is not None else None

    def return_variable(self):
        """The Variable `$return` names (a .return probe of a function that
        returns something), or None."""
        return None

    def global_variable(self, name, file_pattern=None, module=None):
        """The Variable `@var("name[@file]"[, module])` names, or None."""
        return None

    def find_type(self, name, module=None):
        """The CType `@cast(p, "name"[, module])` names ("struct task_struct",
        "task_struct", a typedef name), or None.  `module` is @cast's third
        argument as written ("kernel", "kernel<linux/fs.h>", a path...)."""
        return None

    def constant(self, name):
        """The value of a pseudo-variable the probe point defines
        (a tracepoint's `$$name`, `$$system`), or None."""
        return None

    def describe(self):
        """Where the probe is, for "unable to find local" messages: 4.8 says
        "dieoffset 0x32cb7a6 in kernel, near pc 0xffffffff813669e0 in
        vfs_read fs/read_write.c"; None to say nothing."""
        return None

    def unavailable_reason(self, name):
        """Why `$name` cannot be had here although the code has it (e.g. a
        local when only BTF is known), or None to say stap's usual
        "unable to find local" message."""
        return None


# Readers of kernel types, best first: each package has a function
# `kernel_scope(target)` returning the Scope of the kernel as a whole (its
# types and globals, no locals), or None when it has nothing to read.
_KERNEL_READERS = ("stap5.kernel.dwarf", "stap5.kernel.btf")
_kernel_scopes = {}


def kernel_scope(target):
    """The kernel-wide Scope of a KernelTarget: what `@cast` and `@var` see
    in probes that have no Scope of their own (begin, timers, kprobes...).
    An empty Scope when no reader has anything."""
    key = (target.release, target.build_tree)
    if key not in _kernel_scopes:
        found = None
        for name in _KERNEL_READERS:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            reader = getattr(module, "kernel_scope", None)
            found = reader(target) if reader is not None else None
            if found is not None:
                break
        _kernel_scopes[key] = found or Scope()
    return _kernel_scopes[key]

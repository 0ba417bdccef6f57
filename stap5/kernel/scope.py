"""What a probe's handler can name in the probed code.

A probe family that has target variables gives each derived probe a Scope:
the DWARF family one built from the function's DIEs at the probe address,
the BTF fallback one from the function's prototype at entry, tracepoints
one from the tracepoint's prototype.  Pass 2 resolves `$name`, `$$parms`,
`$return`, `@var` and `@cast` through it alone.
"""


class Scope:
    """The base: nothing visible.  Readers override what they know."""

    # Which reader built it ("dwarf", "btf", "headers"...), and from what
    # (a file, for -v: "Pass 2: target variables of P from BTF (path)").
    source = None
    origin = None
    # "kernel" or "user": which registers and which memory the locations use.
    space = "kernel"

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

    def global_variable(self, name, file_pattern=None):
        """The Variable `@var("name[@file]")` names, or None."""
        return None

    def find_type(self, name):
        """The CType `@cast(p, "name")` names ("struct task_struct",
        "task_struct", a typedef name), or None."""
        return None

    def unavailable_reason(self, name):
        """Why `$name` cannot be had here although the code has it (e.g. a
        local when only BTF is known), or None to say stap's usual
        "unable to find local" message."""
        return None

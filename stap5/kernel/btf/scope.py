"""The Scope of a kernel function at its entry or return, from BTF alone.

BTF gives a function's prototype (parameter names and types) and every
kernel type, not where the compiler kept anything: parameters are where
the calling convention puts them at the function's first instruction
(stap5/kernel/callconv.py), so the probe must sit there (a kprobe on the
function's address, not after its prologue as with DWARF), and at
.return the parameters are the values saved at entry.  Locals, and
anything at a statement, need DWARF: `unavailable_reason` says so.
"""

from stap5.kernel import callconv
from stap5.kernel.location import Variable
from stap5.kernel.scope import Scope


def debuginfo_hint(target):
    """How to get the kernel's DWARF, for messages."""
    return ("install the kernel's debuginfo (on Debian: 'stap5-prep --debuginfo -r %s', "
            "or the package linux-image-%s-dbg)" % (target.release, target.release))


class BtfFunctionScope(Scope):
    source = "btf"

    def __init__(self, types, target, function, function_type, is_return):
        self.origin = types.btf.origin
        self.types = types
        self.target = target
        self.function = function
        self.function_type = function_type
        self.is_return = is_return
        locations = callconv.entry_locations(function_type)
        self._parameters = [
            Variable(name or "arg%d" % (index + 1), param, location, is_parameter=True)
            for index, (name, param, location) in enumerate(zip(
                function_type.param_names, function_type.params, locations))]

    def parameters(self):
        return list(self._parameters)

    def return_variable(self):
        if not self.is_return:
            return None
        location = callconv.return_location(self.function_type.return_type)
        if location is None:
            return None
        return Variable("return", self.function_type.return_type, location)

    def find_type(self, name, module=None):
        from stap5.kernel.btf import find_kernel_type
        return find_kernel_type(self.target, name, module)

    def unavailable_reason(self, name):
        return ("the kernel's BTF knows only the parameters of '%s'%s; '$%s' needs the "
                "kernel's DWARF: %s" % (self.function,
                                        " and its return value" if self.is_return else "",
                                        name, debuginfo_hint(self.target)))


class BtfKernelScope(Scope):
    """The kernel as a whole, from BTF: its types for @cast (BTF has no
    globals but per-CPU ones, so no @var)."""

    source = "btf"

    def __init__(self, target, types):
        self.target = target
        self.types = types
        self.origin = types.btf.origin

    def find_type(self, name, module=None):
        from stap5.kernel.btf import find_kernel_type
        return find_kernel_type(self.target, name, module)


def function_scope(target, name, is_return=False):
    from stap5.kernel.btf import kernel_btf, missing_reason
    types = kernel_btf(target)
    if types is None:
        raise LookupError(missing_reason(target))
    function_type = types.function(name)
    if function_type is None:
        raise LookupError("the kernel's BTF has no prototype for function '%s' (BTF lists "
                          "only functions it can trace; %s)" % (name, debuginfo_hint(target)))
    return BtfFunctionScope(types, target, name, function_type, is_return)

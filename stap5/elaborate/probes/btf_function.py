"""`kernel.function("name")` without the kernel's DWARF: from its BTF.

SystemTap fails a DWARF probe point when no debuginfo is installed; the
kernel's BTF (inside its own image) has every traceable function's
prototype, which is enough to probe the function's entry and return and
read its parameters (by the calling convention, stap5/kernel/callconv.py),
`$return`, pointer chains from them and @cast.  The DWARF family hands
kernel.function points here when the kernel has no DWARF (or when
STAP5_NO_DEBUGINFO=1 asks to behave as if it had none); what needs DWARF
(@file:line, .inline, .exported, statements, locals) is refused.

Each probe is a kprobe at the function's symbol (+0, its first
instruction: where the parameters are where the calling convention puts
them), with the DWARF family's params: `symbol`, `offset` 0, `function`,
`return`, `maxactive`, `module` None, and probe.scope a BtfFunctionScope.
"""

import fnmatch
import os

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.kprobe import expand_braces
from stap5.elaborate.similar import suggest
from stap5.kernel import kernel_target, symbols
from stap5.kernel.btf import btf_function_scope, kernel_btf
from stap5.kernel.btf.scope import debuginfo_hint

# Suffixes of kernel.function a prototype cannot serve.
_NEEDS_DWARF = ("inline", "exported", "label", "callee", "callees")


def debuginfo_ignored():
    """STAP5_NO_DEBUGINFO=1: use BTF even where DWARF is installed."""
    return os.environ.get("STAP5_NO_DEBUGINFO", "") not in ("", "0")


def applies(elab, args):
    """Whether a kernel.function point without DWARF goes to BTF: a name
    (no @file, no :line) in the kernel (not a module), the kernel having
    BTF."""
    spec = args.get("function")
    return (args.get("module") is None and isinstance(spec, str) and "@" not in spec
            and kernel_btf(kernel_target(elab.session)) is not None)


def derive(elab, point, args, with_function_name):
    """The probes of a kernel.function point, from BTF."""
    target = kernel_target(elab.session)
    for suffix in _NEEDS_DWARF:
        if suffix in args:
            raise SemanticError(".%s probes need the kernel's DWARF: %s"
                                % (suffix, debuginfo_hint(target)))
    names = _expand(elab, target, args["function"])
    is_return = "return" in args
    derived = []
    for name in names:
        scope = btf_function_scope(target, name, is_return)
        params = {"address": None, "module": None, "symbol": name, "offset": 0,
                  "symbol_unique": True, "reloc": None, "pc_comment": None,
                  "function": name, "inlined": False, "return": is_return,
                  "maxactive": args.get("maxactive"), "scope": scope}
        derived.append((with_function_name(point, name), params))
    return derived


def _expand(elab, target, pattern):
    """The functions a pattern names: those of the kernel's symbol table
    that BTF has a prototype for (wildcards and {a,b} alternatives)."""
    types = kernel_btf(target)
    prototypes = types.function_names()
    table = symbols.function_symbols(target)
    names = []
    for each in expand_braces(pattern):
        if any(ch in each for ch in "*?["):
            found = sorted(name for name in prototypes if fnmatch.fnmatchcase(name, each)
                           and (table is None or name in table))
        elif each in prototypes and (table is None or each in table):
            found = [each]
        else:
            found = []
        names.extend(name for name in found if name not in names)
    if not names:
        def message():
            similar = suggest(pattern, prototypes)
            text = "no match"
            if similar and not any(ch in pattern for ch in "*?["):
                text += " (similar functions: %s)" % ", ".join(similar)
            return text + " in the kernel's BTF (%s)" % debuginfo_hint(target)
        raise SemanticError(message)
    return names

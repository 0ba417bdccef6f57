"""Target variables of <sys/sdt.h> marker probes and PLT probes, as 4.8
expands them (its -p2 shows these shapes):

    $argN       an argument in a register:
                    %{ /* unprivileged */ /* pure */ ((int64_t)(int32_t)((u_fetch_register(5)))
                       & 0xffffffff) << 32 >> 32 %}
                in memory: user_int32((%{ ... u_fetch_register(6) %}) + (-4))
                (user_intN/user_uintN return 0 on a fault, silently),
                a constant: the number, a global: its address relocated in
                the process (`_stp_umodule_relocate`)
    $$parms     sprintf("$arg1=%#x $arg2=%#x", $arg1, $arg2)  ($$vars too)
    $$name      the marker's (or PLT entry's) name; $$provider its provider
    @defined($argN)   1 for an argument the marker has, else 0

@cast and @var go to the binary's DWARF, through the ordinary expander.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.program import mangle_file_name
from stap5.parse import ast
from stap5.user import sdt as sdt_operands

_PURE = " /* unprivileged */ /* pure */"


def expand(elab, probe, scope):
    counters = getattr(elab, "sdt_counters", None)
    if counters is None:
        counters = elab.sdt_counters = {"addr": 0}
    _Expander(elab, scope, counters).expand(probe)
    from stap5.elaborate import tvars
    if tvars.uses_kernel_types(probe.body):
        tvars.expand(elab, probe, _TypesScope(scope), types_only=True)


class _TypesScope:
    """The marker's scope seen by the ordinary expander (types only)."""

    source = "sdt"
    space = "user"

    def __init__(self, scope):
        self.scope = scope
        self.module_name = scope.module_name

    def find_type(self, name, module=None):
        finder = getattr(self.scope, "find_type", None)
        return finder(name, module) if finder else None

    def global_variable(self, name, file_pattern=None, module=None):
        module_ = getattr(self.scope, "module", None)
        if module_ is None:
            return None
        from stap5.kernel.dwarf.scope import DwarfModuleScope
        return DwarfModuleScope(module_).global_variable(name, file_pattern, module)

    def __getattr__(self, name):
        return getattr(self.scope, name)


class _Expander(Rewriter):
    def __init__(self, elab, scope, counters):
        self.elab = elab
        self.scope = scope
        self.counters = counters
        self.operands = []
        for text in scope.arguments:
            try:
                self.operands.append(sdt_operands.parse_argument(text))
            except sdt_operands.SdtArgumentError:
                self.operands.append(None)

    def expand(self, probe):
        probe.body = self.required(probe.body)

    # --- $argN, $$name ------------------------------------------------------------

    def visit_TargetSymbol(self, node):
        if node.components:
            return self._refuse(node, "SDT arguments have no members")
        name = node.name[1:]
        number = _argument_number(name)
        if number is None or number > len(self.operands):
            return self._refuse(node, self._not_found(name))
        return self._argument(number, node.tok, node)

    def visit_TargetVars(self, node):
        name = node.name
        tok = node.tok
        if name == "$$name":
            return _literal(self.scope.note.name if self.scope.note is not None
                            else self.scope.name, tok)
        if name == "$$provider" and self.scope.note is not None:
            return _literal(self.scope.note.provider, tok)
        if name in ("$$parms", "$$vars") and self.scope.note is not None:
            if not self.operands:
                return _literal("", tok)
            fmt = " ".join("$arg%d=%%#x" % (i + 1) for i in range(len(self.operands)))
            values = [self._argument(i + 1, tok, node) for i in range(len(self.operands))]
            return ast.PrintFormat("sprintf", fmt, None, values, tok=tok)
        return self._refuse(node, "unable to find local '%s'" % name[2:])

    def visit_DefinedOp(self, node):
        operand = node.operand
        if isinstance(operand, (ast.TargetSymbol, ast.TargetVars)):
            replaced = self.replace(operand)
            resolved = getattr(replaced, "saved_error", None) is None
            return ast.Literal(1 if resolved else 0, tok=node.tok)
        return self.generic(node)

    def _not_found(self, name):
        if self.scope.note is None:
            return "unable to find local '%s'" % name
        count = len(self.operands)
        return ("unable to find local '%s', [man error::dwarf] (alternatives: %s)"
                % (name, " ".join("$arg%d" % (i + 1) for i in range(count))
                   + (" " if count else "") + "$$name $$provider $$parms"))

    def _refuse(self, node, message):
        node.saved_error = SemanticError(message, node.tok)
        return node

    # --- 4.8's expressions ---------------------------------------------------------

    def _argument(self, number, tok, node):
        operand = self.operands[number - 1]
        if operand is None:
            return self._refuse(node, "cannot read argument %d of the marker (%s)"
                                % (number, self.scope.arguments[number - 1]))
        if operand.kind == "constant":
            return ast.Literal(operand.value, tok=tok)
        if operand.kind == "register":
            return _embedded(_register_value(operand), tok)
        address = self._address(operand, tok)
        bits = operand.size * 8
        name = ("user_int%d" if operand.signed or bits == 64 else "user_uint%d") % bits
        return ast.FunctionCall(name, [address], tok=tok)

    def _address(self, operand, tok):
        if operand.symbol is not None:
            return self._global_address(operand, tok)
        parts = []
        if operand.base is not None:
            parts.append("u_fetch_register(%d)" % operand.base)
        if operand.index is not None:
            parts.append("(u_fetch_register(%d)*%d)" % (operand.index, operand.scale))
        if not parts:
            return ast.Literal(operand.displacement, tok=tok)
        base = ast.EmbeddedExpr(_PURE + "+".join(parts) + " ", tok=tok)
        if operand.displacement:
            return ast.BinaryExpr("+", base, ast.Literal(operand.displacement, tok=tok),
                                  tok=tok)
        return base

    def _global_address(self, operand, tok):
        """A %rip-relative global: its link-time address relocated where
        the binary is mapped in the current process (a private function
        per use, as 4.8 writes it)."""
        from stap5.user.binary import user_binary
        binary = user_binary(self.scope.module_name)
        address = _symbol_address(binary, operand.symbol)
        if address is None:
            raise SemanticError("cannot find the address of %s in %s"
                                % (operand.symbol, self.scope.module_name), tok)
        address += operand.displacement
        number = self.counters["addr"]
        self.counters["addr"] += 1
        function_name = "__private_%s__sdt_arg_get_addr_%d" % (
            mangle_file_name(tok.file.name), number)
        code = ("%s /* pragma:vma */\nSTAP_RETURN(_stp_umodule_relocate(\"%s\", %#x, "
                "current));\n" % (_PURE, self.scope.module_name, address))
        function = ast.FunctionDecl(function_name, [], "long", ast.EmbeddedCode(code, tok=tok),
                                    True, True, [], tok=tok)
        function.file = tok.file
        function.overload_index = 0
        function.unique_name = function_name
        function.synthetic = True
        call = ast.FunctionCall(function_name, [], tok=tok)
        call.referent = function
        call.referents = [function]
        self.elab.use_function(function)
        return call


def _symbol_address(binary, name):
    from elftools.elf.elffile import ELFFile
    with open(binary.path, "rb") as f:
        elf = ELFFile(f)
        for section_name in (".symtab", ".dynsym"):
            table = elf.get_section_by_name(section_name)
            if table is None:
                continue
            for symbol in table.get_symbol_by_name(name) or []:
                if symbol["st_shndx"] != "SHN_UNDEF":
                    return symbol["st_value"]
    return None


def _register_value(operand):
    """4.8's C for an argument held in a register."""
    size = operand.size
    fetch = "u_fetch_register(%d)" % operand.register
    if size == 8:
        return " ((int64_t)(%s)((%s))) " % ("int64_t" if operand.signed else "uint64_t", fetch)
    bits = size * 8
    mask = (1 << bits) - 1
    text = "((int64_t)(%sint%d_t)((%s)) & %#x)" % ("" if operand.signed else "u", bits, fetch,
                                                  mask)
    if operand.signed:
        text += " << %d >> %d" % (64 - bits, 64 - bits)
    return " " + text + " "


def _embedded(code, tok):
    return ast.EmbeddedExpr(_PURE + code, tok=tok)


def _literal(value, tok):
    return ast.Literal(value, tok=tok)


def _argument_number(name):
    if name.startswith("arg") and name[3:].isdigit():
        number = int(name[3:])
        return number if number >= 1 else None
    return None

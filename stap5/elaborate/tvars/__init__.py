"""Target variables: what a probe handler reads of the probed code.

    $count  $file->f_path->dentry  $argv[i]  &$file->f_pos   a variable
    $file$  $file$$                                         pretty printed
    $$parms  $$locals  $$vars  $$return  (and their $ / $$ forms)
    @cast(p, "type"[, "module"])->member                    a typed pointer
    @var("name[@file]"[, "module"])                         a global
    @defined(...)                                           whether it resolves

They are expanded as 4.8 expands them, in the probes of families whose
derived probes have a Scope (stap5/kernel/scope.py: DWARF, BTF,
tracepoints...): each access becomes the call of a private function of the
probe's file, whose body reads the value with @kregister/@kderef (or their
user-space forms), pass 3 translating those with fault-safe reads:

    $count          ->  __private_FILE__dwarf_tvar_get_count_N()
    $file$          ->  __private_FILE__dwarf_pretty_print_N()
    @cast(p, "t")->m -> __private_FILE__dwarf_cast_get_cast_N(p)

N counts the accesses of the script (the optimizer merges identical
functions, keeping the first name), so that -p2 shows what 4.8 shows.
Errors are 4.8's, attached to the node (`saved_error`): type inference
reports them as the reason it stays unresolved.

In .return probes, the function's parameters are read at entry: the access
is wrapped in @entry(...) with 4.8's warning (elaborate/entry.py saves it).

A tracepoint's arguments (Location ("arg", i)) are not read where they are:
as in 4.8, each argument the probe uses is copied, converted to its type,
into a probe local `__tracepoint_arg_NAME` when the probe starts (the
family's local_initializers, in the parameters' order, before the script's
locals); `$prev` is that local, and accesses through it pass it to their
function as `pointer`:

    $prev->pid      ->  __private_FILE__tracepoint_tvar_get_prev_N(__tracepoint_arg_prev)
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.program import VarSymbol, mangle_file_name
from stap5.elaborate.tvars import access, pretty
from stap5.parse import ast


class Counters:
    """The script-wide numbering of synthesized functions."""

    def __init__(self):
        self.tvar = 0
        self.cast = 0
        self.pretty = 0
        self.pretty_deref = 0


def expand(elab, probe, scope, types_only=False):
    """Rewrite the target-variable accesses of one derived probe (with
    `types_only`, only @cast and @var: the probe has no variables)."""
    counters = getattr(elab, "tvar_counters", None)
    if counters is None:
        counters = elab.tvar_counters = Counters()
    expander = _Expander(elab, probe, scope, counters, types_only)
    probe.body = expander.required(probe.body)
    expander.declare_argument_locals()


def uses_kernel_types(body):
    """Whether a body has @cast or @var (which need the kernel's types)."""
    return any(isinstance(node, (ast.CastOp, ast.AtVar)) for node in ast.walk(body))


class _Expander(Rewriter):
    def __init__(self, elab, probe, scope, counters, types_only=False):
        self.elab = elab
        self.probe = probe
        self.scope = scope
        self.counters = counters
        self.types_only = types_only
        self.is_return = probe.family.is_return(probe)
        self.in_entry = 0           # inside @entry(...): values at entry
        self.arguments = {}         # argument name -> its VarSymbol (tracepoints)

    # --- functions made up for the accesses ---------------------------------------

    def function(self, kind, name, tok, body_expr, params=(), rettype="long", body=None,
                 family="dwarf"):
        """A private function of tok's file returning body_expr (or running
        `body`), and its call (with `params`: [(param name, argument expr)])."""
        file_name = mangle_file_name(tok.file.name)
        function_name = "__private_%s__%s_%s_%s" % (file_name, family, kind, name)
        if body is None:
            body = ast.ReturnStatement(body_expr, tok=tok)
        function = ast.FunctionDecl(
            function_name, [ast.Param(param, "long", tok=tok) for param, _ in params],
            rettype, ast.Block([body], tok=tok), True, False, [], tok=tok)
        function.file = tok.file
        function.overload_index = 0
        function.unique_name = function_name
        function.synthetic = True
        call = ast.FunctionCall(function_name, [arg for _, arg in params], tok=tok)
        call.referent = function
        call.referents = [function]
        self.elab.use_function(function)
        return call

    def builder(self, tok):
        return access.Builder(tok, self.scope.space)

    # --- $name -------------------------------------------------------------------

    def visit_TargetSymbol(self, node):
        if self.types_only:
            return self.generic(node)
        for component in node.components:
            if component.index is not None:
                component.index = self.replace(component.index)
        name = node.name[1:]
        if self.is_return and name != "return" and not self.in_entry:
            variable = self.scope.variable(name)
            if variable is not None:
                return self._captured_at_entry(node)
        try:
            return self._access(node)
        except SemanticError as error:
            if error.tok is None:
                error.tok = node.tok
            node.saved_error = error
            return node

    def _variable(self, node):
        name = node.name[1:]
        if name == "return" and self.is_return:
            variable = self.scope.return_variable()
        else:
            variable = self.scope.variable(name)
        if variable is None:
            raise SemanticError(self._not_found(name), node.tok)
        return variable

    def _not_found(self, name):
        reason = self.scope.unavailable_reason(name)
        if reason:
            return reason
        names = [v.name for v in self.scope.parameters() + self.scope.locals()]
        if self.is_return and self.scope.return_variable() is not None:
            names.append("return")
        alternatives = ", ".join("$" + n for n in _closest(name, names))
        where = self.scope.describe()
        return "unable to find local '%s'%s%s" % (
            name, ", [man error::dwarf] %s" % where if where else "",
            " (alternatives: %s))" % alternatives if alternatives else "")

    def _access(self, node):
        variable = self._variable(node)
        if _pretty_depth(node.components):
            return self.pretty_of(node, variable)
        return self.access_of(node, variable)

    def _place(self, node, variable):
        """(Place, index parameters) of `$name` and its components."""
        builder = self.builder(node.tok)
        components = [c for c in node.components if c.kind != "pretty"]
        index_params = []
        if _argument_index(variable) is not None:
            # A tracepoint argument: its local, passed in as `pointer`.
            index_params.append(("pointer", self._argument_local(variable, node.tok)))
            start = access.Place(ast.Symbol("pointer", tok=node.tok), variable.type, "value",
                                 converted=True)
        else:
            start = access.location_place(variable, builder, self.scope.module_name)
        place = access.follow(start, components, builder, index_params)
        return place, index_params

    def _argument_local(self, variable, tok):
        """A reference to the local holding tracepoint argument `variable`."""
        symbol = self.arguments.get(variable.name)
        if symbol is None:
            symbol = VarSymbol("__tracepoint_arg_" + variable.name, "local", tok)
            symbol.type = "long"
            symbol.set_arity(0, tok)
            symbol.synthetic = True
            self.arguments[variable.name] = symbol
        node = ast.Symbol(symbol.name, tok=tok)
        node.referent = symbol
        node.type = "long"
        return node

    def declare_argument_locals(self):
        """The probe's argument locals, first and in the parameters' order."""
        if not self.arguments:
            return
        ordered = {}
        for variable in self.scope.parameters():
            symbol = self.arguments.get(variable.name)
            if symbol is not None:
                ordered[symbol.name] = symbol
        ordered.update(self.probe.locals)
        self.probe.locals = ordered

    def access_of(self, node, variable):
        """The call reading (or taking the address of) `$name...`."""
        if _argument_index(variable) is not None:
            if node.addressof:
                raise SemanticError("cannot take address of tracepoint variable", node.tok)
            if not [c for c in node.components if c.kind != "pretty"]:
                return self._argument_local(variable, node.tok)
        place, params = self._place(node, variable)
        if node.addressof:
            expr = access.address_of(place, node.tok)
        else:
            expr = access.read_value(place, self.builder(node.tok), node.tok)
        number = self.counters.tvar
        self.counters.tvar += 1
        return self.function("tvar_get", "%s_%d" % (variable.name, number), node.tok, expr,
                             params, family="tracepoint" if _argument_index(variable) is not None
                             else "dwarf")

    def pretty_of(self, node, variable):
        """The call pretty-printing `$name...$`."""
        if node.addressof:
            raise SemanticError("cannot take address of pretty-printed variable", node.tok)
        place, params = self._place(node, variable)
        return pretty.Printer(self, node.tok).print_place(place, _pretty_depth(node.components),
                                                          params)

    def _captured_at_entry(self, node):
        """A parameter in a .return probe: its value at entry, as 4.8 does."""
        from stap5.parse.printer import Printer
        self.elab.warn("confusing usage, value is captured as @entry(%s) in .return probe "
                       "[man stapprobes] RETURN PROBES" % Printer().visit(node), node.tok)
        self.in_entry += 1
        try:
            operand = self.visit_TargetSymbol(node)
        finally:
            self.in_entry -= 1
        return ast.EntryOp(operand, tok=node.tok)

    def visit_EntryOp(self, node):
        self.in_entry += 1
        try:
            node.operand = self.replace(node.operand)
        finally:
            self.in_entry -= 1
        return node

    # --- $$vars ---------------------------------------------------------------------

    def visit_TargetVars(self, node):
        if self.types_only:
            return self.generic(node)
        constant = self.scope.constant(node.name)
        if constant is not None and not node.components:
            literal = ast.Literal(constant, tok=node.tok)
            literal.type = "string" if isinstance(constant, str) else "long"
            return literal
        if self.is_return and node.name != "$$return" and not self.in_entry:
            return self._captured_at_entry_vars(node)
        try:
            return pretty.Printer(self, node.tok).print_vars(node)
        except SemanticError as error:
            if error.tok is None:
                error.tok = node.tok
            node.saved_error = error
            return node

    def _captured_at_entry_vars(self, node):
        from stap5.parse.printer import Printer
        self.elab.warn("confusing usage, value is captured as @entry(%s) in .return probe "
                       "[man stapprobes] RETURN PROBES" % Printer().visit(node), node.tok)
        self.in_entry += 1
        try:
            operand = self.visit_TargetVars(node)
        finally:
            self.in_entry -= 1
        return ast.EntryOp(operand, tok=node.tok)

    # --- @defined --------------------------------------------------------------------

    def visit_DefinedOp(self, node):
        operand = node.operand
        if not isinstance(operand, (ast.TargetSymbol, ast.TargetVars, ast.CastOp,
                                    ast.AtVar)) or (self.types_only and isinstance(
                                        operand, (ast.TargetSymbol, ast.TargetVars))):
            return self.generic(node)
        replaced = self.replace(operand)
        resolved = getattr(replaced, "saved_error", None) is None and replaced is not operand
        literal = ast.Literal(1 if resolved else 0, tok=node.tok)
        return literal

    # --- @cast and @var ---------------------------------------------------------------

    def visit_CastOp(self, node):
        node.operand = self.replace(node.operand)
        for component in node.components:
            if component.index is not None:
                component.index = self.replace(component.index)
        try:
            return self._cast(node)
        except SemanticError as error:
            if error.tok is None:
                error.tok = node.tok
            node.saved_error = error
            return node

    def _cast(self, node):
        # Outside probes of the probed code, 4.8 needs the module named.
        default = "" if self.types_only else self.scope.module_name
        ctype_ = None
        if node.module is not None or not self.types_only:
            ctype_ = self.scope.find_type(node.type_name, node.module)
        if ctype_ is None:
            raise SemanticError("type definition '%s' not found in '%s'"
                                % (node.type_name, node.module if node.module is not None
                                   else default),
                                node.tok)
        from stap5.kernel.ctype import Pointer
        builder = self.builder(node.tok)
        pointer = ast.Symbol("pointer", tok=node.tok)
        place = access.Place(pointer, Pointer(ctype_), "value")
        components = [c for c in node.components if c.kind != "pretty"]
        index_params = []
        if components and components[0].kind == "member" or node.addressof and not components:
            # (&@cast(p, "T") is p: the address of the object it names)
            place = access.Place(pointer, ctype_, "memory")
        place = access.follow(place, components, builder, index_params)
        params = [("pointer", node.operand)] + index_params
        pretty_kind = _pretty_depth(node.components)
        if pretty_kind:
            return pretty.Printer(self, node.tok).print_place(place, pretty_kind, params)
        if node.addressof:
            expr = access.address_of(place, node.tok)
        else:
            expr = access.read_value(place, builder, node.tok)
        number = self.counters.cast
        self.counters.cast += 1
        return self.function("cast_get", "cast_%d" % number, node.tok, expr, params)

    def visit_AtVar(self, node):
        for component in node.components:
            if component.index is not None:
                component.index = self.replace(component.index)
        try:
            return self._at_var(node)
        except SemanticError as error:
            if error.tok is None:
                error.tok = node.tok
            node.saved_error = error
            return node

    def _at_var(self, node):
        name, _, file_pattern = node.name.partition("@")
        variable = self.scope.global_variable(name, file_pattern or None, node.module)
        if variable is None:
            raise SemanticError("unable to find global '%s' in %s%s" % (
                name, node.module or self.scope.module_name,
                ", in %s" % file_pattern if file_pattern else ""), node.tok)
        builder = self.builder(node.tok)
        components = [c for c in node.components if c.kind != "pretty"]
        index_params = []
        place = access.follow(access.location_place(variable, builder, self.scope.module_name),
                              components, builder, index_params)
        pretty_kind = _pretty_depth(node.components)
        if pretty_kind:
            return pretty.Printer(self, node.tok).print_place(place, pretty_kind, index_params)
        if node.addressof:
            expr = access.address_of(place, node.tok)
        else:
            expr = access.read_value(place, builder, node.tok)
        number = self.counters.tvar
        self.counters.tvar += 1
        return self.function("tvar_get", "%s_%d" % (name, number), node.tok, expr,
                             index_params)


def _argument_index(variable):
    """i when the variable is argument i of a tracepoint's callback."""
    ops = variable.location.ops
    if len(ops) == 1 and ops[0][0] == "arg":
        return ops[0][1]
    return None


def _pretty_depth(components):
    """1 for `$x$`, 2 for `$x$$`, 0 when not pretty printed."""
    for component in components:
        if component.kind == "pretty":
            return len(component.member or "$")
    return 0


def _closest(name, names):
    from stap5.elaborate.similar import levenshtein
    return sorted(dict.fromkeys(names), key=lambda n: levenshtein(name, n))

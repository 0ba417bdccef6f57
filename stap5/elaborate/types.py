"""Type inference: long, string or stats for every variable, array index,
function parameter, return value and expression.

This follows stap's algorithm, so that the same scripts type-check and the
same errors come out, in the same order: every function (by unique name)
and probe is visited with the type its context expects (`expected`), types
flow both ways between an expression and the variable or function it
refers to, and sweeps repeat until nothing new is learnt.  If something is
still unknown then, one last sweep reports what is unresolved or clashing;
a clash names where the variable's type was first inferred.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.program import LONG, STATS, STRING, VarSymbol
from stap5.parse import print_format
from stap5.parse import ast

MAX_SWEEPS = 1000

_NUMERIC_ASSIGN = {"+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "<<=", ">>="}


class TypesAbort(Exception):
    """An error that ends type inference at once (stap throws these)."""

    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


def decl_type(decl):
    if isinstance(decl, VarSymbol):
        return decl.type
    return getattr(decl, "inferred_type", None)


def set_decl_type(decl, type_):
    if isinstance(decl, VarSymbol):
        decl.type = type_
    else:
        decl.inferred_type = type_


class TypeResolution:
    def __init__(self, elab, after_sweeps=None, report_unresolved=True):
        self.elab = elab
        self.report_unresolved = report_unresolved
        self.verbose = elab.session.verbosity(2) > 0
        # Called once the reporting sweep is done, before unresolved types
        # are reported: where stap enrolls probes in their groups.  It may
        # raise SemanticError, which ends the pass.
        self.after_sweeps = after_sweeps
        self.unresolved_reports = []    # SemanticErrors the reporting sweep found
        self.expected = None            # stap's `t`: the type the context wants
        self.function = None
        self.assert_resolvability = False
        # What kinds of clash the sweeps before the reporting one saw
        # decides which the reporting sweep shows (as 4.8 does): a clash
        # with a declaration (3) hides plain clashes (level 1, shown up to
        # 2) and operand clashes (level 2, shown up to 1); any clash hides
        # unresolved types.  With -v every clash is shown.
        self.complexity = 0
        self.newly_resolved = 0
        self.still_unresolved = 0
        self.first_resolutions = []     # (tok, decl, index, type), in order

    # --- driving -------------------------------------------------------------

    def run(self):
        program = self.elab.program
        errors_before = len(self.elab.errors)
        for function in program.used_functions():
            if not hasattr(function, "inferred_type"):
                function.inferred_type = function.rettype
        for _ in range(MAX_SWEEPS):
            self.newly_resolved = 0
            self.still_unresolved = 0
            self._sweep(program)
            if self.newly_resolved == 0:
                if self.still_unresolved == 0 or self.assert_resolvability:
                    break
                self.assert_resolvability = True    # one more sweep, reporting
            else:
                self.complexity = 0
        clashed = len(self.elab.errors) > errors_before
        if self.after_sweeps is not None and (self.report_unresolved or clashed):
            # (a check before folding that finds nothing wrong is not the
            # pass whose end stap's probe-group checks belong to)
            try:
                self.after_sweeps()
            except SemanticError as error:
                raise TypesAbort(error) from None
        # stap reports what stayed unresolved last, and only when no clash
        # was seen (even with -v); the check before folding, only along
        # with some other error.
        if self.report_unresolved or clashed:
            for error in self.unresolved_reports:
                self.elab.report(error)

    def _sweep(self, program):
        for function in program.used_functions():
            self.function = function
            self.expected = None
            if not function.embedded:
                self.visit(function.body)
            for symbol in function.locals.values():
                self._check_local(symbol)
        self.function = None
        for probe in program.probes:
            self.expected = None
            self.visit(probe.body)
            for symbol in probe.locals.values():
                self._check_local(symbol)
            if probe.condition is not None:
                self.expected = LONG
                self.visit(probe.condition)
        for symbol in program.globals.values():
            if symbol.init is not None:
                init_type = STRING if isinstance(symbol.init.value, str) else LONG
                if symbol.type is None:
                    symbol.type = init_type
                    self.resolved(symbol.init.tok, init_type, symbol)
            if symbol.type is None:
                self.unresolved(symbol.tok)
            if symbol.arity == 0 and symbol.wrap:
                raise TypesAbort(SemanticError("wrapping not supported for scalars",
                                               symbol.tok))

    # --- outcomes ------------------------------------------------------------

    def _settle(self, node, type_):
        """Give an expression whose type is fixed by its kind its type."""
        if node.type is None:
            node.type = type_
            self.resolved(node.tok, type_)

    def _expect_numeric_result(self, node):
        """A number is not what a string or statistic context wants."""
        if self.expected in (STATS, STRING):
            self.invalid(node.tok, self.expected)

    def resolved(self, tok, type_, decl=None, index=-1):
        self.newly_resolved += 1
        if decl is not None:
            self.first_resolutions.append((tok, decl, index, type_))

    def _reporting(self, gate, level):
        """Whether to report a clash now: in the reporting sweep, if no
        clash of a more complex kind than `gate` was seen before it.  The
        sweeps before it record the clash's own `level`."""
        if not self.assert_resolvability:
            self.complexity = max(self.complexity, level)
            return False
        return self.verbose or self.complexity <= gate

    def unresolved(self, tok):
        self.still_unresolved += 1
        if self.assert_resolvability and self.complexity <= 0:
            self.unresolved_reports.append(SemanticError("unresolved type ", tok))

    def invalid(self, tok, type_):
        self.still_unresolved += 1
        if self.assert_resolvability:
            if tok is not None and getattr(tok, "kind", None) == "operator":
                self.elab.error("invalid operator", tok)
            else:
                self.elab.error("invalid type %s" % type_, tok, similar="invalid type ")

    def mismatch(self, tok, wanted, found):
        self.still_unresolved += 1
        if self._reporting(2, 1):
            message = "type mismatch: expected %s" % wanted
            if found is not None:
                message += " but found %s" % found
            self.elab.error(message, tok, similar="type mismatch: expected %s but found %s")

    def mismatch_sides(self, node):
        self.still_unresolved += 1
        if self._reporting(1, 2):
            template = "type mismatch: left and right sides don't agree (%s vs %s)"
            self.elab.error(template % (node.left.type, node.right.type), node.tok,
                            similar=template)

    def mismatch_decl(self, tok, found, decl, index=-1):
        """A use of `decl` disagrees with its type: say where that type was
        first inferred."""
        self.still_unresolved += 1
        if not self._reporting(3, 3):
            return
        first = None
        for record in self.first_resolutions:
            if record[1] is decl and (index < 0 or record[2] == index):
                first = record
                break
        if first is None and decl_type(decl) is not None:
            # declared, not inferred: a plain clash of two types
            self.elab.error("type mismatch: expected %s but found %s" % (found, decl_type(decl)),
                            tok, similar="type mismatch: expected %s but found %s")
            return
        position = first[2] if first is not None else index
        if position >= 0:
            message = "index %d type mismatch (%s)" % (position, found)
        else:
            message = "type mismatch (%s)" % found
        chain = None
        if first is not None:
            # (stap names the declaration's own type, even for an index)
            if position >= 0:
                text = "type of index %d was first inferred here (%s)" % (position,
                                                                        decl_type(decl))
            else:
                text = "type was first inferred here (%s)" % decl_type(decl)
            chain = SemanticError(text, first[0], similar=" was first inferred here (%s)")
        self.elab.error(message, tok, chain=chain, similar="type mismatch (%s)")

    def _check_local(self, symbol):
        if symbol.arity not in (None, 0):
            self.still_unresolved += 1
            if self.assert_resolvability:
                self.elab.error("array locals not supported, missing global declaration? ",
                                symbol.tok)
        if symbol.type is None:
            self.unresolved(symbol.tok)
        elif symbol.type == STATS:
            self.still_unresolved += 1
            if self.assert_resolvability:
                self.elab.error("stat locals not supported, missing global declaration? ",
                                symbol.tok)

    # --- the two-way rule ------------------------------------------------------

    def resolve_2types(self, node, decl, expected, accept_unknown=False):
        mine = node.type
        theirs = decl_type(decl)
        if expected is not None and mine == expected and mine == theirs:
            return
        if expected is None and mine is not None and mine == theirs:
            return
        if mine is not None and theirs is not None and mine != theirs:
            self.mismatch_decl(node.tok, mine, decl)
        elif mine is not None and expected is not None and mine != expected:
            self.mismatch_decl(node.tok, expected, decl)
        elif theirs is not None and expected is not None and theirs != expected:
            self.mismatch_decl(node.tok, expected, decl)
        elif mine is None and expected is not None:
            node.type = expected
            self.resolved(node.tok, expected)
        elif mine is None and theirs is not None:
            node.type = theirs
            self.resolved(node.tok, theirs)
        elif mine is not None and theirs is None:
            set_decl_type(decl, mine)
            self.resolved(node.tok, mine, decl)
        elif not accept_unknown:
            self.unresolved(node.tok)

    def check_arg_type(self, wanted, arg):
        self.expected = wanted
        self.visit(arg)
        if arg.type is None:
            arg.type = wanted
            self.resolved(arg.tok, wanted)
        elif arg.type != wanted:
            self.mismatch(arg.tok, wanted, arg.type)

    # --- dispatch --------------------------------------------------------------

    def visit(self, node):
        if not hasattr(node, "type"):
            node.type = _literal_type(node) if isinstance(node, ast.Literal) else None
        getattr(self, "visit_" + type(node).__name__)(node)

    # --- statements ----------------------------------------------------------

    def visit_Block(self, node):
        for statement in node.statements:
            self.expected = None
            self.visit(statement)

    def visit_NullStatement(self, node):
        pass

    visit_NextStatement = visit_BreakStatement = visit_ContinueStatement = visit_NullStatement

    def visit_EmbeddedCode(self, node):
        pass

    def visit_ExprStatement(self, node):
        self.expected = None
        self.visit(node.expr)

    def visit_IfStatement(self, node):
        self.expected = LONG
        self.visit(node.cond)
        self.expected = None
        self.visit(node.then_stmt)
        if node.else_stmt is not None:
            self.expected = None
            self.visit(node.else_stmt)

    def visit_ForLoop(self, node):
        if node.init is not None:
            self.expected = None
            self.visit(node.init)
        if node.cond is not None:
            self.expected = LONG
            self.visit(node.cond)
        if node.incr is not None:
            self.expected = None
            self.visit(node.incr)
        self.expected = None
        self.visit(node.body)

    def visit_ReturnStatement(self, node):
        function = self.function
        if function is None or node.value is None:
            return
        self.expected = function.inferred_type
        self.visit(node.value)
        value_type = node.value.type
        if function.inferred_type is not None and value_type is not None \
                and function.inferred_type != value_type:
            self.mismatch_decl(node.value.tok, value_type, function)
        if function.inferred_type is None and value_type in (LONG, STRING):
            function.inferred_type = value_type
            self.resolved(node.value.tok, value_type, function)
        if value_type == STATS:
            self.invalid(node.value.tok, value_type)

    def visit_DeleteStatement(self, node):
        self.expected = None
        self.visit(node.target)

    def visit_TryBlock(self, node):
        self.expected = None
        self.visit(node.try_block)
        if node.catch_var is not None:
            self.check_arg_type(STRING, node.catch_var)
        self.expected = None
        self.visit(node.catch_block)

    def visit_ForeachLoop(self, node):
        wanted_value = None
        array = node.array
        if isinstance(array, ast.HistogramOp):
            if len(node.indexes) != 1:
                self.unresolved(node.tok)
            self.expected = LONG
            self.visit(node.indexes[0])
            if node.indexes[0].type != LONG:
                self.unresolved(node.tok)
            self.visit(array)
            wanted_value = LONG
        else:
            symbol = array.referent
            if len(node.indexes) != (symbol.arity or 0):
                self.unresolved(node.tok)
            else:
                for position, key in enumerate(node.indexes):
                    self._index(symbol, position, key, report_unknown=False)
                for position, index in enumerate(node.array_slice):
                    if not isinstance(index, ast.Wildcard):
                        self._index(symbol, position, index, report_unknown=False)
            self.expected = None
            self.visit(array)
            wanted_value = array.type
        if node.value is not None:
            if wanted_value == STATS:
                self.invalid(node.value.tok, wanted_value)
            elif wanted_value is not None:
                self.check_arg_type(wanted_value, node.value)
            else:
                self.expected = None
                self.visit(node.value)
        if wanted_value is not None and node.sort_aggregate is not None \
                and wanted_value != STATS:
            self.invalid(array.tok, wanted_value)
        if node.limit is not None:
            self.expected = LONG
            self.visit(node.limit)
        self.expected = None
        self.visit(node.body)

    def _index(self, symbol, position, index, report_unknown=True):
        """One index expression of an array: its type and the array's
        type for that position inform each other."""
        known = symbol.index_types[position]
        self.expected = known
        self.visit(index)
        found = index.type
        if found in (LONG, STRING) and known is None:
            symbol.index_types[position] = found
            known = found
            self.resolved(index.tok, found, symbol, position)
        if found == STATS:
            self.invalid(index.tok, found)
        if known == STATS:
            self.invalid(index.tok, known)
        if found is not None and known is not None and known != found:
            self.mismatch_decl(index.tok, found, symbol, position)
        if found is None and report_unknown:
            self.unresolved(index.tok)

    # --- expressions -------------------------------------------------------------

    def visit_Literal(self, node):
        node.type = STRING if isinstance(node.value, str) else LONG
        if self.expected is None or self.expected == node.type:
            return
        self.mismatch(node.tok, self.expected, node.type)

    def visit_Symbol(self, node):
        self.resolve_2types(node, node.referent, self.expected)

    def visit_TargetSymbol(self, node):
        self._unresolved_target(node, "unresolved target-symbol expression")

    visit_TargetVars = visit_TargetSymbol

    def _unresolved_target(self, node, message):
        for component in getattr(node, "components", ()):
            if component.index is not None:
                self.expected = LONG
                self.visit(component.index)
        saved_error = getattr(node, "saved_error", None)
        if getattr(node, "addressof", False) and node.type is None and saved_error is None:
            # an address is a number, whatever it points to
            node.type = LONG
            self.resolved(node.tok, LONG)
        self.still_unresolved += 1
        if self.assert_resolvability and self.complexity <= 0:
            # what a family found wrong with it (procfs_value.py), if anything
            self.unresolved_reports.append(saved_error or SemanticError(message, node.tok))

    def visit_AtVar(self, node):
        self._unresolved_target(node, "unresolved @var() expression")

    def visit_CastOp(self, node):
        self.expected = None
        self.visit(node.operand)
        self._unresolved_target(node, "type definition '%s' not found" % node.type_name)

    def visit_AutoCast(self, node):
        self.expected = None
        self.visit(node.operand)
        self._unresolved_target(node, "unresolved type for autocast")

    def visit_PerfOp(self, node):
        # A number, wherever it is (4.8 refuses one left outside DWARF
        # probes only in pass 3).
        self._expect_numeric_result(node)
        self._settle(node, LONG)

    def visit_EntryOp(self, node):
        self._unresolved_target(node, "internal error: @entry is only valid in .return probes")

    def visit_ProbewriteOp(self, node):
        self._unresolved_target(node, "unresolved @probewrite expression")

    def visit_DefinedOp(self, node):
        self.still_unresolved += 1
        if self.assert_resolvability and self.report_unresolved:
            # (before folding, which settles it, it is only not known yet)
            self.elab.error("unexpected @defined", node.tok)

    def visit_EmbeddedExpr(self, node):
        if node.type is None:
            node.type = STRING if "/* string */" in node.code else LONG
            self.resolved(node.tok, node.type)

    def visit_Wildcard(self, node):
        pass

    def visit_ArrayIndex(self, node):
        base = node.base
        if isinstance(base, ast.HistogramOp):
            if len(node.indexes) != 1:
                self.unresolved(node.tok)
            self.expected = LONG
            self.visit(node.indexes[0])
            if node.indexes[0].type != LONG:
                self.unresolved(node.tok)
            self.visit(base)
            if node.type != LONG:
                node.type = LONG
                self.resolved(node.tok, LONG)
            return
        symbol = base.referent
        self.resolve_2types(node, symbol, self.expected)
        base.type = node.type
        if len(node.indexes) != (symbol.arity or 0):
            self.unresolved(node.tok)
            return
        for position, index in enumerate(node.indexes):
            if not isinstance(index, ast.Wildcard):
                self._index(symbol, position, index)

    def visit_ArrayIn(self, node):
        wanted = self.expected
        symbol = node.array.referent
        # stap types the element `array[indexes]` (any value type)...
        element = _Element(node)
        self.resolve_2types(element, symbol, None)
        node.element_type = element.type
        if len(node.indexes) != (symbol.arity or 0):
            self.unresolved(node.tok)
        else:
            for position, index in enumerate(node.indexes):
                if not isinstance(index, ast.Wildcard):
                    self._index(symbol, position, index)
        # ...and the test itself is a number.
        if wanted is None and node.type is not None:
            return
        if wanted in (STRING, STATS):
            self.mismatch(node.tok, wanted, LONG)
        elif node.type is None:
            node.type = LONG
            self.resolved(node.tok, LONG)

    def visit_FunctionCall(self, node):
        referents = getattr(node, "referents", None)
        if not referents:
            raise TypesAbort(SemanticError("internal error: unresolved function call to '%s'"
                                           % node.name, node.tok))
        original = self.expected
        for function in referents:
            self.expected = original
            if not hasattr(function, "inferred_type"):
                function.inferred_type = function.rettype
            self.resolve_2types(node, function, self.expected, accept_unknown=True)
            if node.type == STATS:
                self.invalid(node.tok, node.type)
            if len(node.args) != len(function.params):
                self.unresolved(node.tok)
                continue
            for position, (arg, param) in enumerate(zip(node.args, function.params)):
                symbol = param.symbol
                formal = symbol.type
                self.expected = formal
                self.visit(arg)
                actual = arg.type
                if actual in (LONG, STRING) and formal is None:
                    symbol.type = formal = actual
                    self.resolved(arg.tok, actual, symbol, position)
                if actual == STATS:
                    self.invalid(arg.tok, actual)
                if formal == STATS:
                    self.invalid(param.tok, formal)
                if actual is not None and formal is not None and formal != actual:
                    self.mismatch_decl(arg.tok, actual, symbol, position)
                if actual is None:
                    self.unresolved(arg.tok)

    def visit_BinaryExpr(self, node):
        self._expect_numeric_result(node)
        self.expected = LONG
        self.visit(node.left)
        self.expected = LONG
        self.visit(node.right)
        if node.left.type is not None and node.right.type is not None \
                and node.left.type != node.right.type:
            self.mismatch_sides(node)
        self._settle(node, LONG)

    visit_LogicalExpr = visit_BinaryExpr

    def visit_UnaryExpr(self, node):
        self._expect_numeric_result(node)
        self.expected = LONG
        self.visit(node.operand)
        self._settle(node, LONG)

    visit_PreCrement = visit_PostCrement = visit_UnaryExpr

    def visit_ComparisonExpr(self, node):
        self._expect_numeric_result(node)
        if not hasattr(node.right, "type"):
            node.right.type = _literal_type(node.right) if isinstance(node.right, ast.Literal) \
                else None
        self.expected = node.right.type
        self.visit(node.left)
        self.expected = node.left.type
        self.visit(node.right)
        if node.left.type is not None and node.right.type is not None \
                and node.left.type != node.right.type:
            self.mismatch_sides(node)
        self._settle(node, LONG)

    def visit_RegexMatch(self, node):
        self._expect_numeric_result(node)
        self.expected = STRING
        self.visit(node.left)
        self._settle(node, LONG)

    def visit_ConcatExpr(self, node):
        expected = self.expected
        if expected is not None and expected != STRING:
            self.invalid(node.tok, expected)
        self.expected = STRING
        self.visit(node.left)
        self.expected = STRING
        self.visit(node.right)
        self._settle(node, STRING)

    def visit_TernaryExpr(self, node):
        sub = self.expected
        self.expected = LONG
        self.visit(node.cond)
        if sub is None and node.type is not None:
            sub = node.type
        self.expected = sub
        self.visit(node.true_expr)
        self.expected = sub
        self.visit(node.false_expr)
        if sub is None and node.type is not None:
            pass
        elif sub is not None and node.type is None:
            node.type = sub
            self.resolved(node.tok, sub)
        elif sub is None and node.true_expr.type is not None:
            node.type = node.true_expr.type
            self.resolved(node.tok, node.type)
        elif sub is None and node.false_expr.type is not None:
            node.type = node.false_expr.type
            self.resolved(node.tok, node.type)
        elif node.type != sub:
            self.mismatch(node.tok, sub, node.type)

    def visit_AssignmentExpr(self, node):
        expected = self.expected
        if expected == STATS:
            self.invalid(node.tok, expected)
        op = node.op
        left, right = node.left, node.right
        for side in (left, right):
            if not hasattr(side, "type"):
                side.type = _literal_type(side) if isinstance(side, ast.Literal) else None
        if op == "<<<":
            if expected == STRING:
                self.invalid(node.tok, expected)
            self.expected = STATS
            self.visit(left)
            self.expected = LONG
            self.visit(right)
            if node.type in (None, STATS):
                node.type = LONG
                self.resolved(node.tok, LONG)
        elif left.type == STATS:
            self.invalid(left.tok, left.type)
        elif right.type == STATS:
            self.invalid(right.tok, right.type)
        elif op in _NUMERIC_ASSIGN:
            self.visit_BinaryExpr(node)
        elif op == ".=":
            if expected in (LONG, STATS):
                self.invalid(node.tok, expected)
            self.expected = STRING
            self.visit(left)
            self.expected = STRING
            self.visit(right)
            self._settle(node, STRING)
        elif op == "=":
            sub = expected
            if sub is None and node.type is not None:
                sub = node.type
            self.expected = sub if sub is not None else right.type
            self.visit(left)
            self.expected = sub if sub is not None else left.type
            self.visit(right)
            if sub is not None and node.type is None:
                node.type = sub
                self.resolved(node.tok, sub)
            if sub is None and left.type is not None:
                node.type = left.type
                self.resolved(node.tok, node.type)
            if left.type is not None and right.type is not None and left.type != right.type:
                self.mismatch_sides(node)

    def visit_StatOp(self, node):
        self.expected = STATS
        self.visit(node.operand)
        for param in node.params:
            self.expected = LONG
            self.visit(param)
        if node.type is None:
            node.type = LONG
            self.resolved(node.tok, LONG)
        elif node.type != LONG:
            self.mismatch(node.tok, LONG, node.type)

    def visit_HistogramOp(self, node):
        self.expected = STATS
        self.visit(node.operand)
        for param in node.params:
            self.expected = LONG
            self.visit(param)

    def visit_PrintFormat(self, node):
        unresolved_args = 0
        if len(node.args) == 1 and isinstance(node.args[0], ast.HistogramOp) \
                and node.format is None:
            self.visit(node.args[0])
        elif node.format is not None:
            self._formatted(node)
        else:
            for arg in node.args:
                self.expected = None
                self.visit(arg)
                if arg.type is None:
                    self.unresolved(arg.tok)
                    unresolved_args += 1
        if unresolved_args == 0:
            if node.type is None:
                node.type = STRING if node.name.startswith("s") else LONG
                self.resolved(node.tok, node.type)
        else:
            node.type = None
            self.unresolved(node.tok)

    def _formatted(self, node):
        directives = getattr(node, "directives", None)
        if directives is None:
            try:
                directives = print_format.parse(node.format)
            except print_format.FormatError:
                raise TypesAbort(SemanticError(
                    "Unspecified conversion in print operator format string", node.tok)) \
                    from None
            node.directives = directives
        wanted = print_format.argument_types(directives)
        if len(wanted) != len(node.args):
            raise TypesAbort(SemanticError("Wrong number of args to formatted print operator",
                                           node.tok))
        for arg, kind in zip(node.args, wanted):
            self.check_arg_type(kind, arg)

    def visit_DerefOp(self, node):
        self._expect_numeric_result(node)
        self.expected = LONG
        self.visit(node.size)
        self.expected = LONG
        self.visit(node.address)
        self._settle(node, LONG)

    def visit_RegisterOp(self, node):
        self._expect_numeric_result(node)
        self.expected = LONG
        self.visit(node.register)
        self._settle(node, LONG)

    def visit_AddressOp(self, node):
        self._expect_numeric_result(node)
        self._settle(node, LONG)


def _literal_type(node):
    return STRING if isinstance(node.value, str) else LONG


class _Element:
    """The `array[indexes]` of an `in` test, which stap types like an
    element access."""

    def __init__(self, node):
        self.node = node
        self.tok = node.array.tok
        self.type = getattr(node, "element_type", None)


def infer(elab, after_sweeps=None, report_unresolved=True):
    resolution = TypeResolution(elab, after_sweeps, report_unresolved)
    try:
        resolution.run()
    except TypesAbort as abort:
        elab.report(abort.error)
    for function in elab.program.used_functions():
        if not hasattr(function, "inferred_type"):
            function.inferred_type = function.rettype

"""The `-p1` parse-tree dump: a visitor that prints stap's syntax back.

The output is byte-identical to SystemTap 4.8's, whose conventions are kept
here: every binary operand is parenthesized, statements in a block end in
";\\n", probe points of a probe are joined by "," but those of an alias by
", ", and the body of an embedded-C block is printed as written.
"""

from stap5.parse import ast


def format_string(text):
    """How stap prints a printf format or a delimiter: backslashes doubled."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def string_literal(text):
    """How stap prints a string literal: as lexed, with quotes escaped."""
    return '"%s"' % text.replace('"', '\\"')


def literal(value):
    if isinstance(value, str):
        return string_literal(value)
    return str(value)


class Printer(ast.NodeVisitor):
    """Renders nodes as stap's dump does.  `print(node)` returns a string."""

    def print(self, node):
        return self.visit(node)

    # --- files ---------------------------------------------------------------

    def visit_StapFile(self, node):
        out = []
        for embed in node.embeds:
            out.append(self.visit(embed))
        for var in node.globals:
            out.append(self.visit(var) + "\n")
        for alias in node.aliases:
            out.append(self.visit(alias) + "\n")
        for probe in node.probes:
            out.append(self.visit(probe) + "\n")
        for function in node.functions:
            out.append(self.visit(function) + "\n")
        return "".join(out)

    def visit_EmbeddedCode(self, node):
        return "%{" + node.code + "%}"

    def visit_VarDecl(self, node):
        text = "global " + node.name
        if node.wrap:
            text += "%"
        if node.maxsize is not None:
            text += "[%d]" % node.maxsize
        if node.init is not None:
            text += " = " + self.visit(node.init)
        return text

    def visit_FunctionDecl(self, node):
        params = ", ".join(param.name for param in node.params)
        return "function %s (%s)\n%s" % (node.name, params, self.visit(node.body))

    def visit_ProbeDecl(self, node):
        points = ",".join(self.visit(point) for point in node.points)
        return "probe " + points + self.visit(node.body)

    def visit_AliasDecl(self, node):
        names = ", ".join(self.visit(name) for name in node.names)
        points = ", ".join(self.visit(point) for point in node.points)
        operator = " += " if node.epilogue else " = "
        return "probe " + names + operator + points + self.visit(node.body)

    def visit_ProbePoint(self, node):
        text = ".".join(self.visit(component) for component in node.components)
        if node.sufficient:
            text += "!"
        elif node.optional:
            text += "?"
        if node.condition is not None:
            text += " if (%s)" % self.visit(node.condition)
        return text

    def visit_Component(self, node):
        if node.arg is None:
            return node.functor
        return "%s(%s)" % (node.functor, self.visit(node.arg))

    # --- statements --------------------------------------------------------

    def visit_Block(self, node):
        return "{\n" + "".join(self.visit(stmt) + ";\n" for stmt in node.statements) + "}"

    def visit_NullStatement(self, node):
        return ";"

    def visit_ExprStatement(self, node):
        return self.visit(node.expr)

    def visit_IfStatement(self, node):
        text = "if (%s) %s\n" % (self.visit(node.cond), self.visit(node.then_stmt))
        if node.else_stmt is not None:
            text += "else %s\n" % self.visit(node.else_stmt)
        return text

    def visit_ForLoop(self, node):
        init = self.visit(node.init) if node.init is not None else ""
        cond = self.visit(node.cond) if node.cond is not None else "1"
        incr = self.visit(node.incr) if node.incr is not None else ""
        return "for (%s; %s; %s) %s" % (init, cond, incr, self.visit(node.body))

    def visit_ForeachLoop(self, node):
        text = "foreach ("
        if node.value is not None:
            text += self.visit(node.value) + " = "
        keys = []
        for position, key in enumerate(node.indexes, 1):
            mark = ""
            if node.sort_column == position:
                mark = "+" if node.sort_direction > 0 else "-"
            keys.append(self.visit(key) + mark)
        text += "[%s] in %s" % (", ".join(keys), self.visit(node.array))
        if node.array_slice:
            text += "[%s]" % ", ".join(self.visit(index) for index in node.array_slice)
        if node.sort_aggregate is not None:
            text += " @" + node.sort_aggregate
        if node.sort_column == 0:
            text += "+" if node.sort_direction > 0 else "-"
        if node.limit is not None:
            text += " limit " + self.visit(node.limit)
        return text + ") " + self.visit(node.body)

    def visit_ReturnStatement(self, node):
        if node.value is None:
            return "return"
        return "return " + self.visit(node.value)

    def visit_DeleteStatement(self, node):
        return "delete " + self.visit(node.target)

    def visit_NextStatement(self, node):
        return "next"

    def visit_BreakStatement(self, node):
        return "break"

    def visit_ContinueStatement(self, node):
        return "continue"

    def visit_TryBlock(self, node):
        text = "try {\n%s\n} catch" % self.visit(node.try_block)
        if node.catch_var is not None:
            text += " (%s)" % self.visit(node.catch_var)
        return text + " {\n%s\n}\n" % self.visit(node.catch_block)

    # --- expressions -------------------------------------------------------

    def visit_Literal(self, node):
        return literal(node.value)

    def _binary(self, node, op):
        return "(%s) %s (%s)" % (self.visit(node.left), op, self.visit(node.right))

    def visit_BinaryExpr(self, node):
        return self._binary(node, node.op)

    visit_LogicalExpr = visit_BinaryExpr
    visit_ComparisonExpr = visit_BinaryExpr
    visit_AssignmentExpr = visit_BinaryExpr

    def visit_ConcatExpr(self, node):
        return self._binary(node, ".")

    def visit_RegexMatch(self, node):
        return "(%s) %s %s" % (self.visit(node.left), node.op, self.visit(node.pattern))

    def visit_UnaryExpr(self, node):
        return "%s(%s)" % (node.op, self.visit(node.operand))

    visit_PreCrement = visit_UnaryExpr

    def visit_PostCrement(self, node):
        return "(%s)%s" % (self.visit(node.operand), node.op)

    def visit_TernaryExpr(self, node):
        return "(%s)?(%s):(%s)" % (self.visit(node.cond), self.visit(node.true_expr),
                                   self.visit(node.false_expr))

    def visit_ArrayIn(self, node):
        indexes = ", ".join(self.visit(index) for index in node.indexes)
        return "[%s] in %s" % (indexes, self.visit(node.array))

    def visit_Symbol(self, node):
        return node.name

    def visit_ArrayIndex(self, node):
        indexes = ", ".join(self.visit(index) for index in node.indexes)
        return "%s[%s]" % (self.visit(node.base), indexes)

    def visit_Wildcard(self, node):
        return "*"

    def visit_FunctionCall(self, node):
        return "%s(%s)" % (node.name, ", ".join(self.visit(arg) for arg in node.args))

    def visit_PrintFormat(self, node):
        parts = []
        if node.format is not None:
            parts.append(format_string(node.format))
        if node.delimiter is not None:
            parts.append(format_string(node.delimiter))
        parts.extend(self.visit(arg) for arg in node.args)
        return "%s(%s)" % (node.name, ", ".join(parts))

    def visit_StatOp(self, node):
        args = [self.visit(node.operand)] + [self.visit(param) for param in node.params]
        return "@%s(%s)" % (node.op, ", ".join(args))

    def visit_HistogramOp(self, node):
        args = [self.visit(node.operand)] + [self.visit(param) for param in node.params]
        return "@hist_%s(%s)" % (node.kind, ", ".join(args))

    def _components(self, components):
        out = []
        for component in components:
            if component.kind == "member":
                out.append("->" + component.member)
            elif component.kind == "pretty":
                out.append("->" + component.member)
            else:
                out.append("[%s]" % self.visit(component.index))
        return "".join(out)

    def _address(self, node, text):
        return ("&" if node.addressof else "") + text + self._components(node.components)

    def visit_TargetSymbol(self, node):
        return self._address(node, node.name)

    visit_TargetVars = visit_TargetSymbol

    def visit_CastOp(self, node):
        text = "@cast(%s, %s" % (self.visit(node.operand), string_literal(node.type_name))
        if node.module is not None:
            text += ", " + string_literal(node.module)
        return self._address(node, text + ")")

    def visit_AtVar(self, node):
        text = "@var(" + string_literal(node.name)
        if node.module is not None:
            text += ", " + string_literal(node.module)
        return self._address(node, text + ")")

    def visit_AutoCast(self, node):
        return self._address(node, "(%s)" % self.visit(node.operand))

    def visit_DefinedOp(self, node):
        return "@defined(%s)" % self.visit(node.operand)

    def visit_EntryOp(self, node):
        return "@entry(%s)" % self.visit(node.operand)

    def visit_ProbewriteOp(self, node):
        return "@probewrite(%s)" % self.visit(node.operand)

    def visit_DerefOp(self, node):
        return "@%s(%s, %s)" % (node.kind, self.visit(node.size), self.visit(node.address))

    def visit_RegisterOp(self, node):
        return "@%s(%s)" % (node.kind, self.visit(node.register))

    def visit_AddressOp(self, node):
        # (made by pass 2 only: a link-time address of the probed module)
        return '@address("%s", %#x)' % (node.module, node.address)

    def visit_PerfOp(self, node):
        return "@perf(%s)" % string_literal(node.name)

    def visit_EmbeddedExpr(self, node):
        return "%{ " + node.code + " %}"


def dump_file(stap_file):
    """The `# file NAME` section of the -p1 dump for one parsed file."""
    return "# file %s\n%s" % (stap_file.name, Printer().print(stap_file))


def dump_pass1(result, verbose=False):
    """stap's whole -p1 output: the user's files, then (with -v) every
    library file parsed, each followed by a blank line."""
    parts = ["# parse tree dump\n"]
    parts.extend(dump_file(stap_file) for stap_file in result.user_files)
    parts.append("\n")
    if verbose:
        parts.extend(dump_file(stap_file) + "\n" for stap_file in result.library_files)
    return "".join(parts)

"""Statements and expressions to C.

One CodeGen per probe handler or function body.  It decides what to emit
for each construct and asks the template macros (templates/c_syntax.j2) for
the C text; the locals and temporaries it needs go into the body's Frame,
which lives in the probe context rather than on the kernel stack.
"""

from stap5.elaborate.astutil import first_token
from stap5.elaborate.program import LONG, STATS, STRING, VarSymbol
from stap5.parse import ast
from stap5.translate import names


class TranslationError(Exception):
    """A construct pass 3 cannot translate (reported like a semantic error)."""

    def __init__(self, message, tok):
        super().__init__(message)
        self.message = message
        self.tok = tok


class Frame:
    """A probe's locals or a function's frame: a C struct in the context."""

    def __init__(self, struct_name, member):
        self.struct_name = struct_name
        self.member = member
        self.fields = []                 # (C type, name, array suffix)
        self._names = set()
        self._tmps = 0

    def add(self, ctype, name, array=""):
        if name not in self._names:
            self._names.add(name)
            self.fields.append((ctype, name, array))
        return "l->" + name

    def add_variable(self, symbol):
        if symbol.type == STRING:
            return self.add("string_t", names.local_name(symbol))
        return self.add("int64_t", names.local_name(symbol))

    def string_tmp(self):
        self._tmps += 1
        return self.add("string_t", "t%d" % self._tmps)


class CodeGen:
    def __init__(self, translator, frame, owner):
        self.tr = translator
        self.s = translator.syntax
        self.frame = frame
        self.owner = owner                       # DerivedProbe or FunctionDecl
        self.in_function = isinstance(owner, ast.FunctionDecl)
        self.error_labels = ["out"]
        self.loop_depth = 0

    # --- helpers -------------------------------------------------------------

    @property
    def err(self):
        return self.error_labels[-1]

    def uid(self):
        return self.tr.next_uid()

    def near(self, tok):
        return names.near(tok)

    def unsupported(self, what, tok):
        raise TranslationError("%s is not supported by stap5 yet" % what, tok)

    def variable(self, symbol):
        """C lvalue of a scalar variable."""
        if symbol.scope == "global":
            return self.tr.global_cname(symbol)
        return self.frame.add_variable(symbol)

    # --- statements ----------------------------------------------------------

    def statement(self, node):
        method = getattr(self, "stmt_" + type(node).__name__)
        return method(node)

    def statements_with_actions(self, statements):
        out = []
        for statement in statements:
            out.append(self.s.action(self.near(statement_token(statement)), self.err))
            out.append(self.statement(statement))
        return out

    def body(self, node):
        """A probe or function body (a Block, or a single statement)."""
        statements = node.statements if isinstance(node, ast.Block) else [node]
        return self.s.block(self.statements_with_actions(statements))

    def stmt_Block(self, node):
        return self.s.block(self.statements_with_actions(node.statements))

    def stmt_NullStatement(self, node):
        return ";"

    def stmt_ExprStatement(self, node):
        return self.s.expr_statement(self.expr_void(node.expr))

    def stmt_IfStatement(self, node):
        cond = self.expr_long(node.cond)
        then = self._sub_block(node.then_stmt)
        other = self._sub_block(node.else_stmt) if node.else_stmt is not None else ""
        return self.s.if_statement(cond, then, other)

    def _sub_block(self, node):
        if isinstance(node, ast.Block):
            return self.stmt_Block(node)
        return self.s.block(self.statements_with_actions([node]))

    def stmt_ForLoop(self, node):
        init = self.expr_void(node.init) if node.init is not None else ""
        cond = self.expr_long(node.cond) if node.cond is not None else "1"
        incr = self.expr_void(node.incr) if node.incr is not None else ""
        self.loop_depth += 1
        body = self._sub_block(node.body)
        self.loop_depth -= 1
        return self.s.loop(init, cond, incr, body, self.near(node.tok), self.err,
                           _is_empty(node.body))

    def stmt_BreakStatement(self, node):
        if not self.loop_depth:
            raise TranslationError("break statement outside a loop", node.tok)
        return self.s.raw("break;")

    def stmt_ContinueStatement(self, node):
        if not self.loop_depth:
            raise TranslationError("continue statement outside a loop", node.tok)
        return self.s.raw("continue;")

    def stmt_NextStatement(self, node):
        # Ends the probe handler without error (from a function too: the
        # rest of the handler is skipped, as stap's `next` does).
        if self.in_function:
            return self.s.raw("{ c->next = 1; goto out; }")
        return self.s.goto("out")

    def stmt_ReturnStatement(self, node):
        if not self.in_function:
            raise TranslationError("return outside a function", node.tok)
        if node.value is None:
            return self.s.goto("out")
        if node.value.type == STRING:
            store = "strlcpy(l->retval, %s, MAXSTRINGLEN)" % self.expr_string(node.value)
        else:
            store = "l->retval = %s" % self.expr_long(node.value)
        return self.s.return_value(store, "out")

    def stmt_TryBlock(self, node):
        uid = self.uid()
        catch_label = "catch_%d" % uid
        end_label = "try_end_%d" % uid
        self.error_labels.append(catch_label)
        try_body = self._sub_block(node.try_block)
        self.error_labels.pop()
        store = ""
        if node.catch_var is not None:
            store = self.variable(node.catch_var.referent)
        catch_body = self._sub_block(node.catch_block)
        return self.s.try_catch(try_body, catch_label, end_label, store, catch_body)

    def stmt_DeleteStatement(self, node):
        target = node.target
        if isinstance(target, ast.Symbol):
            symbol = target.referent
            if symbol.is_array:
                return self.s.raw(self.tr.clear_array(symbol) + ";")
            if symbol.type == STATS:
                return self.s.raw("stp_stat_clear(%s);" % self.tr.global_cname(symbol))
            lvalue = self.variable(symbol)
            if symbol.type == STRING:
                return self.s.raw("%s[0] = '\\0';" % lvalue)
            return self.s.raw("%s = 0;" % lvalue)
        if isinstance(target, ast.ArrayIndex):
            symbol = target.base.referent
            cname = self.tr.global_cname(symbol)
            if any(isinstance(i, ast.Wildcard) for i in target.indexes):
                return self._delete_matching(symbol, target)
            keys = self.keys(symbol, target.indexes)
            function = "stp_pmap_delete" if symbol.type == STATS else "stp_map_delete"
            return self.s.raw("%s(%s, %s);" % (function, cname, keys))
        raise TranslationError("cannot delete this expression", target.tok)

    def _delete_matching(self, symbol, target):
        """delete a[k, *]: every element whose given keys match."""
        keys, wild = self._key_pattern(symbol, target.indexes)
        cname = self.tr.global_cname(symbol)
        if symbol.type == STATS:
            return self.s.raw(self.s.pmap_delete_matching(cname, keys, wild))
        return self.s.raw(self.s.map_delete_matching(cname, keys, wild))

    def _key_pattern(self, symbol, indexes):
        """(keys, wildcard mask) of `[k, *]`: a `*` column's key is not
        looked at (0 stands in), bit i of the mask marks column i."""
        wild = sum(1 << column for column, index in enumerate(indexes)
                   if isinstance(index, ast.Wildcard))
        items = [("n", "0") if isinstance(index, ast.Wildcard) else
                 ("s", self.expr_string(index)) if symbol.index_types[column] == STRING
                 else ("n", self.expr_long(index))
                 for column, index in enumerate(indexes)]
        return self.s.keys(items), "%#xu" % wild

    def stmt_ForeachLoop(self, node):
        array = node.array
        if isinstance(array, ast.HistogramOp):
            return self._foreach_histogram(node)
        if not isinstance(array, ast.Symbol):
            self.unsupported("foreach over this expression", node.tok)
        symbol = array.referent
        uid = self.uid()
        cname = self.tr.global_cname(symbol)
        map_expr = "stp_pmap_aggregate(%s)" % cname if symbol.type == STATS else cname
        assignments = []                    # the keys', then (after the slice) the value's
        for column, key in enumerate(node.indexes):
            key_symbol = key.referent
            target = self.variable(key_symbol)
            if symbol.index_types[column] == STRING:
                assignments.append("strlcpy(%s, %s, MAXSTRINGLEN)"
                                   % (target, self.s.node_key_string(uid, column)))
            else:
                assignments.append("%s = %s" % (target, self.s.node_key_long(uid, column)))
        if node.value is not None:
            target = self.variable(node.value.referent)
            if symbol.type == STRING:
                assignments.append("strlcpy(%s, %s, MAXSTRINGLEN)"
                                   % (target, self.s.node_value_string(uid)))
            elif symbol.type == LONG:
                assignments.append("%s = %s" % (target, self.s.node_value_long(uid)))
            else:
                self.unsupported("a value variable in foreach over statistics", node.tok)
        keys_assigned = len(node.indexes)
        # A slice's keys: evaluated once, before the loop (column, is a string, value, temporary).
        slice_keys = [(column, symbol.index_types[column] == STRING, self.expr(index),
                       self.frame.string_tmp() if symbol.index_types[column] == STRING
                       else self.frame.add("int64_t", "slice%d_%d" % (uid, column)))
                      for column, index in enumerate(node.array_slice)
                      if not isinstance(index, ast.Wildcard)]
        column, direction = self._sort(node)
        limit = self.expr_long(node.limit) if node.limit is not None else None
        self.loop_depth += 1
        body = self._sub_block(node.body)
        self.loop_depth -= 1
        return self.s.foreach(map_expr, column, direction, limit, assignments[:keys_assigned],
                              slice_keys, assignments[keys_assigned:], body,
                              self.near(node.tok), self.err, uid, _is_empty(node.body))

    def _foreach_histogram(self, node):
        """foreach (v = [i] in @hist_log(s)): i runs over the bucket
        indexes (as in `@hist_log(s)[i]`), in order whatever the sort asked
        (as in 4.8), v is the bucket's count.  A slice (`[k]`) changes
        nothing: 4.8 does not look at it."""
        uid = self.uid()
        data, hist = self.stat_data(node.array.operand)
        key = self.variable(node.indexes[0].referent) if node.indexes else None
        value = self.variable(node.value.referent) if node.value is not None else None
        limit = self.expr_long(node.limit) if node.limit is not None else None
        self.loop_depth += 1
        body = self._sub_block(node.body)
        self.loop_depth -= 1
        return self.s.foreach_hist(data, hist, limit, key, value, body, self.near(node.tok),
                                   self.err, uid, _is_empty(node.body))

    def _sort(self, node):
        """(column, direction) in the runtime's terms, (0, 0) when unsorted."""
        if node.sort_direction == 0 or node.sort_column is None:
            return 0, 0
        direction = "STP_SORT_ASC" if node.sort_direction > 0 else "STP_SORT_DESC"
        if node.sort_column == 0 and node.sort_aggregate:
            return "STP_SORT_%s" % node.sort_aggregate.upper(), direction
        if node.sort_column == 0 and node.array.referent.type == STATS:
            return "STP_SORT_COUNT", direction
        return node.sort_column, direction

    # --- expressions: entry points by wanted type -----------------------------

    def expr(self, node):
        method = getattr(self, "expr_" + type(node).__name__)
        return method(node)

    def expr_long(self, node):
        return self.expr(node)

    def expr_string(self, node):
        return self.expr(node)

    def expr_void(self, node):
        if isinstance(node, ast.PrintFormat) and not node.name.startswith("s"):
            return self.print_format(node)
        if isinstance(node, ast.AssignmentExpr):
            return self.expr_AssignmentExpr(node)
        return self.expr(node)

    # --- literals and variables ----------------------------------------------

    def expr_Literal(self, node):
        value = node.value
        if isinstance(value, str):
            return self.s.string_literal(names.c_string(value))
        if value == -(1 << 63):
            return self.s.long_min()
        return self.s.long_literal(str(value))

    def expr_Symbol(self, node):
        symbol = node.referent
        if symbol.is_array or symbol.type == STATS:
            raise TranslationError("cannot use array or statistic '%s' as a value"
                                   % symbol.name, node.tok)
        return self.variable(symbol)

    def expr_EmbeddedExpr(self, node):
        if node.type == STRING:
            return "((const char *)(%s))" % node.code
        return "((int64_t)(%s))" % node.code

    def expr_TargetSymbol(self, node):
        self.unsupported("target variable %s" % node.name, node.tok)

    # --- arrays ------------------------------------------------------------------

    def keys(self, symbol, indexes):
        items = []
        for column, index in enumerate(indexes):
            if symbol.index_types[column] == STRING:
                items.append(("s", self.expr_string(index)))
            else:
                items.append(("n", self.expr_long(index)))
        return self.s.keys(items)

    def _map_size(self, symbol):
        """The declared size, for "Array overflow, check size limit (N)"."""
        return symbol.maxsize

    def expr_ArrayIndex(self, node):
        base = node.base
        if isinstance(base, ast.HistogramOp):
            data, hist = self.stat_data(base.operand)
            return self.s.hist_bucket(data, hist, self.expr_long(node.indexes[0]),
                                      self.near(node.tok), self.err)
        symbol = base.referent
        cname = self.tr.global_cname(symbol)
        keys = self.keys(symbol, node.indexes)
        if symbol.type == STRING:
            return self.s.map_get_string(cname, keys)
        if symbol.type == STATS:
            raise TranslationError("cannot use an element of statistics '%s' as a value"
                                   % symbol.name, node.tok)
        return self.s.map_get_long(cname, keys)

    def expr_ArrayIn(self, node):
        symbol = node.array.referent
        cname = self.tr.global_cname(symbol)
        if any(isinstance(i, ast.Wildcard) for i in node.indexes):
            keys, wild = self._key_pattern(symbol, node.indexes)
            if symbol.type == STATS:
                return self.s.pmap_exists_matching(cname, keys, wild)
            return self.s.map_exists_matching(cname, keys, wild)
        keys = self.keys(symbol, node.indexes)
        if symbol.type == STATS:
            return self.s.pmap_exists(cname, keys)
        return self.s.map_exists(cname, keys)

    # --- operators ---------------------------------------------------------------

    def expr_BinaryExpr(self, node):
        left = self.expr_long(node.left)
        right = self.expr_long(node.right)
        op = node.op
        if op in ("/", "%"):
            function = "stp_div64_checked" if op == "/" else "stp_mod64_checked"
            return self.s.checked_division(function, left, right, self.near(node.tok),
                                           self.err)
        if op == "<<":
            return self.s.shift_left(left, right)
        if op == ">>":
            return self.s.shift_right(left, right)
        if op == ">>>":
            return self.s.shift_right_logical(left, right)
        return self.s.binary(op, left, right)

    def expr_LogicalExpr(self, node):
        return self.s.logical(node.op, self.expr_long(node.left), self.expr_long(node.right))

    def expr_ComparisonExpr(self, node):
        if node.left.type == STRING:
            return self.s.compare_string(node.op, self.expr_string(node.left),
                                         self.expr_string(node.right))
        return self.s.compare_long(node.op, self.expr_long(node.left),
                                   self.expr_long(node.right))

    def expr_UnaryExpr(self, node):
        operand = self.expr_long(node.operand)
        if node.op == "-":
            return "((int64_t)-(uint64_t)(%s))" % operand
        if node.op == "+":
            return "(%s)" % operand
        if node.op == "!":
            return "((int64_t)!(%s))" % operand
        return self.s.unary(node.op, operand)

    def expr_TernaryExpr(self, node):
        return self.s.ternary(self.expr_long(node.cond), self.expr(node.true_expr),
                              self.expr(node.false_expr))

    def expr_ConcatExpr(self, node):
        tmp = self.frame.string_tmp()
        return self.s.concat(tmp, self.expr_string(node.left), self.expr_string(node.right))

    def expr_RegexMatch(self, node):
        matcher = self.tr.regex_matcher(node.pattern)
        result = "%s(c, %s)" % (matcher, self.expr_string(node.left))
        return result if node.op == "=~" else "((int64_t)!%s)" % result

    # --- assignment ----------------------------------------------------------

    def expr_AssignmentExpr(self, node):
        op = node.op
        left = node.left
        if op == "<<<":
            return self._aggregate(left, node.right, node.tok)
        if isinstance(left, ast.ArrayIndex):
            return self._assign_element(node)
        if not isinstance(left, ast.Symbol):
            raise TranslationError("cannot assign to this expression", left.tok)
        symbol = left.referent
        lvalue = self.variable(symbol)
        if symbol.type == STRING:
            value = self.expr_string(node.right)
            if op == ".=":
                return self.s.append_string(lvalue, value)
            return self.s.assign_string(lvalue, value)
        value = self.expr_long(node.right)
        if op == "=":
            return self.s.assign_long(lvalue, value)
        if op in ("/=", "%="):
            function = "stp_div64_checked" if op == "/=" else "stp_mod64_checked"
            return self.s.compound_checked(lvalue, function, value,
                                           self.near(node.right.tok), self.err)
        if op in ("<<=", ">>="):
            shift = self.s.shift_left if op == "<<=" else self.s.shift_right
            return self.s.assign_long(lvalue, shift(lvalue, value))
        return self.s.compound_long(lvalue, op[:-1], value)

    def _assign_element(self, node):
        op = node.op
        target = node.left
        symbol = target.base.referent
        cname = self.tr.global_cname(symbol)
        keys = self.keys(symbol, target.indexes)
        near = self.near(target.tok)            # (4.8: an overflow is the array's)
        if symbol.type == STRING:
            value = self.expr_string(node.right)
            if op == ".=":
                return self.s.map_append_string(cname, keys, self.frame.string_tmp(), value,
                                                near, self.err, size=self._map_size(symbol))
            return self.s.map_set_string(cname, keys, value, near, self.err, size=self._map_size(symbol))
        value = self.expr_long(node.right)
        if op == "=":
            return self.s.map_set_long(cname, keys, value, near, self.err, size=self._map_size(symbol))
        if op in ("/=", "%="):
            function = "stp_div64_checked" if op == "/=" else "stp_mod64_checked"
            return self.s.map_update_checked(cname, keys, function, value, near, self.err,
                                             size=self._map_size(symbol),
                                             divisor_near=self.near(node.right.tok))
        if op == "<<=":
            update = self.s.shift_left("__old", value)
        elif op == ">>=":
            update = self.s.shift_right("__old", value)
        else:
            update = self.s.binary(op[:-1], "__old", value)
        return self.s.map_update_long(cname, keys, update, "__new", near, self.err, size=self._map_size(symbol))

    def _aggregate(self, target, value_node, tok):
        value = self.expr_long(value_node)
        if isinstance(target, ast.Symbol):
            return self.s.stat_add(self.tr.global_cname(target.referent), value)
        symbol = target.base.referent
        keys = self.keys(symbol, target.indexes)
        return self.s.pmap_add(self.tr.global_cname(symbol), keys, value, self.near(target.tok),
                               self.err, size=self._map_size(symbol))

    def _crement(self, node, prefix):
        op = node.op
        operand = node.operand
        if isinstance(operand, ast.ArrayIndex):
            symbol = operand.base.referent
            cname = self.tr.global_cname(symbol)
            keys = self.keys(symbol, operand.indexes)
            update = "__old %s 1" % op[0]
            return self.s.map_update_long(cname, keys, update, "__new" if prefix else "__old",
                                          self.near(operand.tok), self.err,
                                          size=self._map_size(symbol))
        if not isinstance(operand, ast.Symbol):
            raise TranslationError("cannot increment this expression", operand.tok)
        return self.s.crement(op, self.variable(operand.referent), prefix)

    def expr_PreCrement(self, node):
        return self._crement(node, True)

    def expr_PostCrement(self, node):
        return self._crement(node, False)

    # --- statistics ----------------------------------------------------------

    def stat_data(self, operand):
        """(C expression of the aggregated stp_stat_data *, C pointer to its hist)."""
        if isinstance(operand, ast.Symbol):
            cname = self.tr.global_cname(operand.referent)
            return "stp_stat_get(%s)" % cname, "&%s->hist" % cname
        symbol = operand.base.referent
        cname = self.tr.global_cname(symbol)
        keys = self.keys(symbol, operand.indexes)
        return "stp_pmap_get(%s, %s)" % (cname, keys), "&%s->agg->hist" % cname

    def expr_StatOp(self, node):
        data, hist = self.stat_data(node.operand)
        return self.s.stat_extract(node.op, data, hist, self.near(node.tok), self.err)

    def expr_HistogramOp(self, node):
        raise TranslationError("a histogram can only be printed or indexed", node.tok)

    # --- functions -------------------------------------------------------------

    def expr_FunctionCall(self, node):
        function = node.referent
        callee = self.tr.function_info(function)
        args = []
        for param, arg in zip(function.params, node.args):
            is_string = param.symbol.type == STRING
            value = self.expr_string(arg) if is_string else self.expr_long(arg)
            args.append((names.local_name(param.symbol), value, is_string))
        rettype = getattr(function, "inferred_type", None)
        if rettype == STRING:
            tmp = self.frame.string_tmp()
            result = "strlcpy(%s, __f->retval, MAXSTRINGLEN), (const char *)%s" % (tmp, tmp)
        elif rettype == LONG:
            result = "__f->retval"
        else:
            result = "(void)0"
        # (MAXNESTING is told near the callee's declaration, as 4.8 does)
        return self.s.call(callee.cname, "struct " + callee.frame.struct_name, args, result,
                           self.near(function.tok), self.err)

    # --- printing --------------------------------------------------------------

    def expr_PrintFormat(self, node):
        if node.name.startswith("s"):
            return self.sprint_format(node)
        return self.print_format(node)

    def _format_args(self, node):
        out = []
        for arg in node.args:
            if arg.type == STRING:
                out.append(("s", self.expr_string(arg)))
            else:
                out.append(("n", self.expr_long(arg)))
        return out

    def _print_items(self, node):
        """The format and arguments of a print/printd family call."""
        newline = node.name.endswith("ln")
        delimiter = node.delimiter
        pieces = []
        args = []
        for position, arg in enumerate(node.args):
            if position and delimiter is not None:
                pieces.append(_escape_percent(delimiter))
            if arg.type == STRING:
                pieces.append("%s")
                args.append(("s", self.expr_string(arg)))
            else:
                pieces.append("%d")
                args.append(("n", self.expr_long(arg)))
        if newline:
            pieces.append("\\n")
        return "".join(pieces), args

    def print_format(self, node):
        near = self.near(node.tok)
        if node.format is not None:
            call = self.s.printf(names.c_string(node.format), self._format_args(node))
            return "({ %s; %s })" % (call, self.s.printf_fault(near, self.err))
        histograms = [a for a in node.args if isinstance(a, ast.HistogramOp)]
        if histograms:
            if len(node.args) != 1:
                self.unsupported("printing a histogram with other values", node.tok)
            data, hist = self.stat_data(histograms[0].operand)
            return self.s.hist_print(data, hist, near, self.err)
        fmt, args = self._print_items(node)
        return self.s.printf(names.c_string(fmt), args)

    def sprint_format(self, node):
        tmp = self.frame.string_tmp()
        if node.format is not None:
            return self.s.sprintf(tmp, names.c_string(node.format), self._format_args(node))
        fmt, args = self._print_items(node)
        return self.s.sprintf(tmp, names.c_string(fmt), args)

    # --- not (yet) translatable -------------------------------------------------

    # --- target variables (elaborate/tvars made them) --------------------------

    def expr_DerefOp(self, node):
        return self.s.target_deref(node.kind == "uderef", node.size.value,
                                   bool(node.signed), self.expr_long(node.address),
                                   self.near(node.tok), self.err)

    def expr_RegisterOp(self, node):
        return self.s.target_register(node.kind == "uregister", node.register.value,
                                      self.near(node.tok), self.err)

    def expr_AddressOp(self, node):
        user_modules = getattr(self.tr.program, "user_modules", None) or []
        if node.module in user_modules:
            # a global of a user binary, where the current process maps it
            return self.s.user_address(user_modules.index(node.module), node.address)
        if node.module != "kernel":
            self.unsupported("addresses in module %s" % node.module, node.tok)
        self.tr.need_kernel_relocation(node.tok)
        return self.s.kernel_address(node.address)

    def _no_debuginfo(self, node):
        self.unsupported("this debuginfo expression", node.tok)

    expr_CastOp = expr_AtVar = expr_AutoCast = expr_TargetVars = _no_debuginfo
    expr_EntryOp = expr_ProbewriteOp = _no_debuginfo

    def expr_PerfOp(self, node):
        # (those of DWARF probes are locals by now: elaborate/perf_reads.py)
        raise TranslationError("cannot translate general @perf expression", node.tok)

    def expr_Wildcard(self, node):
        raise TranslationError("wildcard '*' is only allowed in delete, foreach and in",
                               node.tok)


def _is_empty(body):
    return isinstance(body, ast.NullStatement) or (
        isinstance(body, ast.Block) and not body.statements)


def statement_token(statement):
    """The token a statement starts with (stap's "near" for MAXACTION)."""
    if isinstance(statement, ast.ExprStatement):
        return first_token(statement.expr)
    return statement.tok


def _escape_percent(text):
    return text.replace("%", "%%")


def is_global(symbol):
    return isinstance(symbol, VarSymbol) and symbol.scope == "global"

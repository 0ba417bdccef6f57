"""Pretty printing of target variables, as 4.8 prints them:

    $how$         {.flags=%u, .mode=%u, .resolve=%u}     (through a pointer)
    $file$$       nested structs one level deeper than $file$
    $buf$         "the string"                           (char *, char [])
    $$parms       file=%#x buf=%#x count=%#x pos=%#x
    $$parms$      dfd=%s filename=%s how=%s              (each pretty printed)

A pretty print is the call of a private string function
`_dwarf_pretty_print_N` returning `sprintf(format, values...)` inside a
try block (a read fault gives "ERROR"); each value is read by its own
`_dwarf_pretty_print_deref_N` function.  Members: signed integers `%i`,
unsigned ones `%u`, chars `'%#c'`, strings (char *) `%s`, other pointers `%p`, nested aggregates and
arrays `{...}`/`[...]` past the depth, anonymous unions `<union>=`; at
most 32 values, then `...`.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.tvars import access
from stap5.kernel import ctype
from stap5.kernel import location as loc
from stap5.parse import ast

MAX_VALUES = 32         # a printf takes at most 32 values


class Printer:
    def __init__(self, expander, tok):
        self.expander = expander
        self.tok = tok
        self.builder = expander.builder(tok)
        self.values = []            # argument expressions of the sprintf
        self.params = []

    # --- the functions -------------------------------------------------------------

    def _deref_call(self, expr):
        counters = self.expander.counters
        number = counters.pretty_deref
        counters.pretty_deref += 1
        # Called from the print function: its own parameters, passed on.
        passed = [(name, ast.Symbol(name, tok=self.tok)) for name, _arg in self.params]
        return self.expander.function("pretty_print_deref", str(number), self.tok, expr,
                                      passed)

    def _print_function(self, fmt, values):
        """__private_FILE__dwarf_pretty_print_N(params): the sprintf, in a try."""
        tok = self.tok
        counters = self.expander.counters
        number = counters.pretty
        counters.pretty += 1
        sprintf = ast.PrintFormat("sprintf", fmt, None, values, tok=tok)
        body = ast.TryBlock(
            ast.Block([ast.ReturnStatement(sprintf, tok=tok)], tok=tok), None,
            ast.Block([ast.ReturnStatement(ast.Literal("ERROR", tok=tok), tok=tok)], tok=tok),
            tok=tok)
        return self.expander.function("pretty_print", str(number), tok, None, self.params,
                                      rettype="string", body=body)

    # --- one place -------------------------------------------------------------------

    def print_place(self, place, depth, params):
        """The call printing what `place` holds (`$x$`: depth 1, `$x$$`: 2)."""
        self.params = list(params)
        fmt = self._top(place, depth)
        return self._print_function(fmt, self.values)

    def _top(self, place, depth):
        target = place.type.strip()
        if isinstance(target, ctype.Pointer):
            pointee = target.target.strip()
            if _is_char(pointee):
                return self._string(access.read_value(place, self.builder, self.tok))
            if isinstance(pointee, ctype.Struct):
                pointer = access.read_value(place, self.builder, self.tok)
                place = access.Place(pointer, target.target, "memory")
                return self._top(place, depth)
            # 4.8 prints any other pointer as a number, signed as its target
            return self._scalar(place, "%i" if target.target.is_signed else "%u")
        if isinstance(target, ctype.Array) and _is_char(target.element.strip()):
            return self._string(access.read_value(place, self.builder, self.tok))
        return self._format(place, depth, top=True)

    def _string(self, address_expr):
        if len(self.values) >= MAX_VALUES:
            raise _TooMany()
        quoted = ("user_string_quoted" if self.builder.user
                  else "kernel_or_user_string_quoted")
        call = ast.FunctionCall(quoted, [self._deref_call(address_expr)], tok=self.tok)
        call.dump_plain_name = True         # 4.8 shows it as written
        self.values.append(call)
        return "%s"

    def _scalar(self, place, fmt):
        if len(self.values) >= MAX_VALUES:
            raise _TooMany()
        value = access.read_value(place, self.builder, self.tok)
        # A tracepoint argument is already a value: 4.8 prints it as it is.
        self.values.append(value if place.converted else self._deref_call(value))
        return fmt

    def _format(self, place, depth, top=False):
        target = place.type.strip()
        if isinstance(target, ctype.Struct):
            if depth <= 0 and not top:
                return "{...}"
            return self._aggregate(place, target, depth)
        if isinstance(target, ctype.Array):
            if depth <= 0 or not top and depth <= 1:
                return "[...]"
            return self._array(place, target, depth)
        if isinstance(target, ctype.Pointer) and _is_char(target.target.strip()):
            if len(self.values) >= MAX_VALUES:
                raise _TooMany()
            return self._string(access.read_value(place, self.builder, self.tok))
        if isinstance(target, (ctype.Pointer, ctype.FunctionType)):
            return self._scalar(place, "%p")
        if _is_char(target):
            return self._scalar(place, "'%#c'")
        if isinstance(target, (ctype.Base, ctype.Enum)):
            return self._scalar(place, "%i" if place.type.is_signed else "%u")
        return "?"

    def _aggregate(self, place, target, depth):
        fields = []
        try:
            for member in target.members:
                label = ".%s=" % member.name if member.name else "<%s>=" % (
                    member.type.strip().kind)
                bitfield = None
                if member.bit_size is not None:
                    bitfield = (member.bit_size, member.bit_offset)
                inner = access.Place(self.builder.plus(place.expr, member.offset),
                                     member.type, "memory", bitfield=bitfield)
                fields.append(label + self._format(inner, depth - 1))
        except _TooMany:
            fields.append("...")
        return "{%s}" % ", ".join(fields)

    def _array(self, place, target, depth):
        count = target.count or 0
        size = target.element.strip().size or 0
        items = []
        try:
            for index in range(count):
                inner = access.Place(self.builder.plus(place.expr, index * size),
                                     target.element, "memory")
                items.append(self._format(inner, depth - 1))
        except _TooMany:
            items.append("...")
        return "[%s]" % ", ".join(items)

    # --- $$vars -------------------------------------------------------------------------

    def print_vars(self, node):
        """`$$parms`, `$$locals`, `$$vars`, `$$return`, pretty or not: a
        sprintf of name=value pairs, in the probe itself."""
        scope = self.expander.scope
        kind = node.name[2:]
        if kind == "parms":
            variables = scope.parameters()
        elif kind == "locals":
            variables = scope.locals()
        elif kind == "vars":
            variables = scope.parameters() + scope.locals()
        elif kind == "return":
            variable = scope.return_variable() if self.expander.is_return else None
            variables = [variable] if variable is not None else []
        else:
            raise SemanticError("unknown target variable set %s" % node.name, node.tok)
        depth = 0
        for component in node.components:
            if component.kind == "pretty":
                depth = len(component.member or "$")
            else:
                raise SemanticError("%s may not be used as a structure or array"
                                    % node.name, component.tok)
        pieces = []
        values = []
        for variable in variables:
            piece, value = self._var_piece(variable, depth)
            pieces.append("%s=%s" % (variable.name, piece))
            if value is not None:
                values.append(value)
        sprintf = ast.PrintFormat("sprintf", " ".join(pieces), None, values, tok=node.tok)
        return sprintf

    def _var_piece(self, variable, depth):
        """(format piece, value expression or None) of one variable."""
        expander = self.expander
        if variable.location.kind == loc.UNAVAILABLE:
            return "?", None
        if depth:
            node = ast.TargetSymbol("$" + variable.name, [ast.TargetComponent(
                "pretty", "$" * depth, None, tok=self.tok)], False, tok=self.tok)
            return "%s", expander.pretty_of(node, variable)
        if variable.type.strip().kind in ("struct", "union"):
            return "{...}", None
        if variable.type.is_array:
            return "[...]", None
        node = ast.TargetSymbol("$" + variable.name, [], False, tok=self.tok)
        # 4.8 prints a tracepoint's pointer arguments with %p.
        argument = len(variable.location.ops) == 1 and variable.location.ops[0][0] == "arg"
        return "%p" if argument and variable.type.is_pointer else "%#x", \
            expander.access_of(node, variable)


class _TooMany(Exception):
    """More values than one printf takes."""


def _is_char(target):
    return isinstance(target, ctype.Base) and target.encoding in (ctype.SIGNED_CHAR,
                                                                  ctype.UNSIGNED_CHAR)

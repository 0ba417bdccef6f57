"""Globals a script writes but never reads are printed when it ends.

stap adds an `end` probe per such global (`g=5`, `a["k"]="v"`, a summary
of a statistic), so that `stap -e 'global n; probe ... { n++ }'` shows n.
"""

from stap5.elaborate.program import LONG, STATS, STRING, DerivedProbe, VarSymbol
from stap5.parse import ast


def _reads_and_writes(program):
    read, written = set(), set()
    lvalues = set()
    for node in _all_nodes(program):
        if isinstance(node, ast.AssignmentExpr):
            # `n += 1` and `n++` count as writes only: a counter nobody reads
            # is still shown at the end, as stap does.
            lvalues.add(id(_base(node.left)))
        elif isinstance(node, (ast.PreCrement, ast.PostCrement)):
            lvalues.add(id(_base(node.operand)))
        elif isinstance(node, ast.DeleteStatement):
            lvalues.add(id(_base(node.target)))
    for node in _all_nodes(program):
        if isinstance(node, ast.Symbol):
            referent = getattr(node, "referent", None)
            if isinstance(referent, VarSymbol):
                (written if id(node) in lvalues else read).add(id(referent))
    return read, written


def _base(node):
    return node.base if isinstance(node, ast.ArrayIndex) else node


def _all_nodes(program):
    for probe in program.probes:
        yield from ast.walk(probe.body)
        if probe.condition is not None:
            yield from ast.walk(probe.condition)
    for function in program.used_functions():
        if not function.embedded:
            yield from ast.walk(function.body)


def _symbol(symbol, tok):
    node = ast.Symbol(symbol.name, tok=tok)
    node.referent = symbol
    node.type = symbol.type
    return node


def _literal(value, tok):
    node = ast.Literal(value, tok=tok)
    node.type = STRING if isinstance(value, str) else LONG
    return node


def _printf(fmt, args, tok):
    node = ast.PrintFormat("printf", fmt, None, args, tok=tok)
    from stap5.elaborate import printf_format
    node.directives = printf_format.parse(fmt)
    return node


def _value_directive(type_):
    # Format text is kept as lexed: a quote is a bare '"' (the lexer turned
    # `\"` into it); `\\n` stays two characters.
    return '"%#s"' if type_ == STRING else "%d"


def _stats_printf(label, element, tok, leading_args=()):
    ops = ["count", "min", "max", "sum", "avg"]
    fmt = label + " " + " ".join("@%s=%%#d" % op for op in ops) + "\\n"
    args = list(leading_args)
    for op in ops:
        stat = ast.StatOp(op, element(), [], tok=tok)
        stat.type = LONG
        args.append(stat)
    return _printf(fmt, args, tok)


def _display_body(symbol, tok, probe):
    """The statement printing one global."""
    name = symbol.name
    if not symbol.is_array:
        if symbol.type == STATS:
            count = ast.StatOp("count", _symbol(symbol, tok), [], tok=tok)
            count.type = LONG
            cond = ast.ComparisonExpr("==", count, _literal(0, tok), tok=tok)
            cond.type = LONG
            empty = ast.ExprStatement(_printf("%s @count=0x0\\n" % name, [], tok), tok=tok)
            full = ast.ExprStatement(_stats_printf(name, lambda: _symbol(symbol, tok), tok),
                                     tok=tok)
            return ast.IfStatement(cond, empty, full, tok=tok)
        fmt = "%s=%s\\n" % (name, _value_directive(symbol.type))
        return ast.ExprStatement(_printf(fmt, [_symbol(symbol, tok)], tok), tok=tok)
    keys = []
    for position, index_type in enumerate(symbol.index_types):
        key = VarSymbol("__idx%d" % position, "local", tok)
        key.type = index_type
        probe.locals[key.name] = key
        keys.append(key)
    index_fmt = ",".join('"%#s"' if k.type == STRING else "%#d" for k in keys)
    array = _symbol(symbol, tok)

    def element():
        node = ast.ArrayIndex(_symbol(symbol, tok), [_symbol(k, tok) for k in keys], tok=tok)
        node.type = symbol.type
        return node
    value = None
    if symbol.type == STATS:
        body = _stats_printf("%s[%s]" % (name, index_fmt), element, tok,
                             [_symbol(k, tok) for k in keys])
    else:
        value = VarSymbol("__val", "local", tok)
        value.type = symbol.type
        probe.locals[value.name] = value
        fmt = "%s[%s]=%s\\n" % (name, index_fmt, _value_directive(symbol.type))
        body = _printf(fmt, [_symbol(k, tok) for k in keys] + [_symbol(value, tok)], tok)
    loop = ast.ForeachLoop(_symbol(value, tok) if value else None,
                           [_symbol(k, tok) for k in keys], array, 0, -1, None, [], None,
                           ast.ExprStatement(body, tok=tok), tok=tok)
    return loop


def add_displays(elab):
    program = elab.program
    read, written = _reads_and_writes(program)
    end_family = elab.registry.match([ast.Component("end", None, tok=None)])[0][0][0]
    for symbol in list(program.globals.values()):
        key = id(symbol)
        if key not in written or key in read or symbol.type is None:
            continue
        tok = symbol.tok
        point = ast.ProbePoint([ast.Component("end", None, tok=tok)], False, False, None,
                               tok=tok)
        decl = ast.ProbeDecl([point], ast.Block([], tok=tok), tok=tok)
        probe = DerivedProbe(point, end_family, None, decl, [("probe", decl)])
        probe.params = {"priority": 0}
        probe.body = ast.Block([_display_body(symbol, tok, probe)], tok=tok)
        probe.index = len(program.probes)
        probe.synthetic = True
        program.probes.append(probe)

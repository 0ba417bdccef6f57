"""Globals a script writes but never reads are printed when it ends.

stap adds an `end` probe per such global (`g=5`, `a["k"]="v"`, a summary
of a statistic), so that `stap -e 'global n; probe ... { n++ }'` shows n.
"""

from stap5.elaborate.astutil import code_file
from stap5.elaborate.optimize.varuse import VarUse
from stap5.elaborate.program import LONG, STATS, STRING, DerivedProbe, VarSymbol
from stap5.parse import ast


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
    from stap5.parse import print_format
    node.directives = print_format.parse(fmt)
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
    """An `end` probe printing each global of the user's script that is
    written but never read (stap: read-and-used, or never written, skip)."""
    program = elab.program
    use = VarUse()
    for probe in program.probes:
        use.visit(probe.body)
        if probe.condition is not None:
            use.visit(probe.condition)
    end_family = next(f for f in elab.registry.families if f.name == "end")
    for symbol in list(program.globals.values()):
        if (use.is_read(symbol) and use.is_used(symbol)) or not use.is_written(symbol):
            continue
        if not elab.is_user_file(code_file(symbol.tok).name) or symbol.type is None:
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
        probe.global_display = symbol
        program.probes.append(probe)

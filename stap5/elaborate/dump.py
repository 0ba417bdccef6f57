"""The `-p2` dump, in SystemTap 4.8's format.

Without -v: the globals with their types, the functions with their
signatures, and each derived probe with its derivation and locals.  With
-v, also initial values and the bodies, where globals and functions appear
under the unique names stap gives them (`__global_x`,
`__global_f__overload_0`).
"""

from stap5.elaborate.program import function_unique_name
from stap5.parse import ast
from stap5.parse.printer import Printer


def _type(type_):
    return type_ or "unknown"


class ResolvedPrinter(Printer):
    """Prints resolved names, as stap's -p2 -v bodies do."""

    def __init__(self, program, plain_calls=False):
        self.program = program
        self.plain_calls = plain_calls      # calls by their script names

    def visit_TryBlock(self, node):
        catch = node.catch_block
        if isinstance(catch, ast.Block) and not catch.statements:
            # stap prints an emptied catch block as nothing at all
            text = "try {\n%s\n} catch" % self.visit(node.try_block)
            if node.catch_var is not None:
                text += " (%s)" % self.visit(node.catch_var)
            return text + " {\n}\n"
        return super().visit_TryBlock(node)

    def visit_Literal(self, node):
        display = getattr(node, "display", None)
        return display if display is not None else super().visit_Literal(node)

    def visit_Symbol(self, node):
        referent = getattr(node, "referent", None)
        if getattr(node, "plain_name", False):
            return node.name
        if referent is not None and referent.scope == "global":
            return referent.unique_name
        return node.name

    def visit_FunctionCall(self, node):
        referent = getattr(node, "referent", None)
        if referent is None or self.plain_calls or getattr(node, "dump_plain_name", False):
            return super().visit_FunctionCall(node)
        args = ", ".join(self.visit(arg) for arg in node.args)
        return "%s(%s)" % (function_unique_name(referent), args)


def function_signature_types(function):
    """The parameter types as the dump shows them."""
    return [_type(getattr(p, "symbol", None) and p.symbol.type) for p in function.params]


def _global_line(symbol, verbose, printer):
    text = symbol.name
    if symbol.wrap:
        text += "%"
    if symbol.maxsize is not None:
        text += "[%d]" % symbol.maxsize
    text += ":" + _type(symbol.type)
    if symbol.is_array:
        text += " [%s]" % ", ".join(_type(t) for t in symbol.index_types)
    if verbose and symbol.init is not None:
        text += " = " + printer.visit(symbol.init)
    return text


def _function_line(function):
    params = ", ".join("%s:%s" % (p.name, t) for p, t in
                       zip(function.params, function_signature_types(function)))
    return "%s:%s (%s)" % (function.name, _type(getattr(function, "inferred_type", None)),
                           params)


def _body(node, printer):
    if isinstance(node, ast.EmbeddedCode):
        return "{ %{" + node.code + "%} }"
    return "{ " + printer.visit(node) + " }"


def chain_text(chain, printer):
    parts = []
    for kind, decl in chain:
        if kind == "alias":
            names = ", ".join(printer.visit(name) for name in decl.names)
            points = ", ".join(printer.visit(point) for point in decl.points)
            parts.append("%s%s%s" % (names, " += " if decl.epilogue else " = ", points))
        else:
            parts.append(",".join(printer.visit(point) for point in decl.points))
    return " <- ".join(parts)


def probe_point_text(probe, printer):
    """The derived probe's point as stap prints it (with its condition)."""
    point = probe.point
    text = printer.visit(ast.ProbePoint(point.components, point.optional, point.sufficient,
                                        None, tok=point.tok))
    if probe.condition is not None:
        text += " if (%s)" % printer.visit(probe.condition)
    return text


def probe_line(probe, printer):
    text = probe_point_text(probe, printer)
    comment = probe.params.get("comment")
    if comment:
        text += " /*  %s*/" % comment
    pc_comment = probe.params.get("pc_comment")
    if pc_comment:
        text += " /* %s */" % pc_comment
    if probe.family.chain_is_point:
        # stap shows a DWARF probe's derivation as its concrete point alone
        # (an @entry saver's: that of the .return probe it serves)
        point = (getattr(probe, "entry_saver_for", None) or probe).point
        if probe.family.shows_matched_point:
            point = probe.matched_point
        chain = printer.visit(ast.ProbePoint(point.components, point.optional,
                                             point.sufficient, None, tok=point.tok))
        if probe.condition is not None:
            chain += " if (%s)" % printer.visit(probe.condition)
    else:
        chain = chain_text(probe.chain, printer)
    return "%s /* <- %s */" % (text, chain)


def _locals(out, locals_):
    if locals_:
        out.append("  # locals")
        for symbol in locals_.values():
            out.append("  %s:%s" % (symbol.name, _type(symbol.type)))


def dump(program, verbose):
    printer = ResolvedPrinter(program)
    out = []
    if program.embeds:
        out.append("# global embedded code")
        for embed in program.embeds:
            out.append("%{" + embed.code + "%}")
    if program.globals:
        out.append("# globals")
        for symbol in program.globals.values():
            out.append(_global_line(symbol, verbose, printer))
    functions = list(program.used_functions())
    if functions:
        out.append("# functions")
        for function in functions:
            out.append(_function_line(function))
            _locals(out, getattr(function, "locals", {}))
            if verbose:
                out.append(_body(function.body, printer))
    if program.probes:
        out.append("# probes")
        for probe in program.probes:
            out.append(probe_line(probe, printer))
            _locals(out, probe.locals)
            if verbose:
                # stap prints the calls in a DWARF probe's handler by name
                body_printer = ResolvedPrinter(program, plain_calls=True) \
                    if probe.family.chain_is_point else printer
                out.append(_body(probe.body, body_printer))
    return "\n".join(out) + "\n"

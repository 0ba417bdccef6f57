"""The SystemTap syntax tree.

Node classes are declared once, from the table below (as pycparser does from
its _c_ast.cfg).  Each line reads ``Name: field, field*, field@``:

  field    a child node (or None)
  field*   a list of child nodes
  field@   a plain attribute (string, number, flag, list of strings...)

Every node also has ``tok``: the token it was made from, which carries the
source location used by diagnostics.  Later passes hang their results on
nodes as extra attributes (``type``, ``referent``...), which is why the
classes are plain (no __slots__).
"""

_NODE_TABLE = """
# --- files and top-level declarations ---------------------------------------
StapFile: name@, embeds*, globals*, aliases*, probes*, functions*, privileged@, synthetic@, empty@
EmbeddedCode: code@
VarDecl: name@, maxsize@, wrap@, init, private@, from_cmdline@
FunctionDecl: name@, params*, rettype@, body, private@, embedded@, pragmas@
Param: name@, type@
ProbeDecl: points*, body, private@
AliasDecl: names*, points*, body, epilogue@
ProbePoint: components*, optional@, sufficient@, condition
Component: functor@, arg, from_glob@

# --- statements -----------------------------------------------------------
Block: statements*
TryBlock: try_block, catch_var, catch_block
NullStatement:
ExprStatement: expr
IfStatement: cond, then_stmt, else_stmt
ForLoop: init, cond, incr, body, is_while@
ForeachLoop: value, indexes*, array, sort_column@, sort_direction@, sort_aggregate@, array_slice*, limit, body
ReturnStatement: value
DeleteStatement: target
NextStatement:
BreakStatement:
ContinueStatement:

# --- expressions ----------------------------------------------------------
Literal: value@
BinaryExpr: op@, left, right
LogicalExpr: op@, left, right
ComparisonExpr: op@, left, right
ConcatExpr: left, right
RegexMatch: op@, left, pattern
UnaryExpr: op@, operand
PreCrement: op@, operand
PostCrement: op@, operand
TernaryExpr: cond, true_expr, false_expr
AssignmentExpr: op@, left, right
ArrayIn: indexes*, array
Symbol: name@
ArrayIndex: base, indexes*
Wildcard:
FunctionCall: name@, args*
PrintFormat: name@, format@, delimiter@, args*
StatOp: op@, operand, params*
HistogramOp: kind@, operand, params*
TargetSymbol: name@, components*, addressof@
TargetVars: name@, components*, addressof@
CastOp: operand, type_name@, module@, components*, addressof@
AtVar: name@, module@, components*, addressof@
AutoCast: operand, components*, addressof@
DefinedOp: operand
EntryOp: operand
ProbewriteOp: operand
DerefOp: kind@, size, address, signed@
RegisterOp: kind@, register
AddressOp: module@, address@
PerfOp: name@
EmbeddedExpr: code@
TargetComponent: kind@, member@, index
"""


class Node:
    """Base of all syntax-tree nodes."""

    _fields = ()        # (name, kind) pairs, kind in {'node', 'list', 'attr'}
    tok = None

    def children(self):
        """Yield the child nodes, in declaration order."""
        for name, kind in self._fields:
            value = getattr(self, name)
            if kind == "node":
                if value is not None:
                    yield value
            elif kind == "list":
                for item in value:
                    if item is not None:
                        yield item

    def __repr__(self):
        parts = []
        for name, kind in self._fields:
            parts.append("%s=%r" % (name, getattr(self, name)))
        return "%s(%s)" % (type(self).__name__, ", ".join(parts))


def _make_node_class(name, spec):
    fields = []
    for raw in spec:
        if raw.endswith("*"):
            fields.append((raw[:-1], "list"))
        elif raw.endswith("@"):
            fields.append((raw[:-1], "attr"))
        else:
            fields.append((raw, "node"))
    namespace = {"_fields": tuple(fields), "__module__": __name__,
                 "__init__": _make_init(name, fields)}
    return type(name, (Node,), namespace)


def _make_init(name, fields):
    """An __init__ taking the fields in order (positionally or by name, all
    optional, lists defaulting to a fresh []) and `tok` by name.  Generated as
    source, as namedtuple does: parsing the tapset library builds ~300k nodes,
    and a generic loop over the fields would cost seconds."""
    params = "".join(", %s=None" % field for field, _ in fields)
    lines = ["def __init__(self%s, *, tok=None):" % params]
    for field, kind in fields:
        if kind == "list":
            lines.append("    self.%s = [] if %s is None else %s" % (field, field, field))
        else:
            lines.append("    self.%s = %s" % (field, field))
    lines.append("    self.tok = tok")
    namespace = {}
    exec("\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = name + ".__init__"
    return init


def _declare_nodes(table):
    declared = {}
    for line in table.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, rest = line.partition(":")
        spec = [f.strip() for f in rest.split(",") if f.strip()]
        declared[name.strip()] = _make_node_class(name.strip(), spec)
    return declared


globals().update(_declare_nodes(_NODE_TABLE))


class NodeVisitor:
    """Dispatches visit(node) to visit_<ClassName>, else generic_visit."""

    def visit(self, node):
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            return self.generic_visit(node)
        return method(node)

    def generic_visit(self, node):
        for child in node.children():
            self.visit(child)


def walk(node):
    """Yield node and all its descendants, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(current.children())))

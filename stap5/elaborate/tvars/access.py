"""From a target variable and its components (`$file->f_path->dentry`,
`$argv[1]`) to a stap expression reading it, as 4.8 writes it:

    @kregister(5)                           the value of register 5 (rdi)
    @kderef(8, (@kregister(5)) + (16))      8 bytes at rdi + 16
    ((@kregister(5)) << (32)) >> (32)       an int held in a register

Locations (stap5/kernel/location.py) are stack programs; they are turned
into one expression tree.  Types (stap5/kernel/ctype.py) decide the member
offsets, the size and signedness of the final read, and what may not be
read at all (a whole struct), with 4.8's messages.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.similar import levenshtein
from stap5.kernel import ctype, location as loc
from stap5.parse import ast

_BINARY = {"plus": "+", "minus": "-", "mul": "*", "div": "/", "mod": "%", "and": "&",
           "or": "|", "xor": "^", "shl": "<<", "shr": ">>>", "shra": ">>"}


class Place:
    """Where an access stands: `expr` is the address of an object of
    `type` ("memory"), or the object's value itself ("value"; `register`
    when that value is a register's, which cannot have an address)."""

    def __init__(self, expr, ctype_, kind, register=False, bitfield=None, converted=False):
        self.expr = expr
        self.type = ctype_
        self.kind = kind                # "memory" or "value"
        self.register = register
        self.bitfield = bitfield        # (bit_size, bit_offset) of a bitfield member
        # A value already of its type (a tracepoint argument's local): read
        # as it is.
        self.converted = converted


class Builder:
    """Makes the expression nodes of one access, with the token the
    accesses' diagnostics point at, for kernel or user space."""

    def __init__(self, tok, space="kernel"):
        self.tok = tok
        self.user = space == "user"

    def literal(self, value):
        node = ast.Literal(value, tok=self.tok)
        node.type = "long"
        return node

    def register(self, number):
        return ast.RegisterOp("uregister" if self.user else "kregister",
                              self.literal(number), tok=self.tok)

    def deref(self, size, address, signed=False):
        return ast.DerefOp("uderef" if self.user else "kderef", self.literal(size), address,
                           signed, tok=self.tok)

    def binary(self, op, left, right):
        return ast.BinaryExpr(op, left, right, tok=self.tok)

    def plus(self, expr, offset):
        """expr + offset, left alone when the offset is 0 (as 4.8 writes it)."""
        if offset == 0:
            return expr
        return self.binary("+", expr, self.literal(offset))

    def address(self, module, address):
        return ast.AddressOp(module, address, tok=self.tok)


# --- locations -------------------------------------------------------------------

def location_place(variable, builder, module="kernel"):
    """The Place of a variable, from its Location; raises SemanticError
    when it has none here."""
    location = variable.location
    if location.kind == loc.UNAVAILABLE:
        raise SemanticError(location.reason or "not accessible at this address")
    if location.kind == loc.PIECES:
        raise SemanticError("cannot access a variable held in pieces "
                            "(not supported by stap5 yet)")
    expr = _evaluate(location.ops, builder, module)
    if location.kind == loc.MEMORY:
        return Place(expr, variable.type, "memory")
    return Place(expr, variable.type, "value", register=location.kind == loc.REGISTER)


def _evaluate(ops, builder, module):
    stack = []
    for op in ops:
        name = op[0]
        if name == "reg":
            stack.append(builder.register(op[1]))
        elif name == "breg":
            stack.append(builder.plus(builder.register(op[1]), op[2]))
        elif name == "addr":
            stack.append(builder.address(module, op[1]))
        elif name == "const":
            stack.append(builder.literal(op[1]))
        elif name == "deref":
            stack.append(builder.deref(op[1], stack.pop()))
        elif name == "plus_const":
            stack.append(builder.plus(stack.pop(), op[1]))
        elif name in _BINARY:
            right = stack.pop()
            stack.append(builder.binary(_BINARY[name], stack.pop(), right))
        elif name == "neg":
            stack.append(ast.UnaryExpr("-", stack.pop(), tok=builder.tok))
        elif name == "not":
            stack.append(ast.UnaryExpr("~", stack.pop(), tok=builder.tok))
        elif name == "dup":
            stack.append(stack[-1])
        elif name == "drop":
            stack.pop()
        elif name == "swap":
            stack[-1], stack[-2] = stack[-2], stack[-1]
        elif name == "over":
            stack.append(stack[-2])
        elif name == "pick":
            stack.append(stack[-1 - op[1]])
        elif name == "rot":
            stack[-3:] = [stack[-1], stack[-3], stack[-2]]
        elif name == "arg":
            raise SemanticError("probe arguments are not readable here")
        else:
            raise SemanticError("unsupported location operation %s" % name)
    if len(stack) != 1:
        raise SemanticError("malformed location expression")
    return stack[0]


# --- components --------------------------------------------------------------------

def follow(place, components, builder, index_params):
    """The Place reached through `components` (member and index ones);
    `index_params` gets the non-constant index expressions, which become
    the function's parameters index0, index1..."""
    for component in components:
        if component.kind == "member":
            place = _member(place, component, builder)
        elif component.kind == "index":
            place = _index(place, component, builder, index_params)
    return place


def _pointer_value(place, builder):
    """The value of a pointer-typed place."""
    if place.kind == "memory":
        return builder.deref(place.type.strip().size or 8, place.expr)
    return place.expr


def _member(place, component, builder):
    target = place.type.strip()
    operator_tok = getattr(component, "arrow_tok", None) or component.tok
    if isinstance(target, ctype.Pointer):
        pointee = target.target.strip()
        if not isinstance(pointee, ctype.Struct):
            raise _invalid_access("->%s" % component.member, place.type, operator_tok)
        place = Place(_pointer_value(place, builder), target.target, "memory")
        target = pointee
    elif not isinstance(target, ctype.Struct):
        raise _invalid_access("->%s" % component.member, place.type, operator_tok)
    elif place.kind != "memory":
        raise SemanticError("cannot access a member of a %s held in a register"
                            % target.kind, operator_tok)
    if target.is_declaration:
        raise SemanticError("incomplete type %s has no members" % target.spelling(),
                            operator_tok)
    found = target.find_member(component.member)
    if found is None:
        names = target.member_names()
        raise SemanticError("unable to find member '%s' for %s (alternatives: %s)"
                            % (component.member, target.spelling(),
                               ", ".join(_alternatives(component.member, names))),
                            operator_tok)
    member, offset = found
    bitfield = None
    if member.bit_size is not None:
        bitfield = (member.bit_size, member.bit_offset)
    return Place(builder.plus(place.expr, offset), member.type, "memory", bitfield=bitfield)


def _alternatives(wanted, names):
    """4.8 lists every member, closest spelling first."""
    return sorted(names, key=lambda name: (levenshtein(wanted, name), len(name)))


def _index(place, component, builder, index_params):
    target = place.type.strip()
    operator_tok = component.tok
    index = component.index
    if isinstance(index, ast.Literal) and isinstance(index.value, int):
        offset_of = lambda size: builder.literal(index.value * size)   # noqa: E731
        text = "[%d]" % index.value
        constant = index.value
    else:
        param = ast.Symbol("index%d" % len(index_params), tok=index.tok)
        index_params.append((param.name, index))
        offset_of = lambda size: (param if size == 1     # noqa: E731
                                  else builder.binary("*", param, builder.literal(size)))
        text = "[...]"
        constant = None
    if isinstance(target, ctype.Array):
        if place.kind != "memory":
            raise SemanticError("cannot index an array held in a register", operator_tok)
        element, base = target.element, place.expr
    elif isinstance(target, ctype.Pointer):
        element, base = target.target, _pointer_value(place, builder)
    else:
        raise _invalid_access(text, place.type, operator_tok)
    size = element.strip().size
    if not size:
        raise SemanticError("cannot index %s: its elements have no size"
                            % place.type.spelling(), operator_tok)
    if constant is not None:
        address = builder.plus(base, constant * size)
    else:
        address = builder.binary("+", base, offset_of(size))
    return Place(address, element, "memory")


def _invalid_access(text, ctype_, tok):
    return SemanticError("invalid access '%s' vs. %s" % (text, ctype_.spelling()), tok)


# --- the value ---------------------------------------------------------------------

def read_value(place, builder, tok):
    """The expression of the value at a place: a number (integers, enums,
    pointers, bool), or the address of an array (a char array is a string
    to pretty printing, and an address to everyone else)."""
    target = place.type.strip()
    if isinstance(target, ctype.Array):
        if place.kind != "memory":
            raise SemanticError("cannot read an array held in a register", tok)
        return place.expr
    if isinstance(target, ctype.Struct):
        raise SemanticError(_whole_aggregate(target), tok)
    if isinstance(target, ctype.FunctionType):
        return place.expr
    if isinstance(target, ctype.Void):
        raise SemanticError("cannot read a void value", tok)
    if isinstance(target, ctype.Base) and target.encoding == ctype.FLOAT:
        raise SemanticError("floating point target variables are not supported", tok)
    if place.converted:
        return place.expr
    size = target.size or 8
    signed = place.type.is_signed
    if place.kind == "memory":
        value = builder.deref(size, place.expr, signed)
    else:
        value = _register_width(place.expr, size, signed, builder)
    if place.bitfield is not None:
        bit_size, bit_offset = place.bitfield
        value = builder.binary("&", builder.binary(">>", value, builder.literal(bit_offset)),
                               builder.literal((1 << bit_size) - 1))
    return value


def _register_width(expr, size, signed, builder):
    """A register holding a narrower value: sign-extend or mask it."""
    if size >= 8:
        return expr
    bits = 64 - 8 * size
    if signed:
        return builder.binary(">>", builder.binary("<<", expr, builder.literal(bits)),
                              builder.literal(bits))
    return builder.binary("&", expr, builder.literal((1 << (8 * size)) - 1))


def _whole_aggregate(target):
    """4.8's words for `$file->f_path` (a struct, not a member of it)."""
    where = ""
    if getattr(target, "decl_file", None):
        where = " (%s:%d)" % (target.decl_file, target.decl_line or 0)
    example = next((name for name in target.member_names()), None)
    such_as = " such as '->%s'" % example if example else ""
    return "'%s'%s is being accessed instead of a member%s" % (
        target.spelling(), where, such_as)


def address_of(place, tok):
    """`&$var...`: the address of the place."""
    if place.kind != "memory":
        raise SemanticError("cannot take address of object in register", tok)
    if place.bitfield is not None:
        raise SemanticError("cannot take address of a bitfield", tok)
    return place.expr

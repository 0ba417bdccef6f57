"""stap's printf format strings, parsed once in pass 2.

Pass 2 uses the directives to check argument types; pass 3 uses them to emit
a pre-parsed format (no format parsing at run time).  Literal text keeps its
escapes as written (`\\n` is still two characters): it becomes a C string
literal, where the C compiler interprets them as stap's runtime does.
"""

from stap5.elaborate.program import LONG, STRING

FLAGS = "-+ #0"
CONVERSIONS = {
    "d": LONG, "i": LONG, "o": LONG, "u": LONG, "x": LONG, "X": LONG,
    "c": LONG, "p": LONG, "b": LONG, "m": LONG, "M": LONG, "s": STRING,
}


class FormatError(ValueError):
    pass


class Directive:
    """One `%...` conversion, or a run of literal text (conversion None)."""

    __slots__ = ("text", "flags", "width", "precision", "conversion")

    def __init__(self, text, flags="", width=None, precision=None, conversion=None):
        self.text = text            # literal text, or the directive as written
        self.flags = flags
        self.width = width          # int, "*" or None
        self.precision = precision  # int, "*" or None
        self.conversion = conversion

    def __repr__(self):
        if self.conversion is None:
            return "Text(%r)" % self.text
        return "Directive(%r)" % self.text


def parse(fmt):
    """Split a format into Directives (literal runs and conversions)."""
    out = []
    literal = []
    i = 0
    n = len(fmt)
    while i < n:
        ch = fmt[i]
        if ch != "%":
            literal.append(ch)
            i += 1
            continue
        if i + 1 < n and fmt[i + 1] == "%":
            literal.append("%")
            i += 2
            continue
        start = i
        i += 1
        flags = ""
        while i < n and fmt[i] in FLAGS:
            flags += fmt[i]
            i += 1
        width, i = _number_or_star(fmt, i)
        precision = None
        if i < n and fmt[i] == ".":
            precision, i = _number_or_star(fmt, i + 1)
            if precision is None:
                precision = 0
        while i < n and fmt[i] in "lhLqjzt":
            i += 1          # length modifiers: accepted, values are 64-bit anyway
        if i >= n:
            raise FormatError("incomplete directive '%s'" % fmt[start:])
        conversion = fmt[i]
        if conversion not in CONVERSIONS:
            raise FormatError("invalid or missing conversion specifier '%s'"
                              % fmt[start:i + 1])
        i += 1
        if literal:
            out.append(Directive("".join(literal)))
            literal = []
        out.append(Directive(fmt[start:i], flags, width, precision, conversion))
    if literal:
        out.append(Directive("".join(literal)))
    return out


def _number_or_star(fmt, i):
    n = len(fmt)
    if i < n and fmt[i] == "*":
        return "*", i + 1
    start = i
    while i < n and fmt[i].isdigit():
        i += 1
    if i == start:
        return None, i
    return int(fmt[start:i]), i


def argument_types(directives):
    """The types of the arguments a format consumes, in order."""
    types = []
    for directive in directives:
        if directive.conversion is None:
            continue
        if directive.width == "*":
            types.append(LONG)
        if directive.precision == "*":
            types.append(LONG)
        types.append(CONVERSIONS[directive.conversion])
    return types

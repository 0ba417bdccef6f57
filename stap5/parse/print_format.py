"""stap's printf format strings: which are valid (pass 1 refuses the others,
as stap's parser does), and what arguments, of which types, a format
consumes (pass 2 checks the call's arguments against them).

Pass 3 emits the format as written, as a C string literal (its escapes,
still as written here: `\\n` is two characters, are the C compiler's to
interpret), and the runtime parses it when it prints (runtime/format.c).
"""

LONG, STRING = "long", "string"      # (pass 2's type names: stap5.elaborate.program)

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
    """Split a format into Directives (literal runs and conversions), as
    stap 4.8 reads them: one flag at most, then a width, a precision, an
    `l` (which changes nothing), the conversion.  FormatError (with stap's
    words) if the format is not valid."""
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
        if i >= n:
            raise FormatError(MISSING_CONVERSION)
        # A flag, a width, a digit of precision make a conversion begun: the
        # format may not end before its conversion letter.  (`%l` or `%.`
        # at the very end is nothing, and says nothing.)
        begun = False
        flags = ""
        if fmt[i] in FLAGS:
            flags, begun = fmt[i], True
            i += 1
        width, i = _number_or_star(fmt, i)
        begun = begun or width is not None
        precision = None
        if i < n and fmt[i] == ".":
            precision, i = _number_or_star(fmt, i + 1)
            begun = begun or precision is not None
            if precision is None:
                precision = 0
        if i < n and fmt[i] == "l":
            i += 1
        if i >= n:
            if begun:
                raise FormatError("trailing incomplete print format conversion")
            break
        conversion = fmt[i]
        if conversion not in CONVERSIONS:
            raise FormatError(MISSING_CONVERSION)
        i += 1
        if literal:
            out.append(Directive("".join(literal)))
            literal = []
        out.append(Directive(fmt[start:i], flags, width, precision, conversion))
    if literal:
        out.append(Directive("".join(literal)))
    return out


MISSING_CONVERSION = "invalid or missing conversion specifier"


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

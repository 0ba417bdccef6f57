"""The pattern of `=~`: stap's dialect of POSIX extended regular expressions.

The pattern arrives as the text of the script's string literal (the lexer
kept its C escapes).  Like SystemTap 4.8 we resolve those (`\\n`, `\\101`,
`\\x41`, `\\\\`), then parse the bytes:

    expr    := branch ('|' branch)*
    branch  := piece*
    piece   := atom ('*' | '+' | '?' | '{n}' | '{n,}' | '{n,m}')*
    atom    := '.' | '[' bracket ']' | '(' expr ')' | '(?:' expr ')' | '^' | '$'
             | '\\' any | any other byte

Dialect points, all checked against 4.8 (testsuite/regex/test_regex_oracle.py):
a `\\` makes any byte literal (`\\d` is `d`), also inside brackets; `]` and
`}` are ordinary outside brackets; a single `)` at the very end is ignored;
`.` and `[^...]` match any byte but NUL; classes are the C locale's; `$`
matches the end of the subject (the NUL after it, so `a$$` never matches);
`(?:` opens a non-capturing group that starts with a `:`.

Errors carry 4.8's words and 0-based positions in the literal as written.
"""

# Bytes 1..255 are characters; 0 is the end of the subject, which only `$`
# (or a NUL written in the pattern) matches.
END = 0
ALL_CHARS = frozenset(range(1, 256))

# How large a repetition count may be.  4.8's limit is near 12000; ours is
# lower because every copy becomes automaton states.
MAX_REPEAT = 1000


class RegexError(ValueError):
    """A pattern 4.8 would refuse; str() is 4.8's message."""

    def __init__(self, reason, position=None):
        self.reason = reason
        self.position = position
        if position is None:
            message = "regex compilation error: %s" % reason
        else:
            message = "regex compilation error (at position %d): %s" % (position, reason)
        super().__init__(message)


# ---- the tree ---------------------------------------------------------------

class Node:
    __slots__ = ()


class Chars(Node):
    """One byte out of a set (END included for `$`)."""
    __slots__ = ("chars",)

    def __init__(self, chars):
        self.chars = frozenset(chars)


class Start(Node):
    """`^`: only at the start of the subject."""
    __slots__ = ()


class End(Chars):
    """`$`: the end of the subject, i.e. the NUL after it."""
    __slots__ = ()

    def __init__(self):
        super().__init__({END})


class Empty(Node):
    __slots__ = ()


class Concat(Node):
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


class Alt(Node):
    """Alternatives in priority order."""
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


class Repeat(Node):
    """`item{low,high}`; high None is unbounded (`*` is {0,}, `+` {1,}, `?` {0,1})."""
    __slots__ = ("item", "low", "high")

    def __init__(self, item, low, high):
        self.item = item
        self.low = low
        self.high = high


class Group(Node):
    """A capturing group, numbered from 1 in order of its `(`."""
    __slots__ = ("item", "index")

    def __init__(self, item, index):
        self.item = item
        self.index = index


class Pattern:
    """A parsed pattern: the tree and its number of groups (group 0 included)."""

    def __init__(self, tree, ngroups):
        self.tree = tree
        self.ngroups = ngroups


# ---- C escapes of the string literal ---------------------------------------

# The escapes the lexer keeps in a literal's value (it drops the backslash of
# any other); 4.8 resolves them as it reads the pattern, but counts error
# positions in the literal as written.
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                   "v": "\v", "\\": "\\"}
_OCTAL = "01234567"
_DECIMAL = "0123456789"
_HEX = "0123456789abcdefABCDEF"


class Unescaped:
    """The pattern's bytes (chars 0..255) after the literal's C escapes, where
    each starts in the literal, and the error of the first bad escape, which
    ends the text: 4.8 reports it when the parser gets there."""

    def __init__(self, text, starts, length, error):
        self.text = text
        self.starts = starts
        self.length = length
        self.error = error


def unescape(literal):
    # The script's bytes: stap5 reads scripts as UTF-8 (surrogates for the
    # rest), 4.8 as bytes; the C compiler gets the UTF-8 back.
    literal = literal.encode("utf-8", "surrogateescape").decode("latin-1")
    out = []
    starts = []
    error = None
    i, n = 0, len(literal)
    while i < n:
        ch = literal[i]
        if ch != "\\" or i + 1 == n:
            out.append(ch)
            starts.append(i)
            i += 1
            continue
        nxt = literal[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[nxt])
            starts.append(i)
            i += 2
        elif nxt in _OCTAL:
            digits = literal[i + 1:i + 4]
            if len(digits) < 3 or any(d not in _OCTAL for d in digits):
                error = RegexError("three octal digits required in escape sequence", i + 1)
                break
            if int(digits, 8) > 0xff:
                error = RegexError("octal escape sequence out of range", i + 1)
                break
            out.append(chr(int(digits, 8)))
            starts.append(i)
            i += 4
        elif nxt == "x":
            digits = literal[i + 2:i + 4]
            if len(digits) < 2 or any(d not in _HEX for d in digits):
                where = i + 2 if len(digits) == 2 and digits[0] in _HEX else i + 1
                error = RegexError("two hex digits required in escape sequence", where)
                break
            out.append(chr(int(digits, 16)))
            starts.append(i)
            i += 4
        else:
            # Not a C escape (the lexer drops those): the regex's own.
            out.append(ch)
            starts.append(i)
            i += 1
    return Unescaped("".join(out), starts, n, error)


# ---- bracket expression classes (C locale) ---------------------------------

def _span(first, last):
    return set(range(ord(first), ord(last) + 1))


_UPPER = _span("A", "Z")
_LOWER = _span("a", "z")
_DIGIT = _span("0", "9")
_PRINT = set(range(0x20, 0x7f))
_GRAPH = set(range(0x21, 0x7f))
CLASSES = {
    "alpha": _UPPER | _LOWER,
    "upper": _UPPER,
    "lower": _LOWER,
    "digit": _DIGIT,
    "xdigit": _DIGIT | _span("a", "f") | _span("A", "F"),
    "alnum": _UPPER | _LOWER | _DIGIT,
    "space": {0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d},
    "blank": {0x20, 0x09},
    "punct": _GRAPH - _UPPER - _LOWER - _DIGIT,
    "cntrl": set(range(1, 0x20)) | {0x7f},
    "print": _PRINT,
    "graph": _GRAPH,
}


# ---- the parser -------------------------------------------------------------

_POSTFIX = "*+?{"


class _Parser:
    """Positions here index the unescaped text; errors report where that
    byte starts in the literal (its length for the end)."""

    def __init__(self, unescaped):
        self.text = unescaped.text
        self.n = len(self.text)
        self.starts = unescaped.starts
        self.length = unescaped.length
        self.escape_error = unescaped.error
        self.pos = 0
        self.groups = 0

    def peek(self, ahead=0):
        i = self.pos + ahead
        if i < self.n:
            return self.text[i]
        if self.escape_error is not None:
            raise self.escape_error
        return None

    def error(self, reason, index):
        # Bytes of the pattern in the message: back to the script's text.
        reason = reason.encode("latin-1").decode("utf-8", "surrogateescape")
        if index is None:
            raise RegexError(reason)
        raise RegexError(reason, self.starts[index] if index < self.n else self.length)

    def parse(self):
        tree = self.expr()
        if self.pos < self.n:               # stopped at a `)` of no group
            if self.pos + 1 < self.n:
                self.error("unbalanced ')'", self.pos + 1)
            self.pos += 1                   # 4.8 ignores a final one
        return Pattern(tree, self.groups + 1)

    def expr(self):
        branches = [self.branch()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.branch())
        return branches[0] if len(branches) == 1 else Alt(branches)

    def branch(self):
        pieces = []
        while True:
            ch = self.peek()
            if ch is None or ch in "|)":
                break
            if ch in _POSTFIX:
                self.error("unexpected '%s'" % ch, self.pos)
            pieces.append(self.piece())
        if not pieces:
            return Empty()
        return pieces[0] if len(pieces) == 1 else Concat(pieces)

    def piece(self):
        item = self.atom()
        while True:
            op = self.peek()
            if op is None or op not in _POSTFIX:
                return item
            if isinstance(item, (Start, End)):
                self.error("postfix closure '%s' applied to anchoring operator" % op,
                           self.pos)
            self.pos += 1
            if op == "*":
                item = Repeat(item, 0, None)
            elif op == "+":
                item = Repeat(item, 1, None)
            elif op == "?":
                item = Repeat(item, 0, 1)
            else:
                low, high = self.counts()
                item = Repeat(item, low, high)

    def counts(self):
        """After `{`: `n}`, `n,}` or `n,m}`."""
        low = self.number()
        ch = self.peek()
        if ch == ",":
            self.pos += 1
            ch = self.peek()
            if ch == "}":
                self.pos += 1
                high = None
            elif ch is not None and ch in _DECIMAL:
                high = self.number()
                self.expect("}")
            else:
                self.error("expected '}' or number", self.pos + (ch is not None))
        elif ch == "}":
            self.pos += 1
            high = low
        elif ch is None:
            self.error("unexpected end of regex", self.pos)
        else:
            self.error("expected ',' or '}'", self.pos)
        for count in (low, high):
            if count is not None and count > MAX_REPEAT:
                self.error("%d is too large" % count, self.pos)
        if high is not None and low > high:
            self.error("inverted repetition range {%d,%d}" % (low, high), self.pos)
        return low, high

    def number(self):
        start = self.pos
        while self.peek() is not None and self.peek() in _DECIMAL:
            self.pos += 1
        if self.pos == start:
            self.error("expected number", self.pos + (self.peek() is not None))
        return int(self.text[start:self.pos])

    def expect(self, ch):
        found = self.peek()
        if found == ch:
            self.pos += 1
            return
        if found is None:
            self.error("expected %s, found end of regex" % ch, self.n - 1)
        self.error("expected %s, found %s" % (ch, found), self.pos)

    def atom(self):
        ch = self.text[self.pos]
        self.pos += 1
        if ch == ".":
            return Chars(ALL_CHARS)
        if ch == "[":
            return Chars(self.bracket())
        if ch == "^":
            return Start()
        if ch == "$":
            return End()
        if ch == "(":
            return self.group()
        if ch == "\\":
            if self.peek() is None:
                self.error("unexpected end of regex", self.n)
            ch = self.text[self.pos]
            self.pos += 1
        return Chars({ord(ch)})

    def group(self):
        if self.peek() == "?":
            # Of the (?...) extensions 4.8 knows only (?:...), non-capturing --
            # and skips just its `?`: "(?:a)" matches ":a".  So do we.
            if self.peek(1) != ":":
                what = self.peek(1)
                if what is None:
                    # 4.8 prints the NUL it found, ending its message early.
                    self.error("unexpected '(?", self.n - 1)
                self.error("unexpected '(?%s'" % what, self.pos + 1)
            self.pos += 1
            inner = self.expr()
            self.expect(")")
            return Concat([inner])          # a group, even if it holds an anchor
        self.groups += 1
        index = self.groups
        inner = self.expr()
        self.expect(")")
        return Group(inner, index)

    def bracket(self):
        """After `[`: the set of bytes, up to and including the closing `]`."""
        text, n = self.text, self.n
        negate = self.peek() == "^"
        if negate:
            self.pos += 1
        chars = set()
        first = True
        while True:
            ch = self.peek()
            if ch is None:
                self.error("unclosed character class", n - 1)
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            if ch == "[" and self.peek(1) == ":":
                name_start = self.pos + 2
                # 4.8 looks for the closing ":]" short of the pattern's last byte.
                close = text.find(":]", name_start, n - 1)
                if close < 0:
                    self.error("unclosed character class '[:%s'" % text[name_start:n - 1], n)
                name = text[name_start:close]
                if name not in CLASSES:
                    self.error("unknown character class '%s'" % name, None)
                chars |= CLASSES[name]
                self.pos = close + 2
                continue
            low = self.bracket_char()
            if low is None:
                continue
            if self.peek() == "-" and self.peek(1) not in (None, "]"):
                self.pos += 1
                high = self.bracket_char()
                if high is None:
                    continue
                if low > high:
                    self.error("Inverted character range %s-%s" % (chr(low), chr(high)),
                               self.pos)
                chars |= set(range(low, high + 1))
            else:
                chars.add(low)
        if negate:
            return ALL_CHARS - chars
        return frozenset(chars)

    def bracket_char(self):
        """One byte of a bracket expression (a `\\` escapes it); None for a
        `\\` that ends the pattern (the loop then reports it)."""
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\\":
            if self.peek() is None:
                return None
            ch = self.text[self.pos]
            self.pos += 1
        return ord(ch)


def parse(literal):
    """Parse the pattern as written in the script; raises RegexError."""
    return _Parser(unescape(literal)).parse()

"""The SystemTap lexer.

It turns one source file into Tokens, with one master regular expression
(ply.lex did this job first; matching directly is several times faster).
It does not know about the preprocessor (`%( %? %: %)`, `@define`, macro
uses): it only recognises those tokens, and `preprocessor.py` acts on them.

The script arguments `$1 @1 $# @#` are the lexer's, as they are stap's: the
argument's text is pasted into the input where the reference stood (`@1`
quoted as a string literal) and lexing goes on through it, so that `$1a`
with the argument `x` is the identifier `xa`, and tokens read from pasted
text are located at the reference.  A reference inside pasted text is an
error, which bounds the substitution.

Lexical errors are junk tokens (type JUNK, the message as value), which
the parser reports where it meets them, as stap's parser does: lexing goes
on after them.

String literals keep their escapes as written (stap does the same: `\\n`
stays two characters until pass 3), except that `\\"` becomes `"` and an
unknown escape such as `\\e` loses its backslash.
"""

import re


KEYWORDS = {
    "probe": "PROBE", "global": "GLOBAL", "private": "PRIVATE", "function": "FUNCTION",
    "if": "IF", "else": "ELSE", "for": "FOR", "foreach": "FOREACH", "in": "IN",
    "limit": "LIMIT", "return": "RETURN", "delete": "DELETE", "while": "WHILE",
    "break": "BREAK", "continue": "CONTINUE", "next": "NEXT", "try": "TRY",
    "catch": "CATCH", "string": "STRING_KW", "long": "LONG_KW",
}

# `@` operators the grammar knows; any other `@name` is a macro use (or an error).
AT_OPERATORS = {
    "@cast": "AT_CAST", "@var": "AT_VAR", "@defined": "AT_DEFINED", "@entry": "AT_ENTRY",
    "@probewrite": "AT_PROBEWRITE", "@count": "AT_STAT", "@sum": "AT_STAT",
    "@min": "AT_STAT", "@max": "AT_STAT", "@avg": "AT_STAT", "@variance": "AT_STAT",
    "@hist_log": "AT_HIST_LOG", "@hist_linear": "AT_HIST_LINEAR",
    "@kderef": "AT_DEREF", "@uderef": "AT_DEREF",
    "@kregister": "AT_REGISTER", "@uregister": "AT_REGISTER",
    "@const": "AT_CONST", "@perf": "AT_PERF",
}

# Multi-character operators, longest first; the token type is what the grammar uses.
OPERATORS = [
    ("<<<", "AGGREGATE"), (">>>", "RSHIFT_LOGICAL"), ("<<=", "SHL_ASSIGN"),
    (">>=", "SHR_ASSIGN"),
    ("%(", "PP_IF"), ("%?", "PP_THEN"), ("%:", "PP_ELSE"), ("%)", "PP_END"),
    ("==", "EQ"), ("!=", "NE"), ("<=", "LE"), (">=", "GE"), ("=~", "REGEX_MATCH"),
    ("!~", "REGEX_NOMATCH"), ("&&", "ANDAND"), ("||", "OROR"), ("++", "INC"),
    ("--", "DEC"), ("+=", "ADD_ASSIGN"), ("-=", "SUB_ASSIGN"), ("*=", "MUL_ASSIGN"),
    ("/=", "DIV_ASSIGN"), ("%=", "MOD_ASSIGN"), ("&=", "AND_ASSIGN"),
    ("^=", "XOR_ASSIGN"), ("|=", "OR_ASSIGN"), (".=", "CONCAT_ASSIGN"),
    ("->", "ARROW"), ("<<", "SHL"), (">>", "SHR"),
]
SINGLE_CHAR_OPERATORS = "+-*/%&|^~!=<>?:.,;()[]{}"

OPERATOR_TYPES = sorted({t for _, t in OPERATORS})

tokens = (
    ["IDENT", "NUMBER", "STRING", "EMBEDDED", "TARGET", "DOLLARS", "MACRO", "BADOP",
     "LONE_STRING"]     # a string literal that cannot continue the one before it
    + sorted(set(KEYWORDS.values()))
    + sorted(set(AT_OPERATORS.values()))
    + OPERATOR_TYPES
)
literals = list(SINGLE_CHAR_OPERATORS)

_KEPT_ESCAPES = frozenset("abfnrtv\\01234567x")


class Token:
    """A token, as the parser wants it (type/value/lexpos), plus its file, its
    raw text, the diagnostic kind stap uses to describe it, and, for tokens
    produced by a macro expansion, the token of the macro use."""

    __slots__ = ("type", "value", "lexpos", "file", "text", "kind", "origin")

    def __init__(self, type_, value, lexpos, file, text, kind, origin=None):
        self.type = type_
        self.value = value
        self.lexpos = lexpos
        self.file = file
        self.text = text
        self.kind = kind
        self.origin = origin

    # A plain tuple as pickle state: the parse cache stores many tokens.
    def __getstate__(self):
        return (self.type, self.value, self.lexpos, self.file, self.text, self.kind,
                self.origin)

    def __setstate__(self, state):
        (self.type, self.value, self.lexpos, self.file, self.text, self.kind,
         self.origin) = state

    @property
    def lineno(self):
        return self.position()[0]

    def position(self):
        return self.file.position(self.lexpos)

    def location(self):
        line, col = self.position()
        return "%s:%d:%d" % (self.file.name, line, col)

    def expansion_chain(self):
        origin = self.origin
        while origin is not None:
            yield origin
            origin = origin.origin

    def derived(self, type_, value, text=None, kind=None):
        """A token with another type/value at the same place (for substitutions)."""
        return Token(type_, value, self.lexpos, self.file,
                     self.text if text is None else text,
                     self.kind if kind is None else kind, self.origin)

    def __repr__(self):
        return "Token(%s, %r, %s)" % (self.type, self.value, self.location())


def _unescape_string(body):
    """Apply stap's lexical treatment of escapes to a string literal's body."""
    if "\\" not in body:
        return body
    out = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            nxt = body[i + 1]
            if nxt in _KEPT_ESCAPES:
                out.append(ch)
            out.append(nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# One master pattern, tried in this order at each position (first match wins).
# Anything it does not match is a single junk character (see tokenize).
_PATTERN = re.compile(r"""
  (?P<skip>        [ \t\r\f\v\n]+ | \#[^\n]* | //[^\n]* | /\*(?s:.)*?(?:\*/|\Z) )
| (?P<embedded>    %\{(?s:.)*?%\} )
| (?P<badembedded> %\{ )
| (?P<string>      "(?:[^"\\\n]|\\[^\n])*" )
| (?P<badstring>   " )
| (?P<argument>    [$@][0-9\#] )
| (?P<word>        [A-Za-z_$@][A-Za-z0-9_$]* )
| (?P<number>      [0-9][A-Za-z0-9_]* )
| (?P<op>          <<<|>>>|<<=|>>=|%\(|%\?|%:|%\)|==|!=|<=|>=|=~|!~|&&|\|\||\+\+|--|\+=|-=
                 | \*=|/=|%=|&=|\^=|\|=|\.=|->|<<|>>|[-+*/%&|^~!=<>?:.,;()\[\]{}] )
""", re.VERBOSE)

_OPERATOR_TYPE = dict(OPERATORS)

UNCLOSED_QUOTE = "Could not find matching closing quote"
UNCLOSED_EMBEDDED = "Could not find matching '%}' to close embedded function block"
NESTED_ARGUMENT = "invalid nested substitution of command line arguments"


def _word_token(text, pos, source_file):
    first = text[0]
    if first == "$":
        # A word of dollars only is a pretty-print suffix (`x $`) or a
        # target of its own (`x = $`).
        type_ = "DOLLARS" if text.strip("$") == "" else "TARGET"
        return Token(type_, text, pos, source_file, text, "identifier")
    if first == "@":
        return Token(AT_OPERATORS.get(text, "MACRO"), text, pos, source_file, text, "operator")
    keyword = KEYWORDS.get(text)
    if keyword is not None:
        return Token(keyword, text, pos, source_file, text, "keyword")
    return Token("IDENT", text, pos, source_file, text, "identifier")


def junk(message, pos, source_file):
    """A lexical error, as the token the parser will complain about."""
    return Token("JUNK", message, pos, source_file, "", "junk")


def tokenize(source_file, script_args=()):
    """Yield the Tokens of a SourceFile, with the script arguments pasted in."""
    text = source_file.text
    match = _PATTERN.match
    operator_type = _OPERATOR_TYPE
    buf = text             # what is lexed: the text, or pasted text + the rest of it
    pos = 0
    end = len(text)
    pasted = 0             # while > 0, buf[:pasted] is an argument's text...
    resume = 0             # ...standing for text[at:resume]
    at = 0
    while True:
        if pasted and pos >= pasted:
            buf, pos, end, pasted = text, resume + pos - pasted, len(text), 0
        if pos >= end:
            return
        m = match(buf, pos)
        lexpos = at if pasted else pos
        if m is None:
            # Anything else is a token no rule accepts, which the parser
            # reports where it stands: stap calls a printable one (a
            # backtick, say) an operator, and anything else junk.
            ch = buf[pos]
            yield Token("BADOP", ch, lexpos, source_file, ch,
                        "operator" if " " < ch < "\x7f" else "junk")
            pos += 1
            continue
        group = m.lastgroup
        value = m.group()
        if group == "skip":
            pass
        elif group == "word":
            yield _word_token(value, lexpos, source_file)
        elif group == "op":
            yield Token(operator_type.get(value, value), value, lexpos, source_file, value,
                        "operator")
        elif group == "number":
            yield Token("NUMBER", value, lexpos, source_file, value, "number")
        elif group == "string":
            body = _unescape_string(value[1:-1])
            yield Token("STRING", body, lexpos, source_file, body, "string")
        elif group == "embedded":
            code = value[2:-2]
            yield Token("EMBEDDED", code, lexpos, source_file, code, "embedded")
        elif group == "argument":
            stop, replacement = _argument(buf, pos, script_args)
            if pasted or replacement is None:
                yield junk(NESTED_ARGUMENT if pasted else
                           "command line argument out of range [1-%d]" % len(script_args),
                           lexpos, source_file)
                pos = stop
                continue
            if replacement:
                buf, at, resume, pasted = replacement + text[stop:], pos, stop, len(replacement)
                pos, end = 0, len(buf)
            else:
                pos = stop
            continue
        elif group == "badstring":
            # The literal ends with its line.
            yield junk(UNCLOSED_QUOTE, lexpos, source_file)
            newline = buf.find("\n", pos)
            pos = end if newline < 0 else newline
            continue
        else:
            yield junk(UNCLOSED_EMBEDDED, lexpos, source_file)
            pos = end
            continue
        pos = m.end()


def _argument(buf, pos, script_args):
    """The reference to a script argument at buf[pos] (`$` or `@`, then `#`
    or digits): (where it ends, its replacement text or None if there is no
    such argument)."""
    sigil = buf[pos]
    if buf[pos + 1] == "#":
        count = str(len(script_args))
        return pos + 2, count if sigil == "$" else quoted(count)
    # Digits are read while the number can still name an argument (stap's
    # guard against overflow: with one argument, `$12` is `$12`, `$123` is
    # `$12` then `3`).
    index = 0
    stop = pos + 1
    while True:
        index = index * 10 + ord(buf[stop]) - 48
        stop += 1
        if stop >= len(buf) or buf[stop] not in _DIGITS or index > len(script_args):
            break
    if index == 0 or index > len(script_args):
        return stop, None
    value = script_args[index - 1]
    return stop, value if sigil == "$" else quoted(value)


_DIGITS = "0123456789"


def quoted(value):
    """A string literal of `value`, as stap pastes `@N`: quotes and
    backslashes escaped, bytes that are not printable ASCII in octal."""
    out = ['"']
    for byte in value.encode("utf-8", "surrogateescape"):
        if byte < 32 or byte > 126:
            out.append("\\%03o" % byte)
        elif byte in (34, 92):
            out.append("\\" + chr(byte))
        else:
            out.append(chr(byte))
    out.append('"')
    return "".join(out)


_STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"')


def separated_by_comment(string_tok, tok):
    """Whether a comment stands between a string literal and the next token
    (both read from the text of one file)."""
    if string_tok.file is not tok.file or string_tok.origin or tok.origin:
        return False
    literal = _STRING_LITERAL.match(string_tok.file.text, string_tok.lexpos)
    return literal is not None and \
        string_tok.file.text[literal.end():tok.lexpos].strip() != ""


def has_tokens(source_file, script_args=()):
    """Whether the file has anything but blanks and comments (stap calls a
    script without tokens "empty"); pasted arguments count."""
    return next(tokenize(source_file, script_args), None) is not None


def eof_token(source_file):
    return Token("$end", None, len(source_file.text), source_file, "", "eof")

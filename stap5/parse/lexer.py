"""The SystemTap lexer.

It turns one source file into Tokens, with one master regular expression
(ply.lex did this job first; matching directly is several times faster).
It does not know about the preprocessor (`%( %? %: %)`, `@define`, macro
uses, `$1`/`@1` arguments): it only recognises those tokens, and
`preprocessor.py` acts on them.

String literals keep their escapes as written (stap does the same: `\\n`
stays two characters until pass 3), except that `\\"` becomes `"` and an
unknown escape such as `\\e` loses its backslash.
"""

import re

from stap5.diagnostics import StapError

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
    ["IDENT", "NUMBER", "STRING", "EMBEDDED", "TARGET", "DOLLARS", "MACRO", "SCRIPT_ARG",
     "BADOP"]
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
| (?P<argcount>    [$@]\# )
| (?P<word>        [A-Za-z_$@][A-Za-z0-9_$]* )
| (?P<number>      [0-9][A-Za-z0-9_]* )
| (?P<op>          <<<|>>>|<<=|>>=|%\(|%\?|%:|%\)|==|!=|<=|>=|=~|!~|&&|\|\||\+\+|--|\+=|-=
                 | \*=|/=|%=|&=|\^=|\|=|\.=|->|<<|>>|[-+*/%&|^~!=<>?:.,;()\[\]{}] )
""", re.VERBOSE)

_OPERATOR_TYPE = dict(OPERATORS)

_LEXICAL_ERRORS = {
    "badstring": "Could not find matching closing quote",
    "badembedded": "Could not find matching '%}' to close embedded function block",
}


def _word_token(text, pos, source_file):
    first = text[0]
    if first == "$":
        if text[1:].isdigit():
            return Token("SCRIPT_ARG", text, pos, source_file, text, "operator")
        # A word of dollars only is a pretty-print suffix (`x $`) or a
        # target of its own (`x = $`).
        type_ = "DOLLARS" if text.strip("$") == "" else "TARGET"
        return Token(type_, text, pos, source_file, text, "identifier")
    if first == "@":
        if text[1:].isdigit():
            return Token("SCRIPT_ARG", text, pos, source_file, text, "operator")
        return Token(AT_OPERATORS.get(text, "MACRO"), text, pos, source_file, text, "operator")
    keyword = KEYWORDS.get(text)
    if keyword is not None:
        return Token(keyword, text, pos, source_file, text, "keyword")
    return Token("IDENT", text, pos, source_file, text, "identifier")


def tokenize(source_file):
    """Yield the Tokens of a SourceFile (raises StapError on lexical errors)."""
    text = source_file.text
    match = _PATTERN.match
    operator_type = _OPERATOR_TYPE
    pos = 0
    end = len(text)
    while pos < end:
        m = match(text, pos)
        if m is None:
            # Anything else is a token no rule accepts, which the parser
            # reports where it stands: stap calls a printable one (a
            # backtick, say) an operator, and anything else junk.
            ch = text[pos]
            yield Token("BADOP", ch, pos, source_file, ch,
                        "operator" if " " < ch < "\x7f" else "junk")
            pos += 1
            continue
        group = m.lastgroup
        value = m.group()
        if group == "skip":
            pass
        elif group == "word":
            yield _word_token(value, pos, source_file)
        elif group == "op":
            yield Token(operator_type.get(value, value), value, pos, source_file, value,
                        "operator")
        elif group == "number":
            yield Token("NUMBER", value, pos, source_file, value, "number")
        elif group == "string":
            body = _unescape_string(value[1:-1])
            yield Token("STRING", body, pos, source_file, body, "string")
        elif group == "embedded":
            code = value[2:-2]
            yield Token("EMBEDDED", code, pos, source_file, code, "embedded")
        elif group == "argcount":
            yield Token("SCRIPT_ARG", value, pos, source_file, value, "operator")
        else:
            raise StapError(_LEXICAL_ERRORS[group],
                            Token("BADOP", "", pos, source_file, "", "junk"), label="at")
        pos = m.end()


def has_tokens(source_file):
    """Whether the file has anything but blanks and comments (stap calls a
    script without tokens "empty")."""
    try:
        return next(tokenize(source_file), None) is not None
    except StapError:
        return True


def eof_token(source_file):
    return Token("$end", None, len(source_file.text), source_file, "", "eof")

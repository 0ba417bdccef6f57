"""The SystemTap lexer (ply.lex).

It turns one source file into Tokens.  It does not know about the
preprocessor (`%( %? %: %)`, `@define`, macro uses, `$1`/`@1` arguments): it
only recognises those tokens, and `preprocessor.py` acts on them.

String literals keep their escapes as written (stap does the same: `\\n`
stays two characters until pass 3), except that `\\"` becomes `"` and an
unknown escape such as `\\e` loses its backslash.
"""

import ply.lex

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
    ["IDENT", "NUMBER", "STRING", "EMBEDDED", "TARGET", "MACRO", "SCRIPT_ARG",
     "BADOP"]
    + sorted(set(KEYWORDS.values()))
    + sorted(set(AT_OPERATORS.values()))
    + OPERATOR_TYPES
)
literals = list(SINGLE_CHAR_OPERATORS)

_KEPT_ESCAPES = frozenset("abfnrtv\\01234567x")


class Token:
    """A token, as ply.yacc wants it (type/value/lineno/lexpos), plus its file,
    its raw text, the diagnostic kind stap uses to describe it, and, for tokens
    produced by a macro expansion, the token of the macro use."""

    __slots__ = ("type", "value", "lexpos", "file", "text", "kind", "origin",
                 "lexer")    # ply sets `lexer` on the token it reports an error at

    def __init__(self, type_, value, lexpos, file, text, kind, origin=None):
        self.type = type_
        self.value = value
        self.lexpos = lexpos
        self.file = file
        self.text = text
        self.kind = kind
        self.origin = origin

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


class _Rules:
    """The ply.lex rule set.  Built once; each file gets a clone of the lexer."""

    tokens = tokens
    literals = literals
    t_ignore = " \t\r\f\v"

    def __init__(self):
        self.file = None

    def t_newline(self, t):
        r"\n+"
        return None

    def t_COMMENT(self, t):
        r"\#[^\n]*|//[^\n]*"
        return None

    def t_BLOCKCOMMENT(self, t):
        r"/\*(.|\n)*?\*/"
        return None

    def t_UNTERMINATED_COMMENT(self, t):
        r"/\*"
        raise StapError("Could not find matching '*/'", self._token(t, "junk", ""),
                        label="at")

    def t_EMBEDDED(self, t):
        r"%\{(.|\n)*?%\}"
        t.value = t.value[2:-2]
        return self._typed(t, "EMBEDDED", "embedded")

    def t_UNTERMINATED_EMBEDDED(self, t):
        r"%\{"
        raise StapError("Could not find matching '%}' to close embedded function block",
                        self._token(t, "junk", ""), label="at")

    def t_STRING(self, t):
        r'"([^"\\\n]|\\[^\n])*"'
        t.value = _unescape_string(t.value[1:-1])
        return self._typed(t, "STRING", "string", text=t.value)

    def t_UNTERMINATED_STRING(self, t):
        r'"'
        raise StapError("Could not find matching closing quote",
                        self._token(t, "junk", ""), label="at")

    def t_SCRIPT_ARG_COUNT(self, t):
        r"[$@]\#"
        return self._typed(t, "SCRIPT_ARG", "operator")

    def t_WORD(self, t):
        r"[A-Za-z_$@][A-Za-z0-9_$@]*"
        text = t.value
        first = text[0]
        if first == "$":
            if text[1:].isdigit():
                return self._typed(t, "SCRIPT_ARG", "operator")
            return self._typed(t, "TARGET", "identifier")
        if first == "@":
            if text[1:].isdigit():
                return self._typed(t, "SCRIPT_ARG", "operator")
            return self._typed(t, AT_OPERATORS.get(text, "MACRO"), "operator")
        keyword = KEYWORDS.get(text)
        if keyword is not None:
            return self._typed(t, keyword, "keyword")
        return self._typed(t, "IDENT", "identifier")

    def t_NUMBER(self, t):
        r"[0-9][A-Za-z0-9_]*"
        return self._typed(t, "NUMBER", "number")

    def t_OPERATOR(self, t):
        r"<<<|>>>|<<=|>>=|%\(|%\?|%:|%\)|==|!=|<=|>=|=~|!~|&&|\|\||\+\+|--|\+=|-=|\*=|/=|%=|&=|\^=|\|=|\.=|->|<<|>>"
        return self._typed(t, _OPERATOR_TYPE[t.value], "operator")

    def t_SINGLE(self, t):
        r"[-+*/%&|^~!=<>?:.,;()\[\]{}]"
        return self._typed(t, t.value, "operator")

    def t_error(self, t):
        # Anything else (a backtick, a stray byte...) is an operator stap does
        # not know; the parser reports it where it stands.
        t.value = t.value[0]
        t.lexer.skip(1)
        return self._typed(t, "BADOP", "operator")

    # -- helpers ------------------------------------------------------------

    def _typed(self, t, type_, kind, text=None):
        return Token(type_, t.value, t.lexpos, self.file,
                     t.value if text is None else text, kind)

    def _token(self, t, kind, text):
        return Token("BADOP", text, t.lexpos, self.file, text, kind)


_OPERATOR_TYPE = dict(OPERATORS)

_rules = _Rules()
_master_lexer = ply.lex.lex(module=_rules, optimize=False, debug=False)


def tokenize(source_file):
    """Yield the Tokens of a SourceFile (raises StapError on lexical errors)."""
    lexer = _master_lexer.clone()
    _rules.file = source_file
    lexer.input(source_file.text)
    token = lexer.token
    while True:
        # The rules object is shared by clones; re-point it at our file each
        # time in case another file was lexed in between (macro arguments).
        _rules.file = source_file
        tok = token()
        if tok is None:
            return
        yield tok


def eof_token(source_file):
    return Token("$end", None, len(source_file.text), source_file, "", "eof")

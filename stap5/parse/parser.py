"""Pass 1 driver: preprocessed tokens -> ply grammar -> StapFile, with stap's
error recovery (after an error, skip to the next top-level keyword and go on)
and stap's wording of "expected ..." messages."""

import os

from stap5.diagnostics import StapError
from stap5.parse import ast, grammar, lalr
from stap5.parse.lexer import eof_token
from stap5.parse.preprocessor import Preprocessor

# Tokens at which stap's parser resumes after an error.
RECOVERY_TOKENS = frozenset(["PROBE", "GLOBAL", "FUNCTION", "PRIVATE", "EMBEDDED"])

_TOP_LEVEL_EXPECTED = "expected 'probe', 'global', 'private', 'function', or '%{'"
_STATEMENT_STARTERS = frozenset(["IF", "WHILE", "FOR", "FOREACH", "TRY", "RETURN", "DELETE"])

_parser = None


def _lr_parser():
    global _parser
    if _parser is None:
        _parser = lalr.Parser(grammar.build_parser(_table_file()))
    return _parser


def _table_file():
    """Where the LALR tables are cached (a user cache, since the source tree
    may be read-only, as it is inside the test VM)."""
    base = os.environ.get("STAP5_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stap5")
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    if not os.access(base, os.W_OK):
        return None
    return os.path.join(base, "parsetab.pickle")


class _TokenFeed:
    """Hands tokens to ply one at a time, remembering the last one (to locate
    errors raised in grammar actions) and allowing one token of pushback."""

    def __init__(self, token_iter, source_file):
        self._iter = token_iter
        self._file = source_file
        self.last = None
        self.pending = None
        self.exhausted = False

    def __call__(self):
        if self.pending is not None:
            tok, self.pending = self.pending, None
        else:
            tok = next(self._iter, None)
        if tok is None:
            self.exhausted = True
            self.last = None
            return None
        self.last = tok
        return tok

    def current(self):
        return self.last if self.last is not None else eof_token(self._file)

    def skip_to_recovery_point(self, bad):
        """Swallow tokens up to (not including) the next top-level keyword."""
        tok = bad
        while tok is not None and tok.type not in RECOVERY_TOKENS:
            tok = next(self._iter, None)
        self.pending = tok
        if tok is None:
            self.exhausted = True


def _expected_message(parser, tok):
    """stap-style wording for what the parser wanted where it failed."""
    state = parser.statestack[-1] if parser.statestack else 0
    expected = set(parser.action[state].keys())
    if tok is not None and tok.type == "MACRO":
        return "unknown operator %s" % tok.value
    if "PROBE" in expected and "GLOBAL" in expected:
        return _TOP_LEVEL_EXPECTED
    if expected & _STATEMENT_STARTERS:
        if tok is None or tok.kind == "keyword":
            return "expected statement"
        return "expected literal string or number"
    if "NUMBER" in expected and "STRING" in expected:
        if "'*'" in expected or "*" in expected:
            if "FUNCTION" in expected:        # a probe point component
                return "expected identifier or '*'"
        return "expected literal string or number"
    if expected == {"STRING_KW", "LONG_KW"}:
        return "expected 'string' or 'long'"
    if expected == {"IDENT"}:
        return "expected identifier"
    names = sorted(_describe_expected(t) for t in expected if t != "$end")
    if len(names) == 1:
        return "expected %s" % names[0]
    return "expected one of '%s'" % " ".join(n.strip("'") for n in names)


def _describe_expected(token_type):
    from stap5.parse.lexer import KEYWORDS, OPERATORS
    if token_type == "IDENT":
        return "identifier"
    if token_type == "STRING":
        return "literal string"
    if token_type == "NUMBER":
        return "number"
    for text, name in OPERATORS:
        if name == token_type:
            return "'%s'" % text
    for text, name in KEYWORDS.items():
        if name == token_type:
            return "'%s'" % text
    return "'%s'" % token_type


def parse_tokens(source_file, token_iter, guru=False, errors=None):
    """Parse preprocessed tokens of one file; return (StapFile, [StapError])."""
    parser = _lr_parser()
    context = grammar.ParseContext(source_file, guru)
    if errors is not None:
        context.errors = errors
    feed = _TokenFeed(token_iter, source_file)
    errors = context.errors
    while not feed.exhausted:
        grammar.set_context(context)
        context.in_function = False
        try:
            parser.parse(feed)
            break
        except grammar.SyntaxErrorAt as exc:
            tok = exc.tok
            where = tok if tok is not None else eof_token(source_file)
            errors.append(StapError(_expected_message(parser, tok), where))
            if tok is None:
                break
            feed.skip_to_recovery_point(tok if tok.type not in RECOVERY_TOKENS
                                        or tok is not feed.last else None)
            if tok.type in RECOVERY_TOKENS and feed.pending is None and not feed.exhausted:
                # The error was at a top-level keyword itself (e.g. `probe`
                # inside a block): drop it, or we would fail on it forever.
                feed.skip_to_recovery_point(next(feed._iter, None))
        except StapError as exc:
            errors.append(exc)
            bad = feed.last
            if bad is None:
                break
            feed.skip_to_recovery_point(bad if bad.type not in RECOVERY_TOKENS else
                                        next(feed._iter, None))
        finally:
            grammar.set_context(None)
    return _assemble(source_file, context.items), errors


def _assemble(source_file, items):
    stap_file = ast.StapFile(source_file.name, privileged=source_file.privileged,
                             synthetic=source_file.synthetic)
    stap_file.source = source_file
    buckets = {
        ast.EmbeddedCode: stap_file.embeds, ast.VarDecl: stap_file.globals,
        ast.AliasDecl: stap_file.aliases, ast.ProbeDecl: stap_file.probes,
        ast.FunctionDecl: stap_file.functions,
    }
    for item in items:
        for entry in (item if isinstance(item, list) else [item]):
            buckets[type(entry)].append(entry)
    return stap_file


def parse_source(source_file, env, library_macros=None, guru=False):
    """Preprocess and parse one SourceFile; return (StapFile, [StapError])."""
    errors = []     # preprocessor and parser errors, in the order they occur
    pre = Preprocessor(source_file, env, library_macros, errors)
    stream = _guarded(pre.tokens(), errors)
    return parse_tokens(source_file, stream, guru, errors)


def _guarded(tokens, errors):
    """Turn a lexical error into a recorded error and the end of the stream."""
    try:
        yield from tokens
    except StapError as exc:
        errors.append(exc)

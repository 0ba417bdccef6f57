"""Pass 1 driver: preprocessed tokens -> LALR parser -> StapFile, with stap's
error recovery.

stap parses a file as a sequence of top-level declarations.  After an error
it reports it and skips tokens up to the next `probe`, `global`,
`function`, `private` or `%{`, where it starts over; errors the preprocessor
raises while tokens are skipped are reported too.  Whether the token an
error is about is skipped as well, or is where parsing may start over,
depends on where stap met it (see expectations.py).
"""

import os

from stap5.diagnostics import StapError
from stap5.parse import ast, expectations, grammar, lalr, tables
from stap5.parse.lexer import eof_token
from stap5.parse.preprocessor import Preprocessor

# Tokens at which stap's parser starts over after an error.
RECOVERY_TOKENS = frozenset(["PROBE", "GLOBAL", "FUNCTION", "PRIVATE", "EMBEDDED"])

_parser = None


def lr_parser():
    """The LALR parser (its tables are built once, then cached on disk)."""
    global _parser
    if _parser is None:
        _parser = lalr.Parser(tables.load(_table_file()))
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
    return os.path.join(base, "parsetables.pickle")


class _TokenFeed:
    """Hands the parser its tokens; `pending` is a token to hand out again
    (where parsing starts over after an error)."""

    def __init__(self, pre):
        self._pre = pre
        self.pending = None
        self.exhausted = False

    def __call__(self):
        if self.pending is not None:
            tok, self.pending = self.pending, None
            return tok
        tok = self._pre.next()
        if tok is None:
            self.exhausted = True
        return tok

    def skip_to_recovery_point(self, tok, errors):
        """Skip tokens, from `tok` (or the next one if None), up to (not
        including) the next top-level keyword; errors the preprocessor raises
        on the way are recorded."""
        while True:
            if tok is None:
                try:
                    tok = self._pre.next()
                except StapError as exc:
                    _record(errors, exc)
                    continue
                if tok is None:
                    self.exhausted = True
                    return
            if tok.type in RECOVERY_TOKENS:
                self.pending = tok
                return
            tok = None


def _record(errors, exc):
    errors.append(exc)
    errors.extend(exc.followers)


def parse_tokens(source_file, pre, guru=False):
    """Parse the tokens of a Preprocessor; return (StapFile, [StapError])."""
    parser = lr_parser()
    context = grammar.ParseContext(source_file, guru)
    errors = context.errors
    feed = _TokenFeed(pre)
    while not feed.exhausted:
        grammar.set_context(context)
        context.in_function = False
        try:
            parser.parse(feed)
            break
        except grammar.SyntaxErrorAt as exc:
            tok = exc.tok
            message, consumed = expectations.describe(parser.tables, parser.statestack, tok)
            errors.append(StapError(message, tok if tok is not None
                                    else eof_token(source_file)))
            if tok is None:
                break
            feed.skip_to_recovery_point(None if consumed else tok, errors)
        except StapError as exc:
            # From the preprocessor (the tokens it read are gone) or from a
            # grammar action (the token it read ahead, if any, is not).
            _record(errors, exc)
            feed.skip_to_recovery_point(parser.lookahead, errors)
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
    """Preprocess and parse one SourceFile; return (StapFile, [StapError]).
    `library_macros` (name -> Macro) are those of the library's .stpm files;
    a .stpm file being parsed adds its own to them."""
    return parse_tokens(source_file, Preprocessor(source_file, env, library_macros), guru)

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
from stap5.kernel.cache import cache_dir
from stap5.parse import ast, expectations, grammar, lalr, tables
from stap5.parse.lexer import eof_token, separated_by_comment
from stap5.parse.preprocessor import Preprocessor, version_compare

TABLE_FILE_NAME = "parsetables.pickle"

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
    base = cache_dir()
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return None
    if not os.access(base, os.W_OK):
        return None
    return os.path.join(base, TABLE_FILE_NAME)


class RestartError(StapError):
    """An error after which stap starts over at the very next token (no
    skipping): the privileged constructs of an unprivileged script."""


# @operators an unprivileged script may not use (@uderef and @uregister it may).
_GURU_OPERATORS = frozenset(["@kderef", "@kregister", "@const"])
_CHECKED_TYPES = frozenset(["RETURN", "EMBEDDED", "AT_DEREF", "AT_REGISTER", "AT_CONST"])


class _TokenFeed:
    """Hands the parser its tokens; `pending` is a token to hand out again
    (where parsing starts over after an error).

    It also reports what stap reports as soon as it reads a token: guru-only
    constructs in an unprivileged script, and `return` outside a function.
    """

    def __init__(self, pre, parser, context):
        self._pre = pre
        self._parser = parser
        self._context = context
        # Before 2.0 only blanks join string literals ("a" /* */ "b" is two).
        self._comments_separate = version_compare(pre.env.systemtap_version, "2.0") < 0
        self.pending = None
        self.exhausted = False
        self.last = None        # the token handed out last (None: the end)
        self.delivered = False  # whether the parser got any token at all

    def __call__(self):
        if self.pending is not None:
            tok, self.pending = self.pending, None
        else:
            tok = self._pre.next()
            if tok is None:
                self.exhausted = True
            elif tok.type == "STRING" and self._comments_separate and self.last is not None \
                    and self.last.type in ("STRING", "LONE_STRING") \
                    and separated_by_comment(self.last, tok):
                tok = tok.derived("LONE_STRING", tok.value)
        self.last = tok
        if tok is not None:
            self.delivered = True
            if tok.type in _CHECKED_TYPES:
                self._check(tok)
        return tok

    def _check(self, tok):
        actions = self._parser.action[self._parser.statestack[-1]]
        in_statement = "NUMBER" in actions       # a statement or expression goes here
        if tok.type == "RETURN":
            if in_statement and not self._context.in_function:
                raise StapError("found 'return' not in function context", tok)
        elif not self._context.privileged:
            if tok.type == "EMBEDDED":
                plain = StapError("embedded code in unprivileged script; need stap -g", tok)
                if in_statement:
                    raise RestartError("embedded expression code in unprivileged script; "
                                       "need stap -g", tok, followers=[plain])
                raise RestartError(plain.message, tok)
            if tok.value in _GURU_OPERATORS:
                raise RestartError("using %s operator not permitted; need stap -g"
                                   % tok.value, tok)


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
    feed = _TokenFeed(pre, parser, context)
    context.lookahead = lambda: feed.last
    errors = pre.errors = context.errors
    while not feed.exhausted:
        grammar.set_context(context)
        context.in_function = False
        try:
            parser.parse(feed)
            break
        except grammar.SyntaxErrorAt as exc:
            tok = exc.tok
            error = expectations.describe(parser, tok)
            if tok is not None and tok.type == "JUNK":
                # A lexical error, told instead of what the parser expected
                # (which is still what makes it similar to later errors).
                errors.append(StapError(tok.value, tok, label="at",
                                        similarity=error.message))
            else:
                errors.append(StapError(error.message,
                                        error.tok or tok or eof_token(source_file),
                                        label=error.label))
            if tok is None:
                break
            feed.skip_to_recovery_point(None if error.consumed else tok, errors)
        except RestartError as exc:
            _record(errors, exc)
        except StapError as exc:
            # From the preprocessor (the tokens it read are gone) or from a
            # grammar action (the token it read ahead, if any, is not,
            # unless stap would have read it too).
            _record(errors, exc)
            consumed = isinstance(exc, grammar.LookaheadError) and exc.consumed
            feed.skip_to_recovery_point(None if consumed else parser.lookahead, errors)
        finally:
            grammar.set_context(None)
    stap_file = _assemble(source_file, context.items, not feed.delivered)
    stap_file.warnings = pre.warnings
    return stap_file, errors


def _assemble(source_file, items, empty):
    # `empty`: the parser got no token (stap's "empty after preprocessing").
    stap_file = ast.StapFile(source_file.name, privileged=source_file.privileged,
                             synthetic=source_file.synthetic, empty=empty)
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

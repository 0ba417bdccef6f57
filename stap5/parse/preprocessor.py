"""The SystemTap preprocessor, working on tokens between lexer and parser.

It evaluates `%( CONDITION %? THEN %: ELSE %)` against the session (kernel
version and config, architecture, runtime, stap version, privilege, guru
mode), records `@define NAME(PARAMS) %( BODY %)` macros and expands their
`@NAME(ARGS)` uses.  (The script arguments `$1 @1 $# @#` are pasted in by
the lexer.)

The parser pulls tokens with `next()`.  A preprocessing (or lexical) error is
raised from `next()` as a StapError, as stap throws it from its scanner: the
tokens read up to the error are gone, and the parser's error recovery goes on
pulling tokens, which may raise further errors (a stray `%)` after a bad
condition, say).  The wording and the token each message points at are
stap's, as observed on 4.8 (see testsuite/parse/test_diagnostics48.py).
"""

import fnmatch
import re

from stap5.diagnostics import StapError, StapWarning
from stap5.parse.lexer import AT_OPERATORS, Token, tokenize

# stap 4.8 expands a recursive macro until it runs out of memory; we stop
# at a nesting depth of one macro, or at a number of tokens all expansions
# of a file make (arguments that grow at each level reach it before the
# depth does).
MAX_MACRO_DEPTH = 100
MAX_EXPANDED_TOKENS = 1_000_000
RECURSIVE_MACRO = "recursive macro expansion"


class PreprocessorEnv:
    """What `%( ... %)` conditions can ask about the session."""

    def __init__(self, kernel_release="", arch="x86_64", runtime="kernel",
                 systemtap_version="4.8", privilege="stapdev", guru_mode=False,
                 kernel_config=None, script_args=()):
        self.kernel_release = kernel_release
        self.arch = arch
        self.runtime = runtime
        self.systemtap_version = systemtap_version
        self.privilege = privilege
        self.guru_mode = guru_mode
        self.kernel_config = kernel_config or {}
        self.script_args = list(script_args)

    @property
    def kernel_version(self):
        """kernel_v: the release without its distro suffix ("6.1.0")."""
        match = re.match(r"[0-9]+(\.[0-9]+)*", self.kernel_release)
        return match.group(0) if match else self.kernel_release


class Macro:
    def __init__(self, name, params, body, tok):
        self.name = name
        self.params = params
        self.body = body
        self.tok = tok


def version_compare(a, b):
    """Compare version strings as stap does (numeric runs compared as numbers)."""
    def split(v):
        return [(0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|[^\d.\-]+", v)]
    left, right = split(a), split(b)
    return (left > right) - (left < right)


_COMPARE = {
    "==": lambda c: c == 0, "!=": lambda c: c != 0, "<": lambda c: c < 0,
    "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0,
}
_COMPARISON_TYPES = {"EQ": "==", "NE": "!=", "<": "<", "LE": "<=", ">": ">", "GE": ">="}

# Token types the preprocessor acts on; every other token goes straight through.
_DIRECTIVE_TYPES = frozenset(["PP_IF", "PP_THEN", "PP_ELSE", "PP_END", "MACRO"])

_EXPECTED_CONDITION = ("expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n"
                       "             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n"
                       "             comparison between strings or integers")

_VERSION_NAMES = ("kernel_v", "kernel_vr", "systemtap_v")
_GLOB_NAMES = ("arch", "runtime", "systemtap_privilege")
_STRAY = "incomplete conditional - missing '%('"


def _cmp(a, b):
    return (a > b) - (a < b)


def _error(message, tok):
    return StapError(message, tok, label="at")


class _Conditional:
    """An open `%( ... %)` whose taken branch is being read."""

    __slots__ = ("start", "in_else")

    def __init__(self, start, in_else):
        self.start = start
        self.in_else = in_else


class Preprocessor:
    """Turns the lexer's tokens of one file into the parser's tokens.

    `library_macros` are the macros of the tapset `.stpm` files, shared by all
    files; a `.stpm` file adds its macros there, any other file keeps its own.
    """

    def __init__(self, source_file, env, library_macros=None):
        self.file = source_file
        self.env = env
        self.library_macros = library_macros if library_macros is not None else {}
        self.local_macros = {}
        self._defined_here = {}                      # name -> Macro defined in this file
        self._stack = [tokenize(source_file, env.script_args)]        # token sources, innermost last
        self._pushback = []
        self._conditionals = []                      # open _Conditional, innermost last
        self._expanded = 0                           # tokens made by macro expansions
        # Token types looked up as macro uses: a macro may take the name of
        # a built-in @operator.
        self._directives = _DIRECTIVE_TYPES | {
            AT_OPERATORS["@" + name] for name in self.library_macros
            if "@" + name in AT_OPERATORS}
        self.warnings = []                           # (errors before it, StapWarning)
        self.errors = []                             # the parser's errors of the file

    # -- raw token access ---------------------------------------------------

    def _raw(self):
        if self._pushback:
            return self._pushback.pop()
        stack = self._stack
        while stack:
            tok = next(stack[-1], None)     # a lexical error propagates from here
            if tok is not None:
                return tok
            stack.pop()
        return None

    def _unread(self, tok):
        self._pushback.append(tok)

    def _push_tokens(self, toks):
        if self._pushback:
            # Keep pending pushback after the inserted tokens.
            pending = list(reversed(self._pushback))
            self._pushback.clear()
            toks = list(toks) + pending
        self._stack.append(iter(toks))

    # -- the public stream --------------------------------------------------

    def next(self):
        """The next preprocessed token, or None at the end of the file."""
        return self._next(expand_macros=True)

    def _next(self, expand_macros):
        pushback = self._pushback
        stack = self._stack
        directives = self._directives
        while True:
            # _raw(), inlined: this loop runs for every token of the library.
            if pushback:
                tok = pushback.pop()
            else:
                tok = None
                while stack:
                    tok = next(stack[-1], None)
                    if tok is not None:
                        break
                    stack.pop()
            if tok is None:
                if self._conditionals:
                    start = self._conditionals[-1].start
                    self._conditionals.clear()
                    raise _error("incomplete conditional at end of file", start)
                return None
            type_ = tok.type
            if type_ not in directives:
                return tok
            if type_ == "PP_IF":
                self._conditional(tok)
            elif type_ == "PP_ELSE":
                self._else(tok)
            elif type_ == "PP_END":
                if not self._conditionals:
                    raise _error(_STRAY, tok)
                self._conditionals.pop()
            elif type_ == "PP_THEN":
                raise _error(_STRAY, tok)
            else:
                if tok.value == "@define":
                    self._define(tok)
                    continue
                macro = self._lookup(tok.value[1:]) if expand_macros else None
                if macro is None:
                    return tok
                self._expand(tok, macro)

    # -- conditionals ---------------------------------------------------------

    def _conditional(self, start):
        taken = self._condition(start)
        if taken:
            self._conditionals.append(_Conditional(start, False))
        elif self._skip_branch(start, in_else=False) == "else":
            self._conditionals.append(_Conditional(start, True))

    def _else(self, tok):
        if not self._conditionals:
            raise _error(_STRAY, tok)
        current = self._conditionals[-1]
        if current.in_else:
            raise _error("invalid conditional - duplicate '%:'", tok)
        # The end of a taken THEN branch: skip the ELSE branch.
        current.in_else = True
        self._skip_branch(current.start, in_else=True)
        self._conditionals.pop()

    def _skip_branch(self, start, in_else):
        """Skip raw tokens to the `%:` (of a THEN branch) or `%)` that ends the
        branch; returns "else" or "end"."""
        depth = 0
        while True:
            tok = self._raw()
            if tok is None:
                if in_else:
                    self._conditionals.pop()
                raise _error("incomplete conditional at end of file", start)
            if tok.type == "PP_IF":
                depth += 1
            elif tok.type == "PP_END":
                if depth == 0:
                    return "end"
                depth -= 1
            elif tok.type == "PP_ELSE" and depth == 0:
                if in_else:
                    raise _error("invalid conditional - duplicate '%:'", tok)
                return "else"
            elif tok.type == "PP_THEN" and depth == 0:
                # A second `%?`.  The conditional stays open: its `%)` is
                # no stray.
                if not in_else:
                    self._conditionals.append(_Conditional(start, False))
                raise _error(_STRAY, tok)

    def _cond_token(self):
        """Next token of a condition, with macros expanded."""
        while True:
            tok = self._raw()
            if tok is None:
                return None
            if tok.type in self._directives and tok.value[:1] == "@" \
                    and tok.value != "@define":
                macro = self._lookup(tok.value[1:])
                if macro is not None:
                    self._expand(tok, macro)
                    continue
            if tok.type == "JUNK":
                raise _error(tok.value, tok)
            return tok

    def _cond_operand(self, start):
        """One of the three tokens of a comparison (stap reads all three
        before it looks at them)."""
        tok = self._cond_token()
        if tok is None:
            raise _error("incomplete condition after '%('", start)
        return tok

    def _condition(self, start):
        """Evaluate a condition up to and including its `%?`."""
        result = self._disjunction(start)
        tok = self._cond_token()
        if tok is None or tok.type != "PP_THEN":
            raise _error("expected '%?' marker for conditional", start)
        return result

    def _disjunction(self, start):
        value = self._conjunction(start)
        while True:
            tok = self._cond_token()
            if tok is None or tok.type != "OROR":
                if tok is not None:
                    self._unread(tok)
                return value
            rhs = self._conjunction(start)
            value = value or rhs

    def _conjunction(self, start):
        value = self._comparison(start)
        while True:
            tok = self._cond_token()
            if tok is None or tok.type != "ANDAND":
                if tok is not None:
                    self._unread(tok)
                return value
            rhs = self._comparison(start)
            value = value and rhs

    def _comparison(self, start):
        lhs = self._cond_operand(start)
        op_tok = self._cond_operand(start)
        rhs = self._cond_operand(start)
        env = self.env
        name = lhs.value if lhs.type == "IDENT" else None
        if name in _VERSION_NAMES:
            _expect_type(rhs, "STRING", "expected string literal")
            op = self._comparison_operator(op_tok)
            actual = {"kernel_v": env.kernel_version, "kernel_vr": env.kernel_release,
                      "systemtap_v": env.systemtap_version}[name]
            if op in ("==", "!=") and _has_glob(rhs.value):
                return fnmatch.fnmatchcase(actual, rhs.value) == (op == "==")
            return _COMPARE[op](version_compare(actual, rhs.value))
        if name in _GLOB_NAMES:
            _expect_type(rhs, "STRING", "expected string literal")
            op = self._equality_operator(op_tok)
            actual = {"arch": env.arch, "runtime": env.runtime,
                      "systemtap_privilege": env.privilege}[name]
            return fnmatch.fnmatchcase(actual, rhs.value) == (op == "==")
        if name == "guru_mode":
            _expect_type(rhs, "NUMBER", "expected number")
            op = self._equality_operator(op_tok)
            return _COMPARE[op](_cmp(int(bool(env.guru_mode)), _decimal(rhs)))
        if name is not None and name.startswith("CONFIG_"):
            return self._config_comparison(lhs, op_tok, rhs)
        if lhs.type == "NUMBER" and rhs.type == "NUMBER":
            op = self._comparison_operator(op_tok)
            return _COMPARE[op](_cmp(_decimal(lhs), _decimal(rhs)))
        if lhs.type == "STRING" and rhs.type == "STRING":
            op = self._comparison_operator(op_tok)
            return _COMPARE[op](_cmp(lhs.value, rhs.value))
        if lhs.type == "NUMBER" and rhs.type == "STRING":
            raise _error("expected number literal as right value", rhs)
        if lhs.type == "STRING" and rhs.type == "NUMBER":
            raise _error("expected string literal as right value", rhs)
        raise _error(_EXPECTED_CONDITION, lhs)

    @staticmethod
    def _comparison_operator(tok):
        if tok.type not in _COMPARISON_TYPES:
            raise _error("expected comparison operator", tok)
        return _COMPARISON_TYPES[tok.type]

    @staticmethod
    def _equality_operator(tok):
        if tok.type not in ("EQ", "NE"):
            raise _error("expected '==' or '!='", tok)
        return _COMPARISON_TYPES[tok.type]

    def _config_comparison(self, lhs, op_tok, rhs):
        config = self.env.kernel_config
        value = config.get(lhs.value, "")
        if rhs.type == "STRING":
            op = self._equality_operator(op_tok)
            return fnmatch.fnmatchcase(value, rhs.value) == (op == "==")
        if rhs.type == "NUMBER":
            op = self._comparison_operator(op_tok)
            if value == "":
                number = 0      # an option the kernel does not have
            else:
                try:
                    number = int(value, 0)
                except ValueError:
                    raise _error("Config option value not a number", lhs) from None
            return _COMPARE[op](_cmp(number, _decimal(rhs)))
        if rhs.type == "IDENT" and rhs.value.startswith("CONFIG_"):
            op = self._comparison_operator(op_tok)
            return _COMPARE[op](_cmp(value, config.get(rhs.value, "")))
        raise _error("expected string, number literal or other CONFIG_... as right side "
                     "operand", rhs)

    # -- macros -------------------------------------------------------------

    def _define(self, define_tok):
        name_tok = self._raw()
        if name_tok is None or name_tok.type != "IDENT":
            raise _error("expected identifier", name_tok or _eof_of(define_tok))
        name = name_tok.value
        if name == "define":
            # (the definition ends here: what follows is read as it comes)
            raise _error("attempt to redefine '@define'", name_tok)
        previous = self._defined_here.get(name)
        if previous is not None:
            # (the first definition is shown as part of the error: not counted)
            first = _error("macro '@%s' first defined here" % name, previous.tok)
            first.counted = False
            raise StapError("attempt to redefine macro '@%s' in the same file" % name,
                            name_tok, label="at", followers=[first])
        builtin = AT_OPERATORS.get("@" + name)
        if builtin is not None:
            self.warnings.append((len(self.errors), StapWarning(
                "macro redefines built-in operator '@%s'" % name, name_tok)))
            self._directives = self._directives | {builtin}
        params = []
        tok = self._raw()
        if tok is not None and tok.type == "(":
            while True:
                param = self._raw()
                if param is None or param.type != "IDENT":
                    raise _error("expected identifier", param or _eof_of(define_tok))
                params.append(param.value)
                sep = self._raw()
                if sep is not None and sep.type == ",":
                    continue
                if sep is not None and sep.type == ")":
                    break
                raise _error("expected ',' or ')'", sep or _eof_of(define_tok))
            tok = self._raw()
            if tok is None or tok.type != "PP_IF":
                raise _error("expected '%('", tok or _eof_of(define_tok))
        elif tok is None or tok.type != "PP_IF":
            raise _error("expected '%(' or '('", tok or _eof_of(define_tok))
        body = []
        depth = 0
        while True:
            inner = self._raw()
            if inner is None:
                raise _error("incomplete macro definition - missing '%)'", name_tok)
            if inner.type == "PP_IF":
                depth += 1
            elif inner.type == "PP_END":
                if depth == 0:
                    break
                depth -= 1
            body.append(inner)
        macro = Macro(name, params, body, name_tok)
        self._defined_here[name] = macro
        if self.file.name.endswith(".stpm"):
            self.library_macros[name] = macro
        else:
            self.local_macros[name] = macro

    def _lookup(self, name):
        macro = self.local_macros.get(name)
        if macro is None:
            macro = self.library_macros.get(name)
        return macro

    def _expand(self, use, macro):
        """Push the expansion of a macro use onto the token stack."""
        # Nested uses of one macro name within its own expansion: recursion
        # (argument chains make the whole chain long, legitimately).
        depth = sum(1 for origin in use.expansion_chain() if origin.value == use.value)
        if depth >= MAX_MACRO_DEPTH:
            self._abandon_expansions()
            raise _error(RECURSIVE_MACRO, use)
        args = {}
        if macro.params:
            args = dict(zip(macro.params, self._macro_arguments(use, macro)))
        expansion = []
        for tok in macro.body:
            value = tok.value
            if tok.kind == "operator" and value[:1] == "@" and value[1:] in args:
                # An argument's tokens keep their own place, and come from the
                # parameter they replace (as stap shows them: through the
                # parameter's macro, not through where the argument was).
                reference = _relocate(tok, use)
                expansion.extend(Token(arg.type, arg.value, arg.lexpos, arg.file, arg.text,
                                       arg.kind, reference) for arg in args[value[1:]])
            else:
                expansion.append(_relocate(tok, use))
        self._expanded += len(expansion)
        if self._expanded > MAX_EXPANDED_TOKENS:
            self._abandon_expansions()
            raise _error(RECURSIVE_MACRO, use)
        self._push_tokens(expansion)

    def _abandon_expansions(self):
        """After a runaway expansion, the rest of it is dropped (its other
        branches would run away as well): reading goes on in the file."""
        survivors = [tok for tok in reversed(self._pushback) if tok.origin is None]
        for source in reversed(self._stack[1:]):
            survivors.extend(tok for tok in source if tok.origin is None)
        self._pushback.clear()
        del self._stack[1:]
        if survivors:
            self._stack.append(iter(survivors))
        self._expanded = 0

    def _macro_arguments(self, use, macro):
        """The argument token lists of a use of a macro with parameters
        (conditionals in them are resolved, macro uses are left for later)."""
        nparams = len(macro.params)
        tok = self._next(expand_macros=False)
        if tok is None or tok.type != "(":
            raise _error("expected '(' in invocation of macro '@%s' taking %d parameter%s"
                         % (macro.name, nparams, "" if nparams == 1 else "s"),
                         tok or _eof_of(use))
        values = [[]]
        depth = 0
        while True:
            tok = self._next(expand_macros=False)
            if tok is None:
                raise _error("could not find end of macro invocation", use)
            type_ = tok.type
            if type_ in ("(", "["):
                depth += 1
            elif type_ in (")", "]"):
                if depth == 0 and type_ == ")":
                    break
                depth -= 1
            elif type_ == "," and depth == 0:
                if len(values) == nparams:
                    raise _error("too many parameters for macro '@%s' (expected %d)"
                                 % (macro.name, nparams), tok)
                values.append([])
                continue
            values[-1].append(tok)
        if len(values) < nparams:
            raise _error("too few parameters for macro '@%s' (expected %d)"
                         % (macro.name, nparams), tok)
        return values


def _relocate(tok, use):
    """A copy of a macro body token that remembers the macro use it came from."""
    origin = use if tok.origin is None else _rechain(tok.origin, use)
    return Token(tok.type, tok.value, tok.lexpos, tok.file, tok.text, tok.kind, origin)


def _rechain(origin, use):
    return Token(origin.type, origin.value, origin.lexpos, origin.file, origin.text,
                 origin.kind, use if origin.origin is None else _rechain(origin.origin, use))


def _expect_type(tok, type_, message):
    if tok.type != type_:
        raise _error(message, tok)


def _eof_of(tok):
    return Token("$end", None, len(tok.file.text), tok.file, "", "eof")


def _has_glob(pattern):
    return any(ch in pattern for ch in "*?[")


def _decimal(tok):
    """A number in a condition: decimal only, as stap reads it (`010` is ten).
    stap 4.8 dies with "bad lexical cast" on what is not a decimal int64;
    we report it instead."""
    text = tok.value
    if text.isdigit() and int(text) < 1 << 63:
        return int(text)
    raise StapError("number invalid or out of range", tok)

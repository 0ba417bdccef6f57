"""The SystemTap preprocessor, working on tokens between lexer and parser.

It evaluates `%( CONDITION %? THEN %: ELSE %)` against the session (kernel
version and config, architecture, runtime, stap version, privilege, script
arguments), records `@define NAME(PARAMS) %( BODY %)` macros and expands their
`@NAME(ARGS)` uses, and substitutes the script arguments `$1 @1 $# @#`.
"""

import fnmatch
import re

from stap5.diagnostics import SourceFile, StapError
from stap5.parse.lexer import Token, tokenize

MAX_MACRO_DEPTH = 100


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
_DIRECTIVE_TYPES = frozenset(["PP_IF", "PP_THEN", "PP_ELSE", "PP_END", "MACRO", "SCRIPT_ARG"])

_EXPECTED_CONDITION = ("expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n"
                       "             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n"
                       "             comparison between strings or integers")


def _cmp(a, b):
    return (a > b) - (a < b)


class Preprocessor:
    """Turns the lexer's tokens of one file into the parser's tokens.

    `library_macros` are the macros of the tapset `.stpm` files, shared by all
    files; macros a file defines itself are local to it.  Errors are collected
    in `errors` (stap goes on after a bad conditional) and raised by the parser.
    """

    def __init__(self, source_file, env, library_macros=None, errors=None):
        self.file = source_file
        self.env = env
        self.library_macros = library_macros if library_macros is not None else {}
        self.local_macros = {}
        self.errors = errors if errors is not None else []
        self._stack = [iter(tokenize(source_file))]   # token sources, innermost last
        self._pushback = []
        self._open_conditionals = []                    # tokens of %( being taken

    # -- raw token access ---------------------------------------------------

    def _raw(self):
        if self._pushback:
            return self._pushback.pop()
        while self._stack:
            tok = next(self._stack[-1], None)
            if tok is not None:
                return tok
            self._stack.pop()
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

    def tokens(self):
        """Yield the preprocessed tokens."""
        stack = self._stack
        pushback = self._pushback
        directives = _DIRECTIVE_TYPES
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
                if self._open_conditionals:
                    self.errors.append(StapError("incomplete conditional at end of file",
                                                 self._open_conditionals[-1], label="at"))
                    self._open_conditionals = []
                return
            if tok.type not in directives:
                yield tok
                continue
            type_ = tok.type
            if type_ == "PP_IF":
                self._conditional(tok)
            elif type_ == "PP_ELSE":
                if self._open_conditionals:
                    # End of a taken THEN branch: skip the ELSE branch.
                    self._open_conditionals.pop()
                    self._skip_branch(tok, stop_at_else=False)
                else:
                    self.errors.append(StapError("incomplete conditional - missing '%('",
                                                 tok, label="at"))
            elif type_ == "PP_END":
                if self._open_conditionals:
                    self._open_conditionals.pop()
                else:
                    self.errors.append(StapError("incomplete conditional - missing '%('",
                                                 tok, label="at"))
            elif type_ == "PP_THEN":
                self.errors.append(StapError("incomplete conditional - missing '%('",
                                             tok, label="at"))
            elif type_ == "MACRO":
                if tok.value == "@define":
                    self._define(tok)
                elif not self._expand(tok):
                    yield tok
            elif type_ == "SCRIPT_ARG":
                self._push_tokens(self._script_arg(tok))
            else:
                yield tok

    # -- conditionals ---------------------------------------------------------

    def _conditional(self, start):
        try:
            taken = self._condition(start)
        except StapError as err:
            self.errors.append(err)
            # Like stap, give up on this conditional: skip its condition, and let
            # the rest of it be reported as stray %? %: %) tokens.
            return
        if taken:
            self._open_conditionals.append(start)
        else:
            if self._skip_branch(start, stop_at_else=True) == "else":
                self._open_conditionals.append(start)

    def _skip_branch(self, start, stop_at_else):
        """Skip raw tokens to the matching `%:` (when stop_at_else) or `%)`."""
        depth = 0
        while True:
            tok = self._raw()
            if tok is None:
                self.errors.append(StapError("incomplete conditional at end of file",
                                             start, label="at"))
                return "eof"
            if tok.type == "PP_IF":
                depth += 1
            elif tok.type == "PP_END":
                if depth == 0:
                    return "end"
                depth -= 1
            elif tok.type == "PP_ELSE" and depth == 0 and stop_at_else:
                return "else"

    def _cond_token(self):
        """Next token of a condition, with macros and script arguments expanded."""
        while True:
            tok = self._raw()
            if tok is None:
                return None
            if tok.type == "MACRO" and tok.value != "@define" and self._expand(tok):
                continue
            if tok.type == "SCRIPT_ARG":
                self._push_tokens(self._script_arg(tok))
                continue
            return tok

    def _condition(self, start):
        """Evaluate a condition up to and including its `%?`."""
        result = self._or_expression(start)
        tok = self._cond_token()
        if tok is None or tok.type != "PP_THEN":
            bad = tok if tok is not None else start
            if tok is not None:
                self._unread(tok)
            raise StapError("expected '%?' marker for conditional", bad, label="at")
        return result

    def _or_expression(self, start):
        value = self._and_expression(start)
        while True:
            tok = self._cond_token()
            if tok is not None and tok.type == "OROR":
                rhs = self._and_expression(start)
                value = value or rhs
                continue
            if tok is not None:
                self._unread(tok)
            return value

    def _and_expression(self, start):
        value = self._comparison(start)
        while True:
            tok = self._cond_token()
            if tok is not None and tok.type == "ANDAND":
                rhs = self._comparison(start)
                value = value and rhs
                continue
            if tok is not None:
                self._unread(tok)
            return value

    def _operator(self, after):
        tok = self._cond_token()
        if tok is None or tok.type not in _COMPARISON_TYPES:
            bad = tok if tok is not None else after
            if tok is not None:
                self._unread(tok)
            raise StapError("expected comparison operator", bad, label="at")
        return _COMPARISON_TYPES[tok.type]

    def _comparison(self, start):
        lhs = self._cond_token()
        if lhs is None:
            raise StapError("incomplete condition", start, label="at")
        env = self.env
        name = lhs.value if lhs.type == "IDENT" else None
        if name in ("kernel_v", "kernel_vr", "systemtap_v"):
            op = self._operator(lhs)
            rhs = self._expect_string(lhs)
            actual = {"kernel_v": env.kernel_version, "kernel_vr": env.kernel_release,
                      "systemtap_v": env.systemtap_version}[name]
            if op in ("==", "!=") and _has_glob(rhs.value):
                return fnmatch.fnmatchcase(actual, rhs.value) == (op == "==")
            return _COMPARE[op](version_compare(actual, rhs.value))
        if name in ("arch", "runtime", "systemtap_privilege"):
            op = self._operator(lhs)
            rhs = self._expect_string(lhs)
            actual = {"arch": env.arch, "runtime": env.runtime,
                      "systemtap_privilege": env.privilege}[name]
            if op not in ("==", "!="):
                raise StapError("expected '==' or '!='", rhs, label="at")
            return fnmatch.fnmatchcase(actual, rhs.value) == (op == "==")
        if name == "guru_mode":
            op = self._operator(lhs)
            rhs = self._expect_number(lhs)
            return _COMPARE[op](_cmp(int(env.guru_mode), rhs))
        if name is not None and name.startswith("CONFIG_"):
            return self._config_comparison(lhs)
        if lhs.type in ("NUMBER", "STRING"):
            op = self._operator(lhs)
            rhs = self._cond_token()
            if rhs is None or rhs.type != lhs.type:
                bad = rhs if rhs is not None else lhs
                raise StapError("expected %s literal" % ("number" if lhs.type == "NUMBER"
                                                         else "string"), bad, label="at")
            if lhs.type == "NUMBER":
                return _COMPARE[op](_cmp(_number(lhs), _number(rhs)))
            return _COMPARE[op](_cmp(lhs.value, rhs.value))
        raise StapError(_EXPECTED_CONDITION, lhs, label="at")

    def _config_comparison(self, lhs):
        config = self.env.kernel_config
        value = config.get(lhs.value, "")
        op_tok = self._cond_token()
        if op_tok is None or op_tok.type not in _COMPARISON_TYPES:
            bad = op_tok if op_tok is not None else lhs
            raise StapError("expected string, number literal or other CONFIG_... as "
                            "right side operand", bad, label="at")
        op = _COMPARISON_TYPES[op_tok.type]
        rhs = self._cond_token()
        if rhs is not None and rhs.type == "STRING":
            if op not in ("==", "!="):
                raise StapError("expected '==' or '!='", op_tok, label="at")
            return fnmatch.fnmatchcase(value, rhs.value) == (op == "==")
        if rhs is not None and rhs.type == "NUMBER":
            return _COMPARE[op](_cmp(_config_number(value), _number(rhs)))
        if rhs is not None and rhs.type == "IDENT" and rhs.value.startswith("CONFIG_"):
            other = config.get(rhs.value, "")
            return _COMPARE[op](_cmp(_config_number(value), _config_number(other)))
        bad = rhs if rhs is not None else op_tok
        raise StapError("expected string, number literal or other CONFIG_... as right "
                        "side operand", bad, label="at")

    def _expect_string(self, after):
        tok = self._cond_token()
        if tok is None or tok.type != "STRING":
            bad = tok if tok is not None else after
            if tok is not None and tok.type.startswith("PP_"):
                self._unread(tok)
            raise StapError("expected string literal", bad, label="at")
        return tok

    def _expect_number(self, after):
        tok = self._cond_token()
        if tok is None or tok.type != "NUMBER":
            bad = tok if tok is not None else after
            raise StapError("expected number", bad, label="at")
        return _number(tok)

    # -- macros -------------------------------------------------------------

    def _define(self, define_tok):
        name_tok = self._raw()
        if name_tok is None or name_tok.type not in ("IDENT",) and name_tok.kind != "keyword":
            self.errors.append(StapError("expected identifier", name_tok or define_tok,
                                         label="at"))
            return
        params = []
        tok = self._raw()
        if tok is not None and tok.type == "(":
            while True:
                param = self._raw()
                if param is None or param.type != "IDENT":
                    self.errors.append(StapError("expected identifier",
                                                 param or define_tok, label="at"))
                    return
                params.append(param.value)
                sep = self._raw()
                if sep is not None and sep.type == ",":
                    continue
                if sep is not None and sep.type == ")":
                    break
                self.errors.append(StapError("expected ',' or ')'", sep or define_tok,
                                             label="at"))
                return
            tok = self._raw()
        if tok is None or tok.type != "PP_IF":
            self.errors.append(StapError("expected '%('", tok or define_tok, label="at"))
            return
        body = []
        depth = 0
        while True:
            inner = self._raw()
            if inner is None:
                self.errors.append(StapError("incomplete macro definition", define_tok,
                                             label="at"))
                return
            if inner.type == "PP_IF":
                depth += 1
            elif inner.type == "PP_END":
                if depth == 0:
                    break
                depth -= 1
            body.append(inner)
        macro = Macro(name_tok.value, params, body, name_tok)
        if self.file.name.endswith(".stpm"):
            self.library_macros[macro.name] = macro
        else:
            self.local_macros[macro.name] = macro

    def _lookup(self, name):
        macro = self.local_macros.get(name)
        if macro is None:
            macro = self.library_macros.get(name)
        return macro

    def _expand(self, use):
        """Expand a macro use onto the token stack; False if it is no macro."""
        macro = self._lookup(use.value[1:])
        if macro is None:
            return False
        depth = sum(1 for _ in use.expansion_chain())
        if depth >= MAX_MACRO_DEPTH:
            self.errors.append(StapError("recursive macro expansion", use, label="at"))
            return True
        args = {}
        if macro.params:
            values = self._macro_arguments(use, macro)
            if values is None:
                return True
            args = dict(zip(macro.params, values))
        expansion = []
        for tok in macro.body:
            if tok.value.__class__ is str and tok.value[:1] == "@" and tok.value[1:] in args:
                # Argument tokens keep their own location (the macro's caller).
                expansion.extend(args[tok.value[1:]])
            else:
                expansion.append(_relocate(tok, use))
        self._push_tokens(expansion)
        return True

    def _macro_arguments(self, use, macro):
        nparams = len(macro.params)
        tok = self._raw()
        if tok is None or tok.type != "(":
            if tok is not None:
                self._unread(tok)
            self.errors.append(StapError(
                "expected '(' in invocation of macro '@%s' taking %d parameter%s"
                % (macro.name, nparams, "" if nparams == 1 else "s"),
                tok if tok is not None else _eof_of(use)))
            return None
        values = [[]]
        depth = 0
        while True:
            tok = self._raw()
            if tok is None:
                self.errors.append(StapError("could not find end of macro invocation",
                                             use, label="at"))
                return None
            if tok.type in ("(", "[", "{"):
                depth += 1
            elif tok.type in (")", "]", "}"):
                if depth == 0 and tok.type == ")":
                    break
                depth -= 1
            elif tok.type == "," and depth == 0:
                values.append([])
                continue
            values[-1].append(tok)
        if len(values) != nparams:
            self.errors.append(StapError(
                "invocation of macro '@%s' takes %d parameter%s (got %d)"
                % (macro.name, nparams, "" if nparams == 1 else "s", len(values)),
                use, label="at"))
            return None
        return values

    # -- script arguments ---------------------------------------------------

    def _script_arg(self, tok):
        args = self.env.script_args
        text = tok.value
        if text[1] == "#":
            count = str(len(args))
            if text[0] == "$":
                return [tok.derived("NUMBER", count, count, "number")]
            return [tok.derived("STRING", count, count, "string")]
        index = int(text[1:])
        if index < 1 or index > len(args):
            raise StapError("command line argument out of range [1-%d]" % len(args),
                            tok.derived("BADOP", "", "", "junk"), label="at")
        value = args[index - 1]
        if text[0] == "@":
            return [tok.derived("STRING", value, value, "string")]
        # $N: the argument's text is lexed as script tokens, located at $N.
        arg_file = SourceFile(tok.file.name, value, synthetic=True)
        return [Token(t.type, t.value, tok.lexpos, tok.file, t.text, t.kind, tok.origin)
                for t in tokenize(arg_file)]


def _relocate(tok, use):
    """A copy of a macro body token that remembers the macro use it came from."""
    origin = use if tok.origin is None else _rechain(tok.origin, use)
    return Token(tok.type, tok.value, tok.lexpos, tok.file, tok.text, tok.kind, origin)


def _rechain(origin, use):
    return Token(origin.type, origin.value, origin.lexpos, origin.file, origin.text,
                 origin.kind, use if origin.origin is None else _rechain(origin.origin, use))


def _eof_of(tok):
    return Token("$end", None, len(tok.file.text), tok.file, "", "eof")


def _has_glob(pattern):
    return any(ch in pattern for ch in "*?[")


def _number(tok):
    try:
        return int(tok.value, 0) if not re.match(r"0[0-7]+$", tok.value) else int(tok.value, 8)
    except ValueError:
        raise StapError("number invalid or out of range", tok) from None


def _config_number(value):
    try:
        return int(value, 0)
    except ValueError:
        return 0

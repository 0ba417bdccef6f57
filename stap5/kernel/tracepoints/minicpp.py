"""Just enough of the C preprocessor to read a trace-event header alone.

A header such as include/trace/events/sunrpc.h declares most of its events
through its own macros (`DEFINE_RPC_RUNNING_EVENT(begin)` pastes
`rpc_task_##name`), and keeps some behind the kernel's configuration
(`#ifdef CONFIG_RCU_TRACE`).  This module expands what the file defines,
evaluates `#if` against the kernel's CONFIG_ values, and leaves every
other identifier as it is; `#include` is not followed (what a trace header
includes defines types, not events).

    tokens = preprocess(text, config)     # [Token] of the active, expanded text
    split_call(tokens, i)                 # the arguments of a call at tokens[i]

Not a full preprocessor: no `#` stringizing in expansions (headers use it
only inside TP_printk, which nobody reads here), no `__LINE__`.
"""

import re

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<punct>\#\#|\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=?:;,.()\[\]{}\#])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class Token:
    __slots__ = ("kind", "text", "hidden")

    def __init__(self, kind, text, hidden=frozenset()):
        self.kind = kind
        self.text = text
        self.hidden = hidden        # macros not to expand again (their own expansion)

    def __repr__(self):
        return self.text


def tokenize(text):
    return [Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "space"]


def strip_comments(text):
    """Comments out, line continuations joined, strings kept intact."""
    text = text.replace("\\\n", "")
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(" " + "\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            j = i
            while j < n and text[j] not in "\"'/":
                j += 1
            if j == i:
                j += 1
            out.append(text[i:j])
            i = j
    return "".join(out)


class Macro:
    def __init__(self, name, params, body, variadic):
        self.name = name
        self.params = params        # None: object-like
        self.body = body            # [Token]
        self.variadic = variadic    # name of the variadic parameter, if any


_DIRECTIVE = re.compile(r"\s*#\s*(\w+)\s*(.*)$")
_DEFINE = re.compile(r"([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$", re.DOTALL)


def preprocess(text, config, predefined=None, external=None, includes=None):
    """The tokens of `text` outside false conditionals, with the macros it
    defines expanded.  `config` maps CONFIG_* names to their values (1,
    or a number/string); `predefined` maps more names to values;
    `external(name)` gives the body of a macro defined elsewhere (what the
    file includes), or None.  The active #include lines are appended to
    `includes` as (quoted, name)."""
    macros = {}
    defined = _Defined(predefined or {}, config, external)
    lines = strip_comments(text).split("\n")
    active = []                     # lines kept since the last (un)definition
    out = []

    def flush():
        # Expand with the macros as they are here: a header may #undef
        # its helpers after use.
        if active:
            out.extend(expand(tokenize("\n".join(active)), macros))
            del active[:]

    stack = []                      # [(taking this branch, some branch taken, parent active)]
    taking = True
    for line in lines:
        m = _DIRECTIVE.match(line)
        if not m:
            if taking:
                active.append(line)
            continue
        directive, rest = m.group(1), m.group(2).strip()
        if directive in ("if", "ifdef", "ifndef"):
            if not taking:
                value = False
            elif directive == "ifdef":
                value = _is_defined(rest, macros, defined)
            elif directive == "ifndef":
                value = not _is_defined(rest, macros, defined)
            else:
                value = _evaluate(rest, macros, defined)
            stack.append((taking, value))
            taking = taking and value
        elif directive == "elif":
            if not stack:
                continue
            parent, done = stack[-1]
            value = parent and not done and _evaluate(rest, macros, defined)
            stack[-1] = (parent, done or value)
            taking = value
        elif directive == "else":
            if not stack:
                continue
            parent, done = stack[-1]
            stack[-1] = (parent, True)
            taking = parent and not done
        elif directive == "endif":
            if stack:
                taking = stack.pop()[0]
        elif not taking:
            continue
        elif directive == "define":
            flush()
            d = _DEFINE.match(rest)
            if not d:
                continue
            name = d.group(1)
            if d.group(2) is not None and rest[len(name)] == "(":
                params, variadic = [], None
                for param in (p.strip() for p in d.group(3).split(",")):
                    if not param:
                        continue
                    if param == "...":
                        variadic = "__VA_ARGS__"
                        params.append(variadic)
                    elif param.endswith("..."):
                        variadic = param[:-3].strip()
                        params.append(variadic)
                    else:
                        params.append(param)
                macros[name] = Macro(name, params, tokenize(d.group(4)), variadic)
            else:
                body = rest[len(name):]
                macros[name] = Macro(name, None, tokenize(body), None)
        elif directive == "undef":
            flush()
            macros.pop(rest.split()[0] if rest else "", None)
            defined.forget(rest.split()[0] if rest else "")
        elif directive == "include" and includes is not None:
            m = re.match(r"([<\"])([^>\"]+)[>\"]", rest)
            if m:
                includes.append((m.group(1) == '"', m.group(2)))
    flush()
    return out


class _Defined:
    """Names defined outside the file: predefined, the configuration, the
    macros of included files; #undef hides one."""

    def __init__(self, predefined, config, external):
        self.values = dict(predefined)
        self.values.update(config)
        self.external = external
        self.forgotten = set()

    def get(self, name):
        if name in self.forgotten:
            return None
        value = self.values.get(name)
        if value is None and self.external is not None:
            value = self.external(name)
        return value

    def __contains__(self, name):
        return self.get(name) is not None

    def forget(self, name):
        self.forgotten.add(name)


def _is_defined(rest, macros, defined):
    name = rest.split()[0] if rest else ""
    return name in macros or name in defined


def expand(tokens, macros):
    """Macro expansion of a token list (rescanned, each macro hidden in its
    own expansion)."""
    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        macro = macros.get(token.text) if token.kind == "ident" else None
        if macro is None or token.text in token.hidden:
            out.append(token)
            i += 1
            continue
        hidden = token.hidden | {macro.name}
        if macro.params is None:
            replacement = _paste(macro.body, {}, macros)
            i += 1
        else:
            if i + 1 >= len(tokens) or tokens[i + 1].text != "(":
                out.append(token)
                i += 1
                continue
            args, end = split_call(tokens, i + 1)
            bound = _bind(macro, args)
            replacement = _paste(macro.body, bound, macros)
            i = end
        replacement = [Token(t.kind, t.text, t.hidden | hidden) for t in replacement]
        tokens = out + replacement + tokens[i:]
        i = len(out)
    return out


def split_call(tokens, open_index):
    """([argument tokens], index after the closing parenthesis) of the
    parenthesized, comma-separated list opening at tokens[open_index]."""
    args, current, depth = [], [], 0
    i = open_index
    while i < len(tokens):
        text = tokens[i].text
        if text in "([{" and tokens[i].kind == "punct":
            depth += 1
            if depth > 1:
                current.append(tokens[i])
        elif text in ")]}" and tokens[i].kind == "punct":
            depth -= 1
            if depth == 0:
                args.append(current)
                return args, i + 1
            current.append(tokens[i])
        elif text == "," and depth == 1:
            args.append(current)
            current = []
        else:
            current.append(tokens[i])
        i += 1
    args.append(current)
    return args, i


def _bind(macro, args):
    bound = {}
    if len(args) == 1 and not args[0] and not macro.params:
        args = []
    for index, param in enumerate(macro.params):
        if param == macro.variadic:
            rest = []
            for j, arg in enumerate(args[index:]):
                if j:
                    rest.append(Token("punct", ","))
                rest.extend(arg)
            bound[param] = rest
            break
        bound[param] = args[index] if index < len(args) else []
    return bound


def _paste(body, bound, macros):
    """The body with parameters replaced (expanded, unless next to ##) and
    ## applied."""
    out = []
    i = 0
    while i < len(body):
        token = body[i]
        next_is_paste = i + 1 < len(body) and body[i + 1].text == "##"
        after_paste = i > 0 and body[i - 1].text == "##"
        if token.text == "##":
            i += 1
            continue
        if token.kind == "ident" and token.text in bound:
            arg = bound[token.text]
            value = list(arg) if (next_is_paste or after_paste) else expand(list(arg), macros)
        else:
            value = [token]
        if after_paste and out and value:
            glued = out.pop().text + value[0].text
            value = tokenize(glued) + value[1:]
        elif after_paste and not value and out and out[-1].text == ",":
            out.pop()                   # , ## __VA_ARGS__ with no arguments
        out.extend(value)
        i += 1
    return out


def _evaluate(expression, macros, defined):
    """The truth of an #if expression: defined(X), IS_ENABLED(X),
    IS_BUILTIN(X), IS_MODULE(X), numbers, the C operators; other names are 0."""
    def is_defined(name):
        return name in macros or name in defined

    def replace_defined(m):
        return "1" if is_defined(m.group(1) or m.group(2)) else "0"

    text = re.sub(r"\bdefined\s*(?:\(\s*(\w+)\s*\)|(\w+))", replace_defined, expression)

    def config_macro(m):
        name, option = m.group(1), m.group(2)
        builtin = defined.get(option) not in (None, 0, "0", "")
        module = defined.get(option + "_MODULE") not in (None, 0, "0", "")
        value = {"IS_ENABLED": builtin or module, "IS_BUILTIN": builtin,
                 "IS_MODULE": module, "IS_REACHABLE": builtin}[name]
        return "1" if value else "0"

    text = re.sub(r"\b(IS_ENABLED|IS_BUILTIN|IS_MODULE|IS_REACHABLE)\s*\(\s*(\w+)\s*\)",
                  config_macro, text)
    python = []
    for token in tokenize(text):
        if token.kind == "ident":
            value = defined.get(token.text)
            if value is None and token.text in macros:
                body = " ".join(t.text for t in macros[token.text].body)
                value = body if re.fullmatch(r"\d+[uUlL]*", body or "x") else 0
            python.append(str(_number(value)))
        elif token.kind == "number":
            python.append(str(_number(token.text)))
        else:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(token.text,
                                                                           token.text))
    try:
        return bool(eval("".join(python).replace("not =", "!="), {"__builtins__": {}}))
    except Exception:
        return False


def _number(value):
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value).rstrip("uUlL")
    try:
        return int(text, 0)
    except ValueError:
        return 1 if text else 0

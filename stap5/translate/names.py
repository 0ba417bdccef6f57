"""C names of script entities, and C string literals.

Script names can be any stap identifier, including `$` and names that are C
keywords; the prefixes keep them apart from each other and from the runtime.
"""

import re

from stap5.elaborate.program import mangle_file_name
from stap5.diagnostics import describe_token, token_location


def _ident(name):
    return re.sub(r"[^A-Za-z0-9_]", lambda m: "_%02x" % ord(m.group(0)), name)


def global_name(symbol):
    if symbol.private_file is not None:
        return "g_%s__%s" % (mangle_file_name(symbol.private_file), _ident(symbol.name))
    return "g_" + _ident(symbol.name)


def local_name(symbol):
    prefix = "a_" if symbol.scope == "param" else "l_"
    return prefix + _ident(symbol.name)


def function_name(program, function):
    overloads = program.functions.get(function.name, [function])
    position = overloads.index(function) if function in overloads else 0
    if function.private:
        return "f_%s__%s_%d" % (mangle_file_name(function.file.name), _ident(function.name),
                                position)
    return "f_%s_%d" % (_ident(function.name), position)


def c_string(text):
    """A stap string (escapes kept as written, `\\"` already a bare quote) as
    the body of a C string literal: quotes and stray line breaks escaped."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "?":
            out.append("\\?")      # no trigraphs
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\\%03o" % ord(ch))
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def plain_c_string(text):
    """Any Python text (a message, a file name) as a C string literal body."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("?", "\\?"))


def near(tok):
    """The C string naming a token for runtime errors ("operator '/' at x:3:12")."""
    if tok is None:
        return "NULL"
    return '"%s"' % plain_c_string("%s at %s" % (describe_token(tok), token_location(tok)))

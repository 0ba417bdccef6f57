"""Pass 2 diagnostics in stap's layout.

    semantic error: unresolved function foo (similar: log, HZ): identifier 'foo' at t.stp:1:15
            source: probe begin { foo(1) }
                                  ^

    WARNING: Eliding assignment to 'x': operator '=' at t.stp:1:17
     source: probe begin { x = 1 }
                             ^
"""

from stap5.diagnostics import StapError, caret_line, describe_token, token_location


def _location_lines(tok, indent):
    line, col = tok.position()
    text = tok.file.line_text(line)
    pad = " " * indent
    return ["%ssource: %s" % (pad, text),
            "%s        %s" % (pad, caret_line(text, col))]


def _about(message, tok):
    if tok is None:
        return message
    return "%s: %s at %s" % (message, describe_token(tok), token_location(tok))


class SemanticError(StapError):
    """A pass-2 error.  `related` are further tokens shown after the main one
    (e.g. where a clashing type was first inferred), each a (message, tok)."""

    def __init__(self, message, tok=None, related=(), chain=()):
        super().__init__(message, tok, kind="semantic error")
        self.related = list(related)
        self.chain = list(chain)        # enclosing errors printed first (probe point context)

    def render(self):
        out = []
        for outer in self.chain:
            out.append(outer.render() + "\n")
        lines = ["semantic error: " + _about(self.message, self.tok)]
        if self.tok is not None:
            lines.extend(_location_lines(self.tok, 8))
        for text, tok in self.related:
            lines.append(_about(text, tok) if text else "%s at %s" % (
                describe_token(tok), token_location(tok)))
            lines.extend(_location_lines(tok, 8))
        out.append("\n".join(lines) + "\n")
        return "".join(out)

    def key(self):
        """Messages stap considers "similar" (printed once, then counted)."""
        return ("error", self.message)


class SemanticWarning:
    def __init__(self, message, tok=None):
        self.message = message
        self.tok = tok

    def render(self):
        lines = ["WARNING: " + _about(self.message, self.tok)]
        if self.tok is not None:
            lines.extend(_location_lines(self.tok, 1))
        return "\n".join(lines) + "\n"

    def key(self):
        return ("warning", self.message, None if self.tok is None else
                (self.tok.file.name, self.tok.lexpos))


def as_semantic(error):
    """Wrap a StapError raised by shared code (e.g. a probe family) for pass 2."""
    if isinstance(error, SemanticError):
        return error
    return SemanticError(error.message, error.tok)

"""Source locations and SystemTap-style diagnostics.

Every user-facing error goes through here, so that all passes print what stap
prints:

    parse error: expected literal string or number
            saw: operator '}' at script.stp:1:19
         source: probe begin { x = }
                                   ^
"""

import bisect


class SourceFile:
    """A script or tapset file, with lazy line/column lookup."""

    def __init__(self, name, text, privileged=False, synthetic=False):
        self.name = name
        self.text = text
        self.privileged = privileged      # tapsets may use embedded C without -g
        self.synthetic = synthetic        # made up by stap5 (e.g. -e, macro args)
        self._line_starts = None

    def line_starts(self):
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset):
        """Return the 1-based (line, column) of a character offset."""
        starts = self.line_starts()
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_text(self, line):
        starts = self.line_starts()
        if line < 1 or line > len(starts):
            return ""
        begin = starts[line - 1]
        end = self.text.find("\n", begin)
        return self.text[begin:] if end < 0 else self.text[begin:end]

    def __repr__(self):
        return "SourceFile(%r)" % self.name


class StapError(Exception):
    """A diagnostic about the user's script, options or environment.

    ``kind`` is the prefix stap prints ("parse error", "semantic error"...);
    ``tok`` the token it is about (may be None); ``label`` is "saw" or "at",
    the word stap puts before the token's description.
    """

    def __init__(self, message, tok=None, kind="parse error", label="saw", extra=()):
        super().__init__(message)
        self.message = message
        self.tok = tok
        self.kind = kind
        self.label = label
        self.extra = list(extra)    # further (label, token) pairs to show

    def render(self):
        return render_diagnostic(self.kind, self.message, self.tok, self.label, self.extra)


def caret_line(source_line, column):
    """The line under `source:` with a caret under column (tabs kept as tabs)."""
    prefix = "".join(ch if ch == "\t" else " " for ch in source_line[:column - 1])
    return prefix + "^"


def describe_token(tok):
    """stap's description of a token: "identifier 'x'", "keyword", ..."""
    kind = getattr(tok, "kind", None)
    if kind == "eof":
        return "%s EOF" % tok.file.name
    if kind == "keyword":
        return "keyword"
    if kind == "embedded":
        return "embedded-code"
    return "%s '%s'" % (kind, tok.text)


def token_location(tok):
    line, col = tok.position()
    return "%s:%d:%d" % (tok.file.name, line, col)


def _source_lines(tok):
    line, col = tok.position()
    text = tok.file.line_text(line)
    return ["%s: %s" % ("source".rjust(11), text), " " * 13 + caret_line(text, col)]


def render_token(label, tok):
    """The `saw:`/`at:` line and the `source:` lines for a token."""
    if getattr(tok, "kind", None) == "eof":
        return ["%s: %s" % (label.rjust(11), describe_token(tok))]
    out = ["%s: %s at %s" % (label.rjust(11), describe_token(tok), token_location(tok))]
    out.extend(_source_lines(tok))
    for origin in tok.expansion_chain():
        out.append("%s: %s at %s" % ("in expansion of macro".rjust(11), describe_token(origin),
                                      token_location(origin)))
        out.extend(_source_lines(origin))
    return out


def render_diagnostic(kind, message, tok=None, label="saw", extra=()):
    lines = ["%s: %s" % (kind, message)]
    if tok is not None:
        lines.extend(render_token(label, tok))
    for extra_label, extra_tok in extra:
        lines.extend(render_token(extra_label, extra_tok))
    return "\n".join(lines) + "\n"

"""Pass 2 diagnostics in stap's layout.

    semantic error: unresolved function foo (similar: log, HZ): identifier 'foo' at t.stp:1:15
            source: probe begin { foo(1) }
                                  ^

    WARNING: Eliding assignment to 'x': operator '=' at t.stp:1:17
     source: probe begin { x = 1 }
                             ^

An error may carry a chain: further errors printed right after it (where a
clashing type was first inferred, the probe point being resolved...).

stap prints an error or warning only once per "kind" unless -v is given,
and counts the rest ("Number of similar error messages suppressed: 2.").
For errors the kind is the place that raised it, whatever the details of
the message (two "unresolved function" errors naming different functions
are similar); for warnings it is the whole message text.  `similar` is our
name of that kind: by default the message itself, else a constant given by
whoever raises it (usually the message's template).
"""

from stap5.diagnostics import StapError, StapWarning, about, describe_token, location_lines, \
    token_location


class SemanticError(StapError):
    """A pass-2 error, with an optional chain of further errors.  The
    message may be a callable, for messages costly to compute (hints from
    a large candidate set) that are often not reported at all."""

    def __init__(self, message, tok=None, chain=None, similar=None, tok2=None):
        super().__init__("", tok, kind="semantic error")
        self._message = message
        self.chain = chain              # a SemanticError printed after this one
        self.tok2 = tok2                # a second token shown (e.g. a declaration)
        self._similar = similar

    @property
    def message(self):
        if callable(self._message):
            self._message = self._message()
        return self._message

    @message.setter
    def message(self, value):
        self._message = value

    def lazy_message(self):
        """The message, or the callable computing it (not called yet)."""
        return self._message

    @property
    def similar(self):
        return self._similar if self._similar is not None else self.message

    def __str__(self):
        return self.message

    def links(self):
        """This error and its chain, in printing order."""
        error = self
        while error is not None:
            yield error
            error = error.chain

    def render_link(self):
        """This error alone (not its chain), with its blank line."""
        lines = ["semantic error: " + about(self.message, self.tok)]
        if self.tok is not None:
            lines.extend(location_lines(self.tok, 8))
        if self.tok2 is not None:
            lines.append("%s at %s" % (describe_token(self.tok2), token_location(self.tok2)))
            lines.extend(location_lines(self.tok2, 8))
        return "\n".join(lines) + "\n\n"

    def render(self):
        return "".join(link.render_link() for link in self.links())[:-1]

    def last_link(self):
        error = self
        while error.chain is not None:
            error = error.chain
        return error

    def key(self):
        """Errors stap considers "similar" (printed once, then counted)."""
        keys = []
        error = self
        while error is not None:
            keys.append(error.similar)
            error = error.chain
        return ("error",) + tuple(keys)


class SemanticWarning(StapWarning):
    """A pass-2 warning."""


def as_semantic(error):
    """A StapError raised by shared code (e.g. a probe family), for pass 2."""
    if isinstance(error, SemanticError):
        return error
    return SemanticError(error.message, error.tok)

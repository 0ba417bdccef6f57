"""Source locations and SystemTap-style diagnostics.

Every user-facing error goes through here, so that all passes print what stap
prints:

    parse error: expected literal string or number
            saw: operator '}' at script.stp:1:19
         source: probe begin { x = }
                                   ^
"""

import bisect
import sys


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

    def __getstate__(self):
        # The line index is cheap to rebuild and would bloat the parse cache.
        state = dict(self.__dict__)
        state["_line_starts"] = None
        return state

    def __repr__(self):
        return "SourceFile(%r)" % self.name


class StapError(Exception):
    """A diagnostic about the user's script, options or environment.

    ``kind`` is the prefix stap prints ("parse error", "semantic error"...);
    ``tok`` the token it is about (may be None); ``label`` is "saw" or "at",
    the word stap puts before the token's description.  ``followers`` are
    further errors the same mistake produces, reported right after it (stap's
    "macro '@m' first defined here").  ``similarity``: the message that
    decides whether a later error is similar, when not this one's (a
    lexical error is as similar as what the parser expected there).
    """

    def __init__(self, message, tok=None, kind="parse error", label="saw", extra=(),
                 followers=(), similarity=None):
        super().__init__(message)
        self.message = message
        self.tok = tok
        self.kind = kind
        self.label = label
        self.extra = list(extra)    # further (label, token) pairs to show
        self.followers = list(followers)
        self.similarity = similarity
        self.counted = True         # in the count line ("2 parse errors.")

    def render(self):
        return render_diagnostic(self.kind, self.message, self.tok, self.label, self.extra)


def caret_line(source_line, column):
    """The line under `source:` with a caret under column (a byte column, as
    stap counts; tabs kept as tabs so that the caret lines up)."""
    prefix = source_line.encode("utf-8", "surrogateescape")[:column - 1]
    return "".join("\t" if byte == 9 else " " for byte in prefix) + "^"


def _byte_column(line_text, char_column):
    """stap counts columns in bytes; we keep text decoded."""
    prefix = line_text[:char_column - 1]
    if prefix.isascii():
        return char_column
    return len(prefix.encode("utf-8", "surrogateescape")) + 1


def junk_text(text):
    """How stap shows a junk token: printable ASCII as is, else the first
    byte in \\x notation."""
    if not text:
        return ""
    ch = text[0]
    if " " < ch < "\x7f":
        return text
    return "\\x%02x" % text.encode("utf-8", "surrogateescape")[0]


def describe_token(tok):
    """stap's description of a token: "identifier 'x'", "keyword", ..."""
    kind = getattr(tok, "kind", None)
    if kind == "eof":
        return "%s EOF" % tok.file.name
    if kind == "keyword":
        return "keyword"
    if kind == "embedded":
        return "embedded-code"
    if kind == "junk":
        return "junk '%s'" % junk_text(tok.text)
    return "%s '%s'" % (kind, tok.text)


def token_position(tok):
    """(line, byte column) of a token, as stap reports it."""
    line, col = tok.position()
    return line, _byte_column(tok.file.line_text(line), col)


def token_location(tok):
    line, col = token_position(tok)
    return "%s:%d:%d" % (tok.file.name, line, col)


def _source_lines(tok):
    line, col = token_position(tok)
    text = tok.file.line_text(line)
    return ["%s: %s" % ("source".rjust(11), text), " " * 13 + caret_line(text, col)]


def render_token(label, tok):
    """The `saw:`/`at:` line and the `source:` lines for a token, and those
    of the macro uses it was expanded from."""
    if getattr(tok, "kind", None) == "eof":
        # stap "saw" the end of the file, whatever the message's label.
        return ["%s: %s" % ("saw".rjust(11), describe_token(tok))]
    out = ["%s: %s at %s" % (label.rjust(11), describe_token(tok), token_location(tok))]
    out.extend(_source_lines(tok))
    for origin in tok.expansion_chain():
        out.append("\tin expansion of macro: %s at %s" % (describe_token(origin),
                                                        token_location(origin)))
        out.extend(_source_lines(origin))
    return out


def source_lines(tok, indent):
    """A token's source line and caret, indented as stap's warnings (1) and
    semantic errors (8) have them."""
    line, col = tok.position()
    text = tok.file.line_text(line)
    pad = " " * indent
    return ["%ssource: %s" % (pad, text),
            "%s        %s" % (pad, caret_line(text, col))]


def location_lines(tok, indent):
    """The token's source line and caret, then those of the macro uses it
    was expanded from, innermost first."""
    lines = source_lines(tok, indent)
    expansion_chain = getattr(tok, "expansion_chain", None)
    for origin in expansion_chain() if expansion_chain else ():
        lines.append("\tin expansion of macro: %s at %s"
                     % (describe_token(origin), token_location(origin)))
        lines.extend(source_lines(origin, indent))
    return lines


def about(message, tok):
    """`message: <token> at <location>`, stap's first line of a warning or
    semantic error."""
    if tok is None:
        return message
    return "%s: %s at %s" % (message, describe_token(tok), token_location(tok))


class StapWarning:
    """A warning (-w silences them; each message is printed once unless
    -v, the others counted)."""

    def __init__(self, message, tok=None):
        self.message = message
        self.tok = tok

    def render(self):
        lines = ["WARNING: " + about(self.message, self.tok)]
        if self.tok is not None:
            lines.extend(location_lines(self.tok, 1))
        return "\n".join(lines) + "\n"

    def key(self):
        return ("warning", self.message)


def render_diagnostic(kind, message, tok=None, label="saw", extra=()):
    lines = ["%s: %s" % (kind, message)]
    if tok is not None:
        lines.extend(render_token(label, tok))
    for extra_label, extra_tok in extra:
        lines.extend(render_token(extra_label, extra_tok))
    return "\n".join(lines) + "\n"


class Reporter:
    """Prints a run's diagnostics as stap does.

    An error whose message was already printed in this run is not printed
    again (unless the pass runs verbose); stap counts these and says so at
    the end of the run (print_summary).  Count lines ("2 parse errors.")
    count every error, printed or not.
    """

    def __init__(self, session=None, out=None):
        self.session = session
        self._out = out
        self._seen = set()
        self.suppressed = 0             # errors not printed (pass 1's, pass 2's)
        self.suppressed_warnings = 0    # pass 2's

    @property
    def out(self):
        return self._out or sys.stderr

    def _verbose(self, pass_number):
        return self.session is not None and self.session.verbosity(pass_number) > 0

    def print_warning(self, warning, pass_number=1):
        if self.session is not None and self.session.suppress_warnings:
            return
        key = warning.key()
        if key in self._seen and not self._verbose(pass_number):
            self.suppressed_warnings += 1
            return
        self._seen.add(key)
        self.out.write(warning.render())

    def print_errors(self, errors, kind_word, pass_number=1, warnings=()):
        """Print errors and their count line ("1 parse error."; none if
        kind_word is None); `warnings`, (number of errors before it,
        StapWarning), come out among them."""
        out = self.out
        verbose = self._verbose(pass_number)
        pending = list(warnings)
        for index, err in enumerate(errors):
            while pending and pending[0][0] <= index:
                self.print_warning(pending.pop(0)[1], pass_number)
            # Two errors are similar when their messages are; for errors
            # pointing `at:` a token, when their tokens are the same too.
            if err.similarity is not None:
                key = (err.kind, err.similarity, None)
            else:
                key = (err.kind, err.message,
                       getattr(err.tok, "text", None) if err.label == "at" else None)
            if key in self._seen and not verbose:
                self.suppressed += 1
                continue
            self._seen.add(key)
            out.write(err.render() + "\n")
        for _, warning in pending:
            self.print_warning(warning, pass_number)
        if kind_word is not None and errors:
            count = sum(1 for err in errors if err.counted)
            out.write("%d %s%s.\n" % (count, kind_word, "" if count == 1 else "s"))

    def print_summary(self):
        """The end-of-run note about suppressed messages, if any."""
        lines = []
        if self.suppressed:
            lines.append("Number of similar error messages suppressed: %d.\n"
                         % self.suppressed)
        if self.suppressed_warnings:
            lines.append("Number of similar warning messages suppressed: %d.\n"
                         % self.suppressed_warnings)
        if lines:
            lines.append("Rerun with -v to see them.\n")
            self.out.write("".join(lines))


def session_reporter(session):
    """The Reporter of a session (one per run, so duplicates are suppressed
    across passes)."""
    reporter = getattr(session, "reporter", None)
    if reporter is None:
        reporter = Reporter(session)
        session.reporter = reporter
    return reporter

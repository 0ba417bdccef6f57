"""Regular expressions for `=~` / `!~`, compiled at translate time.

The kernel has no regex library: like stap, we compile each pattern into a
C function, `static int64_t NAME(struct context *c, const char *subject)`
returning 1 on a match.  The pattern is parsed in stap's dialect (parser.py),
made an NFA (nfa.py), then table-driven DFAs (search.py, captures.py) that
the C of templates/regex.j2 runs in time linear in the subject, reading at
most MAXSTRINGLEN bytes, without allocating or recursing.

    compile_matcher(pattern, cname, templates, captures=False) -> Matcher
    check_pattern(pattern)          # raises RegexError, for pass 2
    Program(pattern, captures)      # the tables; .matches(s), .groups(s) in Python

With captures=True the matcher also records the match in the context
(c->regex_match, a struct stp_regex_match: see runtime/regex.h) for the
tapset's matched(), matched_str() and ngroups().

Used by pass 2 (to check patterns) and pass 3 (for the matchers); it knows
nothing of either: the templates come from the caller.
"""

from stap5.regex import captures as _captures
from stap5.regex import nfa as _nfa
from stap5.regex import parser as _parser
from stap5.regex import search as _search
from stap5.regex import simulate as _simulate
from stap5.regex.parser import RegexError

__all__ = ["RegexError", "Matcher", "Program", "compile_matcher", "check_pattern"]


class Program:
    """A pattern compiled to the tables the C matcher runs."""

    def __init__(self, pattern, captures=False):
        self.pattern = pattern
        parsed = _parser.parse(pattern)
        self.ngroups = parsed.ngroups
        automaton = _nfa.build(parsed)
        self.classes, representatives = automaton.byte_classes()
        self.nclasses = len(representatives)
        self.search = _search.build(automaton, self.classes, representatives)
        self.captures = None
        if captures:
            self.captures = _captures.build(automaton, self.classes, representatives)

    def matches(self, subject, maxlen=_simulate.MAXSTRINGLEN):
        """subject =~ pattern, computed from the tables (bytes or latin-1 str)."""
        return _simulate.matches(self, subject, maxlen)

    def groups(self, subject, maxlen=_simulate.MAXSTRINGLEN):
        """[(start, end)] per group (0 is the whole match), (-1, -1) for an
        unmatched group; None when there is no match.  Needs captures=True."""
        return _simulate.groups(self, subject, maxlen)


class Matcher:
    def __init__(self, cname, code, ngroups=1, captures=False):
        self.cname = cname
        self.code = code
        self.ngroups = ngroups
        self.captures = captures


def check_pattern(pattern):
    """Raise RegexError (4.8's words) if the pattern is not valid."""
    _parser.parse(pattern)


def compile_matcher(pattern, cname, templates, captures=False):
    """The C matcher of `=~ "pattern"` (pattern as written in the literal),
    from templates/regex.j2 (`templates`: the jinja2 environment of the
    templates directory)."""
    from stap5.regex import emit
    program = Program(pattern, captures)
    return Matcher(cname, emit.render(program, cname, templates), program.ngroups, captures)

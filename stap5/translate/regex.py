"""Regular expressions for `=~` / `!~`, compiled at translate time.

The kernel has no regex library: like stap, we compile each pattern into a
C matcher function.  compile_matcher(pattern, cname, syntax) returns a
Matcher with the function's name and code; the function has the signature
`static int64_t NAME(struct context *c, const char *subject)` (1 on match).
"""


class RegexError(ValueError):
    pass


class Matcher:
    def __init__(self, cname, code):
        self.cname = cname
        self.code = code


def compile_matcher(pattern, cname, syntax):
    raise RegexError("regular expressions are not supported yet")

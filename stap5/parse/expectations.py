"""What stap says it expected, when the parser meets a token it cannot use.

stap's parser is recursive descent: each place that can fail has its own
message ("expected ')'", "expected one of ', )'", "expected statement"...),
and either reads the bad token (consumes it) or only looks at it.  Ours is
LALR: at an error we know the parser state, whose LR(0) items say what it
was in the middle of.  `describe` turns that into stap's message, and says
whether stap would have consumed the token (error recovery then starts after
it) -- see RULES.
"""

from stap5.parse.lexer import KEYWORDS, OPERATORS


def settle(tables, stack):
    """The state stap's parser would be in when it gives up: ours reduces
    what it can (any reduction the state allows, whatever the lookahead), as
    a recursive-descent parser finishes each phrase before it checks the
    token that must follow it.  Returns the new state stack."""
    stack = list(stack)
    action = tables.action
    goto = tables.goto
    productions = tables.productions
    for _ in range(1000):
        reductions = [t for t in action[stack[-1]].values() if t < 0]
        if not reductions:
            break
        rule = max(set(reductions), key=reductions.count)
        production = productions[-rule]
        if production.len:
            del stack[-production.len:]
        stack.append(goto[stack[-1]][production.name])
    return stack


def describe(tables, stack, tok):
    """(message, consumed) for a syntax error at `tok` (None at the end of
    the input) with the parser's state stack `stack`."""
    state = settle(tables, stack)[-1]
    expected = set(tables.action[state].keys())
    if tok is not None and tok.type == "MACRO":
        return "unknown operator %s" % tok.value, False
    if "PROBE" in expected and "GLOBAL" in expected:
        return "expected 'probe', 'global', 'private', 'function', or '%{'", False
    if expected & {"IF", "WHILE", "FOR", "FOREACH", "TRY", "RETURN", "DELETE"}:
        if tok is None or tok.kind == "keyword":
            return "expected statement", False
        return "expected literal string or number", False
    if "NUMBER" in expected and "STRING" in expected:
        return "expected literal string or number", False
    if expected == {"IDENT"}:
        return "expected identifier", True
    names = sorted(_describe_terminal(t) for t in expected if t != "$end")
    if len(names) == 1:
        return "expected %s" % names[0], True
    return "expected one of '%s'" % " ".join(n.strip("'") for n in names), True


def _describe_terminal(token_type):
    if token_type == "IDENT":
        return "identifier"
    if token_type == "STRING":
        return "literal string"
    if token_type == "NUMBER":
        return "number"
    for text, name in OPERATORS:
        if name == token_type:
            return "'%s'" % text
    for text, name in KEYWORDS.items():
        if name == token_type:
            return "'%s'" % text
    return "'%s'" % token_type

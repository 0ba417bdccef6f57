"""A lean LALR(1) driver over the tables of grammar.py (see tables.py).

ply's own driver wraps every symbol and every reduction in objects of its own;
this one keeps three flat stacks (states, values, tokens), hands grammar
actions a list (`p[0]`, `p[1]`..., `len(p)`, and `p.token(n)` or ply's
`p.slice[n]` for the token of a terminal), and skips the call entirely for
unit productions whose action only passes its value up (marked with
`grammar.passes_value`).
It reads a lookahead token exactly when ply would (not in states that only
reduce), so errors are found at the same tokens.
"""

from stap5.parse import grammar


class Reduction(list):
    """The `p` of a grammar action: p[0] is the result, p[1:] the values."""

    __slots__ = ("_tokens",)

    def token(self, n):
        """The token of terminal n (the action runs before the token stack is
        popped, so its top entries are this production's)."""
        tokens = self._tokens
        return tokens[len(tokens) - len(self) + n]

    @property
    def slice(self):
        """ply's spelling: p.slice[n] is the token of terminal n."""
        return [None] + [self.token(n) for n in range(1, len(self))]


class EndOfInput:
    """The lookahead at end of input."""

    type = "$end"
    value = None


_END = EndOfInput()


class Parser:
    """Runs the tables of tables.py.  After an exception, `statestack`,
    `valuestack` and `tokenstack` are as they were then (the driver
    describes what was expected from them) and `lookahead` is the token read
    but not yet used, if any."""

    def __init__(self, tables):
        self.tables = tables
        self.action = tables.action
        self.goto = tables.goto
        self.defaulted_states = tables.defaulted_states
        self.statestack = [0]
        self.valuestack = [None]
        self.tokenstack = [None]
        self.lookahead = None
        productions = tables.productions
        self._lengths = [prod.len for prod in productions]
        self._names = [prod.name for prod in productions]
        self._actions = [
            None if prod.len == 1 and getattr(prod.callable, "passes_value", False)
            else prod.callable
            for prod in productions
        ]

    def parse(self, next_token):
        """Parse the tokens `next_token()` returns (None at the end).  Raises
        grammar.SyntaxErrorAt at the first token no rule accepts."""
        actions = self.action
        goto = self.goto
        defaulted = self.defaulted_states
        lengths = self._lengths
        names = self._names
        callables = self._actions
        states = self.statestack = [0]
        values = self.valuestack = [None]
        tokens = self.tokenstack = [None]
        lookahead = None
        state = 0
        try:
            while True:
                if state in defaulted:
                    t = defaulted[state]
                else:
                    if lookahead is None:
                        lookahead = next_token() or _END
                    t = actions[state].get(lookahead.type)
                    if t is None:
                        raise grammar.SyntaxErrorAt(None if lookahead is _END else lookahead)
                if t > 0:
                    states.append(t)
                    state = t
                    values.append(lookahead.value)
                    tokens.append(lookahead)
                    lookahead = None
                    continue
                if t == 0:
                    return values[-1]
                rule = -t
                length = lengths[rule]
                action = callables[rule]
                if length:
                    if action is None:
                        result = values[-1]
                    else:
                        p = Reduction(values[-length - 1:])
                        p[0] = None
                        p._tokens = tokens
                        action(p)
                        result = p[0]
                    del states[-length:]
                    del values[-length:]
                    del tokens[-length:]
                else:
                    p = Reduction((None,))
                    p._tokens = tokens
                    action(p)
                    result = p[0]
                state = goto[states[-1]][names[rule]]
                states.append(state)
                values.append(result)
                tokens.append(None)
        except BaseException:
            self.lookahead = None if lookahead is _END else lookahead
            raise

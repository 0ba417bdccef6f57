"""What stap says it expected, when the parser meets a token it cannot use.

stap's parser is recursive descent: each place that can fail has its own
message ("expected ')'", "expected one of ', )'", "expected statement"...),
its own wording at the end of the file ("unexpected end-of-file", "expected
value"...), and either reads the bad token (consumes it: error recovery goes
on after it) or only looks at it (recovery may start again at it, when it is
a top-level keyword).  Ours is LALR: at an error we have the state stack,
whose LR(0) items say what the parser is in the middle of.

`describe` looks the current state up in RULES (by its items).  If no rule
is about it, it does what the recursive-descent parser would have done
before checking the token: finish the phrase that may end here (reduce
whatever the state allows) and looks again.  A state no rule names gets a
generic reading: a statement is expected, or a value, or one of the tokens
the state can shift.

The rules were written from 4.8's messages on thousands of broken scripts
(mutations of real scripts; see testsuite/parse/test_diagnostics48.py).
"""

from stap5.parse.lexer import KEYWORDS, OPERATORS

END_OF_FILE = "unexpected end-of-file"
TOP_LEVEL = "expected 'probe', 'global', 'private', 'function', or '%{'"
LITERAL = "expected literal string or number"

# print-family functions whose first argument is a literal format or delimiter.
FORMAT_FUNCTIONS = frozenset(["printf", "sprintf", "printd", "printdln", "sprintd",
                              "sprintdln"])
PRINT_FUNCTIONS = FORMAT_FUNCTIONS | {"print", "println", "sprint", "sprintln"}


class Error:
    """What to report: the message, the token it is about (None: the token
    met), and whether stap consumed that token."""

    def __init__(self, message, tok=None, consumed=True, label="saw"):
        self.message = message
        self.tok = tok
        self.consumed = consumed
        self.label = label


class Rule:
    """The error stap reports in one place of its grammar.

    message      for any token (None: no rule for tokens, look further)
    tokens       {token type: message} for particular tokens
    eof          the message at the end of the file
    eof_at_last  at the end of the file, stap points at the last token read
                 rather than at the end of the file
    consumed     stap reads the bad token before complaining
    """

    def __init__(self, message=None, eof=END_OF_FILE, eof_at_last=False, consumed=True,
                 tokens=None):
        self.message = message
        self.eof = eof
        self.eof_at_last = eof_at_last
        self.consumed = consumed
        self.tokens = tokens or {}

    def error(self, tok, context):
        if tok is None:
            if self.eof is None:
                return None
            return Error(self.eof, context.last_token() if self.eof_at_last else None)
        message = self.tokens.get(tok.type, self.message)
        if message is None:
            return None
        return Error(message, consumed=self.consumed)


class ValueRule(Rule):
    """An expression operand is required: stap's parse of a value fails."""

    def __init__(self, eof="expected value"):
        super().__init__(LITERAL, eof=eof)

    def error(self, tok, context):
        if tok is not None and tok.type == "MACRO":
            return Error("unknown operator %s" % tok.value)
        return super().error(tok, context)


class StatementRule(Rule):
    """A statement is required (or a block may go on): a keyword or junk that
    cannot start one is "expected statement"; anything else is taken for the
    start of an expression statement, whose value is then missing."""

    def __init__(self):
        super().__init__(LITERAL, eof="expected statement")

    def error(self, tok, context):
        if tok is None:
            return Error(self.eof)
        if tok.kind in ("keyword", "junk"):
            return Error("expected statement", consumed=False)
        if tok.type == "MACRO":
            return Error("unknown operator %s" % tok.value)
        return Error(LITERAL)


class CallArgumentsRule(Rule):
    """After a call's argument: stap's two call parsers word it differently."""

    def error(self, tok, context):
        if tok is None:
            return Error(END_OF_FILE)
        name = context.token_before_dot(3)
        if name is not None and name.value in PRINT_FUNCTIONS:
            return Error("expected one of ', )'")
        return Error("expected one of ') ,'")


class FirstArgumentRule(ValueRule):
    """The first argument of a call: printf and the like need a literal."""

    def error(self, tok, context):
        name = context.token_before_dot(2)
        if name is not None and name.value in FORMAT_FUNCTIONS:
            if tok is None:
                return Error(END_OF_FILE)
            return Error("expected literal string")
        return super().error(tok, context)


class PrintNameRule(Rule):
    """print, printf... without their `(`: stap has no such variables."""

    def error(self, tok, context):
        name = context.token_before_dot(1)
        if name is None or name.value not in PRINT_FUNCTIONS:
            return None
        if tok is None:
            return Error(END_OF_FILE, name)
        return Error("expected '('")


class ExtraParameterRule(Rule):
    """One parameter too many for an @operator: stap points at the comma."""

    def __init__(self, message, otherwise):
        super().__init__()
        self.extra = message
        self.otherwise = otherwise

    def error(self, tok, context):
        if tok is not None and tok.type == ",":
            return Error(self.extra, label="at")
        return self.otherwise.error(tok, context)


def _expect(message, eof=END_OF_FILE, eof_at_last=False):
    return Rule(message, eof=eof, eof_at_last=eof_at_last)


def _opening(eof_at_last=True):
    """The `(` after a keyword or an @operator."""
    return _expect("expected '('", eof_at_last=eof_at_last)


POINT_START = _expect("expected identifier or '*' or '{'")
AFTER_POINTS = Rule("expected one of ', { } = +='", eof="expected one of ', { } = +='",
                    consumed=False, tokens={"}": "expected probe point specifier"})
VALUE = ValueRule()
STATEMENT = StatementRule()
CLOSE_PAREN = _expect("expected ')'")
FOREACH_ARRAY = _expect("expected identifier or statistical operation")
LIST_END = _expect("expected ',' or ']'", eof="expected ',' or ']'")

# LR(0) items ("lhs -> symbols", • marking how far the parser got) -> Rule.
RULES = {
    # --- top level ---------------------------------------------------------------
    "S' -> file •": Rule(TOP_LEVEL, consumed=False),
    "top_item -> PRIVATE • private_decl": _expect("expected 'function' or identifier"),

    # --- probes and probe points ------------------------------------------------
    "probe_decl -> PROBE • probe_points block": _expect(
        "expected identifier or '*' or '{'", eof_at_last=True),
    "probe_decl -> PROBE probe_points • block": AFTER_POINTS,
    "probe_decl -> PROBE probe_points = • probe_points block": POINT_START,
    "probe_decl -> PROBE probe_points ADD_ASSIGN • probe_points block": POINT_START,
    "probe_decl -> PROBE probe_points = probe_points • block": AFTER_POINTS,
    "probe_decl -> PROBE probe_points ADD_ASSIGN probe_points • block": AFTER_POINTS,
    "probe_decl -> PROBE probe_points = probe_points block , • block": _expect("expected '{'"),
    "probe_points -> probe_points , • probe_point": POINT_START,
    "point_path -> point_path . • point_segment": POINT_START,
    "point_segment -> { • point_alternatives }": POINT_START,
    "point_alternatives -> point_alternatives , • point_alternative": POINT_START,
    "point_segment -> { point_alternatives • }": Rule(
        "expected one of ', { } = +='", eof="expected one of ', { } = +='",
        tokens={"=": "expected '}'", "{": "expected '}'"}),
    "component -> component_name ( • component_arg )": _expect(LITERAL),
    "component -> component_name ( component_arg • )": CLOSE_PAREN,
    "component_arg -> - • NUMBER": _expect(LITERAL),
    "point_condition -> IF • ( expr )": _expect("expected '('", eof="expected '('"),
    "point_condition -> IF ( • expr )": VALUE,
    "point_condition -> IF ( expr • )": _expect("expected ')'", eof="expected ')'"),

    # --- functions -----------------------------------------------------------------
    "function_head -> FUNCTION • IDENT type_annotation": _expect("expected identifier"),
    "function_head -> FUNCTION IDENT • type_annotation": Rule(eof_at_last=True),
    "function_decl -> function_head • ( params ) function_body": _expect("expected '('"),
    "function_decl -> function_head ( • params ) function_body": _expect(
        "expected identifier"),
    "function_decl -> function_head ( params • ) function_body": _expect(
        "expected ',' or ')'"),
    "param -> IDENT • type_annotation": Rule(eof_at_last=True),
    "param_list -> param_list , • param": _expect("expected identifier"),
    "type_annotation -> : • STRING_KW": _expect("expected 'string' or 'long'"),
    "function_decl -> function_head ( params ) • function_body": _expect("expected '{'"),

    # --- globals -------------------------------------------------------------------
    "global_decl -> GLOBAL • global_vars": _expect("expected identifier"),
    "global_vars -> global_vars , • global_var": _expect("expected identifier"),
    "global_var -> IDENT = • global_init": _expect(LITERAL, eof_at_last=True),
    "global_init -> - • NUMBER": _expect(LITERAL),
    "global_size -> [ • NUMBER ]": _expect("expected number"),
    "global_size -> [ NUMBER • ]": _expect("expected ']'"),
    "global_size -> [ NUMBER ] •": Rule(
        tokens={"=": "only scalar globals can be initialized"}),

    # --- statements ----------------------------------------------------------------
    "statement -> IF • ( expr ) statement": _opening(),
    "statement -> IF ( expr • ) statement": CLOSE_PAREN,
    "statement -> WHILE • ( expr ) statement": _opening(),
    "statement -> WHILE ( expr • ) statement": CLOSE_PAREN,
    "statement -> FOR • ( opt_expr ; opt_expr ; opt_expr ) statement": _opening(),
    "statement -> FOR ( • opt_expr ; opt_expr ; opt_expr ) statement": ValueRule(
        eof="expression statement expected"),
    "statement -> FOR ( opt_expr • ; opt_expr ; opt_expr ) statement": _expect(
        "expected ';'"),
    "statement -> FOR ( opt_expr ; • opt_expr ; opt_expr ) statement": VALUE,
    "statement -> FOR ( opt_expr ; opt_expr • ; opt_expr ) statement": _expect(
        "expected ';'"),
    "statement -> FOR ( opt_expr ; opt_expr ; • opt_expr ) statement": ValueRule(
        eof="expression statement expected"),
    "statement -> FOR ( opt_expr ; opt_expr ; opt_expr • ) statement": CLOSE_PAREN,
    "statement -> FOREACH • ( foreach_head ) statement": _opening(),
    "statement -> FOREACH ( • foreach_head ) statement": _expect("expected identifier"),
    "statement -> FOREACH ( foreach_head • ) statement": CLOSE_PAREN,
    "foreach_head -> foreach_keys • IN foreach_array foreach_slice array_sort "
    "foreach_limit": _expect("expected 'in'"),
    "foreach_head -> IDENT sort_mark = foreach_keys • IN foreach_array foreach_slice "
    "array_sort foreach_limit": _expect("expected 'in'"),
    "foreach_head -> foreach_keys IN • foreach_array foreach_slice array_sort "
    "foreach_limit": FOREACH_ARRAY,
    "foreach_head -> IDENT sort_mark = foreach_keys IN • foreach_array foreach_slice "
    "array_sort foreach_limit": FOREACH_ARRAY,
    "foreach_head -> IDENT sort_mark = • foreach_keys IN foreach_array foreach_slice "
    "array_sort foreach_limit": _expect("expected identifier"),
    "foreach_head -> IDENT sort_mark • = foreach_keys IN foreach_array foreach_slice "
    "array_sort foreach_limit": _expect("expected 'in'"),
    "foreach_keys -> [ • foreach_key_list ]": _expect("expected identifier"),
    "foreach_keys -> [ foreach_key_list • ]": LIST_END,
    "foreach_key_list -> foreach_key_list , • foreach_key": _expect("expected identifier"),
    "foreach_slice -> [ • index_list ]": VALUE,
    "foreach_slice -> [ index_list • ]": LIST_END,
    "foreach_limit -> LIMIT • expr": VALUE,
    "foreach_head -> foreach_keys IN foreach_array foreach_slice • array_sort "
    "foreach_limit": Rule(tokens={"MACRO": "expected statistical operation"}),
    "foreach_head -> IDENT sort_mark = foreach_keys IN foreach_array foreach_slice • "
    "array_sort foreach_limit": Rule(tokens={"MACRO": "expected statistical operation"}),
    "array_sort -> AT_STAT • sort_mark": _expect("expected sort directive",
                                                 eof="expected sort directive"),
    "statement -> TRY • block CATCH block": _expect("expected '{'", eof_at_last=True),
    "statement -> TRY block • CATCH block": _expect("expected 'catch'"),
    "statement -> TRY block CATCH • block": _expect("expected '{'"),
    "statement -> TRY block CATCH ( • IDENT ) block": _expect("expected identifier"),
    "statement -> TRY block CATCH ( IDENT • ) block": CLOSE_PAREN,
    "statement -> TRY block CATCH ( IDENT ) • block": _expect("expected '{'"),
    "statement -> DELETE • expr": VALUE,

    # --- expressions ----------------------------------------------------------------
    "expr -> expr ? expr • : expr": _expect("expected ':'"),
    "cexpr -> cexpr REGEX_MATCH • cexpr": _expect("expected literal string",
                                                  eof_at_last=True),
    "cexpr -> cexpr REGEX_NOMATCH • cexpr": _expect("expected literal string",
                                                    eof_at_last=True),
    "in_expr -> cexpr IN • IDENT": FOREACH_ARRAY,
    "in_expr -> [ index_list ] IN • IDENT": _expect(
        "expected identifier or statistical operation", eof_at_last=True),
    "in_expr -> [ index_list • ] IN IDENT": LIST_END,
    "primary -> ( expr • )": CLOSE_PAREN,
    "primary -> IDENT •": PrintNameRule(),
    "primary -> IDENT ( • arg_list )": FirstArgumentRule(),
    "primary -> IDENT ( arg_list • )": CallArgumentsRule(),
    "primary -> IDENT [ index_list • ]": _expect("expected one of '] ,'"),
    "primary -> primary [ expr • ]": _expect("expected ']'"),
    "primary -> primary ARROW • member_name": _expect("expected identifier or keyword",
                                                      eof_at_last=True),
    "primary -> AT_CAST • ( expr , string_literal )": _opening(),
    "primary -> AT_CAST ( expr • , string_literal )": _expect("expected ','"),
    "primary -> AT_CAST ( expr , • string_literal )": _expect("expected string"),
    "primary -> AT_CAST ( expr , string_literal • )": CLOSE_PAREN,
    "primary -> AT_CAST ( expr , string_literal , • string_literal )": _expect(
        "expected string"),
    "primary -> AT_CAST ( expr , string_literal , string_literal • )": CLOSE_PAREN,
    "primary -> AT_VAR • ( string_literal )": _opening(),
    "primary -> AT_VAR ( • string_literal )": _expect("expected string"),
    "primary -> AT_VAR ( string_literal • )": CLOSE_PAREN,
    "primary -> AT_VAR ( string_literal , • string_literal )": _expect("expected string"),
    "primary -> AT_VAR ( string_literal , string_literal • )": CLOSE_PAREN,
    "primary -> AT_DEFINED • ( expr )": _opening(),
    "primary -> AT_DEFINED ( expr • )": CLOSE_PAREN,
    "primary -> AT_ENTRY • ( expr )": _opening(),
    "primary -> AT_ENTRY ( expr • )": CLOSE_PAREN,
    "primary -> AT_PROBEWRITE • ( expr )": _opening(),
    "primary -> AT_PROBEWRITE ( • expr )": _expect("expected identifier"),
    "primary -> AT_PROBEWRITE ( expr • )": CLOSE_PAREN,
    "primary -> AT_STAT • ( expr )": _opening(),
    "primary -> AT_STAT ( expr • )": CLOSE_PAREN,
    "primary -> AT_STAT ( expr , • expr )": _expect("expected number"),
    "primary -> AT_STAT ( expr , expr • )": ExtraParameterRule(
        "not more than 2 parameters allowed", CLOSE_PAREN),
    "primary -> AT_DEREF • ( expr , expr )": _opening(),
    "primary -> AT_DEREF ( • expr , expr )": _expect("expected number"),
    "primary -> AT_DEREF ( expr • , expr )": _expect("expected ','"),
    "primary -> AT_DEREF ( expr , expr • )": CLOSE_PAREN,
    "primary -> AT_REGISTER • ( expr )": _opening(),
    "primary -> AT_REGISTER ( • expr )": _expect("expected number"),
    "primary -> AT_REGISTER ( expr • )": CLOSE_PAREN,
    "primary -> AT_CONST • ( string_literal )": _opening(),
    "primary -> AT_CONST ( • string_literal )": _expect("expected string"),
    "primary -> AT_CONST ( string_literal • )": CLOSE_PAREN,
    "primary -> AT_PERF • ( string_literal )": _opening(),
    "primary -> AT_PERF ( • string_literal )": _expect("expected literal string"),
    "primary -> AT_PERF ( string_literal • )": CLOSE_PAREN,
    "histogram -> AT_HIST_LOG • ( expr )": _opening(),
    "histogram -> AT_HIST_LOG ( expr • )": CLOSE_PAREN,
    "histogram -> AT_HIST_LINEAR • ( expr , expr , expr , expr )": _opening(),
    "histogram -> AT_HIST_LINEAR ( expr • , expr , expr , expr )": _expect("expected ','"),
    "histogram -> AT_HIST_LINEAR ( expr , • expr , expr , expr )": _expect(
        "expected number"),
    "histogram -> AT_HIST_LINEAR ( expr , expr • , expr , expr )": _expect("expected ','"),
    "histogram -> AT_HIST_LINEAR ( expr , expr , • expr , expr )": _expect(
        "expected number"),
    "histogram -> AT_HIST_LINEAR ( expr , expr , expr • , expr )": _expect("expected ','"),
    "histogram -> AT_HIST_LINEAR ( expr , expr , expr , • expr )": _expect(
        "expected number"),
    "histogram -> AT_HIST_LINEAR ( expr , expr , expr , expr • )": CLOSE_PAREN,
}

# Tokens that only continue an expression: never what stap says it expected.
_CONTINUATIONS = frozenset(
    ["=", "ADD_ASSIGN", "SUB_ASSIGN", "MUL_ASSIGN", "DIV_ASSIGN", "MOD_ASSIGN", "SHL_ASSIGN",
     "SHR_ASSIGN", "AND_ASSIGN", "XOR_ASSIGN", "OR_ASSIGN", "CONCAT_ASSIGN", "AGGREGATE",
     "?", "OROR", "ANDAND", "|", "^", "&", "IN", "EQ", "NE", "<", ">", "LE", "GE",
     "REGEX_MATCH", "REGEX_NOMATCH", "SHL", "SHR", "RSHIFT_LOGICAL", ".", "+", "-", "*",
     "/", "%", "INC", "DEC", "ARROW", "[", "STRING"])
_STATEMENT_STARTERS = frozenset(["IF", "WHILE", "FOR", "FOREACH", "TRY"])
_VALUE_STARTERS = frozenset(["NUMBER", "STRING", "IDENT"])


class Context:
    """The parser's stacks at the error, for the rules that look at them."""

    def __init__(self, item, states, tokens, values, last):
        self.item = item            # (production, dot) of the rule being applied
        self.states = states
        self.tokens = tokens
        self.values = values
        self._last = last

    def last_token(self):
        """The last token the parser read (shifted)."""
        return self._last

    def _before_dot(self, stack, distance):
        """The entry for the symbol `distance` places before the dot."""
        if self.item is None:
            return None
        _, dot = self.item
        index = len(stack) - distance
        return stack[index] if 0 < distance <= dot and index > 0 else None

    def token_before_dot(self, distance):
        """The token of the terminal `distance` symbols before the dot (the
        one just before it is 1)."""
        return self._before_dot(self.tokens, distance)

    def value_before_dot(self, distance):
        return self._before_dot(self.values, distance)


class Expectations:
    """The rules indexed by state, for one set of tables (built lazily)."""

    def __init__(self, tables):
        self.tables = tables
        self._by_state = {}

    def _item_text(self, production_number, dot):
        production = self.tables.productions[production_number]
        symbols = list(production.symbols)
        symbols.insert(dot, "•")
        return "%s -> %s" % (production.name, " ".join(symbols))

    def rules_of(self, state):
        """[(rule, (production, dot))] that apply in a state."""
        found = self._by_state.get(state)
        if found is None:
            found = []
            for number, dot in self.tables.items[state]:
                rule = RULES.get(self._item_text(number, dot))
                if rule is not None:
                    found.append((rule, (number, dot)))
            self._by_state[state] = found
        return found

    def describe(self, states, tokens, values, tok):
        """The Error for a token (None: the end of the file) that the state
        on top of `states` cannot use.  Until a rule says what stap reports,
        finish the phrase that may end here, as a recursive-descent parser
        does before it checks the next token: reduce whatever the state
        allows, whatever the lookahead."""
        last = next((t for t in reversed(tokens) if t is not None), None)
        states, tokens, values = list(states), list(tokens), list(values)
        action = self.tables.action
        goto = self.tables.goto
        productions = self.tables.productions
        for _ in range(1000):
            for rule, item in self.rules_of(states[-1]):
                error = rule.error(tok, Context(item, states, tokens, values, last))
                if error is not None:
                    return error
            reductions = [t for t in action[states[-1]].values() if t < 0]
            if not reductions:
                break
            production = productions[-max(set(reductions), key=reductions.count)]
            if production.len:
                del states[-production.len:]
                del tokens[-production.len:]
                del values[-production.len:]
            states.append(goto[states[-1]][production.name])
            tokens.append(None)
            values.append(None)
        return self._generic(states[-1], tok, Context(None, states, tokens, values, last))

    def _generic(self, state, tok, context):
        shifts = {t for t, act in self.tables.action[state].items() if act > 0}
        shifts.discard("LONE_STRING")       # wherever it goes, STRING does
        if _STATEMENT_STARTERS <= shifts:
            return STATEMENT.error(tok, context)
        if _VALUE_STARTERS <= shifts:
            return VALUE.error(tok, context)
        if tok is None:
            return Error(END_OF_FILE)
        required = sorted(_describe_terminal(t) for t in shifts - _CONTINUATIONS)
        if not required:
            required = sorted(_describe_terminal(t) for t in shifts)
        if len(required) == 1:
            return Error("expected %s" % required[0])
        return Error("expected one of '%s'" % " ".join(n.strip("'") for n in required))


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


_by_tables = {}


def describe(parser, tok):
    """The Error for a syntax error at `tok` (None at the end of the input),
    from the stacks of a lalr.Parser."""
    expectations = _by_tables.get(id(parser.tables))
    if expectations is None:
        expectations = _by_tables[id(parser.tables)] = Expectations(parser.tables)
    return expectations.describe(parser.statestack, parser.tokenstack, parser.valuestack,
                                 tok)

"""The SystemTap grammar (ply.yacc rules), producing the tree of `ast.py`.

Expressions use a precedence table, with two levels of nonterminals where
stap's recursive-descent parser has a boundary: `expr` (assignments down to
`&`) and `cexpr` (comparisons and tighter), with `in` between them.  So an
`in` expression, or a bracketed `[e]`, cannot be the operand of a comparison
or arithmetic: `x = [1] in a + 1` is `x = ([1] in a)` then a statement `+1`,
as for stap.  A few checks stap makes while parsing are made in the actions
(number literals where stap wants them, print functions, histograms).

Statements take an optional `;` after them exactly where stap's parser
consumes one (expressions, return, delete, next, break, continue); after a
block, `if`, loop or `try` a `;` is a statement of its own.
"""

import re

from stap5.parse import ast, print_format
from stap5.parse.lexer import eof_token, tokens  # noqa: F401  (ply reads tokens here)
from stap5.diagnostics import StapError

PRINT_FUNCTIONS = {
    # name: (has a format string, has a delimiter)
    "print": (False, False), "println": (False, False),
    "sprint": (False, False), "sprintln": (False, False),
    "printf": (True, False), "sprintf": (True, False),
    "printd": (False, True), "printdln": (False, True),
    "sprintd": (False, True), "sprintdln": (False, True),
}

ASSIGNMENT_OPERATORS = ("=", "ADD_ASSIGN", "SUB_ASSIGN", "MUL_ASSIGN", "DIV_ASSIGN",
                        "MOD_ASSIGN", "SHL_ASSIGN", "SHR_ASSIGN", "AND_ASSIGN",
                        "XOR_ASSIGN", "OR_ASSIGN", "CONCAT_ASSIGN", "AGGREGATE")

precedence = (
    ("right",) + ASSIGNMENT_OPERATORS,
    ("right", "?", ":"),
    ("left", "OROR"),
    ("left", "ANDAND"),
    ("left", "|"),
    ("left", "^"),
    ("left", "&"),
    ("nonassoc", "IN"),
    ("left", "EQ", "NE", "<", ">", "LE", "GE", "REGEX_MATCH", "REGEX_NOMATCH"),
    ("left", "SHL", "SHR", "RSHIFT_LOGICAL"),
    ("left", "."),
    ("left", "+", "-"),
    ("left", "*", "/", "%"),
    ("right", "UNARY"),
    ("left", "INC", "DEC"),
    # Member and subscript bind tightest: `&$a->b[1]` is &($a->b[1]).
    ("left", "ARROW", "["),
)


class ParseContext:
    """State the grammar actions share with the driver (parser.py)."""

    def __init__(self, source_file, guru, lookahead=lambda: None):
        self.file = source_file
        self.privileged = guru or source_file.privileged
        self.items = []          # top-level declarations, in order
        self.errors = []         # errors that do not stop the parse
        self.in_function = False
        self.lookahead = lookahead   # the token read after the phrase being reduced
        self.globals = {}        # name -> whether private, as declared in this file


class LookaheadError(StapError):
    """An error about the token after a phrase, found when the phrase is
    reduced.  `consumed`: stap reads that token before it complains (error
    recovery goes on after it)."""

    def __init__(self, message, tok, consumed, **kwargs):
        super().__init__(message, tok, **kwargs)
        self.consumed = consumed


_context = None          # the ParseContext of the parse in progress


def _tok(p, n):
    return p.token(n)


def passes_value(action):
    """Marks an action that, for a one-symbol production, only does
    `p[0] = p[1]`: the driver (lalr.py) then skips the call."""
    action.passes_value = True
    return action


# --- top level ---------------------------------------------------------------

start = "file"


def p_file(p):
    """file : top_items"""


def p_top_items(p):
    """top_items :
                 | top_items top_item"""


def p_top_item(p):
    """top_item : probe_decl
                | function_decl
                | global_decl
                | embedded_decl"""
    if p[1] is not None:
        _context.items.append(p[1])


def p_top_item_private(p):
    """top_item : PRIVATE private_decl"""
    for item in p[2]:
        item.private = True
        _context.items.append(item)


def p_private_decl(p):
    """private_decl : function_decl
                    | global_decl
                    | global_vars
                    | global_vars ';'"""
    # `private x` is short for `private global x`.
    p[0] = p[1] if isinstance(p[1], list) else [p[1]]


def p_embedded_decl(p):
    """embedded_decl : EMBEDDED"""
    tok = _tok(p, 1)
    p[0] = ast.EmbeddedCode(tok.value, tok=tok)


def p_global_decl(p):
    """global_decl : GLOBAL global_vars
                   | GLOBAL global_vars ';'"""
    p[0] = p[2]


def p_global_vars(p):
    """global_vars : global_var
                   | global_vars ',' global_var"""
    var = p[len(p) - 1]
    _declare_global(var, _declared_private(p))
    p[0] = [var] if len(p) == 2 else p[1] + [var]


def _declared_private(p):
    """Whether the variables being read follow `private` (`private x` or
    `private global x`): the keywords before the list tell."""
    before = p.token(0)
    if before is not None and before.type == "GLOBAL":
        before = p._tokens[len(p._tokens) - len(p) - 1]
    return before is not None and before.type == "PRIVATE"


def _declare_global(var, private):
    """stap checks a file's globals as it reads them (a private one is known
    under a name of its own, so a public one of the same name conflicts)."""
    known = _context.globals.get(var.name)
    if known is not None:
        raise StapError("duplicate global name" if known == private else
                        "global versus private variable declaration conflict", var.tok)
    _context.globals[var.name] = private


def p_global_var(p):
    """global_var : IDENT global_wrap global_size"""
    p[0] = ast.VarDecl(p[1], p[3], p[2], None, tok=_tok(p, 1))


def p_global_var_init(p):
    """global_var : IDENT '=' global_init"""
    p[0] = ast.VarDecl(p[1], None, False, p[3], tok=_tok(p, 1))


def p_global_wrap(p):
    """global_wrap :
                   | '%'"""
    p[0] = len(p) == 2


def p_global_size(p):
    """global_size :
                   | '[' NUMBER ']'
                   | '[' '-' NUMBER ']'"""
    if len(p) == 1:
        return
    size = _number_value(_tok(p, len(p) - 2))
    if len(p) == 5:
        size = -size
    if not 1 <= size <= 0x7fffffff:
        # (stap's error names no token: "saw: <file> EOF")
        raise StapError("array size out of range", eof_token(_context.file))
    p[0] = size


@passes_value
def p_global_init(p):
    """global_init : number_literal
                   | string_literal"""
    p[0] = p[1]


def p_global_init_negative(p):
    """global_init : '-' NUMBER"""
    p[0] = ast.Literal(_wrap64(-_number_value(_tok(p, 2))), tok=_tok(p, 1))


# --- probes and aliases ------------------------------------------------------

def p_probe_decl(p):
    """probe_decl : PROBE probe_points block"""
    p[0] = ast.ProbeDecl(p[2], p[3], tok=_tok(p, 1))


def p_alias_decl(p):
    """probe_decl : PROBE probe_points '=' probe_points block
                  | PROBE probe_points ADD_ASSIGN probe_points block
                  | PROBE probe_points '=' probe_points block ',' block"""
    # The optional second block runs after the handler (tapsets use it to
    # write back @probewrite-modified values); stap's dump does not show it.
    for name in p[2]:
        if name.optional or name.sufficient:
            raise StapError("probe point alias name cannot be optional nor sufficient",
                            name.tok, label="at")
    alias = ast.AliasDecl(p[2], p[4], p[5], p[3] == "+=", tok=_tok(p, 1))
    alias.store_body = p[7] if len(p) == 8 else None
    p[0] = alias


@passes_value
def p_probe_points(p):
    """probe_points : probe_point
                    | probe_points ',' probe_point"""
    p[0] = p[1] if len(p) == 2 else p[1] + p[3]


def p_probe_point(p):
    """probe_point : point_path point_flag point_condition"""
    # One ProbePoint per alternative of the `{a,b}` brace expansions.
    points = []
    for components, flag in p[1]:
        flag = _stronger_flag(flag, p[2])
        points.append(ast.ProbePoint(components, flag in ("?", "!"), flag == "!", p[3],
                                     tok=components[0].tok))
    p[0] = points


def _stronger_flag(a, b):
    """`!` (sufficient) implies `?` (optional)."""
    for flag in ("!", "?"):
        if flag in (a, b):
            return flag
    return None


@passes_value
def p_point_flag(p):
    """point_flag :
                  | '?'
                  | '!'"""
    p[0] = p[1] if len(p) == 2 else None


def p_point_condition(p):
    """point_condition :
                       | IF '(' expr ')'"""
    p[0] = p[3] if len(p) == 5 else None


@passes_value
def p_point_path(p):
    """point_path : point_segment
                  | point_path '.' point_segment"""
    # Alternatives as (components, flag): `a.{b,c!}` is [([a, b], None), ([a, c], '!')].
    if len(p) == 2:
        p[0] = p[1]
    else:
        p[0] = [(head + tail, _stronger_flag(head_flag, tail_flag))
                for head, head_flag in p[1] for tail, tail_flag in p[3]]


def p_point_segment(p):
    """point_segment : component"""
    p[0] = [([p[1]], None)]


def p_point_segment_braces(p):
    """point_segment : '{' point_alternatives '}'"""
    p[0] = p[2]


@passes_value
def p_point_alternatives(p):
    """point_alternatives : point_alternative
                          | point_alternatives ',' point_alternative"""
    p[0] = p[1] if len(p) == 2 else p[1] + p[3]


def p_point_alternative(p):
    """point_alternative : point_path point_flag"""
    p[0] = [(components, _stronger_flag(flag, p[2])) for components, flag in p[1]]


def p_component(p):
    """component : component_name
                 | component_name '(' component_arg ')'"""
    name, tok, _ = p[1]
    p[0] = ast.Component(name, p[3] if len(p) == 5 else None, tok=tok)


@passes_value
def p_component_name(p):
    """component_name : component_piece
                      | component_name component_piece"""
    if len(p) == 2:
        p[0] = p[1]
        return
    name, first, end = p[1]
    piece, tok, piece_end = p[2]
    if tok.lexpos != end or tok.file is not first.file:
        # `probe a b` is two names, not one: only `sys*call`-style globs join.
        raise SyntaxErrorAt(tok)
    p[0] = (name + piece, first, piece_end)


def p_component_piece(p):
    """component_piece : IDENT
                       | '*'
                       | PROBE
                       | GLOBAL
                       | PRIVATE
                       | FUNCTION
                       | ELSE
                       | FOR
                       | FOREACH
                       | IN
                       | LIMIT
                       | RETURN
                       | DELETE
                       | WHILE
                       | BREAK
                       | CONTINUE
                       | NEXT
                       | TRY
                       | CATCH
                       | STRING_KW
                       | LONG_KW"""
    tok = _tok(p, 1)
    p[0] = (p[1], tok, tok.lexpos + len(tok.text))


def p_component_if(p):
    """component : IF"""
    # `return.for.if`: `if` may be a component, but never joins a glob (in
    # `probe a if (x)` it starts the condition).
    p[0] = ast.Component("if", None, tok=_tok(p, 1))


@passes_value
def p_component_arg(p):
    """component_arg : number_literal
                     | string_literal"""
    p[0] = p[1]


def p_component_arg_negative(p):
    """component_arg : '-' NUMBER"""
    # (stap's token for it is the number's)
    p[0] = ast.Literal(_wrap64(-_number_value(_tok(p, 2))), tok=_tok(p, 2))


# --- functions -----------------------------------------------------------------

def p_function_decl(p):
    """function_decl : function_head '(' params ')' function_body"""
    name, rettype, tok = p[1]
    body = p[5]
    embedded = isinstance(body, ast.EmbeddedCode)
    p[0] = ast.FunctionDecl(name, p[3], rettype, body, False, embedded,
                            _pragmas(body.code) if embedded else [], tok=tok)
    _context.in_function = False


def p_function_head(p):
    """function_head : FUNCTION IDENT type_annotation"""
    _context.in_function = True
    p[0] = (p[2], p[3], _tok(p, 2))


def p_type_annotation(p):
    """type_annotation :
                       | ':' STRING_KW
                       | ':' LONG_KW"""
    p[0] = p[2] if len(p) == 3 else None


@passes_value
def p_params(p):
    """params :
              | param_list"""
    p[0] = p[1] if len(p) == 2 else []


def p_param_list(p):
    """param_list : param
                  | param_list ',' param"""
    if len(p) == 2:
        p[0] = [p[1]]
        return
    if any(param.name == p[3].name for param in p[1]):
        raise StapError("duplicate parameter names", p[3].tok)
    p[0] = p[1] + [p[3]]


def p_param(p):
    """param : IDENT type_annotation"""
    p[0] = ast.Param(p[1], p[2], tok=_tok(p, 1))


@passes_value
def p_function_body_block(p):
    """function_body : block"""
    p[0] = p[1]


def p_function_body_embedded(p):
    """function_body : EMBEDDED"""
    tok = _tok(p, 1)
    p[0] = ast.EmbeddedCode(tok.value, tok=tok)


# --- statements ----------------------------------------------------------------

def p_block(p):
    """block : '{' statements '}'"""
    p[0] = ast.Block(p[2], tok=_tok(p, 1))


def p_statements(p):
    """statements :
                  | statements statement"""
    if len(p) == 1:
        p[0] = []
    else:
        p[1].append(p[2])
        p[0] = p[1]


@passes_value
def p_statement_block(p):
    """statement : block"""
    p[0] = p[1]


def p_statement_null(p):
    """statement : ';'"""
    p[0] = ast.NullStatement(tok=_tok(p, 1))


def p_statement_expr(p):
    """statement : expr
                 | expr ';'"""
    p[0] = ast.ExprStatement(p[1], tok=p[1].tok)


def p_statement_if(p):
    """statement : IF '(' expr ')' statement
                 | IF '(' expr ')' statement ELSE statement"""
    p[0] = ast.IfStatement(p[3], p[5], p[7] if len(p) == 8 else None, tok=_tok(p, 1))


def p_statement_while(p):
    """statement : WHILE '(' expr ')' statement"""
    p[0] = ast.ForLoop(None, p[3], None, p[5], True, tok=_tok(p, 1))


def p_statement_for(p):
    """statement : FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' statement"""
    p[0] = ast.ForLoop(p[3], p[5], p[7], p[9], False, tok=_tok(p, 1))


@passes_value
def p_opt_expr(p):
    """opt_expr :
                | expr"""
    p[0] = p[1] if len(p) == 2 else None


def p_statement_foreach(p):
    """statement : FOREACH '(' foreach_head ')' statement"""
    loop = p[3]
    loop.body = p[5]
    loop.tok = _tok(p, 1)
    p[0] = loop


def p_foreach_head(p):
    """foreach_head : foreach_keys IN foreach_array foreach_slice array_sort foreach_limit"""
    keys, column, direction = p[1]
    p[0] = _foreach(None, None, keys, column, direction, p[3], p[5], _tok(p, 2), p[4], p[6])


def p_foreach_head_value(p):
    """foreach_head : IDENT sort_mark '=' foreach_keys IN foreach_array foreach_slice array_sort foreach_limit"""
    keys, column, direction = p[4]
    value = ast.Symbol(p[1], tok=_tok(p, 1))
    p[0] = _foreach(value, p[2], keys, column, direction, p[6], p[8], _tok(p, 5), p[7], p[9])


def _foreach(value, value_sort, keys, column, direction, array, array_sort, tok, slice_, limit):
    aggregate = None
    if array_sort is not None:
        aggregate, array_sort = array_sort
    for sort in (value_sort, array_sort):
        if sort is not None:
            if column is not None:
                # Reported at the directive stap reads second.
                later = sort[1] if sort is array_sort else keys[column - 1].sort_tok
                raise StapError("multiple sort directives", later)
            column, direction = 0, sort[0]
    return ast.ForeachLoop(value, keys, array, column,
                           0 if direction is None else direction, aggregate, slice_, limit,
                           tok=tok)


def p_array_sort(p):
    """array_sort : sort_mark
                  | AT_STAT sort_mark"""
    # `foreach (k in a @sum-)` sorts on an aggregate of the values.
    if len(p) == 2:
        p[0] = None if p[1] is None else (None, p[1])
    else:
        if p[2] is None:
            raise LookaheadError("expected sort directive", _context.lookahead(),
                                 consumed=True)
        p[0] = (p[1][1:], p[2])


def p_foreach_keys_list(p):
    """foreach_keys : '[' foreach_key_list ']'"""
    p[0] = p[2]


def p_foreach_keys_single(p):
    """foreach_keys : foreach_key"""
    symbol, sort = p[1]
    p[0] = ([symbol], None if sort is None else 1, None if sort is None else sort[0])


def p_foreach_key_list(p):
    """foreach_key_list : foreach_key
                        | foreach_key_list ',' foreach_key"""
    if len(p) == 2:
        symbol, sort = p[1]
        p[0] = ([symbol], None if sort is None else 1, None if sort is None else sort[0])
        return
    keys, column, direction = p[1]
    symbol, sort = p[3]
    if sort is not None:
        if column is not None:
            raise StapError("multiple sort directives", sort[1])
        column, direction = len(keys) + 1, sort[0]
    p[0] = (keys + [symbol], column, direction)


def p_foreach_key(p):
    """foreach_key : IDENT sort_mark"""
    symbol = ast.Symbol(p[1], tok=_tok(p, 1))
    symbol.sort_tok = p[2][1] if p[2] is not None else None
    p[0] = (symbol, p[2])


def p_sort_mark(p):
    """sort_mark :
                 | '+'
                 | '-'"""
    p[0] = None if len(p) == 1 else ((1 if p[1] == "+" else -1), _tok(p, 1))


def p_foreach_array(p):
    """foreach_array : IDENT"""
    p[0] = ast.Symbol(p[1], tok=_tok(p, 1))


@passes_value
def p_foreach_array_hist(p):
    """foreach_array : histogram"""
    p[0] = p[1]


def p_foreach_slice(p):
    """foreach_slice :
                     | '[' index_list ']'"""
    p[0] = p[2] if len(p) == 4 else []


def p_foreach_limit(p):
    """foreach_limit :
                     | LIMIT expr"""
    p[0] = p[2] if len(p) == 3 else None


def p_statement_try(p):
    """statement : TRY block CATCH block"""
    p[0] = ast.TryBlock(p[2], None, p[4], tok=_tok(p, 1))


def p_statement_try_var(p):
    """statement : TRY block CATCH '(' IDENT ')' block"""
    var = ast.Symbol(p[5], tok=_tok(p, 5))
    p[0] = ast.TryBlock(p[2], var, p[7], tok=_tok(p, 1))


def p_statement_return(p):
    """statement : RETURN
                 | RETURN ';'"""
    p[0] = _return(_tok(p, 1), None)


def p_statement_return_value(p):
    """statement : RETURN expr
                 | RETURN expr ';'"""
    p[0] = _return(_tok(p, 1), p[2])


def _return(tok, value):
    # (A `return` outside a function is reported when it is read: parser.py.)
    return ast.ReturnStatement(value, tok=tok)


def p_statement_delete(p):
    """statement : DELETE expr
                 | DELETE expr ';'"""
    p[0] = ast.DeleteStatement(p[2], tok=_tok(p, 1))


def p_statement_jump(p):
    """statement : NEXT
                 | NEXT ';'
                 | BREAK
                 | BREAK ';'
                 | CONTINUE
                 | CONTINUE ';'"""
    node = {"next": ast.NextStatement, "break": ast.BreakStatement,
            "continue": ast.ContinueStatement}[p[1]]
    p[0] = node(tok=_tok(p, 1))


# --- expressions ---------------------------------------------------------------

def p_expr_assignment(p):
    """expr : expr '=' expr
            | expr ADD_ASSIGN expr
            | expr SUB_ASSIGN expr
            | expr MUL_ASSIGN expr
            | expr DIV_ASSIGN expr
            | expr MOD_ASSIGN expr
            | expr SHL_ASSIGN expr
            | expr SHR_ASSIGN expr
            | expr AND_ASSIGN expr
            | expr XOR_ASSIGN expr
            | expr OR_ASSIGN expr
            | expr CONCAT_ASSIGN expr
            | expr AGGREGATE expr"""
    p[0] = ast.AssignmentExpr(p[2], p[1], p[3], tok=_tok(p, 2))


def p_expr_ternary(p):
    """expr : expr '?' expr ':' expr"""
    p[0] = ast.TernaryExpr(p[1], p[3], p[5], tok=_tok(p, 2))


def p_expr_logical(p):
    """expr : expr OROR expr
            | expr ANDAND expr"""
    p[0] = ast.LogicalExpr(p[2], p[1], p[3], tok=_tok(p, 2))


def p_expr_bitwise(p):
    """expr : expr '|' expr
            | expr '^' expr
            | expr '&' expr"""
    p[0] = ast.BinaryExpr(p[2], p[1], p[3], tok=_tok(p, 2))


# `in` has a level of its own, between `&` and the comparisons.  An `in`
# expression (and a bracketed `[e]`) ends a value of the comparison level: in
# `x = [1] in a + 1` the `+ 1` starts a new statement, as it does for stap.

@passes_value
def p_expr_in_level(p):
    """expr : in_expr"""
    p[0] = p[1]


def p_in_expr(p):
    """in_expr : cexpr IN IDENT"""
    array = ast.Symbol(p[3], tok=_tok(p, 3))
    p[0] = ast.ArrayIn([p[1]], array, tok=_tok(p, 2))


def p_in_expr_tuple(p):
    """in_expr : '[' index_list ']' IN IDENT"""
    array = ast.Symbol(p[5], tok=_tok(p, 5))
    p[0] = ast.ArrayIn(p[2], array, tok=_tok(p, 4))


def p_in_expr_bracketed(p):
    """in_expr : '[' index_list ']'"""
    # `[e]` without `in` is just e (stap's parser allows it); a list is not.
    if len(p[2]) > 1:
        raise LookaheadError("unexpected comma-separated expression list",
                             _context.lookahead(), consumed=False)
    if isinstance(p[2][0], ast.Wildcard):
        raise StapError("expected literal string or number", p[2][0].tok)
    p[0] = p[2][0]


@passes_value
def p_in_expr_comparison_level(p):
    """in_expr : cexpr"""
    p[0] = p[1]


def p_cexpr_comparison(p):
    """cexpr : cexpr EQ cexpr
             | cexpr NE cexpr
             | cexpr '<' cexpr
             | cexpr '>' cexpr
             | cexpr LE cexpr
             | cexpr GE cexpr"""
    p[0] = ast.ComparisonExpr(p[2], p[1], p[3], tok=_tok(p, 2))


def p_cexpr_regex(p):
    """cexpr : cexpr REGEX_MATCH cexpr
             | cexpr REGEX_NOMATCH cexpr"""
    pattern = p[3]
    if not (isinstance(pattern, ast.Literal) and isinstance(pattern.value, str)
            and not getattr(pattern, "parenthesized", False)):
        raise StapError("expected literal string", pattern.tok)
    p[0] = ast.RegexMatch(p[2], p[1], pattern, tok=_tok(p, 2))


def p_cexpr_binary(p):
    """cexpr : cexpr SHL cexpr
             | cexpr SHR cexpr
             | cexpr RSHIFT_LOGICAL cexpr
             | cexpr '+' cexpr
             | cexpr '-' cexpr
             | cexpr '*' cexpr
             | cexpr '/' cexpr
             | cexpr '%' cexpr"""
    p[0] = ast.BinaryExpr(p[2], p[1], p[3], tok=_tok(p, 2))


def p_cexpr_concat(p):
    """cexpr : cexpr '.' cexpr"""
    p[0] = ast.ConcatExpr(p[1], p[3], tok=_tok(p, 2))


def p_cexpr_unary(p):
    """cexpr : '-' cexpr %prec UNARY
             | '+' cexpr %prec UNARY
             | '!' cexpr %prec UNARY
             | '~' cexpr %prec UNARY"""
    p[0] = ast.UnaryExpr(p[1], p[2], tok=_tok(p, 1))


def p_cexpr_precrement(p):
    """cexpr : INC primary
             | DEC primary"""
    p[0] = ast.PreCrement(p[1], p[2], tok=_tok(p, 1))


def p_cexpr_postcrement(p):
    """cexpr : primary INC
             | primary DEC"""
    p[0] = ast.PostCrement(p[2], p[1], tok=_tok(p, 2))


def p_cexpr_primary(p):
    """cexpr : primary"""
    if isinstance(p[1], ast.HistogramOp):
        # Only print(@hist_log(s)), an index of it or foreach take one.
        raise StapError("base histogram operator where expression expected", p[1].tok,
                        label="at")
    p[0] = p[1]


# --- primaries -------------------------------------------------------------

def p_primary_paren(p):
    """primary : '(' expr ')'"""
    p[2].parenthesized = True
    p[0] = p[2]


@passes_value
def p_primary_literal(p):
    """primary : number_literal
               | string_literal"""
    p[0] = p[1]


def p_number_literal(p):
    """number_literal : NUMBER"""
    tok = _tok(p, 1)
    p[0] = ast.Literal(_wrap64(_number_value(tok)), tok=tok)


def p_string_literal(p):
    """string_literal : STRING
                      | LONE_STRING
                      | string_literal STRING"""
    # Adjacent literals are one; a LONE_STRING starts a new one (see
    # parser.py: under --compatible < 2.0 a comment separates literals).
    if len(p) == 2:
        p[0] = ast.Literal(p[1], tok=_tok(p, 1))
    else:
        p[1].value += p[2]
        p[0] = p[1]


def p_primary_symbol(p):
    """primary : IDENT"""
    tok = _tok(p, 1)
    _not_a_print_function(tok)
    p[0] = ast.Symbol(p[1], tok=tok)


def _not_a_print_function(tok):
    """print, printf... are no variables: stap wants their `(` there."""
    if tok.value in PRINT_FUNCTIONS:
        after = _context.lookahead()
        if after is None:
            raise LookaheadError("unexpected end-of-file", tok, consumed=True)
        raise LookaheadError("expected '('", after, consumed=True)


def p_primary_index(p):
    """primary : IDENT '[' index_list ']'"""
    if p[1] in PRINT_FUNCTIONS:
        raise LookaheadError("expected '('", _tok(p, 2), consumed=True)
    base = ast.Symbol(p[1], tok=_tok(p, 1))
    p[0] = ast.ArrayIndex(base, p[3], tok=_tok(p, 1))


def p_index_list(p):
    """index_list : index
                  | index_list ',' index"""
    p[0] = [p[1]] if len(p) == 2 else p[1] + [p[3]]


@passes_value
def p_index(p):
    """index : expr"""
    p[0] = p[1]


def p_index_wildcard(p):
    """index : '*'"""
    p[0] = ast.Wildcard(tok=_tok(p, 1))


def p_primary_call(p):
    """primary : IDENT '(' ')'
               | IDENT '(' arg_list ')'"""
    name = p[1]
    tok = _tok(p, 1)
    args = p[3] if len(p) == 5 else []
    if name in PRINT_FUNCTIONS:
        p[0] = _print_format(name, tok, args, _tok(p, len(p) - 1))
    else:
        p[0] = ast.FunctionCall(name, args, tok=tok)


def p_primary_print_histogram(p):
    """primary : IDENT '(' histogram ')'"""
    # print(@hist_log(s)) prints the histogram; elsewhere a bare histogram
    # is an error (see p_cexpr_primary).  With this rule the parser shifts
    # the `)` rather than reducing the histogram to a value.
    name, tok = p[1], _tok(p, 1)
    if name not in ("print", "println", "sprint", "sprintln"):
        raise StapError("base histogram operator where expression expected", p[3].tok,
                        label="at")
    p[0] = ast.PrintFormat(name, None, None, [p[3]], tok=tok)


def p_arg_list(p):
    """arg_list : expr
                | arg_list ',' expr"""
    if len(p) == 2:
        p[0] = [p[1]]
        return
    if len(p[1]) == 1:
        # where stap stands when it checks a format given first
        p[1][0].following_tok = _tok(p, 2)
    p[0] = p[1] + [p[3]]


def _print_format(name, tok, args, close_tok):
    has_format, has_delimiter = PRINT_FUNCTIONS[name]
    fmt = delimiter = None
    if has_format or has_delimiter:
        first = args[0] if args else None
        if not (isinstance(first, ast.Literal) and isinstance(first.value, str)):
            raise StapError("expected literal string", first.tok if first else close_tok)
        if has_format:
            fmt = first.value
            try:
                print_format.parse(fmt)
            except print_format.FormatError as error:
                raise StapError(str(error), getattr(first, "following_tok", close_tok)) \
                    from None
        else:
            delimiter = first.value
            if len(args) < 3:
                # Two values at least: stap 4.8 reads on past the `)` for
                # them; this is where it then fails in the simplest case.
                raise LookaheadError("expected literal string or number",
                                     _context.lookahead(), consumed=True)
        args = args[1:]
    elif not args and name in ("print", "sprint"):
        raise StapError("expected literal string or number", close_tok)
    return ast.PrintFormat(name, fmt, delimiter, args, tok=tok)


def p_primary_target(p):
    """primary : TARGET"""
    tok = _tok(p, 1)
    name, suffix = _split_pretty_suffix(tok.value)
    node_class = ast.TargetVars if name.startswith("$$") else ast.TargetSymbol
    node = node_class(name, [], False, tok=tok)
    if suffix:
        node.components.append(ast.TargetComponent("pretty", suffix, None, tok=tok))
    p[0] = node


def p_primary_dollars(p):
    """primary : DOLLARS"""
    p[0] = ast.TargetSymbol(p[1], [], False, tok=_tok(p, 1))


def p_primary_pretty(p):
    """primary : primary DOLLARS"""
    # `f() $`, `$a->b $`: pretty-print the value before (stap's lexer
    # splits no word here; its parser takes the dollars as a suffix).
    owner = _component_owner(p[1])
    owner.components.append(ast.TargetComponent("pretty", p[2], None, tok=_tok(p, 2)))
    p[0] = owner


def _split_pretty_suffix(text):
    """`$var$$` -> ("$var", "$$"); `$$parms$$` -> ("$$parms", "$$")."""
    head = 2 if text.startswith("$$") else 1
    body = text[head:]
    stripped = body.rstrip("$")
    return text[:head] + stripped, body[len(stripped):]


# Nodes that own a chain of `->member` / `[index]` components.
_COMPONENT_OWNERS = (ast.TargetSymbol, ast.TargetVars, ast.CastOp, ast.AtVar, ast.AutoCast)


def _component_owner(node):
    """The node to hang components on: the node itself when it owns a chain,
    else an AutoCast around it (`fh->x`, `f()->x` on a pointer value)."""
    if isinstance(node, _COMPONENT_OWNERS) and not getattr(node, "parenthesized", False):
        return node
    return ast.AutoCast(node, [], False, tok=node.tok)


def p_primary_member(p):
    """primary : primary ARROW member_name"""
    owner = _component_owner(p[1])
    name, tok = p[3]
    stripped = name.rstrip("$")
    suffix = name[len(stripped):]
    if stripped:
        member = ast.TargetComponent("member", stripped, None, tok=tok)
        member.arrow_tok = _tok(p, 2)       # what stap points at for `->`
        owner.components.append(member)
    if suffix:
        owner.components.append(ast.TargetComponent("pretty", suffix, None, tok=tok))
    p[0] = owner


def p_primary_subscript(p):
    """primary : primary '[' expr ']'"""
    base = p[1]
    if isinstance(base, ast.HistogramOp):
        # `@hist_log(x)[3]`: the count of one bucket.
        p[0] = ast.ArrayIndex(base, [p[3]], tok=base.tok)
        return
    owner = _component_owner(base)
    owner.components.append(ast.TargetComponent("index", None, p[3], tok=_tok(p, 2)))
    p[0] = owner


def p_primary_address(p):
    """primary : '&' primary %prec UNARY"""
    operand = p[2]
    if not isinstance(operand, _COMPONENT_OWNERS) or operand.addressof \
            or getattr(operand, "parenthesized", False):
        # `&x`, `&(expr)`: the address of an autocast value.
        operand = ast.AutoCast(operand, [], False, tok=operand.tok)
    operand.addressof = True
    p[0] = operand


def p_member_name(p):
    """member_name : IDENT
                   | TARGET
                   | NEXT
                   | RETURN
                   | IN
                   | LIMIT
                   | DELETE
                   | STRING_KW
                   | LONG_KW
                   | FUNCTION
                   | GLOBAL
                   | PROBE
                   | PRIVATE
                   | IF
                   | ELSE
                   | FOR
                   | FOREACH
                   | WHILE
                   | BREAK
                   | CONTINUE
                   | TRY
                   | CATCH"""
    p[0] = (p[1], _tok(p, 1))


def p_primary_cast(p):
    """primary : AT_CAST '(' expr ',' string_literal ')'
               | AT_CAST '(' expr ',' string_literal ',' string_literal ')'"""
    module = p[7].value if len(p) == 9 else None
    p[0] = ast.CastOp(p[3], p[5].value, module, [], False, tok=_tok(p, 1))


def p_primary_var(p):
    """primary : AT_VAR '(' string_literal ')'
               | AT_VAR '(' string_literal ',' string_literal ')'"""
    module = p[5].value if len(p) == 7 else None
    p[0] = ast.AtVar(p[3].value, module, [], False, tok=_tok(p, 1))


def p_primary_defined(p):
    """primary : AT_DEFINED '(' expr ')'"""
    p[0] = ast.DefinedOp(p[3], tok=_tok(p, 1))


def p_primary_entry(p):
    """primary : AT_ENTRY '(' expr ')'"""
    p[0] = ast.EntryOp(p[3], tok=_tok(p, 1))


def p_primary_probewrite(p):
    """primary : AT_PROBEWRITE '(' expr ')'"""
    # It takes one variable, a script's or a $target.
    operand = p[3]
    if isinstance(operand, ast.TargetSymbol) and operand.components:
        raise StapError("expected ')'", operand.components[0].tok)
    if not isinstance(operand, (ast.Symbol, ast.TargetSymbol)) or \
            getattr(operand, "parenthesized", False) or getattr(operand, "addressof", False):
        raise StapError("expected identifier", operand.tok)
    p[0] = ast.ProbewriteOp(p[3], tok=_tok(p, 1))


def p_primary_stat(p):
    """primary : AT_STAT '(' expr ')'
               | AT_STAT '(' expr ',' expr ')'"""
    params = []
    if len(p) == 7:
        if p[1] != "@variance":
            raise StapError("not more than 1 parameter allowed", _tok(p, 4), label="at")
        params = [_number_operand(p[5])]
    p[0] = ast.StatOp(p[1][1:], p[3], params, tok=_tok(p, 1))


@passes_value
def p_primary_histogram(p):
    """primary : histogram"""
    p[0] = p[1]


def p_histogram(p):
    """histogram : AT_HIST_LOG '(' expr ')'
                 | AT_HIST_LINEAR '(' expr ',' expr ',' expr ',' expr ')'"""
    kind = p[1][len("@hist_"):]
    params = [p[5], p[7], p[9]] if len(p) == 11 else []
    p[0] = ast.HistogramOp(kind, p[3], params, tok=_tok(p, 1))


def p_primary_deref(p):
    """primary : AT_DEREF '(' expr ',' expr ')'"""
    p[0] = ast.DerefOp(p[1][1:], _number_operand(p[3]), p[5], tok=_tok(p, 1))


def p_primary_register(p):
    """primary : AT_REGISTER '(' expr ')'"""
    p[0] = ast.RegisterOp(p[1][1:], _number_operand(p[3]), tok=_tok(p, 1))


def _number_operand(node):
    """Sizes and register numbers are number literals."""
    if not (isinstance(node, ast.Literal) and isinstance(node.value, int)
            and not getattr(node, "parenthesized", False)):
        raise StapError("expected number", node.tok)
    return node


def p_primary_const(p):
    """primary : AT_CONST '(' string_literal ')'"""
    tok = _tok(p, 1)
    code = "/* pure */ /* unprivileged */ /* stable */ %s" % p[3].value
    p[0] = ast.EmbeddedExpr(code, tok=tok)


def p_primary_perf(p):
    """primary : AT_PERF '(' string_literal ')'"""
    p[0] = ast.PerfOp(p[3].value, tok=_tok(p, 1))


def p_primary_embedded(p):
    """primary : EMBEDDED"""
    p[0] = ast.EmbeddedExpr(p[1], tok=_tok(p, 1))


# --- literals ----------------------------------------------------------------

def _number_value(tok):
    """The value of a number token: decimal, 0x hex, 0 octal, up to 2**64-1."""
    text = tok.value
    try:
        if text.startswith(("0x", "0X")):
            value = int(text[2:], 16)
        elif len(text) > 1 and text[0] == "0":
            value = int(text[1:], 8)
        else:
            value = int(text, 10)
    except ValueError:
        raise StapError("number invalid or out of range", tok) from None
    if value >= 1 << 64:
        raise StapError("number invalid or out of range", tok)
    return value


def _wrap64(value):
    """Two's complement wrap to a signed 64-bit value, as stap's int64_t does."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _pragmas(code):
    """The `/* pure */`-style pragmas of an embedded-C body."""
    return re.findall(r"/\*\s*([a-z_-]+)\s*\*/", code)


# --- errors ------------------------------------------------------------------

def p_error(tok):
    # ply wants one; our driver (lalr.py) raises SyntaxErrorAt itself.
    raise SyntaxErrorAt(tok)


class SyntaxErrorAt(Exception):
    """The parser met `tok` (None: the end of the input), which no rule takes."""

    def __init__(self, tok):
        super().__init__(tok)
        self.tok = tok


def set_context(context):
    global _context
    _context = context


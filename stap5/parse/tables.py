"""The LALR tables of grammar.py, built with ply.yacc's generator and cached.

Besides ply's action and goto tables we keep, for every state, its LR(0)
items (production, dot position): what the parser is in the middle of when
it meets a token it cannot use, from which expectations.py words the error
as stap would.  Building takes seconds, so the tables are pickled in the
user's cache (keyed by ply's signature of the grammar); a read-only or
missing cache only costs that time on every run.
"""

import os
import pickle

import ply.yacc

from stap5.parse import grammar

FORMAT_VERSION = 2


class Production:
    __slots__ = ("number", "name", "symbols", "callable")

    def __init__(self, number, name, symbols, callable_):
        self.number = number
        self.name = name
        self.symbols = symbols          # right-hand side, a tuple of symbol names
        self.callable = callable_

    @property
    def len(self):
        return len(self.symbols)

    def __str__(self):
        return "%s -> %s" % (self.name, " ".join(self.symbols) or "<empty>")


class Tables:
    """action[state][terminal] (>0 shift, <0 reduce, 0 accept),
    goto[state][nonterminal], productions, defaulted_states, and
    items[state] = [(production number, dot position), ...]."""

    def __init__(self, action, goto, productions, defaulted_states, items):
        self.action = action
        self.goto = goto
        self.productions = productions
        self.defaulted_states = defaulted_states
        self.items = items


def _reflect():
    pinfo = ply.yacc.ParserReflect(vars(grammar), log=ply.yacc.NullLogger())
    pinfo.get_all()
    if pinfo.error or pinfo.validate_all():
        raise RuntimeError("stap5's grammar is invalid (run ply.yacc on it for details)")
    return pinfo


class _ItemKeepingTable(ply.yacc.LRGeneratedTable):
    """ply's generator, keeping the LR(0) item sets (state n is item_sets[n])."""

    def lr0_items(self):
        self.item_sets = super().lr0_items()
        return self.item_sets


def _generate(pinfo):
    g = ply.yacc.Grammar(pinfo.tokens)
    for term, assoc, level in pinfo.preclist:
        g.set_precedence(term, assoc, level)
    for funcname, (file, line, prodname, syms) in pinfo.grammar:
        g.add_production(prodname, syms, funcname, file, line)
    g.set_start(pinfo.start)
    lr = _ItemKeepingTable(g, "LALR", ply.yacc.NullLogger())
    items = [[(item.number, item.lr_index) for item in state] for state in lr.item_sets]
    productions = [(p.number, p.name, tuple(p.prod), p.func) for p in g.Productions]
    return {"action": lr.lr_action, "goto": lr.lr_goto, "productions": productions,
            "items": items}


def _bind(data):
    productions = [Production(number, name, symbols,
                              getattr(grammar, func) if func else None)
                   for number, name, symbols, func in data["productions"]]
    action = data["action"]
    # States whose only action is one reduction: ply's driver reduces there
    # without reading a lookahead, and so does ours (errors point at the same
    # tokens).
    defaulted = {}
    for state, actions in action.items():
        if len(actions) == 1:
            (only,) = actions.values()
            if only < 0:
                defaulted[state] = only
    return Tables(action, data["goto"], productions, defaulted, data["items"])


def load(cache_file=None):
    """The tables, from `cache_file` when it holds those of this grammar."""
    pinfo = _reflect()
    key = (FORMAT_VERSION, ply.yacc.__tabversion__, pinfo.signature())
    if cache_file:
        try:
            with open(cache_file, "rb") as f:
                stored_key, data = pickle.load(f)
            if stored_key == key:
                return _bind(data)
        except Exception:       # missing, unreadable or from another version
            pass
    data = _generate(pinfo)
    if cache_file:
        tmp = "%s.%d.tmp" % (cache_file, os.getpid())
        try:
            with open(tmp, "wb") as f:
                pickle.dump((key, data), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return _bind(data)

"""The yes/no matcher: one DFA that finds whether the pattern matches
anywhere in the subject.

It reads the subject byte by byte, NUL included (the END class, the only
thing `$` matches), starting a new thread at every position (unanchored
search).  Two states are terminal: ACCEPT, entered as soon as some thread
accepts, and DEAD, from which nothing can match any more (after END, or
when every thread died under a `^`).  Live states come first, so the C loop
stops at the first state >= the number of live states.
"""

from stap5.regex import dfa
from stap5.regex.nfa import ACCEPT, CHAR
from stap5.regex.parser import END

_ACCEPT = frozenset({-1})
_DEAD = frozenset({-2})


class SearchTable:
    def __init__(self, next_states, nlive):
        self.next = next_states         # [live state][class] -> state
        self.nlive = nlive              # ACCEPT is nlive, DEAD nlive + 1
        self.accept = nlive
        self.dead = nlive + 1
        self.constant = None            # True/False when decided before reading


def build(nfa, classes, representatives):
    end_class = classes[END]
    kinds, chars = nfa.kinds, nfa.chars
    kernel_accepts = {}

    def accepts(kernels):
        for kernel in kernels:
            verdict = kernel_accepts.get(kernel)
            if verdict is None:
                verdict = kernel_accepts[kernel] = any(
                    kinds[state] == ACCEPT for state, _ in nfa.closure(kernel))
            if verdict:
                return True
        return False

    def step(kernels, c):
        if kernels is _ACCEPT or kernels is _DEAD:
            return kernels
        byte = representatives[c]
        following = {nfa.after(state) for kernel in kernels
                     for state, _ in nfa.closure(kernel)
                     if kinds[state] == CHAR and byte in chars[state]}
        if c != end_class:
            following.add(1)                # a match may also start at the next byte
        following = frozenset(following)
        if accepts(following):
            return _ACCEPT
        return _DEAD if c == end_class else following

    start = frozenset({0})
    if accepts(start):
        start = _ACCEPT
    automaton = dfa.minimize(dfa.determinize(
        [start], step, lambda kernels: kernels is _ACCEPT, len(representatives)))
    return _terminals_last(automaton)


def _terminals_last(automaton):
    """Renumber: live states from 0 (the start first), then ACCEPT, DEAD."""
    table = automaton.next
    accept = dead = None
    for state, row in enumerate(table):
        if automaton.flags[state]:
            accept = state
        elif all(target == state for target in row):
            dead = state
    live = [s for s in range(len(table)) if s not in (accept, dead)]
    number = {s: i for i, s in enumerate(live)}
    number[accept] = len(live)
    number[dead] = len(live) + 1
    start = automaton.starts[0]
    if start in (accept, dead):
        # Decided before reading anything: the constant verdict.
        table = SearchTable([], 0)
        table.constant = start == accept
        return table
    return SearchTable([[number[t] for t in table[s]] for s in live], len(live))

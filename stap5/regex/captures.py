"""Submatches: where each group matched, in four passes of bounded work.

The match reported is the leftmost one, as long as possible (POSIX and 4.8
agree on matched_str()).  Inside it, groups follow the greedy left-to-right
preference (each `*`, `+`, `?`, `{}` takes as much as it can, alternatives
are tried in order, as a backtracking matcher would) among the paths that
cover exactly that span; an iteration of `*`, `+` or `{n,}` beyond the
minimum must consume a byte; a group keeps what it matched in an earlier
iteration if the last one did not enter it.  4.8's tagged DFA differs on
some ambiguous patterns (see testsuite/regex/cases.py).  Finding the groups
never backtracks:

1. `first`, backwards over the whole subject (END to byte 0): the set of
   kernels from which *some* match can be completed.  The smallest position
   where the start kernel is in it is the match's start s.
2. `longest`, forwards from s: the last position where a match anchored at s
   accepts is its end e.
3. `exact`, backwards from e to s: the set of kernels from which the bytes
   up to e can be consumed ending exactly in acceptance at e.  Its states
   (numbers) are kept per position in the scratch array.
4. The walk, forwards from s: at each byte, follow the first entry of the
   kernel's closure whose byte matches and whose next kernel is in the
   exact set of the next position, setting that entry's tags.  Every step
   is known to lead to the end, so the first choice is the final one.
"""

from stap5.regex import dfa
from stap5.regex.nfa import ACCEPT, CHAR
from stap5.regex.parser import RegexError

# stap5's per-context storage has room for this many groups (0 included).
MAX_GROUPS = 32
# The walk's tables (mostly the kernel-membership bitmaps) may not exceed this.
MAX_TABLE_BYTES = 1 << 20

ACCEPT_STEP = 0xffff            # a walk step to acceptance, not to a kernel


class CaptureTables:
    """All the data of the four passes, as the C code and simulate.py use it."""

    def __init__(self):
        self.ngroups = 0
        self.first = None               # Automaton: flags (start at 0, start elsewhere)
        self.longest = None             # Automaton: starts [at 0, elsewhere]; flags accept
        self.longest_dead = None        # a state of `longest` that never accepts again
        self.exact = None               # Automaton (not minimized: states are kernel sets)
        self.member = []                # [exact state] -> bytes, bit k: kernel k in the set
        self.step_index = []            # kernel k's steps: step_index[k] .. step_index[k+1]
        self.step_next = []             # kernel after the step, or ACCEPT_STEP
        self.step_set = []              # index into class_sets (0 for ACCEPT_STEP)
        self.step_tags = []             # index into tags
        self.step_ntags = []
        self.class_sets = []            # bytes: bit c set when class c is in the set
        self.tags = []                  # tag numbers of the steps


def build(nfa, classes, representatives):
    if nfa.ngroups > MAX_GROUPS:
        raise RegexError("too many subexpressions (%d, at most %d) for matched()"
                         % (nfa.ngroups - 1, MAX_GROUPS - 1))
    kinds, chars = nfa.kinds, nfa.chars
    nclasses = len(representatives)
    # Every kernel exists before anything is numbered after them.
    for state, kind in enumerate(kinds):
        if kind == CHAR:
            nfa.after(state)
    nkernels = len(nfa.kernels)
    if nkernels >= ACCEPT_STEP:
        raise RegexError("pattern too complex for submatch extraction")

    accepting = frozenset(k for k in range(nkernels)
                          if any(kinds[s] == ACCEPT for s, _ in nfa.closure(k)))
    # edges[c]: (kernel, kernel after) for each way of consuming class c.
    edges = [[] for _ in range(nclasses)]
    for kernel in range(nkernels):
        for state, _ in nfa.closure(kernel):
            if kinds[state] != CHAR:
                continue
            after = nfa.after(state)
            for c in range(nclasses):
                if representatives[c] in chars[state]:
                    edges[c].append((kernel, after))

    def before(kernels, c):
        return frozenset(k for k, after in edges[c] if after in kernels)

    def forward(kernels, c):
        return frozenset(after for k, after in edges[c] if k in kernels)

    tables = CaptureTables()
    tables.ngroups = nfa.ngroups
    tables.first = dfa.minimize(dfa.determinize(
        [accepting], lambda kernels, c: accepting | before(kernels, c),
        lambda kernels: (0 in kernels, 1 in kernels), nclasses))
    tables.longest = dfa.minimize(dfa.determinize(
        [frozenset({0}), frozenset({1})], forward,
        lambda kernels: bool(kernels & accepting), nclasses))
    for state, row in enumerate(tables.longest.next):
        if not tables.longest.flags[state] and all(t == state for t in row):
            tables.longest_dead = state
    tables.exact = dfa.determinize([accepting], before, lambda kernels: None, nclasses)
    width = (nkernels + 7) // 8
    if len(tables.exact) * width > MAX_TABLE_BYTES:
        raise RegexError("pattern too complex for submatch extraction")
    for kernels in tables.exact.sets:
        bits = bytearray(width)
        for k in kernels:
            bits[k >> 3] |= 1 << (k & 7)
        tables.member.append(bytes(bits))
    _walk_steps(nfa, classes, nclasses, tables, nkernels)
    return tables


def _walk_steps(nfa, classes, nclasses, tables, nkernels):
    set_index = {}
    tags_index = {}
    for kernel in range(nkernels):
        tables.step_index.append(len(tables.step_next))
        for state, ops in nfa.closure(kernel):
            if nfa.kinds[state] == ACCEPT:
                tables.step_next.append(ACCEPT_STEP)
                tables.step_set.append(0)
            else:
                tables.step_next.append(nfa.after(state))
                members = bytearray((nclasses + 7) // 8)
                for byte in nfa.chars[state]:
                    c = classes[byte]
                    members[c >> 3] |= 1 << (c & 7)
                members = bytes(members)
                if members not in set_index:
                    set_index[members] = len(tables.class_sets)
                    tables.class_sets.append(members)
                tables.step_set.append(set_index[members])
            if ops not in tags_index:
                tags_index[ops] = len(tables.tags)
                tables.tags.extend(ops)
            tables.step_tags.append(tags_index[ops])
            tables.step_ntags.append(len(ops))
    tables.step_index.append(len(tables.step_next))
    if not tables.class_sets:
        tables.class_sets.append(bytes((nclasses + 7) // 8))
    if not tables.tags:
        tables.tags.append(0)

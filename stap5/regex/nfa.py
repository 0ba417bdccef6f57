"""The parsed pattern as a Thompson NFA whose choices are ordered.

States consume one byte (CHAR), branch (SPLIT, outs in priority order: the
greedy choice first), record the position in a tag (TAG: group g opens with
tag 2g and closes with 2g+1), assert the start of the subject (START), or
accept.  `$` is a CHAR on END, the subject's terminating NUL.

The automata (dfa.py) and the submatch walker (captures.py) work on
*kernels*: where a thread stands between two bytes.  A kernel is a state
that follows a CHAR, or the start state; the start state exists twice, at
position 0 (where `^` holds) and elsewhere.  From a kernel, closure() lists
the CHAR states (and ACCEPT) reachable without consuming, each by its most
preferred path and with the tags that path sets.
"""

from stap5.regex import parser
from stap5.regex.parser import END, RegexError

CHAR, SPLIT, TAG, START, ACCEPT = range(5)

# A limit on the automaton we build: counted repetitions multiply states.
MAX_NFA_STATES = 50000


class NFA:
    def __init__(self):
        self.kinds = []
        self.outs = []          # CHAR/TAG/START: [next]; SPLIT: ordered choices
        self.chars = []         # CHAR: frozenset of bytes
        self.tags = []          # TAG: tag number
        self.start = None
        self.accept = self.add(ACCEPT, [])
        self.ngroups = 1
        self.kernels = []       # kernel number -> (state, at position 0)
        self._kernel_index = {}
        self._closures = {}

    def add(self, kind, outs, chars=None, tag=None):
        if len(self.kinds) >= MAX_NFA_STATES:
            raise RegexError("pattern too large (more than %d automaton states)"
                             % MAX_NFA_STATES)
        self.kinds.append(kind)
        self.outs.append(outs)
        self.chars.append(chars)
        self.tags.append(tag)
        return len(self.kinds) - 1

    # ---- kernels ----------------------------------------------------------

    def kernel(self, state, at_start=False):
        key = (state, at_start)
        number = self._kernel_index.get(key)
        if number is None:
            number = self._kernel_index[key] = len(self.kernels)
            self.kernels.append(key)
        return number

    def closure(self, kernel):
        """[(state, tags)] in priority order: each CHAR state (or ACCEPT)
        reachable from the kernel without consuming a byte, by the first
        path a greedy left-to-right search would take.  A state is entered
        once per closure, so a loop cannot iterate on the empty string."""
        cached = self._closures.get(kernel)
        if cached is not None:
            return cached
        state, at_start = self.kernels[kernel]
        found = []
        seen = set()
        stack = [(state, ())]
        kinds, outs, tags = self.kinds, self.outs, self.tags
        while stack:
            state, ops = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            kind = kinds[state]
            if kind == CHAR or kind == ACCEPT:
                found.append((state, ops))
            elif kind == SPLIT:
                for out in reversed(outs[state]):
                    stack.append((out, ops))
            elif kind == TAG:
                stack.append((outs[state][0], ops + (tags[state],)))
            elif at_start:                  # START
                stack.append((outs[state][0], ops))
        self._closures[kernel] = found
        return found

    def after(self, char_state):
        """The kernel a thread reaches by consuming a CHAR state's byte."""
        return self.kernel(self.outs[char_state][0])

    # ---- byte classes -----------------------------------------------------

    def byte_classes(self):
        """Bytes no CHAR state tells apart share a class.  END (0) always has
        a class of its own: the automata treat it specially.  Returns
        (class of each byte, a representative byte of each class)."""
        sets = {self.chars[s] for s, kind in enumerate(self.kinds) if kind == CHAR}
        sets = sorted(sets, key=sorted)
        signature = {}
        classes = [0] * 256
        representatives = []
        for byte in range(256):
            key = (byte == END,) + tuple(i for i, chars in enumerate(sets) if byte in chars)
            number = signature.get(key)
            if number is None:
                number = signature[key] = len(representatives)
                representatives.append(byte)
            classes[byte] = number
        return classes, representatives


def build(pattern):
    """The NFA of a parser.Pattern."""
    nfa = NFA()
    nfa.ngroups = pattern.ngroups
    nfa.start = _compile(nfa, pattern.tree, nfa.accept)
    # Kernels 0 and 1: the start, at position 0 and elsewhere.
    nfa.kernel(nfa.start, True)
    nfa.kernel(nfa.start, False)
    return nfa


def _compile(nfa, node, next_state):
    """Add node's states, leading to next_state; returns its entry state."""
    if isinstance(node, parser.Chars):
        return nfa.add(CHAR, [next_state], chars=node.chars)
    if isinstance(node, parser.Start):
        return nfa.add(START, [next_state])
    if isinstance(node, parser.Empty):
        return next_state
    if isinstance(node, parser.Concat):
        for item in reversed(node.items):
            next_state = _compile(nfa, item, next_state)
        return next_state
    if isinstance(node, parser.Alt):
        return nfa.add(SPLIT, [_compile(nfa, item, next_state) for item in node.items])
    if isinstance(node, parser.Group):
        close = nfa.add(TAG, [next_state], tag=2 * node.index + 1)
        return nfa.add(TAG, [_compile(nfa, node.item, close)], tag=2 * node.index)
    if isinstance(node, parser.Repeat):
        return _compile_repeat(nfa, node, next_state)
    raise TypeError("unknown regex node %r" % (node,))


def _compile_repeat(nfa, node, next_state):
    item, low, high = node.item, node.low, node.high
    if high is None:
        # The loop: try another iteration first (greedy), else leave.  The
        # minimum iterations are copies before it: they may match the empty
        # string, and a loop iteration may follow them.
        loop = nfa.add(SPLIT, [])
        body = _compile(nfa, item, loop)
        nfa.outs[loop][:] = [body, next_state]
        entry = loop
    else:
        # Optional copies, nested: a{0,2} is (a(a)?)?.
        entry = next_state
        for _ in range(high - low):
            entry = nfa.add(SPLIT, [_compile(nfa, item, entry), next_state])
    for _ in range(low):
        entry = _compile(nfa, item, entry)
    return entry

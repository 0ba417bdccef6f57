"""Deterministic automata over byte classes: subset construction and
Hopcroft minimization.

Every automaton here is a table next[state][class] with a flag per state
(what the matcher needs to know about it: "accepts", "a match starts
here"...).  determinize() builds one from sets of NFA kernels and a step
function; minimize() merges the states no input can tell apart.
"""

from stap5.regex.parser import RegexError

# Limits on any one automaton of a pattern, so the module stays a sane size
# and pass 3 a sane time: its states, and the NFA kernels they stand for in
# all (the work of the subset construction).
MAX_DFA_STATES = 12000
MAX_DFA_KERNELS = 1000000

_TOO_MANY_STATES = "pattern too complex: its DFA needs more than %d states" % MAX_DFA_STATES
_TOO_LARGE_SETS = ("pattern too complex: its DFA states stand for more than %d NFA states "
                   "in all" % MAX_DFA_KERNELS)


class Automaton:
    def __init__(self, next_states, flags, starts, sets=None):
        self.next = next_states         # [state][class] -> state
        self.flags = flags              # [state] -> hashable
        self.starts = starts            # initial states
        self.sets = sets                # [state] -> the kernel set it stands for

    def __len__(self):
        return len(self.next)


def determinize(initials, step, flag, nclasses):
    """Subset construction from the initial kernel sets: step(set, class)
    gives the next set, flag(set) the state's flag.  States are numbered in
    breadth-first order from the initial ones."""
    index = {}
    sets = []
    queue = []
    work = [0]

    def state_of(kernels):
        number = index.get(kernels)
        if number is None:
            work[0] += len(kernels)
            if len(sets) >= MAX_DFA_STATES:
                raise RegexError(_TOO_MANY_STATES)
            if work[0] > MAX_DFA_KERNELS:
                raise RegexError(_TOO_LARGE_SETS)
            number = index[kernels] = len(sets)
            sets.append(kernels)
            queue.append(number)
        return number

    starts = [state_of(kernels) for kernels in initials]
    table = []
    done = 0
    while done < len(queue):
        kernels = sets[queue[done]]
        done += 1
        table.append([state_of(step(kernels, c)) for c in range(nclasses)])
    return Automaton(table, [flag(kernels) for kernels in sets], starts, sets)


def minimize(automaton):
    """The smallest automaton with the same flags along every input, its
    states renumbered breadth-first from its initial states (Hopcroft)."""
    table, n = automaton.next, len(automaton)
    nclasses = len(table[0]) if n else 0
    inverse = [[[] for _ in range(n)] for _ in range(nclasses)]
    for state, row in enumerate(table):
        for c, target in enumerate(row):
            inverse[c][target].append(state)

    by_flag = {}
    for state, flag in enumerate(automaton.flags):
        by_flag.setdefault(flag, set()).add(state)
    blocks = list(by_flag.values())
    block_of = [0] * n
    for number, block in enumerate(blocks):
        for state in block:
            block_of[state] = number
    pending = set(range(len(blocks)))

    while pending:
        splitter = list(blocks[pending.pop()])
        for c in range(nclasses):
            predecessors = {}
            for target in splitter:
                for state in inverse[c][target]:
                    predecessors.setdefault(block_of[state], []).append(state)
            for number, inside in predecessors.items():
                block = blocks[number]
                if len(inside) == len(block):
                    continue
                part = set(inside)
                block -= part
                new = len(blocks)
                blocks.append(part)
                for state in part:
                    block_of[state] = new
                if number in pending or len(part) <= len(block):
                    pending.add(new)
                else:
                    pending.add(number)

    # Renumber the blocks breadth-first from the initial states.
    order = {}
    queue = []
    for start in automaton.starts:
        block = block_of[start]
        if block not in order:
            order[block] = len(queue)
            queue.append(block)
    done = 0
    while done < len(queue):
        state = next(iter(blocks[queue[done]]))
        done += 1
        for target in table[state]:
            block = block_of[target]
            if block not in order:
                order[block] = len(queue)
                queue.append(block)
    new_table = []
    new_flags = []
    for block in queue:
        state = next(iter(blocks[block]))
        new_table.append([order[block_of[target]] for target in table[state]])
        new_flags.append(automaton.flags[state])
    starts = [order[block_of[start]] for start in automaton.starts]
    return Automaton(new_table, new_flags, starts)

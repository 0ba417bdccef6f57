"""Run a compiled Program's tables in Python, step for step as the generated C
does (templates/regex.j2), so the tables can be tested without a compiler."""

from stap5.regex.captures import ACCEPT_STEP

MAXSTRINGLEN = 512


def _buffer(subject, maxlen):
    """The subject as the C code sees it: at most maxlen - 1 bytes, then NUL."""
    if isinstance(subject, str):
        subject = subject.encode("latin-1")
    subject = subject.split(b"\0", 1)[0]
    return subject[:maxlen - 1]


def matches(program, subject, maxlen=MAXSTRINGLEN):
    table = program.search
    if table.constant is not None:
        return table.constant
    data = _buffer(subject, maxlen) + b"\0"
    classes = program.classes
    state = 0
    for byte in data:
        state = table.next[state][classes[byte]]
        if state >= table.nlive:
            return state == table.accept
    raise AssertionError("the END class must decide")


def _has(bits, number):
    return bits[number >> 3] & (1 << (number & 7))


def groups(program, subject, maxlen=MAXSTRINGLEN):
    """[(start, end)] for groups 0.. of the leftmost-longest match, (-1, -1)
    for a group that did not take part; None if there is no match."""
    t = program.captures
    data = _buffer(subject, maxlen)
    n = len(data)
    classes = program.classes

    def symbol_class(j):
        return classes[data[j] if j < n else 0]

    # 1. the start: the leftmost position where a match can begin.
    first = t.first
    state = first.starts[0]
    start = -1
    for j in range(n, -1, -1):
        state = first.next[state][symbol_class(j)]
        at_zero, elsewhere = first.flags[state]
        if at_zero if j == 0 else elsewhere:
            start = j
    if start < 0:
        return None

    # 2. the end: the longest match from there.
    longest = t.longest
    state = longest.starts[0 if start == 0 else 1]
    end = start if longest.flags[state] else -1
    for j in range(start, n + 1):
        state = longest.next[state][symbol_class(j)]
        if state == t.longest_dead:
            break
        if longest.flags[state]:
            end = j + 1
    assert end >= start

    # 3. per position, the kernels that can still end exactly there.
    exact = t.exact
    scratch = {}
    state = scratch[end] = exact.starts[0]
    for j in range(end - 1, start, -1):
        state = scratch[j] = exact.next[state][symbol_class(j)]

    # 4. the walk.
    tags = [-1] * (2 * t.ngroups)

    def set_tags(x, position):
        first_tag = t.step_tags[x]
        for tag in t.tags[first_tag:first_tag + t.step_ntags[x]]:
            tags[tag] = min(position, n)

    kernel = 0 if start == 0 else 1
    for j in range(start, end):
        c = symbol_class(j)
        for x in range(t.step_index[kernel], t.step_index[kernel + 1]):
            target = t.step_next[x]
            if target == ACCEPT_STEP or not _has(t.class_sets[t.step_set[x]], c):
                continue
            if not _has(t.member[scratch[j + 1]], target):
                continue
            set_tags(x, j)
            kernel = target
            break
        else:
            raise AssertionError("the walk lost its way at %d" % j)
    for x in range(t.step_index[kernel], t.step_index[kernel + 1]):
        if t.step_next[x] == ACCEPT_STEP:
            set_tags(x, end)
            break
    else:
        raise AssertionError("the walk does not accept at %d" % end)
    tags[0], tags[1] = start, min(end, n)
    return [(tags[2 * g], tags[2 * g + 1]) for g in range(t.ngroups)]

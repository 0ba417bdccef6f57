"""A slow, obviously-correct matcher to hold the compiled tables to, and a
generator of random patterns.

The reference backtracks over the parsed tree (enumerating every way to
match, best first), so it shares nothing with the automata but the parser.
Its rules are the ones stap5 documents (stap5/regex/captures.py):
the leftmost match, as long as possible; inside it, the first way in greedy
order -- more iterations before fewer, alternatives in order -- that spans
exactly that; a `*`/`+`/`{n,}` iteration past the minimum must consume
something.  `^` holds at 0; `$` consumes the END after the subject.
"""

import random

from stap5.regex import parser as P


def _ways(node, text, i, tags):
    """Yield (position after, tags) for each way node matches at i, best first.
    text includes the END (NUL) at len(text) - 1."""
    if isinstance(node, P.Chars):
        if i < len(text) and ord(text[i]) in node.chars:
            yield i + 1, tags
    elif isinstance(node, P.Start):
        if i == 0:
            yield i, tags
    elif isinstance(node, P.Empty):
        yield i, tags
    elif isinstance(node, P.Concat):
        yield from _sequence(node.items, 0, text, i, tags)
    elif isinstance(node, P.Alt):
        for item in node.items:
            yield from _ways(item, text, i, tags)
    elif isinstance(node, P.Group):
        for j, inner in _ways(node.item, text, i, tags):
            updated = list(inner)
            updated[2 * node.index] = i
            updated[2 * node.index + 1] = j
            yield j, tuple(updated)
    elif isinstance(node, P.Repeat):
        yield from _repeat(node, 0, text, i, tags)
    else:
        raise TypeError(node)


def _sequence(items, k, text, i, tags):
    if k == len(items):
        yield i, tags
        return
    for j, inner in _ways(items[k], text, i, tags):
        yield from _sequence(items, k + 1, text, j, inner)


def _repeat(node, done, text, i, tags):
    if done < node.low:
        for j, inner in _ways(node.item, text, i, tags):
            yield from _repeat(node, done + 1, text, j, inner)
        return
    if node.high is None:
        for j, inner in _ways(node.item, text, i, tags):
            if j > i:
                yield from _repeat(node, done + 1, text, j, inner)
    elif done < node.high:
        for j, inner in _ways(node.item, text, i, tags):
            yield from _repeat(node, done + 1, text, j, inner)
    yield i, tags


def groups(pattern, subject):
    """Like Program.groups(): [(start, end)] per group, or None."""
    parsed = P.parse(pattern)
    text = subject + "\0"
    n = len(subject)
    blank = (-1,) * (2 * parsed.ngroups)
    for start in range(n + 1):
        ways = list(_ways(parsed.tree, text, start, blank))
        if not ways:
            continue
        end = max(j for j, _ in ways)
        tags = next(t for j, t in ways if j == end)
        clamp = [min(v, n) for v in tags]
        clamp[0], clamp[1] = start, min(end, n)
        return [(clamp[2 * g], clamp[2 * g + 1]) for g in range(parsed.ngroups)]
    return None


def matches(pattern, subject):
    return groups(pattern, subject) is not None


# ---- random patterns ---------------------------------------------------------

ALPHABET = "ab"


class Generated:
    """A random pattern in stap's dialect and, when Python's `re` reads it
    the same way (for a yes/no answer), in Python's."""

    def __init__(self, stap, python):
        self.stap = stap
        self.python = python


def random_pattern(rng, depth=3, anchors=True):
    """(stap text, python text or None).  Anchors anywhere make Python
    disagree (`$` consumes the END in stap), so they only get a Python
    form at the very ends."""
    stap, python = _node(rng, depth, anchors)
    if anchors and rng.random() < 0.2:
        stap, python = "^" + stap, (r"\A" + python if python is not None else None)
    if anchors and rng.random() < 0.2:
        stap, python = stap + "$", (python + r"\Z" if python is not None else None)
    return Generated(stap, python)


def _node(rng, depth, anchors):
    roll = rng.random()
    if depth == 0 or roll < 0.3:
        return _atom(rng, anchors)
    if roll < 0.5:
        parts = [_node(rng, depth - 1, anchors) for _ in range(rng.randint(2, 3))]
        return _join("", parts)
    if roll < 0.65:
        parts = [_node(rng, depth - 1, anchors) for _ in range(rng.randint(2, 3))]
        return _join("|", parts)
    if roll < 0.8:
        stap, python = _node(rng, depth - 1, anchors)
        if rng.random() < 0.3:
            # 4.8's (?: is non-capturing and keeps the `:` (see parser.py).
            return "(?:%s)" % stap, (None if python is None else "(?::%s)" % python)
        return "(%s)" % stap, (None if python is None else "(%s)" % python)
    stap, python = _node(rng, depth - 1, anchors)
    op = rng.choice(["*", "+", "?", "{2}", "{0,2}", "{1,}", "{1,3}"])
    group_stap = "(%s)" % stap
    group_python = None if python is None else "(?:%s)" % python
    return group_stap + op, (None if group_python is None else group_python + op)


def _atom(rng, anchors):
    roll = rng.random()
    if roll < 0.55:
        ch = rng.choice(ALPHABET)
        return ch, ch
    if roll < 0.65:
        return ".", "."
    if roll < 0.75:
        return "[ab]", "[ab]"
    if roll < 0.8:
        return "[^a]", "[^a\\x00]"
    if roll < 0.85:
        return "", ""
    if anchors and roll < 0.93:
        return "^", None
    if anchors:
        return "$", None
    ch = rng.choice(ALPHABET)
    return ch, ch


def _join(separator, parts):
    stap = separator.join(s for s, _ in parts)
    if separator:
        stap = "(%s)" % stap
    if any(p is None for _, p in parts):
        return stap, None
    python = separator.join(p for _, p in parts)
    return stap, ("(?:%s)" % python if separator else python)


def random_subject(rng, longest=6):
    return "".join(rng.choice(ALPHABET + "c:") for _ in range(rng.randint(0, longest)))


def sample(seed, count):
    """count (pattern, [subjects]) pairs, reproducibly."""
    rng = random.Random(seed)
    return [(random_pattern(rng).stap, [random_subject(rng) for _ in range(8)])
            for _ in range(count)]

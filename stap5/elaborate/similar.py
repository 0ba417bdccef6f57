"""The "(similar: a, b, c)" hints of stap's diagnostics: the candidates
closest to a misspelled name by edit distance.  Candidate sets can be
large (every function of the kernel), so distances are computed with a
bit-parallel algorithm, and candidates whose length alone rules them out
are skipped."""

import heapq


def levenshtein(a, b, bound=None):
    """Edit distance of a and b (`bound` is accepted for callers that know
    one; the bit-parallel algorithm is fast enough without it)."""
    return _Pattern(a).distance(b)


class _Pattern:
    """Myers' bit-parallel edit distance, one bit per character of the
    pattern: a few integer operations per character of each candidate."""

    def __init__(self, pattern):
        self.length = len(pattern)
        self.masks = {}
        for position, char in enumerate(pattern):
            self.masks[char] = self.masks.get(char, 0) | (1 << position)
        self.all = (1 << self.length) - 1
        self.last = 1 << (self.length - 1) if self.length else 0

    def distance(self, text):
        if not self.length:
            return len(text)
        masks, full, last = self.masks, self.all, self.last
        plus, minus, score = full, 0, self.length
        for char in text:
            eq = masks.get(char, 0)
            xv = eq | minus
            xh = (((eq & plus) + plus) ^ plus) | eq
            hplus = minus | (~(xh | plus) & full)
            hminus = plus & xh
            if hplus & last:
                score += 1
            elif hminus & last:
                score -= 1
            hplus = ((hplus << 1) | 1) & full
            hminus = (hminus << 1) & full
            plus = hminus | (~(xv | hplus) & full)
            minus = hplus & xv
        return score


def suggest(wanted, candidates, limit=5, threshold=None):
    """Up to `limit` candidates closest to `wanted`, closest first (ties:
    shorter, then in name order); with a threshold, only those within it."""
    best = []           # max-heap via negated keys: (-distance, -len, name)
    pattern = _Pattern(wanted)
    for candidate in set(candidates):
        if not candidate:
            continue
        bound = threshold
        if len(best) == limit:
            worst = -best[0][0]
            bound = worst if bound is None else min(bound, worst)
        if bound is not None and abs(len(candidate) - len(wanted)) > bound:
            continue
        distance = pattern.distance(candidate)
        if bound is not None and distance > bound:
            continue
        key = (-distance, -len(candidate), _Reversed(candidate))
        if len(best) < limit:
            heapq.heappush(best, key)
        elif key > best[0]:
            heapq.heapreplace(best, key)
    ranked = sorted(best, reverse=True)
    return [key[2].name for key in ranked]


class _Reversed:
    """Orders names backwards, so that the heap keeps the smallest names."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __lt__(self, other):
        return self.name > other.name

    def __gt__(self, other):
        return self.name < other.name

    def __eq__(self, other):
        return self.name == other.name

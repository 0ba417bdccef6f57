"""The "(similar: a, b, c)" hints of stap's diagnostics: the candidates
closest to a misspelled name by edit distance."""


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(wanted, candidates, limit=5, threshold=None):
    """Up to `limit` candidates closest to `wanted`, closest first (ties in
    name order); with a threshold, only those within that distance."""
    scored = []
    for candidate in set(candidates):
        if not candidate:
            continue
        if threshold is not None and abs(len(candidate) - len(wanted)) > threshold:
            continue
        distance = levenshtein(wanted, candidate)
        if threshold is None or distance <= threshold:
            scored.append((distance, candidate))
    scored.sort()
    return [name for _, name in scored[:limit]]

"""Broken scripts made from good ones, for the diagnostics and fuzz tests.

A script is cut into its tokens (by stap5's own lexer, which only needs to
find where tokens start and end), and a mutation edits that token list:
delete, duplicate or swap tokens, insert a stray one, truncate the script
after a token.  `mutate(text, rng)` applies one at random.
"""

import glob
import os
import random

from stap5.diagnostics import SourceFile, StapError
from stap5.parse.lexer import tokenize

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

# Tokens a typo or a bad edit leaves where they do not belong.
STRAY_TOKENS = [")", "(", "}", "{", "]", "[", ";", ",", "=", ".", ":", "?", "+", "-", "!",
                "in", "if", "else", "probe", "function", "global", "1", "x", '"s"', "$x",
                "@x", "%(", "%?", "%:", "%)", "->"]


def golden_scripts():
    """(name, text) of the golden cases: every construct of the language."""
    out = []
    for path in sorted(glob.glob(os.path.join(GOLDEN_DIR, "*.stp"))):
        with open(path) as f:
            out.append((os.path.basename(path), f.read()))
    return out


def token_spans(text):
    """(start, end) of each token of a script (blanks and comments excluded)."""
    source = SourceFile("t", text)
    spans = []
    starts = []
    try:
        for tok in tokenize(source):
            starts.append(tok.lexpos)
    except StapError:
        pass
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        spans.append((start, start + len(text[start:stop].rstrip())))
    return spans


def mutate(text, rng, spans=None):
    """One random token-level mutation of a script."""
    spans = spans or token_spans(text)
    if not spans:
        return text + rng.choice(STRAY_TOKENS)
    index = rng.randrange(len(spans))
    start, end = spans[index]
    kind = rng.choice(["truncate", "delete", "insert", "duplicate", "swap"])
    if kind == "truncate":
        return text[:end]
    if kind == "delete":
        return text[:start] + text[end:]
    if kind == "insert":
        return text[:start] + rng.choice(STRAY_TOKENS) + " " + text[start:]
    if kind == "duplicate":
        return text[:end] + " " + text[start:end] + text[end:]
    if index + 1 >= len(spans):
        return text[:start]
    next_start, next_end = spans[index + 1]
    return (text[:start] + text[next_start:next_end] + text[end:next_start]
            + text[start:end] + text[next_end:])


def mutants(count, seed, scripts=None):
    """`count` distinct mutants of the golden scripts (or of `scripts`),
    reproducibly for a seed."""
    rng = random.Random(seed)
    scripts = [text for _, text in (scripts or golden_scripts())]
    spans = [token_spans(text) for text in scripts]
    out, seen = [], set()
    for _ in range(count * 20):
        if len(out) == count:
            break
        index = rng.randrange(len(scripts))
        text = mutate(scripts[index], rng, spans[index])
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out

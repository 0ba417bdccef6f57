"""Probe derivation: from the probe points a script names to concrete probes.

A point may name a probe alias (ours, the library's, or the script's own):
its points are derived in turn, with the alias body run before the
handler (`=`, a prologue) or after it (`+=`, an epilogue), and any extra
components of the point appended to each of the alias's points (stap's
alias suffixes).  Otherwise it must match a built-in probe family, which
derives one or more concrete probes (a `kprobe.function("vfs_*")` becomes
one probe per matching function).

`?` makes a point optional (no match is fine), `!` sufficient (once it
matched, the following points of the same list are not tried), and
`if (expr)` conditions accumulate through aliases.
"""

import fnmatch

from stap5.diagnostics import StapError
from stap5.elaborate.astutil import clone, conjunction
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import similar_names
from stap5.elaborate.program import DerivedProbe
from stap5.parse import ast

MAX_ALIAS_DEPTH = 50


class _Failure(Exception):
    """A point that matched nothing, with the error explaining why."""

    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


def derive_probe(elab, decl, stap_file):
    """All DerivedProbes of one probe declaration (errors go to elab)."""
    derived = []
    for point in decl.points:
        try:
            found = _derive_point(elab, point, decl.body.statements, [("probe", decl)],
                                  point.condition, decl, 0)
        except _Failure as failure:
            if point.optional:
                continue
            context = SemanticError("while resolving probe point", point.components[0].tok)
            inner = failure.error
            inner.chain = [context] + inner.chain
            elab.errors.append(inner)
            continue
        derived.extend(found)
        if found and point.sufficient:
            break
    return derived


def _alias_matches(elab, point):
    """Aliases whose name matches a prefix of the point: (alias, suffix)."""
    components = point.components
    matches = []
    seen = set()

    def consider(name, alias):
        if len(name) > len(components):
            return
        for functor, component in zip(name, components):
            if component.arg is not None or not _functor_matches(component.functor, functor):
                return
        key = id(alias)
        if key not in seen:
            seen.add(key)
            matches.append((alias, components[len(name):]))

    # Library aliases join the program when a point names them.
    for name, path in list(elab.index.alias_names()):
        if _could_match(name, components):
            elab.pull_library_file(path)
    for name, alias, _file in elab.aliases:
        consider(name, alias)
    return matches


def _could_match(name, components):
    if len(name) > len(components):
        return False
    return all(component.arg is None and _functor_matches(component.functor, functor)
               for functor, component in zip(name, components))


def _functor_matches(pattern, name):
    if "*" in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    return pattern == name


def _derive_point(elab, point, statements, chain, condition, decl, depth):
    if depth > MAX_ALIAS_DEPTH:
        raise _Failure(SemanticError("probe alias expansion too deep (recursive alias?)",
                                     point.tok))
    derived = []
    for alias, suffix in _alias_matches(elab, point):
        derived.extend(_expand_alias(elab, alias, suffix, point, statements, chain,
                                     condition, decl, depth))
    matches, failure = elab.registry.match(point.components)
    for family, args in matches:
        try:
            results = family.derive(elab, point, args)
        except StapError as exc:
            raise _Failure(SemanticError(exc.message, exc.tok)) from None
        for concrete, params in results:
            body = ast.Block(clone(statements), tok=decl.body.tok)
            probe = DerivedProbe(concrete, family, body, decl, chain, condition)
            probe.params = params
            derived.append(probe)
    if not derived and not matches:
        if _has_alias_named(elab, point):
            # It named an alias whose own points all failed optionally.
            return derived
        raise _Failure(_mismatch_error(elab, point, failure))
    return derived


def _has_alias_named(elab, point):
    return any(True for _ in _alias_matches(elab, point))


def _expand_alias(elab, alias, suffix, point, statements, chain, condition, decl, depth):
    alias_statements = alias.body.statements
    if alias.epilogue:
        combined = list(statements) + list(alias_statements)
    else:
        combined = list(alias_statements) + list(statements)
    new_chain = [("alias", alias)] + list(chain)
    derived = []
    for alias_point in alias.points:
        target = ast.ProbePoint(list(alias_point.components) + list(suffix),
                                alias_point.optional, alias_point.sufficient,
                                alias_point.condition, tok=alias_point.tok)
        try:
            found = _derive_point(elab, target, combined, new_chain,
                                  conjunction(condition, alias_point.condition), decl,
                                  depth + 1)
        except _Failure as failure:
            if alias_point.optional:
                continue
            if suffix:
                raise _Failure(SemanticError("invalid suffix for probe", suffix[0].tok)) \
                    from None
            raise
        derived.extend(found)
        if found and alias_point.sufficient:
            break
    return derived


def _mismatch_error(elab, point, failure):
    if failure is None:
        return SemanticError("no match", point.tok)
    index, candidates = failure
    component = point.components[min(index, len(point.components) - 1)]
    names = set(candidates)
    if index == 0:
        names.update(name[0] for name, _alias, _file in elab.aliases)
        names.update(name[0] for name, _path in elab.index.alias_names())
    message = "probe point mismatch"
    similar = similar_names(component.functor, sorted(names))
    if similar:
        message += " (similar: %s)" % ", ".join(similar)
    return SemanticError(message, component.tok)

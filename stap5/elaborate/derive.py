"""Probe derivation: from the probe points a script names to concrete probes.

A point is matched against the tree of families and aliases (match_tree).
An alias expands into its own points, with the alias body run before the
handler (`=`, a prologue) or after it (`+=`, an epilogue), any extra
components of the point appended to each of its points (an alias suffix),
and the conditions of both joined with `&&`.  A family derives one or more
concrete probes (`kprobe.function("vfs_*")` one per matching function),
each with its own copy of the body.

`?` makes a point optional (no match is fine, and so is any failure inside
an alias it expands to), `!` optional and sufficient (once it matched, the
following points of the same list are not tried).  Failures are reported
as stap does, wrapped in "while resolving probe point".
"""

from stap5.diagnostics import StapError
from stap5.elaborate.astutil import clone, component_token, conjunction
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.match_tree import MatchTree
from stap5.elaborate.program import DerivedProbe
from stap5.parse import ast


class Expansion:
    """A probe being derived: the user's declaration, or an alias expansion
    of it (with more points, a longer body and a longer chain)."""

    def __init__(self, points, body, chain, tok, decl, through_alias, script_point=None):
        self.points = points
        self.script_point = script_point  # the user's point an alias expanded (for pn())
        self.body = body                # ast.Block (not yet copied)
        self.chain = chain              # [("alias", AliasDecl)..., ("probe", ProbeDecl)]
        self.tok = tok                  # the derived probes' token
        self.decl = decl                # the user's ProbeDecl
        self.through_alias = through_alias


class RecursiveExpansion(SemanticError):
    recursive = True


class Deriver:
    def __init__(self, elab):
        self.elab = elab
        self.tree = build_tree(elab)
        self.results = []
        self.stack = []                 # Expansions being derived
        self.parent_optional = False

    # --- what the match tree calls --------------------------------------------------

    def result_count(self):
        return len(self.results)

    @staticmethod
    def optional(point):
        return point.optional

    @staticmethod
    def with_functor(point, position, functor):
        components = list(point.components)
        old = components[position]
        components[position] = ast.Component(functor, old.arg, True, tok=old.tok)
        return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                              tok=point.tok)

    @staticmethod
    def with_component(point, position, functor):
        """The point with a component `functor` (no argument) inserted at
        `position`."""
        components = list(point.components)
        tok = components[position - 1].tok
        components.insert(position, ast.Component(functor, None, True, tok=tok))
        return ast.ProbePoint(components, point.optional, point.sufficient, point.condition,
                              tok=point.tok)

    def build_family(self, family, point):
        use = self.stack[-1]
        args = {component.functor: (None if component.arg is None else component.arg.value)
                for component in point.components}
        self.elab.deriving_tok = use.tok
        try:
            derived = family.derive(self.elab, point, args)
        except SemanticError:
            raise
        except StapError as exc:
            raise SemanticError(exc.message, exc.tok) from None
        finally:
            self.elab.deriving_tok = None
        for concrete, params in derived:
            condition = point.condition
            if condition is not None and use.through_alias:
                condition = clone(condition)
            concrete = ast.ProbePoint(concrete.components, point.optional, point.sufficient,
                                      condition, tok=concrete.tok)
            body = clone(use.body)
            probe = DerivedProbe(concrete, family, body, use.decl, use.chain, condition)
            probe.script_point = use.script_point or (
                point if family.shows_matched_point else concrete)
            probe.matched_point = point
            probe.scope = params.pop("scope", None)
            probe.params = params
            probe.probe_tok = use.tok
            self.results.append(probe)

    def build_alias(self, builder, point, suffix):
        use = self.stack[-1]
        alias, stap_file = self.elab.alias_for(builder)
        if alias is None:
            raise SemanticError("no match")
        if _recursive(use):
            tok = point.components[0].tok
            from stap5.parse.printer import Printer
            raise RecursiveExpansion("recursive loop in alias expansion of %s at %s" % (
                Printer().visit(point), _location(tok)))
        points = []
        for alias_point in alias.points:
            points.append(ast.ProbePoint(
                list(alias_point.components) + list(suffix), alias_point.optional,
                alias_point.sufficient, conjunction(alias_point.condition, point.condition),
                tok=alias_point.tok))
        if alias.epilogue:
            body = ast.Block([use.body, alias.body], tok=use.body.tok)
        else:
            body = ast.Block([alias.body, use.body], tok=alias.body.tok)
        expansion = Expansion(points, body, [("alias", alias)] + use.chain,
                              point.components[0].tok, use.decl, True,
                              use.script_point or point)
        before = len(self.results)
        self.derive_probes(expansion, point.optional, rethrow=bool(suffix))
        if len(self.results) > before:
            if stap_file is not None:
                self.elab.alias_file_used(stap_file)
        elif not (point.optional or self.parent_optional) \
                and self.elab.session.verbosity(2) > 0:
            # (stap says so, only when verbose)
            self.elab.error("resolution failed in alias expansion builder")

    # --- stap's derive_probes ------------------------------------------------------

    def derive_probes(self, expansion, optional=False, rethrow=False):
        undo_optional = False
        if optional and not self.parent_optional:
            self.parent_optional = undo_optional = True
        self.stack.append(expansion)
        try:
            for point in expansion.points:
                try:
                    before = len(self.results)
                    try:
                        self.tree.find_and_build(self, point)
                    except SemanticError as error:
                        if getattr(error, "recursive", False) or not (
                                point.optional or self.parent_optional):
                            raise
                        continue
                    if not (point.optional or self.parent_optional) \
                            and len(self.results) == before:
                        raise SemanticError("no match")
                    if point.sufficient and len(self.results) > before:
                        break
                except SemanticError as error:
                    if rethrow:
                        raise
                    self.elab.report(SemanticError("while resolving probe point",
                                                   component_token(point.components[0]),
                                                   chain=error))
        finally:
            self.stack.pop()
            if undo_optional:
                self.parent_optional = False


def _recursive(use):
    """stap's test: the alias that produced `use` already produced one of
    the expansions `use` comes from."""
    if not use.chain or use.chain[0][0] != "alias":
        return False
    alias = use.chain[0][1]
    return any(kind == "alias" and decl is alias for kind, decl in use.chain[1:])


def _location(tok):
    line, column = tok.position()
    return "%s:%d:%d" % (tok.file.name, line, column)


def build_tree(elab):
    """The match tree of this elaboration: the registry's families, the
    program's aliases and every library alias (parsed when used)."""
    tree = MatchTree()
    for family in elab.registry.families:
        tree.add_family(family)
    for functors, source in elab.alias_sources():
        if isinstance(source, tuple) and isinstance(source[0], str) and functors:
            tree.add_alias_later(functors, source)      # a library alias
        else:
            tree.add_alias(functors, source)
    return tree


def derive_probe(elab, decl):
    """All DerivedProbes of one probe declaration (errors go to elab)."""
    deriver = elab.deriver()
    deriver.results = []
    expansion = Expansion(decl.points, decl.body, [("probe", decl)], decl.tok, decl, False)
    deriver.derive_probes(expansion)
    return deriver.results

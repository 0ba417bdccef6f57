"""Listings: `-l PATTERN`, `-L PATTERN`, `--dump-probe-types`,
`--dump-probe-aliases` and `--dump-functions`, in stap's output style.

`-l PATTERN` elaborates the script `probe PATTERN {}` and prints, for
each derived probe, the point the user would write: the name of the alias
the pattern reached (`syscall.open`), or the concrete point of a built-in
family (`kprobe.function("vfs_read")`), sorted, each once.  `-L` adds the
variables the alias bodies set, `name:type` (those of the first probe
derived for that point, as stap does).  Errors are not shown (unless
-vv); the status is 1 when nothing matched.
"""

import sys

from stap5.elaborate.dump import ResolvedPrinter, function_signature_types
from stap5.parse import ast
from stap5.parse.printer import Printer


def listing_script(session):
    return "probe %s {}" % session.list_pattern


def _listed_point(probe, printer):
    """What -l shows for a derived probe."""
    chain = probe.chain
    if len(chain) > 1 and chain[-2][0] == "alias":
        alias = chain[-2][1]
        return printer.visit(alias.names[0])
    # (a family may list a probe under another name than -p2 shows: a
    # marker listed as mark("name") is placed as statement(ADDRESS); perf
    # lists the point as matched, ...hz(100), not as derived)
    point = (probe.params.get("listed_point")
             or (probe.matched_point if probe.family.shows_matched_point else probe.point))
    return printer.visit(ast.ProbePoint(point.components, point.optional, point.sufficient,
                                        None, tok=point.tok))


def run_listing(session, pass1_result):
    """-l / -L after pass 1; returns the exit status."""
    from stap5.elaborate.elaborator import Elaborator
    from stap5.elaborate.report import MessagePrinter
    elab = Elaborator(session, pass1_result)
    elab.listing = True
    elab.run(pass1_result.user_files)
    if session.verbosity(2) > 1:
        printer = MessagePrinter(True)
        printer.print_all(elab.messages)
    printer = ResolvedPrinter(elab.program)
    lines = {}          # point -> its variables, from the first probe listing it
    targets = {}        # point -> its target variables, from the last probe (as stap)
    for probe in elab.program.probes:
        # the pattern's probes, not those of library files it pulled in
        if probe.synthetic or not elab.is_user_file(probe.decl.tok.file.name):
            continue
        text = _listed_point(probe, printer)
        if session.list_mode == "L" and probe.scope is not None:
            targets[text] = target_variables(probe)
        if text in lines:
            continue
        variables = ""
        if session.list_mode == "L":
            for symbol in probe.locals.values():
                if not symbol.synthetic or getattr(symbol, "listed", False):
                    variables += " %s:%s" % (symbol.name, symbol.type or "unknown")
        lines[text] = variables
    out = sys.stdout
    for point in sorted(lines):
        out.write(point + lines[point] + targets.get(point, "") + "\n")
    out.flush()
    return 0 if lines else 1


def target_variables(probe):
    """ " $name:type..." of what the probed code has at the probe address,
    `$return` first for a .return probe (stap's -L)."""
    scope = probe.scope
    if scope is None:
        return ""
    text = ""
    if probe.params.get("return"):
        return_type = scope.return_type()
        if return_type is not None:
            text += " $return:%s" % return_type.spelling()
    for variable in scope.listed_variables():
        text += " $%s:%s" % (variable.name, variable.type.spelling())
    return text


# --- dumps ---------------------------------------------------------------------

def run_dump(session):
    """--dump-probe-types, --dump-probe-aliases, --dump-functions."""
    from stap5.elaborate.elaborator import Elaborator
    from stap5.parse import pass1
    session.script_text = "probe never {}"     # pass 1 wants a script; the macros matter
    result = pass1.run(session, whole_library=False)
    elab = Elaborator(session, result)
    out = sys.stdout
    if session.dump == "probe-types":
        lines = _probe_types(elab)
    elif session.dump == "probe-aliases":
        lines = _probe_aliases(elab)
    else:
        lines = _functions(elab)
    for line in lines:
        out.write(line + "\n")
    out.flush()
    return 0


def _probe_types(elab):
    """The shapes of the probe points of every family."""
    from stap5.elaborate.match_tree import MatchTree
    tree = MatchTree()
    for family in elab.registry.families:
        tree.add_family(family)
    return tree.listing()


def _probe_aliases(elab):
    printer = Printer()
    lines = set()
    for path in elab.index.all_paths():
        stap_file = elab.library_file(path)
        if stap_file is None:
            continue
        for alias in stap_file.aliases:
            points = ", ".join(printer.visit(point) for point in alias.points)
            for name in alias.names:
                if name.components[0].functor.startswith("_"):
                    continue        # internal to the library, as stap hides them
                lines.add("%s %s %s" % (printer.visit(name), "+=" if alias.epilogue else "=",
                                        points))
    return sorted(lines)


def _functions(elab):
    """Every library function with its signature, as far as its own file
    lets us infer the types."""
    from stap5.elaborate import types
    from stap5.elaborate.resolve import Resolver
    for path in elab.index.all_paths():
        elab.pull_library_file(path)
    resolver = Resolver(elab)
    for stap_file in elab.program.files:
        for function in stap_file.functions:
            elab.use_function(function)
    elab._resolve_pending_functions(resolver)
    types.infer(elab)
    lines = []
    for function in elab.program.used_functions():
        if function.private or function.name.startswith("_"):
            continue        # only the public ones, as stap lists them
        params = ", ".join("%s:%s" % (p.name, t) for p, t in
                           zip(function.params, function_signature_types(function)))
        lines.append("%s:%s (%s)" % (function.name, function.inferred_type or "unknown",
                                     params))
    return lines

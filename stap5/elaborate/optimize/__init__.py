"""stap's pass-2 optimizations, in stap's order.

optimize1 runs before type inference and repeats until nothing changes:
unused functions and variables, dead assignments, dead statements, void
statements simplified, constant folding (after a check of the types, which
ends the pass if they clash: folding must not hide `"foo" * 0`), code after
`next`/`return`.  Only
the first round prints warnings (one elision exposes the next, which stap
does not report).  With -u only constant folding runs (it also settles
`@defined`).  optimize2 runs after type inference: overloads that cannot
run, duplicate functions.
"""

from stap5.elaborate.optimize import const_fold, dead_code, functions, void_reduce

MAX_ROUNDS = 100


def optimize1(elab):
    session = elab.session
    saved = elab.warnings_off
    try:
        for round_number in range(MAX_ROUNDS):
            if session.verbosity(2) > 2:
                elab.warnings_off = False
            elif round_number > 0:
                elab.warnings_off = True
            changed = False
            if not session.unoptimized:
                changed |= dead_code.remove_unused_functions(elab)
                changed |= dead_code.remove_unused_variables(elab, round_number == 0)
                errors = len(elab.errors)
                changed |= dead_code.remove_dead_assignments(elab)
                if len(elab.errors) > errors:
                    return          # an assignment to no variable
                changed |= dead_code.remove_dead_statements(elab)
                changed |= void_reduce.reduce_void_statements(elab)
            if not _types_agree(elab):
                # Pass 2 ends here, but an overload the clash leaves
                # unreachable goes first, and what is left is checked again
                # (the call keeps the type the other overload gave it).
                if not session.unoptimized and functions.remove_dead_overloads(elab):
                    _types_agree(elab)
                return
            folder = const_fold.fold(elab.program)
            changed |= folder.changed
            _report_mismatches(elab, folder)
            if not session.unoptimized:
                changed |= dead_code.remove_unreachable(elab)
            if not changed:
                break
    finally:
        elab.warnings_off = saved


def _types_agree(elab):
    """Type inference on the program as it stands, as stap runs it before
    each round of folding: a clash is reported (and ends pass 2), what it
    learns stays (`h - 0` makes h a long before it
    becomes `h`), what it cannot resolve yet is not an error.  A clash
    found again in a later round is not reported again."""
    from stap5.elaborate import types
    errors = len(elab.errors)
    types.infer(elab, after_sweeps=elab.after_type_sweeps, report_unresolved=False)
    if len(elab.errors) == errors:
        return True
    elab.forget_repeated_errors(errors)
    return False


def _report_mismatches(elab, folder):
    for node in folder.mismatches:
        template = "type mismatch: left and right sides don't agree (%s vs %s)"
        elab.error(template % (node.left.type, node.right.type), node.tok, similar=template)


def optimize2(elab):
    if not elab.session.unoptimized:
        functions.remove_dead_overloads(elab)
        functions.merge_duplicate_functions(elab)


def fold_only(elab):
    """What runs with -u: constant folding (and @defined) to a fixed point."""
    while const_fold.fold(elab.program).changed:
        pass

"""Runs the passes of a session, with stap's progress and failure messages."""

import os
import sys
import time

from stap5.session import SessionError


class PassTimer:
    """Measures one pass the way stap's -v lines report it."""

    def __init__(self):
        self.start_times = os.times()
        self.start_real = time.monotonic()

    def report(self):
        end = os.times()
        real = time.monotonic() - self.start_real
        usr = (end.user - self.start_times.user) * 1000
        sys_ = (end.system - self.start_times.system) * 1000
        return "using %s, in %dusr/%dsys/%dreal ms." % (memory_usage(), usr, sys_,
                                                         real * 1000)


def memory_usage():
    """virt/res/shr/data in kB, from /proc/self/statm, as stap prints them."""
    try:
        with open("/proc/self/statm") as f:
            fields = [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return "0virt/0res/0shr/0data kb"
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    size, resident, shared, _text, _lib, data = fields[:6]
    return "%dvirt/%dres/%dshr/%ddata kb" % (size * page_kb, resident * page_kb,
                                              shared * page_kb, data * page_kb)


def print_errors(errors, kind_word):
    """Print diagnostics and stap's count line ("2 parse errors.")."""
    out = sys.stderr
    for err in errors:
        out.write(err.render() + "\n")
    count = len(errors)
    out.write("%d %s%s.\n" % (count, kind_word, "" if count == 1 else "s"))


def run(session):
    """Run passes 1..session.last_pass; return the exit status."""
    try:
        return _run_passes(session)
    except SessionError as exc:
        sys.stderr.write("%s\n" % exc)
        return 1


def _run_passes(session):
    from stap5.parse import pass1
    from stap5.parse.printer import dump_file

    timer = PassTimer()
    result = pass1.run(session, whole_library=session.last_pass == 1
                       and session.verbosity(1) > 0)
    if result.errors:
        print_errors(result.errors, "parse error")
        sys.stderr.write("Pass 1: parse failed.  [man error::pass1]\n")
        return 1
    if session.verbosity(1):
        sys.stderr.write("Pass 1: parsed user script and %d library scripts %s\n"
                         % (len(result.library_files), timer.report()))
    if session.last_pass == 1:
        out = sys.stdout
        out.write("# parse tree dump\n")
        files = list(result.user_files)
        if session.verbosity(1):
            files += result.library_files
        for stap_file in files:
            out.write(dump_file(stap_file) + "\n")
        out.flush()
        return 0
    timer = PassTimer()
    elab = _pass2(session, result)
    if elab is None:
        return 1
    if session.verbosity(2):
        program = elab.program
        sys.stderr.write("Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
                         "%d global%s %s\n" % (
                             *_plural(len(program.probes)),
                             *_plural(sum(len(v) for v in program.functions.values())),
                             *_plural(len(program.embeds)), *_plural(len(program.globals)),
                             timer.report()))
    if session.last_pass == 2:
        from stap5.elaborate.dump import dump
        sys.stdout.write(dump(elab.program, session.verbosity(2) > 0))
        sys.stdout.flush()
        return 0
    sys.stderr.write("stap5: pass 3 (translation) is not implemented yet\n")
    return 1


def _plural(count):
    return count, "" if count == 1 else "s"


def print_messages(messages, verbose):
    """Print warnings/errors; like stap, repeat a similar message only with -v."""
    seen = set()
    suppressed = {"error": 0, "warning": 0}
    for message in messages:
        key = message.key()
        if key in seen and not verbose:
            suppressed[key[0]] += 1
            continue
        seen.add(key)
        sys.stderr.write(message.render() + ("\n" if key[0] == "error" else ""))
    return suppressed


def _pass2(session, result):
    from stap5.elaborate import elaborate
    elab = elaborate(session, result)
    verbose = session.verbosity(2) > 0
    suppressed = print_messages(elab.warnings, verbose)
    if session.warnings_as_errors and elab.warnings and not elab.errors:
        from stap5.elaborate.errors import SemanticError
        elab.errors.append(SemanticError("warnings treated as errors (-W)"))
    if elab.errors:
        more = print_messages(elab.errors, verbose)
        sys.stderr.write("Pass 2: analysis failed.  [man error::pass2]\n")
        if more["error"]:
            sys.stderr.write("Number of similar error messages suppressed: %d.\n"
                             % more["error"])
        if suppressed["warning"]:
            sys.stderr.write("Number of similar warning messages suppressed: %d.\n"
                             % suppressed["warning"])
        if more["error"] or suppressed["warning"]:
            sys.stderr.write("Rerun with -v to see them.\n")
        return None
    if suppressed["warning"]:
        sys.stderr.write("Number of similar warning messages suppressed: %d.\n"
                         % suppressed["warning"])
        sys.stderr.write("Rerun with -v to see them.\n")
    return elab

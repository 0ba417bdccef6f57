"""Runs the passes of a session, with stap's progress and failure messages."""

import os
import platform
import sys
import time

from stap5.session import SessionError


class PassTimer:
    """Measures one pass the way stap's -v lines report it."""

    def __init__(self):
        self.start_times = os.times()
        self.start_real = time.monotonic()

    def report(self, children=False):
        """"using MEMORY, in Uusr/Ssys/Rreal ms."; with `children` (pass 4,
        whose work is make's), the CPU time of the commands run and no
        memory, as stap prints it."""
        end = os.times()
        real = time.monotonic() - self.start_real
        usr = (end.user - self.start_times.user) * 1000
        sys_ = (end.system - self.start_times.system) * 1000
        if children:
            usr += (end.children_user - self.start_times.children_user) * 1000
            sys_ += (end.children_system - self.start_times.children_system) * 1000
            return "in %dusr/%dsys/%dreal ms." % (usr, sys_, real * 1000)
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


def run(session):
    """Run passes 1..session.last_pass; return the exit status."""
    try:
        if session.remotes and session.list_mode is None and session.dump is None:
            from stap5 import remote
            return remote.run(session)
        return _run_passes(session)
    except SessionError as exc:
        sys.stderr.write("%s\n" % exc)
        return 1


def _run_passes(session):
    from stap5.parse import pass1
    from stap5.parse.printer import dump_pass1

    if session.vm and session.kernel_release == platform.release():
        # The guest runs the kernel stap5-prep --vm fetched.
        from stap5.vm import DEFAULT_KVER
        session.set_kernel_target(DEFAULT_KVER)
    cache = None
    if session.last_pass >= 3 and session.list_mode is None and session.dump is None:
        cache = _Cache(session)
        hit = cache.lookup() if session.last_pass >= 4 else None
        if hit is not None:
            ko, source = hit
            if session.verbosity(1):
                sys.stderr.write("Pass 3: using cached %s\nPass 4: using cached %s\n"
                                 % (source, ko))
            return _after_build(session, ko, cache)

    if session.dump is not None:
        from stap5.elaborate.listing import run_dump
        return run_dump(session)
    if session.list_mode is not None:
        from stap5.elaborate.listing import listing_script
        session.script_text = listing_script(session)

    timer = PassTimer()
    result = pass1.run(session, whole_library=session.last_pass == 1
                       and session.verbosity(1) > 0)
    pass1.report(session, result)
    if session.verbosity(1):
        sys.stderr.write("Pass 1: parsed user script and %d library scripts %s\n"
                         % (len(result.library_files), timer.report()))
    if result.failed:
        sys.stderr.write("Pass 1: parse failed.  [man error::pass1]\n")
        return 1
    if session.last_pass == 1:
        sys.stdout.write(dump_pass1(result, session.verbosity(1) > 0))
        sys.stdout.flush()
        return 0
    if session.list_mode is not None:
        from stap5.elaborate.listing import run_listing
        return run_listing(session, result)
    elaborated = _pass2(session, result)
    if elaborated is None:
        return 1
    if session.last_pass == 2:
        from stap5.elaborate.dump import dump
        sys.stdout.write(dump(elaborated.program, session.verbosity(2) > 0))
        sys.stdout.flush()
        return 0
    return _passes_3_to_5(session, elaborated.program, cache)


def _script_text(session):
    """The user's script(s), for the module cache key and the module name."""
    if session.script_text is not None:
        text = session.script_text
    elif session.script_file == "-":
        return None     # stdin is read once, by pass 1: no cache
    else:
        try:
            with open(session.script_file, "rb") as f:
                text = f.read().decode("utf-8", "surrogateescape")
        except OSError:
            return None     # pass 1 reports it
    return text + "\0" + "\0".join(session.additional_scripts)


class _Cache:
    """The module-cache key of this run, and the module name it implies."""

    def __init__(self, session):
        from stap5.build import kbuild, module_cache
        self.key = None
        text = _script_text(session)
        if text is not None:
            self.key = module_cache.compute_key(session, text, kbuild.tree_identity(session))
        self.module_name = session.module_name or (
            "stap_" + self.key[:24] if self.key else "stap_%d" % os.getpid())

    def lookup(self):
        from stap5.build import module_cache
        if self.key is None:
            return None
        return module_cache.lookup(self.key, self.module_name)


def _passes_3_to_5(session, program, cache):
    import shutil
    import tempfile
    from stap5.build import kbuild, module_cache
    from stap5.translate import TranslationError, translate

    timer = PassTimer()
    script_name = session.script_file if session.script_text is None else "<input>"
    try:
        c_source = translate(session, program, cache.module_name, script_name or "<input>")
    except TranslationError as exc:
        from stap5.elaborate.errors import SemanticError
        sys.stderr.write(SemanticError(exc.message, exc.tok).render() + "\n")
        sys.stderr.write("Pass 3: translation failed.  [man error::pass3]\n")
        return 1
    # The C goes into a temporary directory, where pass 4 builds it (and -k
    # keeps it), as stap does.
    workdir = tempfile.mkdtemp(prefix="stap", dir=session.tmpdir)
    try:
        c_path = kbuild.write_sources(workdir, cache.module_name, c_source, session)
        if session.verbosity(3):
            sys.stderr.write("Pass 3: translated to C into \"%s\" %s\n"
                             % (c_path, timer.report()))
        if session.last_pass == 3:
            sys.stdout.write(c_source)
            return 0

        timer = PassTimer()
        try:
            ko, output = kbuild.build(session, workdir, cache.module_name,
                                      session.verbosity(4))
        except kbuild.BuildError as exc:
            if exc.output:
                sys.stderr.write(exc.output + "\n")
            sys.stderr.write("%s\nPass 4: compilation failed.  [man error::pass4]\n"
                             % exc.message)
            return 1
        if session.verbosity(4) >= 2 and output.strip():
            sys.stderr.write(output)
        if cache.key is not None:
            ko = module_cache.store(cache.key, cache.module_name, ko, c_path)
        if session.verbosity(4):
            sys.stderr.write("Pass 4: compiled C into \"%s.ko\" %s\n"
                             % (cache.module_name, timer.report(children=True)))
        return _after_build(session, ko, cache)
    finally:
        if session.keep_tmpdir:
            sys.stderr.write("Keeping temporary directory \"%s\"\n" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _after_build(session, ko, cache):
    """-p4 prints the module; otherwise pass 5 runs it (or, for --remote, it
    is handed to stap5.remote, which runs pass 5 on each host)."""
    import shutil
    if session.module_sink is not None:
        session.module_sink(ko)
        return 0
    if session.last_pass == 4:
        if session.module_name:
            target = session.module_name + ".ko"
            shutil.copyfile(ko, target)
            print(target)
        else:
            print(ko)
        return 0
    return _pass5(session, ko)


def staprun_args(session, ko, remote=False):
    """staprun5's command line for pass 5 (remote: the output comes back here, so
    no -o, no rotation, no -F)."""
    local = not session.vm and not remote
    args = []
    args += ["-v"] * session.verbosity(5)
    if session.suppress_warnings:
        args.append("-w")
    if session.target_command:
        args += ["-c", session.target_command]
    if session.target_pid is not None:
        args += ["-x", str(session.target_pid)]
    if session.timeout:
        args += ["-T", str(session.timeout)]
    if session.buffer_size:
        args += ["-b", str(session.buffer_size)]
    if session.output_file and local:
        args += ["-o", session.output_file]
    if session.output_rotation and local:
        args += ["-S", session.output_rotation]
    if session.flight_recorder and not remote:
        # In memory: load, start, detach; to a file: in the background.
        args.append("-D" if session.output_file else "-L")
    args.append(ko)
    args += session.global_settings
    return args


def _pass5(session, ko):
    args = staprun_args(session, ko)
    timer = PassTimer()
    if session.verbosity(5):
        sys.stderr.write("Pass 5: starting run.\n")
    sys.stdout.flush()
    if session.vm:
        from stap5.vm.pass5 import run_in_guest
        rc = run_in_guest(session.kernel_release, args, session.output_file,
                          session.verbosity(5), rotation=session.output_rotation,
                          cpus=session.vm_cpus)
    else:
        from stap5.run import staprun
        rc = staprun.main(args)
    if session.verbosity(5):
        sys.stderr.write("Pass 5: run completed %s\n" % timer.report().split(", ", 1)[1])
    if rc:
        sys.stderr.write("WARNING: staprun5 exited with status: %d\n" % rc)
        sys.stderr.write("Pass 5: run failed.  [man error::pass5]\n")
        return 1
    return 0


def _plural(count):
    return count, "" if count == 1 else "s"


def _pass2(session, result):
    """Elaborate; print pass 2's messages and -v line.  The Pass2Result, or
    None if the pass failed."""
    from stap5.elaborate import elaborate
    from stap5.diagnostics import session_reporter
    from stap5.elaborate.report import MessagePrinter
    timer = PassTimer()
    elaborated = elaborate(session, result)
    printer = MessagePrinter(session.verbosity(2) > 0, session_reporter(session))
    printer.print_all(elaborated.messages)
    failed = elaborated.failed or (session.warnings_as_errors and bool(elaborated.warnings))
    if session.verbosity(2):
        program = elaborated.program
        sys.stderr.write("Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
                         "%d global%s %s\n" % (
                             *_plural(len(program.probes)),
                             *_plural(sum(len(v) for v in program.functions.values())),
                             *_plural(len(program.embeds)), *_plural(len(program.globals)),
                             timer.report()))
        _report_target_variable_sources(program, session.verbosity(2))
    if failed:
        sys.stderr.write("Pass 2: analysis failed.  [man error::pass2]\n")
    return None if failed else elaborated


_SOURCE_NAMES = {"btf": "BTF", "dwarf": "DWARF", "headers": "the kernel's trace headers"}


def _report_target_variable_sources(program, verbosity):
    """-v: where the target variables of each probe came from when it is
    not the DWARF 4.8 would read (BTF, the trace headers); -vv: DWARF too.
    One line per source, naming the probe if alone."""
    from stap5.parse.printer import Printer
    by_source = {}
    for probe in program.probes:
        scope = probe.scope
        if scope is not None and scope.source is not None and (
                verbosity > 1 or scope.source != "dwarf"):
            by_source.setdefault((scope.source, scope.origin), []).append(probe)
    for (source, origin), probes in by_source.items():
        what = (Printer().visit(probes[0].point) if len(probes) == 1
                else "%d probes" % len(probes))
        sys.stderr.write("Pass 2: target variables of %s from %s%s\n" % (
            what, _SOURCE_NAMES.get(source, source), " (%s)" % origin if origin else ""))

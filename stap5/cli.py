"""The `stap5` command line: stap's options, parsed once into a Session."""

import getopt
import os
import sys

import stap5
from stap5.session import PRIVILEGE_LEVELS, Session, SessionError

SHORT_OPTIONS = "hVvtp:I:e:E:o:R:r:a:m:kgPc:x:D:bs:uqiwl:d:L:FS:B:WG:T:"

LONG_OPTIONS = [
    "help", "version", "vp=", "compatible=", "privilege=", "unprivileged",
    "runtime=", "bpf", "dump-probe-types", "dump-probe-aliases", "dump-functions",
    "skip-badvars", "suppress-handler-errors", "tmpdir=", "modinfo=",
    "suppress-time-limits", "prologue-searching==", "ldd", "all-modules",
    "check-version", "vm", "vm-cpus=", "use-server==", "remote=", "remote-prefix", "sysroot=",
    "sysenv=",
    "download-debuginfo==", "save-uprobes", "target-namespace=", "color==",
    "colour==",
]

# Options stap has that stap5 does not implement (yet): a clear refusal.
UNSUPPORTED = {
    "-t": "probe timing (-t)", "-q": "tapset coverage (-q)", "-i": "interactive mode (-i)",
    "-d": "unwind/symbol data (-d)", "-P": "prologue searching (-P)",
    "--prologue-searching": "prologue searching", "--ldd": "--ldd",
    "--all-modules": "--all-modules", "--use-server": "compile servers",
"--sysroot": "--sysroot", "--sysenv": "--sysenv",
    "--download-debuginfo": "--download-debuginfo", "--save-uprobes": "--save-uprobes",
    "--target-namespace": "--target-namespace", "--bpf": "the bpf runtime",
    "--check-version": "--check-version",
}

USAGE = """\
Usage: stap5 [options] FILE                    Run script in file.
   or: stap5 [options] -                       Run script on stdin.
   or: stap5 [options] -e SCRIPT               Run given script.
   or: stap5 [options] -l PROBE                List matching probes.
   or: stap5 [options] -L PROBE                List matching probes and local variables.
   or: stap5 [options] --dump-probe-types      List available probe types.
   or: stap5 [options] --dump-probe-aliases    List available probe aliases.
   or: stap5 [options] --dump-functions        List available functions.

Options:
   --         end of translator options, script options follow
   -h --help  show help
   -V --version
              show version
   -p NUM     stop after pass NUM 1-5, instead of 5
              (parse, elaborate, translate, compile, run)
   -v         add verbosity to all passes
   --vp {{N}}+  add per-pass verbosity [00000]
   -k         keep temporary directory
   -u         unoptimized translation
   -w         suppress warnings
   -W         turn warnings into errors
   -g         guru mode
   -b         bulk (percpu file) mode
   -s NUM     buffer size in megabytes, instead of 0
   -I DIR     look in DIR for additional .stp script files, in addition to
              {tapset_dir}
   -D NM=VAL  emit macro definition into generated C code
   -B NM=VAL  pass option to kbuild make
   --modinfo NM=VAL
              include a MODULE_INFO(NM,VAL) in the generated C code
   -G VAR=VAL set global variable to value
   -R DIR     look in DIR for runtime, instead of
              {runtime_dir}
   -r DIR     cross-compile to kernel with given build tree; or else
   -r RELEASE cross-compile to kernel /lib/modules/RELEASE/build, instead of
              /lib/modules/{release}/build
   -a ARCH    cross-compile to given architecture, instead of {arch}
   -m MODULE  set probe module name, instead of
              stap_<hash>
   -o FILE    send script output to file, instead of stdout.
   -S SIZE[,N] with -o: go on in a new output file every SIZE megabytes,
              keeping the last N files
   -F         flight recorder: leave the probes running, detached (staprun5 -A
              attaches); with -o, run in the background instead
   -E SCRIPT  run the SCRIPT in addition to the main script specified
              through -e or a script file
   -c CMD     start the probes, run CMD, and exit when it finishes
   -x PID     sets target() to PID
   -T TIME    terminate the script after TIME seconds
   --vm       run pass 5 in a QEMU virtual machine of the target kernel
              (see stap5-prep --vm)
   --vm-cpus=N
              give that virtual machine N CPUs (implies --vm; default 1)
   --remote=URL
              set the execution target to the given host (ssh://[USER@]HOST[:PORT],
              [USER@]HOST, or direct://); may be repeated
   --remote-prefix
              prefix each line of remote output with the host's index
   --privilege=PRIVILEGE_LEVEL
              check the script for constructs not allowed at the given privilege level
   --unprivileged
              equivalent to --privilege=stapusr
   --compatible=VERSION
              suppress incompatible language/tapset changes beyond VERSION,
              instead of {version}
   --skip-badvars
              substitute zero for bad context $variables
   --suppress-handler-errors
              catch all runtime errors, quietly skip probe handlers
   --suppress-time-limits
              disable -DSTP_OVERLOAD, -DMAXACTION, and -DMAXTRYACTION limits
   --tmpdir=NAME
              specify name of temporary directory to be used.
   --dump-probe-types
              show a list of available probe types.
   --dump-probe-aliases
              show a list of available probe aliases.
   --dump-functions
              show a list of available functions.
"""


def version_banner():
    return ("Systemtap translator/driver (stap5 version %s, language %s)\n"
            "SystemTap rebuilt in Python.\n"
            "This is free software; see the source for copying conditions.\n"
            % (stap5.__version__, stap5.SYSTEMTAP_VERSION))


class UsageError(SessionError):
    """A command-line mistake: followed by a hint to try --help."""


# What stap prints once, after its first "[man ...]" reference.
MAN_PAGE_HINT = "A message like [man foo] means for more info, run % man foo"

# Deep enough for machine-made scripts (a condition of thousands of `||`),
# shallow enough that the C stack holds (deeper scripts get an error).
RECURSION_LIMIT = 10000


PROGRAM = "stap5"


def _getopt_message(exc):
    """GNU getopt's wording, which stap users see from stap."""
    opt = exc.opt
    if opt and len(opt) > 1:
        if "requires argument" in exc.msg:
            message = "option '--%s' requires an argument" % opt
        elif "must not have an argument" in exc.msg:
            message = "option '--%s' doesn't allow an argument" % opt
        elif "not a unique prefix" in exc.msg:
            message = "option '--%s' is ambiguous" % opt
        else:
            message = "unrecognized option '--%s'" % opt
    elif "requires argument" in exc.msg:
        message = "option requires an argument -- '%s'" % opt
    else:
        message = "invalid option -- '%s'" % opt
    return "%s: %s" % (PROGRAM, message)


def _expand_optional_long(argv):
    """getopt has no optional arguments: accept `--opt` and `--opt=VALUE`
    for the options declared with '=='."""
    optional = {o[:-2] for o in LONG_OPTIONS if o.endswith("==")}
    out = []
    for arg in argv:
        if arg == "--":
            out.extend(argv[len(out):])
            break
        name = arg[2:] if arg.startswith("--") else None
        if name in optional:
            arg = arg + "="
        out.append(arg)
    return out


def parse_args(argv):
    """Parse stap's command line into a Session (raises SessionError)."""
    session = Session()
    long_options = [o[:-1] if o.endswith("==") else o for o in LONG_OPTIONS]
    try:
        opts, rest = getopt.gnu_getopt(_expand_optional_long(argv), SHORT_OPTIONS,
                                       long_options)
    except getopt.GetoptError as exc:
        raise UsageError(_getopt_message(exc)) from None

    for opt, value in opts:
        if opt in UNSUPPORTED:
            raise SessionError("stap5: %s is not supported yet" % UNSUPPORTED[opt])
        handler = _HANDLERS.get(opt)
        if handler is None:
            raise SessionError("stap5: option %s is not supported yet" % opt)
        handler(session, value)

    informational = getattr(session, "show_help", False) or \
        getattr(session, "show_version", False)
    if not informational:
        _check_temporary_directory()
    if session.script_text is None and session.list_mode is None and session.dump is None \
            and not informational:
        if not rest:
            raise UsageError("A script must be specified.")
        session.script_file = rest[0]
        rest = rest[1:]
    if session.target_command is not None and session.target_pid is not None:
        raise UsageError("You can't specify -c and -x together.")
    if session.guru and session.privilege != "stapdev":
        raise UsageError("You can't specify -g and --privilege=%s together."
                         % session.privilege)
    session.args = rest
    if session.suppress_time_limits and not session.guru:
        # (stap's words, colon missing included)
        raise SessionError("ERROR --suppress-time-limits requires guru mode (-g)")
    if session.bulk and session.output_file and session.vm:
        raise SessionError("stap5: -b with -o cannot be used with --vm: the per-CPU output "
                           "files would stay in the virtual machine")
    if session.flight_recorder and session.vm:
        raise SessionError("stap5: -F cannot be used with --vm: the guest ends with the run")
    if session.remotes and (session.vm or session.flight_recorder):
        raise SessionError("stap5: --remote cannot be used with %s"
                           % ("--vm" if session.vm else "-F"))
    return session


# stap's safety pattern for $TMPDIR (matched without regard to case).
TMPDIR_PATTERN = "^[-/._0-9a-z]+$"


def _check_temporary_directory():
    """What stap checks as it makes its temporary directory, before it reads
    any script: a $TMPDIR it accepts, where a directory can be made."""
    import random
    import re
    import string
    base = os.environ.get("TMPDIR")
    path = os.path.join(base or "/tmp", "stap" + "".join(
        random.choice(string.ascii_letters + string.digits) for _ in range(6)))
    try:
        os.mkdir(path, 0o700)
        os.rmdir(path)
    except OSError as exc:
        raise SessionError('cannot create temporary directory (" %s "): %s'
                           % (path, exc.strerror)) from None
    # (checked once the directory could be made, as stap does)
    if base is not None and not re.match(TMPDIR_PATTERN, base, re.IGNORECASE):
        raise SessionError("ERROR: Safety pattern mismatch for TMPDIR ('%s' vs. '%s') rc=1"
                           % (base, TMPDIR_PATTERN))


def _set_pass(session, value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        raise SessionError("Invalid pass number (should be 1-5).")
    session.last_pass = number


def _add_verbose(session, _value):
    session.verbose = [v + 1 for v in session.verbose]


def _per_pass_verbose(session, value):
    if not value.isdigit() or len(value) > 5:
        raise SessionError("Invalid --vp argument: it takes 1 to 5 digits.")
    for index, digit in enumerate(value):
        session.verbose[index] += int(digit)


def _script_text(session, value):
    if session.script_text is not None:
        raise SessionError("Only one script can be given on the command line.")
    session.script_text = value


def _name_value(option):
    def setter(session, value):
        getattr(session, option).append(value)
    return setter


def _set(attribute, convert=None):
    def setter(session, value):
        setattr(session, attribute, convert(value) if convert else value)
    return setter


def _flag(attribute):
    def setter(session, _value):
        setattr(session, attribute, True)
    return setter


def _set_buffer_size(session, value):
    import re
    # strtol's reading: blanks and a sign before the digits, nothing after
    if not re.match(r"\s*[-+]?[0-9]+$", value) or not 1 <= int(value) <= 4095:
        raise SessionError("Invalid buffer size (should be 1-4095).")
    session.buffer_size = int(value)


def _set_module_name(session, value):
    import re
    if not re.match(r"[A-Za-z_][A-Za-z0-9_]*$", value):
        raise SessionError("Invalid module name '%s': it must be a C identifier." % value)
    if len(value) > 55:
        raise SessionError("Module name '%s' is too long (at most 55 characters)." % value)
    session.module_name = value


# What stap lets through to the module's parameters (case-insensitively).
GLOBAL_SETTING_PATTERN = "^[a-z_][a-z0-9_]*=[a-z0-9_.-]+$"


def _set_global(session, value):
    import re
    if not re.match(GLOBAL_SETTING_PATTERN, value, re.IGNORECASE):
        # stap's own words, its status included
        raise SessionError("ERROR: Safety pattern mismatch for -G parameter ('%s' vs. '%s') rc=1"
                           % (value, GLOBAL_SETTING_PATTERN))
    session.global_settings.append(value)


SIZE_SPEC_PATTERN = "^[0-9]+(,[0-9]+)?$"


def _set_output_rotation(session, value):
    import re
    if not re.match(SIZE_SPEC_PATTERN, value):
        raise SessionError("ERROR: Safety pattern mismatch for -S parameter ('%s' vs. '%s') rc=1"
                           % (value, SIZE_SPEC_PATTERN))
    session.output_rotation = value


def _add_remote(session, value):
    from stap5.remote.url import RemoteUrlError, parse
    try:
        parse(value)
    except RemoteUrlError as exc:
        raise SessionError(str(exc)) from None
    session.remotes.append(value)


def _set_privilege(session, value):
    if value not in PRIVILEGE_LEVELS:
        raise SessionError("Invalid argument '%s' for --privilege." % value)
    if getattr(session, "privilege_given", value) != value:
        raise SessionError("Privilege level may be set only once.")
    session.privilege = session.privilege_given = value


def _set_unprivileged(session, _value):
    _set_privilege(session, "stapusr")


def _set_list(mode):
    def setter(session, value):
        session.list_mode = mode
        session.list_pattern = value
        session.last_pass = 2
    return setter


def _set_dump(kind):
    def setter(session, _value):
        session.dump = kind
        session.last_pass = 2
    return setter


def _set_runtime(session, value):
    if value != "kernel":
        raise SessionError("stap5: the %s runtime is not supported yet" % value)
    session.runtime_mode = value


def _set_kernel(session, value):
    session.set_kernel_target(value)


def _set_timeout(session, value):
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise SessionError("Invalid timeout '%s': it must be a positive number of seconds."
                           % value)
    session.timeout = seconds


def _set_target_pid(session, value):
    try:
        session.target_pid = int(value)
    except ValueError:
        raise SessionError("Invalid target process ID number '%s'." % value) from None


MAX_VM_CPUS = 64


def _set_vm_cpus(session, value):
    try:
        cpus = int(value)
    except ValueError:
        cpus = 0
    if not 1 <= cpus <= MAX_VM_CPUS:
        raise SessionError("Invalid --vm-cpus argument '%s': it must be a number of CPUs "
                           "from 1 to %d." % (value, MAX_VM_CPUS))
    session.vm = True
    session.vm_cpus = cpus


def _set_macro(session, value):
    name = value.partition("=")[0]
    import re
    if not re.match(r"[A-Za-z_][A-Za-z0-9_]*$", name):
        raise SessionError("Invalid -D argument '%s': it must be NAME or NAME=VALUE." % value)
    session.c_macros.append(value)


_HANDLERS = {
    "-h": _flag("show_help"), "--help": _flag("show_help"),
    "-V": _flag("show_version"), "--version": _flag("show_version"),
    "-v": _add_verbose, "--vp": _per_pass_verbose,
    "-p": _set_pass, "-e": _script_text, "-E": _name_value("additional_scripts"),
    "-I": _name_value("include_dirs"), "-D": _set_macro, "-B": _name_value("kbuild_options"),
    "--modinfo": _name_value("modinfo"), "-G": _set_global,
    "-R": _set("runtime_dir"), "-r": _set_kernel, "-a": _set("arch"),
    "-m": _set_module_name, "-o": _set("output_file"), "-c": _set("target_command"),
    "-x": _set_target_pid, "-T": _set_timeout, "-k": _flag("keep_tmpdir"),
    "-g": _flag("guru"), "-u": _flag("unoptimized"), "-w": _flag("suppress_warnings"),
    "-W": _flag("warnings_as_errors"), "-b": _flag("bulk"),
    "-s": _set_buffer_size,
    "-S": _set_output_rotation, "-F": _flag("flight_recorder"),
    "-l": _set_list("l"), "-L": _set_list("L"),
    "--dump-functions": _set_dump("functions"),
    "--dump-probe-types": _set_dump("probe-types"),
    "--dump-probe-aliases": _set_dump("probe-aliases"),
    "--privilege": _set_privilege, "--unprivileged": _set_unprivileged,
    "--compatible": _set("compatible"), "--runtime": _set_runtime,
    "--skip-badvars": _flag("skip_badvars"),
    "--suppress-handler-errors": _flag("suppress_handler_errors"),
    "--suppress-time-limits": _flag("suppress_time_limits"),
    "--tmpdir": _set("tmpdir"), "--vm": _flag("vm"), "--vm-cpus": _set_vm_cpus,
    "--remote": _add_remote, "--remote-prefix": _flag("remote_prefix"),
    "--color": lambda session, value: None, "--colour": lambda session, value: None,
}


def main(argv=None):
    """Entry point of `stap5`; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        session = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write("%s\nTry '--help' for more information. [man stap]\n%s\n"
                         % (exc, MAN_PAGE_HINT))
        return 1
    except SessionError as exc:
        sys.stderr.write("%s\n" % exc)
        return 1
    if getattr(session, "show_help", False):
        sys.stdout.write(version_banner() + "\n" + USAGE.format(
            tapset_dir=session.tapset_dir, runtime_dir=session.runtime_dir,
            release=session.kernel_release, arch=session.arch,
            version=stap5.SYSTEMTAP_VERSION))
        return 0
    if getattr(session, "show_version", False):
        sys.stdout.write(version_banner())
        return 0
    from stap5 import driver
    from stap5.diagnostics import session_reporter
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        return driver.run(session)
    except KeyboardInterrupt:
        return 1
    except RecursionError:
        sys.stderr.write("%s: the script is nested too deeply for stap5 (more than a few "
                         "thousand levels)\n" % PROGRAM)
        return 1
    except BrokenPipeError:
        # `stap5 -p1 ... | head`: the reader went away; not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    finally:
        session_reporter(session).print_summary()

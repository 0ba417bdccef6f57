"""staprun5: the stap5 module runner (SystemTap's staprun, for stap5 modules).

    staprun5 [OPTIONS] MODULE.ko [NAME=VALUE ...]
    staprun5 -A|-d NAME

Loads MODULE (NAME=VALUE set module parameters, e.g. the script's globals),
starts its probes, copies its output to stdout (or -o FILE) and its messages
to stderr, and when the session ends (exit() in the script, Ctrl-C, the -c
command exiting, -T) runs its end probes, prints the summary and unloads it.
The exit status is 0, or 1 after errors.

-o FILE with -S SIZE[,N] rotates the output (rotation.py); -L, -A, -d and -D
run sessions that outlive staprun5 (detached.py).
"""

import argparse
import signal
import sys

import stap5
from stap5.run import detached, rotation
from stap5.run.module_run import ModuleRun, Options

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Caught from the start too: SIGQUIT detaches (it would otherwise dump core).
EARLY_SIGNALS = STOP_SIGNALS + (signal.SIGQUIT,)

USAGE = ("staprun5 [-v] [-w] [-V] [-h] [-c CMD | -x PID] [-o FILE [-D] [-S SIZE[,N]]] "
         "[-T SECS] [-b MB] [-A|-L|-d] MODULE [NAME=VALUE ...]")


class StaprunArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"ERROR: {message}\n{USAGE}\n")
        sys.exit(1)


def build_parser():
    p = StaprunArgumentParser(prog="staprun5", usage=USAGE, add_help=False,
                              description=__doc__.split("\n\n")[0])
    p.add_argument("-h", "--help", action="store_true", help="print this help and exit")
    p.add_argument("-V", dest="version", action="store_true", help="print the version and exit")
    p.add_argument("-v", dest="verbose", action="count", default=0, help="verbose")
    p.add_argument("-w", dest="suppress_warnings", action="store_true",
                   help="suppress warnings from the script")
    p.add_argument("-c", dest="command", metavar="CMD",
                   help="run CMD once the probes are in place; its pid is target(); "
                        "the session ends when it exits")
    p.add_argument("-x", dest="target_pid", metavar="PID", type=int,
                   help="set target() to PID")
    p.add_argument("-o", dest="output", metavar="FILE",
                   help="write the output to FILE (strftime formats allowed)")
    p.add_argument("-T", dest="timeout", metavar="SECS", type=float,
                   help="end the session after SECS seconds")
    p.add_argument("-b", "-s", dest="bufsize", metavar="MB", type=int,
                   help="data buffer size, in MB per CPU (1 to 4095)")
    p.add_argument("-S", dest="rotate", metavar="SIZE[,N]",
                   help="with -o: switch to FILE.1, FILE.2... every SIZE MB, keeping the "
                        "last N files")
    p.add_argument("-L", dest="load_and_detach", action="store_true",
                   help="load the module, start its probes and detach: it runs on, "
                        "its latest output kept in memory (flight recorder)")
    p.add_argument("-A", dest="attach", action="store_true",
                   help="attach to the detached module MODULE (a name)")
    p.add_argument("-d", dest="delete", action="store_true",
                   help="remove the detached or unused module MODULE ('*': all of them)")
    p.add_argument("-D", dest="daemon", action="store_true",
                   help="with -o: run in the background, printing its pid")
    p.add_argument("module", nargs="?", help="the module (.ko)")
    p.add_argument("params", nargs=argparse.REMAINDER, help="NAME=VALUE module parameters")
    return p


def main(argv=None):
    # Catch Ctrl-C & co. from the very start: a signal that arrives while we
    # get going must end the session cleanly, not kill us with a module loaded.
    early = []
    previous = {sig: signal.signal(sig, lambda signum, frame: early.append(signum))
                for sig in EARLY_SIGNALS}
    try:
        return _main(argv, early)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _main(argv, early_signals):
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.help:
        parser.print_help()
        return 0
    if args.version:
        print(f"Systemtap module loader/runner (stap5 {stap5.__version__}, "
              f"SystemTap {stap5.SYSTEMTAP_VERSION} language)")
        return 0
    if not args.module:
        parser.error("no module given")
    modes = [flag for flag, on in (("-A", args.attach), ("-L", args.load_and_detach),
                                   ("-d", args.delete)) if on]
    if len(modes) > 1:
        parser.error(f"{' and '.join(modes)} cannot be used together")
    if args.delete:
        errors = detached.delete(args.module)
        for message in errors:
            sys.stderr.write(f"ERROR: {message}\n")
        return detached.delete_status(errors)
    if args.attach and args.command:
        parser.error("You can't specify the '-A' and '-c' options together.  The '-c cmd'\n"
                     "option used to start a command only has an effect when the module\n"
                     "is inserted.")
    if args.load_and_detach and args.command:
        parser.error("You can't specify the '-L' and '-c' options together: nobody would "
                     "be there when the command exits.")
    if args.daemon and args.command:
        parser.error("You can't specify the '-D' and '-c' options together.")
    rotate = (None, None)
    if args.rotate is not None:
        try:
            rotate = rotation.parse_size_spec(args.rotate)
        except rotation.RotationError as e:
            parser.error(str(e))
        if rotate[0] and not args.output:
            parser.error("You have to specify output FILE with '-S' option.")
    if args.daemon and not args.output:
        parser.error("You have to specify output FILE with '-D' option.")
    if args.command and args.target_pid:
        parser.error("-c and -x cannot be used together")
    if args.bufsize is not None and not 1 <= args.bufsize <= 4095:
        parser.error(f"invalid buffer size {args.bufsize} (1 to 4095 MB)")
    if args.timeout is not None and args.timeout <= 0:
        parser.error(f"invalid timeout {args.timeout}")
    for param in args.params:
        if "=" not in param or param.startswith("="):
            parser.error(f"invalid module parameter '{param}' (NAME=VALUE expected)")
    opts = Options(module=args.module, module_params=list(args.params),
                   output=args.output, command=args.command,
                   target_pid=args.target_pid, timeout=args.timeout,
                   bufsize_mb=args.bufsize, verbose=args.verbose,
                   suppress_warnings=args.suppress_warnings, rotate=rotate,
                   daemon=args.daemon, load_and_detach=args.load_and_detach,
                   attach=args.attach)
    return ModuleRun(opts, early_signals=early_signals).run()


if __name__ == "__main__":
    sys.exit(main())

"""staprun5: the stap5 module runner (SystemTap's staprun, for stap5 modules).

    staprun5 [OPTIONS] MODULE.ko [NAME=VALUE ...]

Loads MODULE (NAME=VALUE set module parameters, e.g. the script's globals),
starts its probes, copies its output to stdout (or -o FILE) and its messages
to stderr, and when the session ends (exit() in the script, Ctrl-C, the -c
command exiting, -T) runs its end probes, prints the summary and unloads it.
The exit status is 0, or 1 after errors.
"""

import argparse
import signal
import sys

import stap5
from stap5.run.session import Options, Session

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

USAGE = ("staprun5 [-v] [-w] [-V] [-h] [-c CMD | -x PID] [-o FILE] [-T SECS] [-b MB] "
         "MODULE [NAME=VALUE ...]\n   or: staprun5 -d NAME")


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
    p.add_argument("-d", dest="delete", metavar="NAME",
                   help="delete module NAME, left loaded by a staprun5 that did not "
                        "finish ('*': every such module)")
    p.add_argument("-L", dest="detach", action="store_true", help="not supported")
    p.add_argument("-A", dest="attach", action="store_true", help="not supported")
    p.add_argument("-D", dest="daemon", action="store_true", help="not supported")
    p.add_argument("module", nargs="?", help="the module (.ko)")
    p.add_argument("params", nargs=argparse.REMAINDER, help="NAME=VALUE module parameters")
    return p


def main(argv=None):
    # Catch Ctrl-C & co. from the very start: a signal that arrives while we
    # get going must end the session cleanly, not kill us with a module loaded.
    early = []
    previous = {sig: signal.signal(sig, lambda signum, frame: early.append(signum))
                for sig in STOP_SIGNALS}
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
    for flag, wanted in (("-L", args.detach), ("-A", args.attach), ("-D", args.daemon)):
        if wanted:
            sys.stderr.write(f"ERROR: staprun5 does not support {flag} "
                             "(detached sessions); run the module in the foreground.\n")
            return 1
    if args.delete is not None:
        return _delete_module(args.delete)
    if not args.module:
        parser.error("no module given")
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
                   suppress_warnings=args.suppress_warnings)
    return Session(opts, early_signals=early_signals).run()


def _delete_module(name):
    """-d NAME: stap's answer to a module left loaded by a killed staprun."""
    import os
    from stap5.run import stale
    if os.geteuid() != 0:
        sys.stderr.write("ERROR: You must be root to delete a module.\n")
        return 1
    return stale.delete(name, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

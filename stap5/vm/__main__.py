"""python -m stap5.vm run [-v] [--timeout S] [--kver KVER] [--cpus N] -- CMD ARGS...

Boots a guest, runs CMD in it (cwd and environment are the host's), streams its stdout
and stderr to ours separately, and exits with CMD's status. Ctrl-C / SIGTERM / SIGHUP
are forwarded to CMD's process group in the guest.

Exit status: CMD's own; 128+N if CMD died of signal N; 124 if the timeout expired (the
command and, if it hung, the guest are killed); 125 if the guest could not boot or died
(console tail on stderr); 126/127 if CMD could not be executed / was not found.
"""

import argparse
import signal
import sys

from stap5.vm.assets import DEFAULT_KVER
from stap5.vm.guest import Guest, GuestError, GuestDied, TimeoutExpired

EXIT_TIMEOUT = 124
EXIT_GUEST_FAILED = 125
DEFAULT_TIMEOUT = 900.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m stap5.vm",
                                     description="Run commands in the stap5 QEMU guest.")
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="boot a guest and run one command in it",
                         usage="python -m stap5.vm run [-v] [--timeout S] [--kver KVER] [--cpus N] "
                               "-- CMD ARGS...")
    run.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                     help=f"seconds before CMD and the guest are killed "
                          f"(default {DEFAULT_TIMEOUT:g}; 0 = none)")
    run.add_argument("--kver", default=DEFAULT_KVER, help="guest kernel release")
    run.add_argument("--cpus", type=int, default=1, metavar="N",
                     help="virtual CPUs of the guest (default 1; several run in parallel "
                          "host threads)")
    run.add_argument("-v", "--verbose", action="store_true",
                     help="say on stderr how long the boot took (otherwise stderr is CMD's)")
    run.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)  # the default
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        parser.error("no command given (use: run -- CMD ARGS...)")
    if not 1 <= args.cpus <= 64:
        parser.error("--cpus: from 1 to 64")
    return args


def err(message):
    print(f"stap5.vm: {message}", file=sys.stderr, flush=True)


class BootInterrupted(KeyboardInterrupt):
    def __init__(self, signum=signal.SIGINT):
        super().__init__()
        self.signum = signum


def _interrupt_boot(signum, _frame):
    raise BootInterrupted(signum)


def run(args):
    # Until the command runs there is nothing to forward signals to: they abort the boot.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt_boot)
    try:
        guest = Guest.boot(args.kver, cpus=args.cpus)
    except GuestError as e:
        err(f"cannot boot the guest: {e}")
        return EXIT_GUEST_FAILED
    except KeyboardInterrupt as e:
        err("interrupted while booting the guest")
        return 128 + getattr(e, "signum", signal.SIGINT)
    with guest:
        if args.verbose:
            err(f"guest {guest.info.get('uname')} up in {guest.boot_seconds:.1f} s")
        proc = guest.start(args.command, stdout=sys.stdout, stderr=sys.stderr, capture=False)

        def forward(signum, _frame):
            proc.send_signal(signal.SIGINT if signum == signal.SIGINT else signum)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, forward)
        try:
            result = proc.wait(args.timeout or None)
        except TimeoutExpired as e:
            err(f"{e}")
            return EXIT_TIMEOUT
        except GuestDied as e:
            err(f"{e}")
            return EXIT_GUEST_FAILED
    return result.shell_status


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

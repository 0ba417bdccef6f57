"""Pass 5 inside a QEMU guest: `stap5 --vm`.

The module built on the host is run by staprun5 in a throw-away guest of
the target kernel; its output streams back live, Ctrl-C/SIGTERM on the host
reach staprun5 in the guest (which then runs the end probes), and the
guest's exit status becomes ours.  Output files (-o) are written on the
host: the guest cannot write to the host's files.
"""

import signal
import sys

from stap5.vm.guest import Guest, GuestDied, GuestError, TimeoutExpired


def run_in_guest(kernel_release, staprun_args, output_file=None, verbose=0,
                 rotation=None, cpus=1):
    """Run `staprun5 ARGS` in a guest of `cpus` virtual CPUs; returns its exit
    status. The output file
    (rotated as -S SIZE[,N] says) is written here."""
    from stap5.run.rotation import OutputFile, RotationError, parse_size_spec
    out = sys.stdout
    opened = None
    if output_file is not None:
        try:
            opened = OutputFile(output_file, *(parse_size_spec(rotation) if rotation
                                               else (None, None)))
        except RotationError as exc:
            sys.stderr.write("ERROR: %s\n" % exc)
            return 1
        out = opened
    try:
        if verbose:
            sys.stderr.write("Pass 5: booting a %s guest (QEMU, %d CPU%s)\n"
                             % (kernel_release, cpus, "" if cpus == 1 else "s"))
        with Guest.boot(kver=kernel_release, cpus=cpus) as guest:
            command = guest.python_command("-m", "stap5.run.staprun", *staprun_args)
            process = guest.start(command, stdout=out, stderr=sys.stderr, capture=False)
            previous = {}
            interrupts = []

            def forward(signum, _frame):
                # Ctrl-C asks staprun5 to stop (end probes run); a second one
                # insists; a third gives up on a guest that no longer answers
                # (say, after a kernel oops).
                interrupts.append(signum)
                if len(interrupts) >= 3:
                    sys.stderr.write("stap5: killing the virtual machine\n")
                    guest.kill()
                elif len(interrupts) == 2:
                    process.send_signal(signal.SIGTERM)
                else:
                    process.send_signal(signal.SIGINT if signum == signal.SIGINT
                                        else signal.SIGTERM)
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                previous[signum] = signal.signal(signum, forward)
            try:
                result = process.wait()
            finally:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
            return result.rc if result.rc >= 0 else 128 - result.rc
    except GuestDied as exc:
        sys.stderr.write("ERROR: the virtual machine stopped: %s\n" % exc)
        return 1
    except TimeoutExpired as exc:
        sys.stderr.write("ERROR: the guest did not finish in time: %s\n" % exc)
        return 1
    except GuestError as exc:
        sys.stderr.write("ERROR: cannot run pass 5 in a virtual machine: %s\n" % exc)
        return 1
    finally:
        if opened is not None:
            opened.close()

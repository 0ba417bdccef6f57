"""python -m testsuite.oracle [ORACLE OPTIONS] SCRIPT.stp|-e TEXT [STAP OPTIONS] [-- ARGS]

Builds the script with SystemTap 4.8 on the host and runs it in the stap5 guest,
printing exactly what 4.8 prints (stdout to stdout, stderr to stderr) and exiting with
its status. Oracle options (before the script):
  --fast             run the module with staprun instead of 4.8's stap driver (no
                     "Pass 5: ..." driver lines; ~15 s faster per script)
  --interrupt-after S  press Ctrl-C (SIGINT) S seconds after the run starts
  --timeout S        kill the run after S seconds (default 300)
Ctrl-C on the host is forwarded to the run, as with stap.
"""

import signal
import sys

from .runner import (STAP_VALUE_OPTIONS, Job, OracleError, build,
                                     prepare_runtime, run_in_guest, oracle_dir)

USAGE = __doc__.split("\n\n")[0].strip()


def parse(argv):
    job = Job(script=None)
    i = 0
    while i < len(argv) and argv[i] in ("--fast", "--interrupt-after", "--timeout", "-h",
                                        "--help"):
        opt = argv[i]
        if opt in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if opt == "--fast":
            job.mode = "staprun"
            i += 1
            continue
        if i + 1 >= len(argv):
            raise OracleError(f"{opt} needs a value")
        try:
            value = float(argv[i + 1])
        except ValueError:
            raise OracleError(f"{opt}: not a number: {argv[i + 1]}")
        if opt == "--timeout":
            job.timeout = value
        else:
            job.interrupt_after = value
        i += 2
    rest = argv[i:]
    if "--" in rest:
        cut = rest.index("--")
        rest, job.args = rest[:cut], rest[cut + 1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "-e" and i + 1 < len(rest) and job.script is None:
            job.script, job.inline = rest[i + 1], True
            i += 2
        elif arg.startswith("-") and len(arg) == 2 and arg[1] in STAP_VALUE_OPTIONS \
                and i + 1 < len(rest):
            job.options += rest[i:i + 2]
            i += 2
        elif arg.startswith("-") or job.script is not None:
            job.options.append(arg)
            i += 1
        else:
            job.script = arg
            i += 1
    if job.script is None:
        raise OracleError("no script given\nusage: " + USAGE)
    return job


def main(argv=None):
    try:
        job = parse(sys.argv[1:] if argv is None else argv)
        runtime = prepare_runtime()
    except OracleError as e:
        print(f"oracle: {e}", file=sys.stderr)
        return 2
    import tempfile
    from stap5.vm import Guest, GuestError
    (oracle_dir() / "work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=oracle_dir() / "work") as workdir:
        outcome, module = build(job, runtime, workdir)
        if module is None or job.mode == "staprun":
            sys.stdout.write(outcome.build_stdout if module is None else "")
            sys.stderr.write(outcome.build_stderr)
            sys.stdout.flush()
            sys.stderr.flush()
        if module is None:
            return outcome.build_rc
        try:
            guest = Guest.boot()
        except GuestError as e:
            print(f"oracle: cannot boot the guest: {e}", file=sys.stderr)
            return 125
        with guest:
            def forward_ctrl_c(proc):
                signal.signal(signal.SIGINT, lambda *_: proc.send_signal(signal.SIGINT))
            run_in_guest(guest, job, runtime, module, outcome, sys.stdout, sys.stderr,
                         on_start=forward_ctrl_c)
        if outcome.timed_out:
            print(f"oracle: timed out after {job.timeout:g} s", file=sys.stderr)
            return 124
        return outcome.rc


if __name__ == "__main__":
    sys.exit(main())

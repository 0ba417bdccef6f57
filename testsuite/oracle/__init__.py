"""The SystemTap 4.8 oracle: what does real 4.8 print, at run time, on Debian's 6.1 kernel?

Command line (see __main__.py)::

    python -m testsuite.oracle [--fast] [--interrupt-after S] SCRIPT.stp [stap options] [-- args]

Python, batching many scripts into one guest boot::

    from testsuite.oracle import Job, run_jobs
    for o in run_jobs([Job("hello.stp"), Job("probe begin { exit() }", inline=True)]):
        print(o.rc, o.stdout, o.stderr)        # o.build_rc/build_stderr if pass 1-4 failed

For the passes that run on the host (pass 1, pass 2, the CLI), harness.py runs 4.8 and
stap5 side by side (run_stap48, run_stap5), 4.8's outcomes cached on disk.

The guest runs are a developer tool, never needed by `make test`: tests using it are marked `oracle` and skip
when stap is absent (stap_available()). Details in runner.py.
"""

from .runner import (Job, OracleError, Outcome, prepare_runtime, run_jobs,
                                     stap_available)

__all__ = ["Job", "OracleError", "Outcome", "prepare_runtime", "run_jobs", "stap_available"]

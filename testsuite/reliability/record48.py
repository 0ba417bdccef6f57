"""python -m testsuite.reliability.record48 [NAME...]

Records what SystemTap 4.8 prints for scripts/NAME.stp (all of them by
default) into expected/NAME.stdout and expected/NAME.stderr: each script is
built by 4.8 on the host (its patched runtime, see testsuite/oracle) and run
by 4.8's staprun in a 4-CPU guest, as test_scripts.py runs stap5's module.
The script's path is written __SCRIPT__. Prints each run's exit status, to
check against the script's `# stap5-test: exit N` line.
"""

import sys
import tempfile
from pathlib import Path

from testsuite.oracle import runner
from testsuite.script_cases import load_cases

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
EXPECTED = HERE / "expected"


def main(argv):
    cases = [case for case in load_cases(SCRIPTS, "rel48_")
             if not argv or case.name in argv]
    runtime = runner.prepare_runtime()
    from stap5.vm import Guest
    with tempfile.TemporaryDirectory(dir=runner.oracle_dir()) as tmp, \
            Guest.boot(cpus=4, fetch=False) as guest:
        for case in cases:
            workdir = Path(tmp) / case.name
            workdir.mkdir()
            job = runner.Job(str(case.path), options=list(case.stap_options),
                             mode="staprun", cwd=str(SCRIPTS), timeout=120)
            outcome, module = runner.build(job, runtime, workdir)
            if module is None:
                print(f"{case.name}: 4.8 could not build it:\n{outcome.build_stderr}")
                continue
            argv48 = ["staprun", *case.staprun_options, str(module)]
            result = guest.run(argv48, cwd=str(SCRIPTS), timeout=120)
            path = str(case.path)
            EXPECTED.joinpath(case.name + ".stdout").write_text(result.out.replace(path, "__SCRIPT__"))
            EXPECTED.joinpath(case.name + ".stderr").write_text(result.err.replace(path, "__SCRIPT__"))
            mark = "" if result.rc == case.exit_status else f"  (the script says {case.exit_status})"
            print(f"{case.name}: status {result.rc}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

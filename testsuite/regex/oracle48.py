"""Ask SystemTap 4.8 what it makes of the cases in cases.py.

verdicts and groups: one script each, built with 4.8 on the host and run by
its staprun in the guest; error messages: `stap -p2` on the host (4.8
compiles patterns in pass 2).  The results have the shape of
expected_4.8.json.
"""

import atexit
import concurrent.futures
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from stap5.vm.assets import DEFAULT_KVER
from testsuite.oracle import runner
from testsuite.regex import cases

STAP_TAPSETS = "/usr/share/systemtap/tapset"

# 4.8 runs at most MAXACTION statements per probe: a probe per chunk.
_CHUNK = 40


def stap_literal(text):
    """A subject as a stap string literal's body (octal for the unprintable)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\%03o" % ord(ch))
    return "".join(out)


def verdict_cases():
    return [(pattern, subject) for pattern, subjects in cases.VERDICTS for subject in subjects]


def verdict_script(pairs, ending="probe begin { exit() }"):
    """Prints `i verdict` per case."""
    lines = []
    for start in range(0, len(pairs), _CHUNK):
        lines.append("probe begin {")
        for i, (pattern, subject) in enumerate(pairs[start:start + _CHUNK], start):
            lines.append('  printf("%d %%d\\n", "%s" =~ "%s")'
                         % (i, stap_literal(subject), pattern))
        lines.append("}")
    lines.append(ending)
    return "\n".join(lines) + "\n"


def group_script(pairs):
    """Prints `i n g0|g1|...` per case (`i -` when it does not match)."""
    lines = []
    for start in range(0, len(pairs), _CHUNK // 4):
        lines.append("probe begin {")
        for i, (pattern, subject) in enumerate(pairs[start:start + _CHUNK // 4], start):
            lines.append('  if ("%s" =~ "%s") { printf("%d %%d %%s", ngroups(), matched(0)); '
                         'for (g = 1; g < ngroups(); g++) printf("|%%s", matched(g)); '
                         'println("") } else println("%d -")'
                         % (stap_literal(subject), pattern, i, i))
        lines.append("}")
    lines.append("probe begin { exit() }")
    return "\n".join(lines) + "\n"


_tapset_dirs = {}


def _tapsets(*names):
    """A tapset directory holding only these files of 4.8's: pass 2 then
    takes a fraction of the time it takes to read the whole library."""
    if names not in _tapset_dirs:
        directory = Path(tempfile.mkdtemp(prefix="tapsets-", dir=runner.oracle_dir()))
        atexit.register(shutil.rmtree, directory, True)
        for name in names:
            shutil.copy(Path(STAP_TAPSETS, name), directory)
        _tapset_dirs[names] = directory
    return str(_tapset_dirs[names])


def pass2(script, *tapsets):
    """4.8's pass 2 of a script, with only the given tapset files: (exit
    status, first line of stderr)."""
    env = dict(os.environ, SYSTEMTAP_TAPSET=_tapsets(*tapsets))
    proc = subprocess.run(["stap", "-r", DEFAULT_KVER, "-p2", "-e", script],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", timeout=300, env=env)
    first = proc.stderr.splitlines()[0] if proc.stderr else ""
    return proc.returncode, first


def error_message(pattern):
    """4.8's words for a bad pattern (without the token it points at)."""
    rc, first = pass2('probe begin { if ("" =~ "%s") print(1) }' % pattern)
    if rc == 0:
        return None
    found = re.match(r"semantic error: (.*): string '.*' at <input>:\d+:\d+$", first)
    return found.group(1) if found else first


def group_abort(pattern):
    """How 4.8's pass 2 fails on a pattern used with matched() (None: it doesn't)."""
    rc, first = pass2('probe begin { if ("" =~ "%s") print(matched(0)) }' % pattern,
                      "regex.stp")
    return first if rc != 0 else None


def run_scripts(scripts, guest):
    jobs = [runner.Job(script, inline=True, mode="staprun", timeout=600) for script in scripts]
    outcomes = runner.run_jobs(jobs, guest=guest)
    for outcome in outcomes:
        if outcome.rc != 0:
            raise runner.OracleError("4.8 failed (build %s, run %s):\n%s%s" % (
                outcome.build_rc, outcome.rc, outcome.build_stderr, outcome.stderr))
    return [outcome.stdout for outcome in outcomes]


def record(guest):
    """Everything expected_4.8.json holds, freshly from 4.8."""
    verdict_pairs = verdict_cases()
    verdict_out, group_out = run_scripts(
        [verdict_script(verdict_pairs), group_script(cases.GROUPS)], guest)

    verdicts = {}
    for line in verdict_out.splitlines():
        index, verdict = line.split()
        pattern, subject = verdict_pairs[int(index)]
        verdicts.setdefault(pattern, []).append([subject, int(verdict)])

    groups = []
    for line in group_out.splitlines():
        index, rest = line.split(" ", 1)
        pattern, subject = cases.GROUPS[int(index)]
        if rest == "-":
            groups.append([pattern, subject, None])
        else:
            count, matched = rest.split(" ", 1)
            groups.append([pattern, subject, matched.split("|")])
            assert len(groups[-1][2]) == int(count)

    # Two at a time: each stap is a CPU-bound process.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        errors = dict(zip(cases.ERRORS, pool.map(error_message, cases.ERRORS)))
        aborts = dict(zip((p for p, _ in cases.GROUPS_48_ABORTS),
                          pool.map(group_abort, (p for p, _ in cases.GROUPS_48_ABORTS))))
    return {"verdicts": verdicts, "groups": groups, "errors": errors, "group_aborts": aborts}

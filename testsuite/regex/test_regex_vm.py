"""`=~` end to end: scripts translated by stap5, built by kbuild against the
6.1 headers (no compiler warning), run by staprun5 in the guest's kernel.

* every verdict case of cases.py in one module: what it prints must be
  4.8's verdicts (expected_4.8.json);
* regexes in functions, in conditions, on strings built at run time, with
  the default MAXSTRINGLEN and a tiny one (what 4.8 prints, as recorded by
  hand with `python -m testsuite.oracle --fast`).

The scripts end with staprun5's -T 1 rather than exit(): the core tapsets
are not in tapsets/ yet.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testsuite.regex import oracle48

pytestmark = pytest.mark.vm

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
EXPECTED = json.loads((HERE / "expected_4.8.json").read_text())

IN_CONTEXT = r"""
function classify:string(name:string) {
  if (name =~ "^(bash|sh|zsh)$") return "shell"
  if (name !~ "^[a-z]+$") return "odd"
  return "other"
}
probe begin {
  s = "ab"
  for (i = 0; i < 5; i++) s = s . "ab"
  printf("%d %d\n", s =~ "^(ab){6}$", s =~ "^(ab){7}$")
  printf("%s %s %s\n", classify("bash"), classify("Bash1"), classify("perl"))
  x = "a" . "$"
  printf("%d %d\n", x =~ "a\\$", x =~ "a$")
  printf("%d\n", ("foo" =~ "o+") + ("bar" !~ "z") * 2)
  if ("x" =~ "x" && "y" !~ "x") println("both")
  lng = ""
  for (i = 0; i < 20; i++) lng = lng . "xy"
  lng = lng . "END"
  printf("%d %d %d\n", lng =~ "END$", lng =~ "^(xy)+", lng =~ "^(xy){20}E")
}
"""
# 4.8's output; with MAXSTRINGLEN=32 the long string loses its end.
IN_CONTEXT_OUTPUT = "1 0\nshell odd other\n1 0\n3\nboth\n1 1 1\n"
IN_CONTEXT_OUTPUT_32 = "1 0\nshell odd other\n1 0\n3\nboth\n0 1 0\n"


def build(script, name, workdir, kernel_build_dir, *options):
    """stap5 -p3, then kbuild as pass 4 does; returns the module."""
    from testsuite.runtime.runtime_helpers import build_module
    source = workdir / (name + ".c")
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", "6.1.0-56-amd64", "-p3",
                           "-m", name, *options, "-e", script],
                          cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 0, proc.stderr
    source.write_text(proc.stdout)
    ko, warnings = build_module(source, name, workdir / name, kernel_build_dir)
    assert warnings == []
    return ko


def staprun(guest, module):
    r = guest.run(guest.python_command("-m", "stap5.run.staprun", "-T", "1", str(module)),
                  timeout=300, cwd=str(PROJECT))
    assert r.rc == 0, r.stderr.decode(errors="replace")
    return r.stdout.decode(errors="replace")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    # Under /tmp: the guest sees the host's /tmp at the same path.
    return tmp_path_factory.mktemp("stap5-regex")


def test_every_verdict_case_in_the_kernel(guest, workdir, kernel_build_dir):
    pairs = oracle48.verdict_cases()
    module = build(oracle48.verdict_script(pairs, ending=""), "stap5_regex_verdicts",
                   workdir, kernel_build_dir)
    printed = dict(line.split() for line in staprun(guest, module).splitlines())
    expected = {p: dict(pairs) for p, pairs in EXPECTED["verdicts"].items()}
    wrong = [(pattern, subject, printed.get(str(i)))
             for i, (pattern, subject) in enumerate(pairs)
             if printed.get(str(i)) != str(expected[pattern][subject])]
    assert wrong == []
    assert len(printed) == len(pairs) > 400


@pytest.mark.parametrize("options, output", [((), IN_CONTEXT_OUTPUT),
                                             (("-DMAXSTRINGLEN=32",), IN_CONTEXT_OUTPUT_32)],
                         ids=["default", "MAXSTRINGLEN=32"])
def test_regexes_in_context(guest, workdir, kernel_build_dir, options, output):
    name = "stap5_regex_context%d" % len(options)
    module = build(IN_CONTEXT, name, workdir, kernel_build_dir, *options)
    assert staprun(guest, module) == output


KERNEL_MODULE = r"""
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#define MAXSTRINGLEN 512
typedef char string_t[MAXSTRINGLEN];
#include "%(runtime)s/regex.h"
struct context {
	struct stp_regex_match regex_match;
};
%(matchers)s
static struct context context;

static int __init regex_test_init(void)
{
	struct stp_regex_match *m = &context.regex_match;
	int g;
%(calls)s
	return -EAGAIN;		/* done: do not stay loaded */
}
module_init(regex_test_init);
MODULE_LICENSE("GPL");
"""

KERNEL_CALL = r"""
	pr_info("%(tag)s %(index)d %%lld", (long long)%(name)s(&context, "%(subject)s"));
	for (g = 0; m->result && g < 2 * m->ngroups; g++)
		pr_cont(" %%d", m->offsets[g]);
	pr_cont("\n");
"""


def test_recording_matchers_in_the_kernel(guest, workdir, kernel_build_dir):
    """The recording matchers, alone in a plain module (with the runtime's
    struct stp_regex_match), run in the guest's kernel at load time, on
    every group case."""
    from stap5.regex import Program, compile_matcher
    from stap5.session import DEFAULT_RUNTIME_DIR
    from stap5.translate.translator import template_environment
    from testsuite.regex import cases
    from testsuite.runtime.runtime_helpers import build_module
    pairs = cases.GROUPS + cases.GROUPS_48_ABORTS
    tag = "stap5-regex-%d" % id(workdir)
    matchers, calls = [], []
    for index, (pattern, subject) in enumerate(pairs):
        name = "stp_regex_%d" % index
        matchers.append(compile_matcher(pattern, name, template_environment(),
                                        captures=True).code)
        calls.append(KERNEL_CALL % {"tag": tag, "index": index, "name": name,
                                    "subject": oracle48.stap_literal(subject)})
    source = workdir / "regex_kernel.c"
    source.write_text(KERNEL_MODULE % {"runtime": DEFAULT_RUNTIME_DIR,
                                       "matchers": "\n".join(matchers), "calls": "".join(calls)})
    ko, warnings = build_module(source, "stap5_regex_kernel", workdir / "kernel",
                                kernel_build_dir)
    assert warnings == []
    assert guest.run(["insmod", str(ko)], timeout=120).rc != 0      # -EAGAIN, by design
    log = guest.run(["dmesg"], timeout=60).stdout.decode(errors="replace")
    seen = {}
    for line in log.splitlines():
        if tag in line:
            fields = line.split(tag, 1)[1].split()
            seen[int(fields[0])] = [int(v) for v in fields[1:]]
    assert len(seen) == len(pairs)
    for index, (pattern, subject) in enumerate(pairs):
        groups = Program(pattern, captures=True).groups(subject)
        flat = [v for span in groups for v in span] if groups else []
        assert seen[index] == [int(groups is not None)] + flat, (pattern, subject)

"""No user error in pass 2 is a Python traceback: scripts built at random
from pieces that parse (mostly) but mix up types, arities, probe points,
target variables, statistics and functions must end with status 0 or 1
and stap-style diagnostics, with and without -u and -v.

Also a list of scripts that once broke elaboration.
"""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from testsuite.elaborate.oracle_corpus import ENV
from testsuite.oracle.harness import run_stap5

ATOMS = ["x", "y", "s", "a[1]", 'a[x, "s"]', "1", '"str"', "$foo", "$value", "@defined($x)",
         "@defined(y)", "f(1)", "g()", "f(x, y)", "@count(st)", "@sum(st)", "@entry(x)",
         "pid()", "execname()", '@cast(x, "task_struct")->pid', '&@cast(x, "t")[1]',
         '@var("jiffies")', "(x++)", "(--y)", "(st <<< 1)", '(x ? 1 : "s")',
         'tid() . "a"', "([1] in a)", "([x, *] in a)", 's =~ "a"', "@max(st)",
         'sprintf("%d", x)', 'sprintf("%s %d", x)', "exit()", "nosuch_fn()",
         "@hist_log(st)[1]"]
OPERATORS = ["+", "-", ".", "==", "<", "&&", "||", "%", "<<", "*"]
LVALUES = ["x", "y", "s", "a[1]", 'a[x, "s"]', "st", "$value", "q", "w[1]"]
ASSIGNMENTS = ["=", "+=", ".=", "<<<"]
STATEMENTS = ["{%s};", "if (%s) { next };", "while (%s) { break };",
              "for (i = 0; %s; i++) { continue };", "foreach (k in a) {%s};",
              "foreach ([k, j] in a- limit %s) {;};", "foreach (v = k in st) {%s};",
              "delete a[%s];", "try { %s } catch (m) { println(m) };",
              'printf("%%d\\n", %s);', "println(%s);", "%s;"]
POINTS = ["begin", "end", "timer.ms(10)", "timer.s(0)", "procfs.read", 'procfs("a").write',
          'kprobe.function("vfs_read")', 'kprobe.function("vfs_read").return', "never",
          "nosuch.thing ?", "al", "al.suffix", "begin if (x)", "timer.ms(5) if (f(1))",
          'kernel.function("x") ?', 'kernel.trace("x")', "begin(1)", "error", "timer.*",
          "syscall.nosuch ?"]

expressions = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(lambda t: "(%s %s %s)" % t),
        st.tuples(st.sampled_from(LVALUES), st.sampled_from(ASSIGNMENTS), inner)
        .map(lambda t: "(%s %s %s)" % t)),
    max_leaves=6)
statements = st.tuples(st.sampled_from(STATEMENTS), expressions).map(lambda t: t[0] % t[1])


@st.composite
def scripts(draw):
    parts = []
    if draw(st.booleans()):
        parts.append("global " + ", ".join(draw(st.lists(
            st.sampled_from(["a", "st", "x", "s", "q%", "w[10]"]), min_size=1, max_size=4,
            unique=True))))
    if draw(st.booleans()):
        parts.append("function f(p) { %s return %s }" % (draw(statements), draw(expressions)))
    if draw(st.booleans()):
        parts.append("function f(p, r) { %s }" % draw(statements))
    if draw(st.booleans()):
        parts.append("function g:string () { %s }" % draw(statements))
    if draw(st.booleans()):
        parts.append("probe al = %s { %s }" % (draw(st.sampled_from(POINTS)), draw(statements)))
    for _ in range(draw(st.integers(1, 3))):
        body = " ".join(draw(st.lists(statements, min_size=1, max_size=3)))
        parts.append("probe %s { %s }" % (draw(st.sampled_from(POINTS)), body))
    return "\n".join(parts)


def _check(script, options):
    outcome = run_stap5(options + ["-e", script], env=ENV)
    assert outcome.status in (0, 1), (script, outcome)
    assert "Traceback" not in outcome.stderr, (script, outcome.stderr)
    if outcome.status:
        assert "error" in outcome.stderr or outcome.stderr.endswith("no probes found\n")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scripts(), st.sampled_from([["-p2"], ["-p2", "-u"], ["-p2", "-v"], ["-p2", "-w"]]))
def test_random_scripts_never_crash(script, options):
    _check(script, options)


REGRESSIONS = [
    "probe begin { println(@hist_log(st)[1]) }",
    "global st; probe begin { st <<< 1; foreach (v = k in st) println(v) }",
    "probe begin { delete a[1] }",
    "global a; probe begin { a[1] = 1; delete a[*] }",
    "probe al = al { } probe al { }",
    "probe begin { x = 1; x[1] = 2 }",
    'probe begin { printf("%d %d\\n", 1) }',
    "probe begin if (nosuch) { }",
    "function f() { return f() } probe begin { println(f()) }",
    "probe timer.ms(10).randomize(20) { }",
    'probe procfs("").read { $value = "x" }',
    "probe begin { @defined($x) }",
    'global s, a, x\nfunction f(p) { foreach ([k, j] in a- limit (q <<< (&@cast(x, "t")[1] && '
    '(f(1) || s =~ "a")))) {(@max(st) && $value)}; return f(1) }\n'
    "probe timer.profile { try { (--y) } catch (m) { @sum(st) }; }",
]


@pytest.mark.parametrize("script", REGRESSIONS)
@pytest.mark.parametrize("options", [["-p2"], ["-p2", "-u", "-v"]])
def test_regressions(script, options):
    _check(script, options)

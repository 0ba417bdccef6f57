"""Pass 2 where stap5 deliberately differs from 4.8, and the program pass 3
receives (the contract documented in stap5/elaborate/program.py).

* procfs: `$value` becomes calls of embedded-C functions as in 4.8 (the
  -p2 dump is compared with 4.8 in the corpus), but their C is our own.
* recursive aliases: the first error is 4.8's; the cascade after it is not
  byte-identical (4.8 quiets part of it in ways not worth copying).
"""

import os

import pytest

from testsuite.oracle.harness import run_stap5

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stap5_only")
ENV = {"SYSTEMTAP_TAPSET": os.path.join(os.path.dirname(HERE), "..", "..", "tapsets")}


def stap5(*argv, cwd=HERE):
    return run_stap5(list(argv), cwd=cwd, env=ENV)


def elaborate(script, *options):
    """The Elaborator for a script given as text."""
    from stap5.cli import parse_args
    from stap5.elaborate import elaborate as run
    from stap5.parse import pass1
    session = parse_args(["-r", "6.1.0-56-amd64", "-p2"] + list(options) + ["-e", script])
    old = os.environ.get("SYSTEMTAP_TAPSET")
    os.environ["SYSTEMTAP_TAPSET"] = ENV["SYSTEMTAP_TAPSET"]
    try:
        session.tapset_dir = ENV["SYSTEMTAP_TAPSET"]
        result = pass1.run(session, whole_library=False)
        assert not result.errors
        return run(session, result)
    finally:
        if old is None:
            os.environ.pop("SYSTEMTAP_TAPSET", None)
        else:
            os.environ["SYSTEMTAP_TAPSET"] = old


def test_procfs_program():
    from stap5.parse import ast
    elab = elaborate('global s; probe procfs("a/b").umask(0022).read.maxsize(64) { $value = s } '
                     'probe procfs.write { s = $value }')
    assert not elab.errors
    read, write = elab.program.probes
    assert read.family.name == write.family.name == "procfs"
    assert read.params == {"path": "a/b", "write": False, "maxsize": 64, "mode": 0o444 & ~0o022}
    assert write.params["path"] == "command" and write.params["write"]
    calls = [n for p in (read, write) for n in ast.walk(p.body)
             if isinstance(n, ast.FunctionCall)]
    assert [call.name for call in calls] == ["__private__input___procfs_value_set1",
                                             "__private__input___procfs_value_get2"]
    set_value, get_value = (call.referent for call in calls)
    assert set_value.embedded and "stp_procfs_value_set(CONTEXT" in set_value.body.code
    assert "/* stable */" in get_value.body.code and not get_value.params
    assert [e.code for e in elab.program.embeds] == ['#include "procfs-probes.h"']


def test_recursive_alias():
    outcome = stap5("-p2", "alias_recursive.stp")
    assert outcome.status == 1
    assert outcome.stderr.startswith(
        "semantic error: while resolving probe point: identifier 'b' at alias_recursive.stp:1:11\n"
        "        source: probe a = b { }\n"
        "                          ^\n\n"
        "semantic error: recursive loop in alias expansion of b at alias_recursive.stp:1:11\n\n")
    assert outcome.stderr.endswith("Pass 2: analysis failed.  [man error::pass2]\n"
                                   "Number of similar error messages suppressed: 2.\n"
                                   "Rerun with -v to see them.\n")


# --- the contract of pass 3 ----------------------------------------------------------

def test_globals_types_and_symbols():
    elab = elaborate('global n, s, a, st; probe begin { n = 1; s = "x"; a[s, n] = n; '
                     'st <<< n; printf("%d %s %d %d\\n", n, s, a["x", 1], @count(st)) }')
    assert not elab.errors
    globals_ = list(elab.program.globals.values())
    assert [(g.name, g.type, g.index_types, g.unique_name) for g in globals_] == [
        ("n", "long", None, "__global_n"), ("s", "string", None, "__global_s"),
        ("a", "long", ["string", "long"], "__global_a"), ("st", "stats", None, "__global_st")]


def test_calls_have_referents_and_overloads():
    from stap5.parse import ast
    elab = elaborate("function f(x) { if (x < 0) next; return x } function f(x) { return -x } "
                     "probe begin { println(f(-1)) }")
    assert not elab.errors
    call = next(n for n in ast.walk(elab.program.probes[0].body)
                if isinstance(n, ast.FunctionCall))
    assert call.referent is call.referents[0]
    assert [f.inferred_type for f in call.referents] == ["long", "long"]
    assert len(elab.program.functions["f"]) == 2


def test_conditions_reach_pass3():
    elab = elaborate("global on = 1; probe timer.ms(100) if (on) { on = 0 }")
    assert not elab.errors
    timer, initializer = elab.program.probes
    assert timer.condition is not None and timer.params["interval_ns"] == 100 * 10**6
    assert initializer.family.name == "begin" and initializer.condition_initializer
    assert initializer.condition_probes == [timer]


def test_kprobe_params():
    elab = elaborate('probe kprobe.function("vfs_read").return.maxactive(8) { next }')
    assert not elab.errors
    probe, = elab.program.probes
    assert probe.family.name == "kprobe"
    assert probe.params["symbol"] == "vfs_read" and probe.params["return"]
    assert probe.params["maxactive"] == 8 and probe.params["module"] is None


def test_printf_directives():
    from stap5.parse import ast
    elab = elaborate('probe begin { printf("%-5d|%s\\n", 1, "a") }')
    node = next(n for n in ast.walk(elab.program.probes[0].body)
                if isinstance(n, ast.PrintFormat))
    assert [d.conversion for d in node.directives] == ["d", None, "s", None]


@pytest.mark.parametrize("script", ["probe begin { }", "global x"])
def test_no_probes(script):
    outcome = stap5("-p2", "-e", script)
    assert outcome.status == 1
    assert "semantic error: no probes found\n" in outcome.stderr

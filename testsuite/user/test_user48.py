"""Process probes on the host against SystemTap 4.8 reading the same
binaries: -L / -l listings of the test program's functions, returns,
statements, markers and PLT entries, of libc's functions through
.library() (its separate, compressed debuginfo), -p2 probe lines
(placement: past the prologue of -O0 code, markers and PLT entries as
statement(ADDRESS)), and the errors for programs that are not there."""

import pytest

from stap5.kernel import debuginfo
from testsuite.oracle.harness import needs_stap48, run_stap48, run_stap5
from testsuite.user.programs import compiler_available, program_path

pytestmark = [pytest.mark.oracle, needs_stap48,
              pytest.mark.skipif(not compiler_available(),
                                 reason="gcc and <sys/sdt.h> (systemtap-sdt-dev) needed")]


def _patterns(prog):
    return [
        'process("%s").function("*")' % prog,
        'process("%s").function("walk").return' % prog,
        'process("%s").function("add").call' % prog,
        'process("%s").mark("*")' % prog,
        'process("%s").provider("prog").mark("tick")' % prog,
        'process("%s").statement("main@prog.c:*")' % prog,
        'process("%s").plt("*")' % prog,
        'process("%s").begin' % prog,
        'process("%s").syscall' % prog,
        'process("%s").library("libc.so.6").function("mallo*")' % prog,
        'process("/lib/x86_64-linux-gnu/libc.so.6").function("malloc")',
    ]


# 4.8 finds libc's separate debuginfo where Debian puts it (stap5 does too)
ENV = {"SYSTEMTAP_DEBUGINFO_PATH": debuginfo.oracle_debuginfo_path() + ":/usr/lib/debug"}


@pytest.fixture(scope="module")
def prog():
    path = program_path()
    return path


@pytest.mark.parametrize("index", range(len(_patterns("P"))))
@pytest.mark.parametrize("mode", ["-L", "-l"])
def test_listing(prog, mode, index):
    argv = [mode, _patterns(prog)[index]]
    expected = run_stap48(argv, env=ENV)
    got = run_stap5(argv, env=ENV)
    assert (got.status, got.stdout) == (expected.status, expected.stdout)


def _probe_lines(text):
    return [line for line in text.splitlines() if line.startswith("process")]


def test_dump(prog):
    script = " ".join([
        'probe process(@1).function("add") { println($a) }',
        'probe process(@1).function("walk").return { println($return, $p$) }',
        'probe process(@1).statement("main@prog.c:45") { println($i) }',
        'probe process(@1).mark("tick") { println($arg1, $$parms) }',
        'probe process(@1).plt("malloc") { println($$name) }',
        'probe process(@1).begin, process(@1).end { println(pid()) }',
    ])
    argv = ["-p2", "-e", script, prog]
    expected = run_stap48(argv, env=ENV)
    got = run_stap5(argv, env=ENV)
    assert got.status == expected.status == 0, got.stderr
    assert _probe_lines(got.stdout) == _probe_lines(expected.stdout)


@pytest.mark.parametrize("point", [
    'process("/no/such/program").function("main")',
    'process("no-such-program").function("main")',
    'process.function("main")',
    'process("%s").function("nosuch")',
    'process("%s").mark("nosuch")',
    # what needs utrace (4.8 refuses them on this kernel too)
    'process("%s").insn',
    'process(999999999).insn.block',
    'process(999999999).statement(0x1234).absolute',
])
def test_errors(prog, point):
    argv = ["-p2", "-e", "probe %s { print(1) }" % (point % prog if "%s" in point else point)]
    expected = run_stap48(argv, env=ENV)
    got = run_stap5(argv, env=ENV)
    assert got.status == expected.status == 1
    assert got.stderr == expected.stderr

"""The SystemTap 4.8 oracle runner (a developer tool: these tests only keep it working)."""

import pytest

from testsuite.oracle.runner import Job, build, prepare_runtime, run_jobs, split_options, \
    stap_available

needs_stap = pytest.mark.skipif(not stap_available(), reason="SystemTap 4.8 (stap) not installed")

DIV_BY_ZERO = 'probe begin { printf("before\\n"); x = 0; y = 10 / x; printf("%d\\n", y) }'


def test_run_options_are_also_given_to_staprun():
    build_opts, run_opts = split_options(["-v", "-c", "ls -l", "-DFOO=1", "-s", "4", "-o/tmp/x",
                                          "-x", "42", "-T", "3", "-g"])
    assert build_opts == ["-v", "-c", "ls -l", "-DFOO=1", "-s", "4", "-o/tmp/x", "-x", "42",
                          "-T", "3", "-g"]
    assert run_opts == ["-c", "ls -l", "-b", "4", "-o", "/tmp/x", "-x", "42", "-T", "3"]


@pytest.mark.oracle
@needs_stap
def test_the_patched_runtime_is_cached():
    runtime = prepare_runtime()
    assert "task_work_cancel_func" in (runtime / "stp_task_work.c").read_text()
    assert prepare_runtime() == runtime


@pytest.mark.oracle
@needs_stap
def test_a_build_failure_is_reported_without_running(tmp_path):
    outcome, module = build(Job("probe begin { exit() ", inline=True), prepare_runtime(),
                            tmp_path)
    assert module is None and outcome.build_rc == 1 and outcome.rc is None
    assert "parse error" in outcome.build_stderr
    assert "Pass 1: parse failed." in outcome.build_stderr


@pytest.mark.oracle
@pytest.mark.vm
@needs_stap
def test_oracle_runs_48_modules_in_the_guest(guest):
    hello, div = run_jobs([
        Job('probe begin { println("hello world"); exit() }', inline=True, mode="staprun"),
        Job(DIV_BY_ZERO, inline=True),    # exact mode: 4.8's own driver runs pass 5
    ], guest=guest)
    assert (hello.rc, hello.stdout) == (0, "hello world\n"), hello.stderr
    assert (div.rc, div.stdout) == (1, "before\n"), div.stderr
    assert "ERROR: division by 0 near operator '/' at <input>:1:" in div.stderr
    assert "WARNING: Number of errors: 1, skipped probes: 0" in div.stderr
    assert "Pass 5: run failed.  [man error::pass5]" in div.stderr

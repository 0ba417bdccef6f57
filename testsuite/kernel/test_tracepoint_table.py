"""The tracepoint table of the test kernel: names, systems, typed
arguments as ("arg", i) locations, and its cache."""

import pytest

import stap5.kernel.btf as btf
import stap5.kernel.tracepoints as tracepoints
from stap5.kernel.target import KernelTarget
from testsuite.oracle.harness import KERNEL


@pytest.fixture(scope="module")
def target():
    found = KernelTarget(KERNEL)
    if found.source_tree() is None:
        pytest.skip("the headers of %s are not installed" % KERNEL)
    if btf.kernel_btf(found) is None:
        pytest.skip("no BTF for %s here (run 'stap5-prep --vm')" % KERNEL)
    return found


def test_built_and_cached(target, tmp_path, monkeypatch):
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path))
    monkeypatch.setattr(tracepoints, "_tables", {})
    cold = tracepoints.tracepoint_table(target)
    assert list(tmp_path.glob("tracepoints/*.pickle"))
    monkeypatch.setattr(tracepoints, "_tables", {})
    monkeypatch.setattr(tracepoints, "_scan", lambda *args: pytest.fail("scanned again"))
    warm = tracepoints.tracepoint_table(target)
    assert [(tp.full_name, tp.spellings) for tp in warm.all()] == \
        [(tp.full_name, tp.spellings) for tp in cold.all()]
    assert len(cold.all()) > 1500


def test_sched_switch(target):
    table = tracepoints.tracepoint_table(target)
    [switch] = table.match("sched_switch")
    assert switch.full_name == "sched:sched_switch"
    assert switch.header.endswith("include/trace/events/sched.h")
    scope = table.scope(switch)
    assert scope.source == "btf"
    assert [(v.name, v.type.spelling(), v.location.kind, v.location.ops)
            for v in scope.parameters()] == [
        ("preempt", "bool", "value", (("arg", 0),)),
        ("prev", "struct task_struct*", "value", (("arg", 1),)),
        ("next", "struct task_struct*", "value", (("arg", 2),)),
        ("prev_state", "unsigned int", "value", (("arg", 3),))]
    task = scope.parameters()[1].type.strip().target
    assert task.find_member("pid")[0].type.spelling() == "pid_t"
    assert scope.find_type("struct rq") is not None


def test_patterns(target):
    table = tracepoints.tracepoint_table(target)
    assert [tp.full_name for tp in table.match("sched:sched_process_f*")] == [
        "sched:sched_process_fork", "sched:sched_process_free"]
    assert [tp.full_name for tp in table.match("*:sys_enter")] == ["raw_syscalls:sys_enter"]
    assert [tp.system for tp in table.match("cpu_migrate_*")] == ["power"] * 3
    assert table.match("nosuch") == [] and table.match("sched:sys_enter") == []


def test_module_tracepoints_from_the_headers(target):
    """ext4 is a module: its types come from the header, names resolved in
    vmlinux's BTF where it defines them."""
    table = tracepoints.tracepoint_table(target)
    [tracepoint] = table.match("ext4:ext4_da_write_begin")
    scope = table.scope(tracepoint)
    assert scope.source == "headers" and scope.origin == tracepoint.header
    variables = scope.parameters()
    assert [(v.name, v.type.spelling()) for v in variables] == [
        ("inode", "struct inode*"), ("pos", "loff_t"), ("len", "unsigned int")]
    assert variables[0].type.strip().target is btf.kernel_btf(target).find_type("struct inode")


def test_no_headers(tmp_path):
    target = KernelTarget("0.0.0-nosuch", build_tree=str(tmp_path))
    with pytest.raises(LookupError, match="install its headers"):
        tracepoints.tracepoint_table(target)

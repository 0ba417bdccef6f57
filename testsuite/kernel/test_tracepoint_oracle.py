"""kernel.trace listings and pass-2 dumps against SystemTap 4.8 on the same
kernel.  (4.8 compiles a query module per trace header the first time,
a minute or more; its answers are cached.)

stap5 lists every tracepoint 4.8 lists, on identical lines; it lists more
where 4.8 cannot compile a trace header on its own (it builds each with
-Werror, and these name types only their subsystem's private headers
declare): stap5 reads the header without a compiler and takes the types
from BTF, or keeps their names.
"""

import re

import pytest

from testsuite.oracle.harness import needs_stap48, prefetch_stap48, run_stap48, run_stap5

pytestmark = [pytest.mark.oracle, needs_stap48]

# System -> what stops 4.8 (gcc's words, from its query module).
ONLY_STAP5 = {
    "ext4": "unknown type name 'ext4_group_t'",
    "rxrpc": "unknown type name 'rxrpc_seq_t'",
    "rpcrdma": "'struct rpcrdma_ep' declared inside parameter list",
    "f2fs": "'enum extent_type' declared inside parameter list",
    "afs": "'struct afs_fid' declared inside parameter list",
    "rpcgss": "'struct rpc_task' declared inside parameter list",
    "cachefiles": "'enum cachefiles_content' declared inside parameter list",
    "ufs": "'enum ufs_trace_str_t' declared inside parameter list",
    "compaction": "'struct compact_control' declared inside parameter list",
    "ib_mad": "'struct ib_mad_qp_info' declared inside parameter list",
    "spi": "'struct spi_device' declared inside parameter list",
    "fsi_master_ast_cf": "'struct fsi_msg' declared inside parameter list",
    "nilfs2": "'enum req_op' declared inside parameter list",
    "fsi": "'struct fsi_slave' declared inside parameter list",
    "netfs": "'struct netfs_io_request' declared inside parameter list",
    "mptcp": "'struct mptcp_subflow_context' declared inside parameter list",
    "nbd": "'struct request' declared inside parameter list",
    "9p": "'struct p9_fid' declared inside parameter list",
    "mctp": "'struct mctp_sk_key' declared inside parameter list",
    "pwc": "'struct pwc_device' declared inside parameter list",
    "avc": "'struct selinux_audit_data' declared inside parameter list",
    "i2c_slave": "parameter 2 ('event') has incomplete type",
}

LISTINGS = [
    ["-L", 'kernel.trace("sched:*")'], ["-l", 'kernel.trace("sys_enter")'],
    ["-l", 'kernel.trace("*:sched_switch")'], ["-L", 'kernel.trace("sched_process_e*")'],
    ["-L", 'kernel.trace("irq_vectors:*")'], ["-L", 'kernel.trace("kvm:kvm_ioapic_*")'],
    ["-L", 'kernel.trace("power:cpu_migrate_*")'], ["-L", 'kernel.trace("cpuhp:*")'],
    ["-l", 'kernel.trace("nosuch")'], ["-l", 'kernel.trace("sched:sched_switch").nosuch'],
]
DUMPS = [
    'probe kernel.trace("sched_switch") { println(pp()) }',
    'probe kernel.trace("raw_syscalls:sys_enter") { printf("%s\\n", probe_type()) }',
    'probe kernel.trace("sched:sched_wakeup*") ? { next }',
    'probe kernel.trace("sched:*") { println(pp()) }',
    'probe kernel.trace("sunrpc:*"), kernel.trace("timer:*") { println(1) }',
    'probe kernel.trace("sched_switch") { x = 1; println(x, $prev->pid, $preempt, $$name) }',
    'probe kernel.trace("sched_switch") { print($$parms, $$vars, $$system) }',
    'probe kernel.trace("sched_process_exec") { println($bprm->filename$, $p->comm$) }',
    'probe kernel.trace("sched_process_exec") { println($p$) }',
    'probe kernel.trace("sched_process_exec") { println($$parms$) }',
    'probe kernel.trace("kmalloc") { println($node, $gfp_flags, $call_site) }',
    'probe kernel.trace("sched_switch") { println(&$prev->pid) }',
]
EVERY = 'probe kernel.trace("*") { println(1) }'


@pytest.fixture(scope="module", autouse=True)
def _prefetch():
    prefetch_stap48([["-L", 'kernel.trace("*")']] + LISTINGS
                    + [["-p2", "-e", script] for script in DUMPS]
                    + [["-p2", "-v", "-e", script] for script in BODIES]
                    + [["-p2", "-e", EVERY]])


def _systems(lines):
    return {re.match(r'kernel\.trace\("([^:"]*):', line).group(1) for line in lines}


def test_every_tracepoint():
    expected = run_stap48(["-L", 'kernel.trace("*")'])
    got = run_stap5(["-L", 'kernel.trace("*")'])
    assert (got.status, got.stderr) == (expected.status, "")
    theirs = expected.stdout.splitlines()
    ours = got.stdout.splitlines()
    assert len(theirs) > 1000
    assert ours == sorted(ours)
    missing = [line for line in theirs if line not in set(ours)]
    assert missing == []
    extra = [line for line in ours if line not in set(theirs)]
    assert _systems(extra) == set(ONLY_STAP5)
    assert not _systems(theirs) & set(ONLY_STAP5)


@pytest.mark.parametrize("argv", LISTINGS, ids=[" ".join(a) for a in LISTINGS])
def test_listing(argv):
    expected = run_stap48(argv)
    got = run_stap5(argv)
    assert (got.status, got.stdout, got.stderr) == (expected.status, expected.stdout, "")


@pytest.mark.parametrize("script", DUMPS)
def test_dump(script):
    expected = run_stap48(["-p2", "-e", script])
    got = run_stap5(["-p2", "-e", script])
    assert (got.status, _without_embedded(got.stdout)) == \
        (expected.status, _without_embedded(expected.stdout))
    assert _errors(got.stderr) == _errors(expected.stderr)


def _without_embedded(dump):
    """The dump without its "# global embedded code" (the tapsets' own C:
    4.8's user_string.stp has some, stap5's not)."""
    if not dump.startswith("# global embedded code"):
        return dump
    return dump[dump.index("# functions"):] if "# functions" in dump else ""


def _errors(stderr):
    return [line for line in stderr.splitlines() if line.startswith("semantic error: ")
            and "unresolved type" not in line]


# The bodies with -v, up to where 4.8 reads $$name/$$system with embedded C
# of its runtime (stap5: the tracepoint's name, a literal).
BODIES = [
    'probe kernel.trace("sched_switch") { print($$parms, $$vars) }',
    'probe kernel.trace("sched_switch") { x = 1; println(x, $prev->pid, $preempt) }',
    'probe kernel.trace("kmalloc") { println($node, $gfp_flags, $call_site, $ptr) }',
]


@pytest.mark.parametrize("script", BODIES)
def test_verbose_bodies(script):
    expected = run_stap48(["-p2", "-v", "-e", script])
    got = run_stap5(["-p2", "-v", "-e", script])
    assert got.status == expected.status == 0
    assert _probes_part(got.stdout) == _probes_part(expected.stdout)


def _probes_part(dump):
    """From "# probes" on, and the tracepoint functions with their bodies."""
    lines = dump.splitlines()
    functions = [line for index, line in enumerate(lines) if "_tracepoint_tvar_get" in line
                 or index and "_tracepoint_tvar_get" in lines[index - 1]]
    return functions + lines[lines.index("# probes"):]


def test_wildcard_order_within_each_system():
    """4.8 derives a header's tracepoints in the order of its map of the
    query module's functions; stap5 reproduces it (unordered_map.py).
    Systems come in another order (4.8's follows hashes of its cache
    files): the dumps are the same as sets of per-system sequences."""
    expected = run_stap48(["-p2", "-e", EVERY])
    got = run_stap5(["-p2", "-e", EVERY])
    assert got.status == expected.status == 0
    assert _blocks(got.stdout)[0] == _blocks(expected.stdout)[0]
    ours = {system: blocks for system, blocks in _by_system(got.stdout).items()
            if system not in ONLY_STAP5}
    assert ours == _by_system(expected.stdout)


def _by_system(dump):
    """{system: [probe blocks in order]}; a system whose tracepoints come
    from two headers (power) as one sorted list."""
    systems = {}
    for block in _blocks(dump)[1]:
        system = re.match(r'kernel\.trace\("([^:"]*):', block).group(1)
        systems.setdefault(system, []).append(block)
    systems["power"] = sorted(systems.get("power", []))
    return systems


def _blocks(dump):
    """(the lines before the probes, [each probe's block, in order])."""
    head, probes, current = [], [], None
    for line in dump.splitlines():
        if line.startswith("kernel.trace"):
            current = [line]
            probes.append(current)
        elif current is not None:
            current.append(line)
        else:
            head.append(line)
    return head, ["\n".join(block) for block in probes]


def test_no_match():
    got = run_stap5(["-p2", "-e", 'probe kernel.trace("sched_swich") {}'])
    expected = run_stap48(["-p2", "-e", 'probe kernel.trace("sched_swich") {}'])
    assert got.status == expected.status == 1
    assert "semantic error: no match (similar tracepoints: sched_switch" in got.stderr
    assert got.stderr.splitlines()[:3] == expected.stderr.splitlines()[:3]

"""stap5 --remote end to end: two QEMU guests reached over SSH on 127.0.0.1 (user
networking, a forwarded port, the host's sshd running in each), each running the
script in its own kernel. What 4.8 prints for the same runs (recorded with two
such guests): stdout lines prefixed "N: " (N from 0) under --remote-prefix,
stderr as it is, one "Pass 5: run failed" when a host fails.

Two guests boot once for the whole module (they are slow on a 2-core machine:
keep the runs here few)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testsuite.script_cases import KVER, loaded_modules

pytestmark = pytest.mark.vm

PROJECT = Path(__file__).resolve().parents[2]
HELLO = 'probe begin { println("hello"); warn("careful"); exit() }'
TICKER = ('global n probe timer.ms(200) { n++; printf("tick %d\\n", n) } '
          'probe end { printf("end after %d\\n", n) }')


@pytest.fixture(scope="module")
def guests(vm_assets, kernel_build_dir):
    from stap5.vm import Guest, GuestUnavailable
    booted = []
    try:
        for _ in range(2):
            booted.append(Guest.boot(ssh=True, fetch=False))
    except GuestUnavailable as e:
        for g in booted:
            g.close()
        pytest.skip(str(e))
    # One ssh_config (guest 0's key) reaches both.
    booted[1].ssh.authorize(booted[0].ssh.public_key)
    yield booted
    for g in booted:
        g.close()


@pytest.fixture(scope="module")
def env(guests):
    return dict(os.environ, STAP5_SSH_COMMAND=f"ssh -F {guests[0].ssh.config}",
                PYTHONPATH=str(PROJECT),
                STAP5_REMOTE_STAPRUN=f"env PYTHONPATH={PROJECT} {sys.executable} "
                                     "-m stap5.run.staprun")


def stap5(*args):
    return [sys.executable, "-m", "stap5", *args]


def remotes(*urls):
    return [a for url in urls for a in ("--remote", url)]


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_hosts_each_in_its_own_kernel(guests, env):
    r = subprocess.run(stap5(*remotes(*(g.ssh.url for g in guests)), "--remote-prefix",
                             "-e", HELLO), env=env, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["0: hello", "1: hello"]
    assert r.stderr == "WARNING: careful\nWARNING: careful\n"
    # Each guest's kernel loaded the module (its first out-of-tree module: it says so).
    for g in guests:
        log = g.run(["dmesg"], timeout=60).out
        assert "stap_" in log and "loading out-of-tree module taints kernel" in log
        assert loaded_modules(g, ("stap_",)) == []
    # -p4 stops after the build for the hosts' kernel.
    r = subprocess.run(stap5(*remotes(guests[0].ssh.url), "-p4", "-e", HELLO), env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(".ko") and KVER in open(r.stdout.strip(), "rb").read(
        ).decode("latin-1")


def test_ctrl_c_reaches_every_host(guests, env):
    process = subprocess.Popen(stap5(*remotes(*(g.ssh.url for g in guests)),
                                     "--remote-prefix", "-e", TICKER),
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    seen = set()
    lines = []
    deadline = time.monotonic() + 600
    while seen != {"0", "1"} and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        seen.add(line.split(":", 1)[0])
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    rest, err = process.communicate(timeout=300)
    lines += rest.splitlines(keepends=True)
    assert process.returncode == 0, err
    for index in ("0", "1"):
        mine = [line[len(index) + 2:] for line in lines if line.startswith(index + ": ")]
        ticks = [int(line.split()[1]) for line in mine if line.startswith("tick ")]
        assert ticks == list(range(1, len(ticks) + 1)) and ticks, (index, mine)
        assert mine[-1] == f"end after {ticks[-1]}\n"
    for g in guests:
        assert loaded_modules(g, ("stap_",)) == []


def test_a_failing_host_does_not_lose_the_others_output(guests, env, tmp_path):
    # Host 1 cannot be reached; host 2 (guest 1) already has a module of that
    # name loaded (detached): both fail, host 0's output is all there.
    # (It ends after a second, so that it is still loaded when detached.)
    script = 'probe begin { println("hello"); warn("careful") } probe timer.s(1) { exit() }'
    build = subprocess.run(stap5("-r", KVER, "-p4", "-e", script), env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=900)
    ko = build.stdout.strip()
    name = Path(ko).stem
    staprun = guests[1].python_command("-m", "stap5.run.staprun")
    assert guests[1].run(staprun + ["-L", ko], timeout=120).rc == 0
    try:
        unreachable = f"ssh://root@127.0.0.1:{closed_port()}"
        r = subprocess.run(stap5(*remotes(guests[0].ssh.url, unreachable, guests[1].ssh.url),
                                 "--remote-prefix", "-e", script), env=env,
                           capture_output=True, text=True, timeout=900)
    finally:
        guests[1].run(staprun + ["-d", name], timeout=120)
    assert r.returncode == 1
    assert r.stdout == "0: hello\n"
    err = r.stderr.splitlines()
    assert err[0].startswith(f"ERROR: error establishing ssh connection on remote "
                             f"'{unreachable}'")
    assert f"ERROR: Couldn't insert module '/tmp/stap5." in r.stderr
    assert "': File exists" in r.stderr
    assert err.count("WARNING: careful") == 1
    assert err[-1] == "Pass 5: run failed.  [man error::pass5]"

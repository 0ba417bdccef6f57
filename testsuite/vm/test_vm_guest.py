"""The QEMU guest (stap5.vm): command plumbing, signals, timeouts, a real module load.

All but the hung-guest and CLI tests share the session's guest (testsuite/conftest.py).
"""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stap5.vm import Guest, TimeoutExpired

pytestmark = pytest.mark.vm

PROJECT = Path(__file__).resolve().parents[2]


def test_guest_runs_debian_kernel_with_its_own_proc_and_debugfs(guest):
    r = guest.run(["sh", "-c", "uname -r; grep -c ' T ' /proc/kallsyms; "
                   "grep -E ' /sys/kernel/debug | /proc ' /proc/mounts"], timeout=60)
    assert r.rc == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "6.1.0-56-amd64"
    assert int(lines[1]) > 10000          # the guest kernel's symbols (we run as root)
    assert any(" debugfs " in line for line in lines[2:])
    assert any(line.startswith("proc /proc proc") for line in lines[2:])


def test_stdout_stderr_and_status_come_back_separately(guest):
    r = guest.run(["sh", "-c", "echo to-out; echo to-err >&2; echo more-out; exit 3"],
                  timeout=60)
    assert (r.rc, r.out, r.err) == (3, "to-out\nmore-out\n", "to-err\n")


def test_large_binary_output_arrives_intact(guest):
    # 3 MB of non-text bytes: crosses the 1 MB frame limit and the 64 KB pipe reads.
    code = "import sys; sys.stdout.buffer.write(bytes(range(256)) * 12288)"
    r = guest.run([sys.executable, "-c", code], timeout=120)
    assert r.rc == 0, r.err
    assert hashlib.sha256(r.stdout).digest() == \
        hashlib.sha256(bytes(range(256)) * 12288).digest()


def test_death_by_signal_is_reported_like_subprocess(guest):
    r = guest.run(["sh", "-c", "kill -TERM $$"], timeout=60)
    assert r.rc == -signal.SIGTERM and r.shell_status == 128 + signal.SIGTERM


def test_missing_and_unexecutable_commands(guest):
    r = guest.run(["no-such-command-stap5"], timeout=60)
    assert r.rc == 127 and "no-such-command-stap5" in r.err
    r = guest.run(["/etc/hostname"], timeout=60)
    assert r.rc == 126


def test_stdin_is_fed(guest):
    r = guest.run(["cat"], input=b"line one\nline two\n", timeout=60)
    assert r.stdout == b"line one\nline two\n"
    r = guest.run(["cat"], timeout=60)       # without input: /dev/null
    assert r.stdout == b"" and r.rc == 0


def test_host_files_are_seen_at_the_same_path_even_when_changed_after_boot(guest, tmp_path):
    # tmp_path is under the host's /tmp, created after the guest booted.
    f = tmp_path / "data.txt"
    f.write_text("first\n")
    r = guest.run(["cat", "data.txt"], cwd=tmp_path, timeout=60)
    assert (r.rc, r.out) == (0, "first\n")
    f.write_text("second, longer\n")
    assert guest.run(["cat", str(f)], timeout=60).out == "second, longer\n"
    f.unlink()
    assert guest.run(["cat", str(f)], timeout=60).rc != 0
    f.write_text("third\n")
    assert guest.run(["cat", str(f)], timeout=60).out == "third\n"


def test_guest_writes_stay_in_the_guest(guest, tmp_path):
    target = tmp_path / "written-by-guest"
    r = guest.run(["sh", "-c", f"echo hi > {target} && cat {target} && "
                   "echo x > /var/tmp/stap5-vm-test && "
                   "! touch /etc/stap5-vm-test 2>/dev/null && echo etc-read-only"],
                  timeout=60)
    assert (r.rc, r.out) == (0, "hi\netc-read-only\n"), r.err
    assert not target.exists()


def test_cwd_and_environment_default_to_the_hosts(guest):
    r = guest.run(["sh", "-c", "pwd; echo $STAP5_VM_TEST_VAR"], timeout=60,
                  env={**os.environ, "STAP5_VM_TEST_VAR": "from-host"}, cwd=PROJECT)
    assert r.out == f"{PROJECT}\nfrom-host\n"


def test_a_signal_reaches_a_running_command(guest):
    ready = threading.Event()
    out = []

    def on_stdout(data):
        out.append(data)
        if b"waiting" in b"".join(out):
            ready.set()
    p = guest.start(["sh", "-c", "trap 'echo got-INT; exit 7' INT; echo waiting; "
                     "while :; do sleep 0.1; done"], stdout=on_stdout)
    assert ready.wait(60), "the command never said it was waiting"
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    r = p.wait(timeout=60)
    assert (r.rc, r.out) == (7, "waiting\ngot-INT\n")


def test_background_commands_run_concurrently(guest):
    slow = guest.start(["sh", "-c", "sleep 2; echo slow"])
    fast = guest.run(["echo", "fast"], timeout=60)
    assert fast.out == "fast\n" and slow.poll() is None
    assert slow.wait(timeout=60).out == "slow\n"


def test_timeout_kills_the_command_and_keeps_the_guest(guest):
    start = time.monotonic()
    with pytest.raises(TimeoutExpired) as info:
        guest.run(["sh", "-c", "echo started; exec sleep 600"], timeout=3)
    assert time.monotonic() - start < 30
    assert not info.value.guest_killed
    assert info.value.result.out == "started\n"
    assert guest.run(["true"], timeout=60).rc == 0


def test_timeout_kills_a_hung_guest(vm_assets):
    with Guest.boot(fetch=False) as g:
        os.kill(g.proc.pid, signal.SIGSTOP)   # freeze the whole machine
        start = time.monotonic()
        with pytest.raises(TimeoutExpired) as info:
            g.run(["sleep", "1"], timeout=2)
        assert info.value.guest_killed
        assert time.monotonic() - start < 30
        assert not g.alive and g.proc.poll() is not None


HELLO_C = r"""
#include <linux/init.h>
#include <linux/module.h>

static int __init stap5_vm_hello_init(void)
{
	pr_info("stap5_vm_hello: loaded\n");
	return 0;
}

static void __exit stap5_vm_hello_exit(void)
{
	pr_info("stap5_vm_hello: unloaded\n");
}

module_init(stap5_vm_hello_init);
module_exit(stap5_vm_hello_exit);
MODULE_LICENSE("GPL");
"""


@pytest.fixture(scope="session")
def hello_module(kernel_build_dir, tmp_path_factory):
    """A hand-written module built with kbuild against the 6.1 headers, in a temp dir
    under the stap5 cache (so the path is the same on host and guest)."""
    import tempfile
    from stap5.vm.assets import cache_dir
    root = cache_dir() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix="hello-module-") as d:
        Path(d, "stap5_vm_hello.c").write_text(HELLO_C)
        Path(d, "Makefile").write_text("obj-m := stap5_vm_hello.o\n")
        build = subprocess.run(["make", "-C", kernel_build_dir, f"M={d}", "modules"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert build.returncode == 0, build.stdout
        yield Path(d) / "stap5_vm_hello.ko"


def test_module_built_on_host_loads_and_unloads_in_guest(guest, hello_module):
    before = guest.run(["cat", "/proc/modules"], timeout=60).out
    assert "stap5_vm_hello" not in before
    r = guest.run(["busybox", "insmod", str(hello_module)], timeout=120)
    assert r.rc == 0, r.err
    try:
        loaded = guest.run(["cat", "/proc/modules"], timeout=60).out
        assert any(line.startswith("stap5_vm_hello ") for line in loaded.splitlines())
    finally:
        r = guest.run(["busybox", "rmmod", "stap5_vm_hello"], timeout=120)
    assert r.rc == 0, r.err
    after = guest.run(["cat", "/proc/modules"], timeout=60).out
    assert sorted(l.split()[0] for l in after.splitlines()) == \
        sorted(l.split()[0] for l in before.splitlines())
    log = guest.run(["dmesg"], timeout=60).out
    assert "stap5_vm_hello: loaded" in log and "stap5_vm_hello: unloaded" in log


# -- the command line: each of these boots its own guest ------------------------------

def vm_cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "stap5.vm", "run", "-q", *args],
                            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kwargs)


def test_cli_streams_stdout_stderr_separately_and_exits_with_status(vm_assets):
    p = vm_cli("--", "sh", "-c", "echo out; echo err >&2; exit 5")
    out, err = p.communicate(timeout=300)
    assert (p.returncode, out, err) == (5, b"out\n", b"err\n")


def test_cli_forwards_ctrl_c_to_the_command(vm_assets):
    p = vm_cli("--", "sh", "-c", "trap 'echo got-INT; exit 9' INT; echo waiting; "
               "while :; do sleep 0.1; done")
    assert p.stdout.readline() == b"waiting\n"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert (p.returncode, out) == (9, b"got-INT\n"), err


def test_cli_timeout_has_its_own_status_and_message(vm_assets):
    p = vm_cli("--timeout", "3", "--", "sleep", "600")
    out, err = p.communicate(timeout=300)
    assert p.returncode == 124
    assert b"timed out after 3 s" in err


def test_guest_python_imports_this_very_project(guest):
    r = guest.run(guest.python_command("-c", "import stap5, sys; print(stap5.__file__); "
                                       "print(sys.version)"), cwd="/", timeout=120)
    assert r.rc == 0, r.err
    assert r.out.splitlines() == [str(PROJECT / "stap5" / "__init__.py"), sys.version]


def test_a_kernel_crash_is_reported_with_the_kernels_words(vm_assets):
    from stap5.vm import GuestDied
    with Guest.boot(fetch=False) as g:
        with pytest.raises(GuestDied) as info:
            g.run(["sh", "-c", "echo before; echo c > /proc/sysrq-trigger; echo after"],
                  timeout=120)
        assert "sysrq: Trigger a crash" in str(info.value)
        assert "Kernel panic" in str(info.value)
        assert info.value.result.out == "before\n"
        assert not g.alive


def test_kernel_messages_go_to_the_console_not_to_the_command(guest):
    r = guest.run(["sh", "-c", "echo '<2>stap5-vm-console-marker' > /dev/kmsg; echo done"],
                  timeout=60)
    assert (r.out, r.err) == ("done\n", "")
    deadline = time.monotonic() + 10
    while "stap5-vm-console-marker" not in guest.console_text():
        assert time.monotonic() < deadline, guest.console_text()[-2000:]
        time.sleep(0.1)

"""Flight recorder mode and output rotation in a real kernel, as staprun's:
staprun5 -L (load, start, detach), -A (attach; Ctrl-C ends, SIGQUIT detaches
again), -d (remove), -D (in the background), -S SIZE[,N] with -o, and stap5 -F
which uses them. Modules are built on the host; 4.8's messages and behaviour
(recorded with 4.8's staprun in the same guest) are what is expected."""

import signal
import subprocess
import sys
import time

import pytest

from stap5.vm import TimeoutExpired
from testsuite.script_cases import KVER, loaded_modules

pytestmark = pytest.mark.vm

TICKER = ('global n probe timer.ms(100) { n++; printf("tick %d\\n", n) } '
          'probe end { printf("end after %d\\n", n) }')
# 100 lines of 100 bytes every 20 ms, numbered: ~500 KB/s.
FLOOD = ('global n probe timer.ms(20) { for (i = 0; i < 100; i++) '
         'printf("%06d %03d %089d\\n", n, i, 0); n++ }')
# The same, 30000 lines (3 MB) in all, then the end.
FINITE_FLOOD = ('global n probe timer.ms(10) { for (i = 0; i < 100; i++) '
                'printf("%06d %03d %089d\\n", n, i, 0); if (++n == 300) exit() }')
FLOOD_LINE = "%06d %03d " + "0" * 89 + "\n"


def detached_message(name):
    return f'\nDisconnecting from systemtap module.\nTo reconnect, type "staprun5 -A {name}"\n'


def build(directory, name, script, *options):
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-p4", "-m", name,
                           *options, "-e", script], cwd=directory, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return str(directory / f"{name}.ko")


@pytest.fixture(scope="module")
def modules(tmp_path_factory, kernel_build_dir, vm_assets):
    directory = tmp_path_factory.mktemp("flight")
    return {name: build(directory, name, script)
            for name, script in (("fr_ticker", TICKER), ("fr_flood", FLOOD),
                                 ("fr_finite", FINITE_FLOOD))}


def staprun(guest, *args):
    return guest.python_command("-m", "stap5.run.staprun", *args)


def run_until_output(guest, argv, sig, after=1.0, timeout=120):
    """Start argv, wait for its first output (Python starts slowly in the guest),
    let it run `after` seconds more, send `sig`, and return its Result."""
    process = guest.start(argv, capture=True)
    deadline = time.monotonic() + timeout
    while not process.result().stdout and process.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(after)
    process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    except TimeoutExpired as e:
        pytest.fail(f"{argv[-2:]} did not end within {timeout} s of signal {sig}; it wrote "
                    f"{len(e.result.stdout)} bytes and said:\n{e.result.err[-2000:]}")


def ticks(text):
    return [int(line.split()[1]) for line in text.splitlines() if line.startswith("tick ")]


@pytest.fixture
def clean(guest):
    yield
    for name in loaded_modules(guest, ("fr_",)):
        guest.run(staprun(guest, "-d", name), timeout=60)
    assert loaded_modules(guest, ("fr_",)) == [], "a module was left loaded"


def test_load_detach_attach_detach_attach(guest, modules, clean):
    r = guest.run(staprun(guest, "-L", modules["fr_ticker"]), timeout=120)
    assert (r.rc, r.out, r.err) == (0, "", detached_message("fr_ticker"))
    assert loaded_modules(guest, ("fr_",)) == ["fr_ticker"]
    time.sleep(1)
    # Attached: what was kept since the start, then live; SIGQUIT detaches.
    first = run_until_output(guest, staprun(guest, "-A", "fr_ticker"), signal.SIGQUIT)
    assert (first.rc, first.err) == (0, detached_message("fr_ticker")), first.err
    seen = ticks(first.out)
    assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 10
    assert loaded_modules(guest, ("fr_",)) == ["fr_ticker"]
    # Again: it goes on where the first left; Ctrl-C ends the session.
    second = run_until_output(guest, staprun(guest, "-A", "fr_ticker"), signal.SIGINT)
    assert (second.rc, second.err) == (0, "")
    more = ticks(second.out)
    assert more == list(range(seen[-1] + 1, seen[-1] + 1 + len(more)))
    assert second.out.endswith(f"end after {more[-1]}\n")
    assert loaded_modules(guest, ("fr_",)) == []


def test_delete(guest, modules, clean):
    assert guest.run(staprun(guest, "-L", modules["fr_ticker"]), timeout=120).rc == 0
    r = guest.run(staprun(guest, "-d", "fr_ticker"), timeout=120)
    assert (r.rc, r.out, r.err) == (0, "", "")
    assert loaded_modules(guest, ("fr_",)) == []
    r = guest.run(staprun(guest, "-d", "fr_ticker"), timeout=120)
    assert r.rc == 234      # 4.8's status there: exit(-EINVAL)
    assert r.err == ("ERROR: Cannot attach to module fr_ticker control channel; not running?\n"
                     "ERROR: 'fr_ticker' is not a zombie systemtap module.\n")
    r = guest.run(staprun(guest, "-A", "fr_ticker"), timeout=120)
    assert (r.rc, r.err) == (1, "ERROR: Cannot attach to module fr_ticker control channel; "
                                "not running?\n")


def test_a_detached_session_keeps_its_latest_output(guest, modules, clean):
    r = guest.run(staprun(guest, "-b", "1", "-L", modules["fr_flood"]), timeout=120)
    assert r.rc == 0, r.err
    time.sleep(6)       # ~3 MB written into 1 MB per CPU: the oldest is gone
    r = run_until_output(guest, staprun(guest, "-A", "fr_flood"), signal.SIGINT, after=0.5)
    assert r.rc == 0, r.err
    lines = r.out.splitlines(keepends=True)[1:]     # the first may be a line's end
    numbers = [int(line[:6]) * 100 + int(line[7:10]) for line in lines]
    assert numbers[0] > 50 * 100                   # the first seconds were overwritten
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), \
        "output lost after attaching"
    assert all(line == FLOOD_LINE % divmod(n, 100) for line, n in zip(lines, numbers))


def test_daemon_writes_rotated_files(guest, modules, clean):
    out = f"/tmp/fr-rot-{time.monotonic_ns()}"
    r = guest.run(["sh", "-c", f"mkdir {out} && cd {out} && "
                   + " ".join(staprun(guest, "-D", "-o", "out", "-S", "1,2",
                                      modules["fr_finite"]))], timeout=120)
    assert r.rc == 0, r.err
    pid = int(r.out)
    # The session ends by itself (exit() after 3 MB of output).
    waited = guest.run(["sh", "-c", f"while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; "
                        f"ls {out}"], timeout=300)
    assert waited.out.split() == ["out.1", "out.2"]     # out.0 removed: 2 kept
    kept = guest.run(["sh", "-c", f"wc -c < {out}/out.1; wc -c < {out}/out.2; "
                      f"cat {out}/out.1 {out}/out.2"], timeout=60).out
    size1, size2, text = kept.split("\n", 2)
    assert 0 < int(size1) <= 1 << 20 and 0 < int(size2) <= 1 << 20
    everything = "".join(FLOOD_LINE % (n, i) for n in range(300) for i in range(100))
    assert everything.endswith(text) and len(text) == int(size1) + int(size2)
    assert loaded_modules(guest, ("fr_",)) == []


def test_stap5_F(guest, modules, kernel_build_dir, tmp_path, clean):
    # The module is in stap5's cache (built on the host with the same options),
    # so the guest's stap5 goes straight to pass 5.
    build(tmp_path, "fr_drv", TICKER)
    stap5 = guest.python_command("-m", "stap5", "-m", "fr_drv", "-e", TICKER)
    r = guest.run(stap5[:3] + ["-F"] + stap5[3:], timeout=300)
    assert (r.rc, r.out) == (0, ""), r.err
    assert r.err == detached_message("fr_drv")
    r = run_until_output(guest, staprun(guest, "-A", "fr_drv"), signal.SIGINT)
    assert r.rc == 0 and ticks(r.out)[0] == 1 and "end after" in r.out
    # With -o: in the background, its pid on stdout.
    out = f"/tmp/fr-drv-{time.monotonic_ns()}"
    r = guest.run(stap5[:3] + ["-F", "-o", out] + stap5[3:], timeout=300)
    assert r.rc == 0, r.err
    pid = int(r.out)
    time.sleep(2)
    done = guest.run(["sh", "-c", f"kill -INT {pid}; while kill -0 {pid} 2>/dev/null; "
                      f"do sleep 0.2; done; cat {out}"], timeout=120)
    assert ticks(done.out)[0] == 1 and "end after" in done.out

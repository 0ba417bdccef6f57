"""staprun5's output survives signals: a large write cut short by a signal
(Ctrl-Z and fg, SIGSTOP/SIGCONT here) is finished, not truncated, as CPython's
BufferedWriter would leave it. Runs on the host."""

import signal
import subprocess
import sys
import threading
import time

from testsuite.reliability.harness import PROJECT

WRITER = r'''
import sys
from stap5.run.channels import write_all
n = 0
for block in range(10):
    lines = []
    for i in range(8000):
        lines.append(b"%d %s\n" % (n, b"x" * 500))
        n += 1
    write_all(sys.stdout.buffer, b"".join(lines))
'''


def test_large_writes_interrupted_by_signals_arrive_whole():
    process = subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE,
                               cwd=str(PROJECT))
    chunks = []

    def slow_reader():
        while True:
            chunk = process.stdout.read(65536)
            if not chunk:
                return
            chunks.append(chunk)
            time.sleep(0.001)
    reader = threading.Thread(target=slow_reader)
    reader.start()
    time.sleep(0.3)
    for _ in range(5):
        process.send_signal(signal.SIGSTOP)
        time.sleep(0.1)
        process.send_signal(signal.SIGCONT)
        time.sleep(0.1)
    assert process.wait(timeout=120) == 0
    reader.join()
    lines = b"".join(chunks).decode().splitlines()
    assert lines == ["%d %s" % (n, "x" * 500) for n in range(80000)]

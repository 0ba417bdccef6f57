"""Pass 4's module cache: a second run of the same script skips passes 1-4,
and anything that changes the module (the script, -D, -m, -g...) misses."""

import os
import subprocess
import sys
import uuid

import pytest

KVER = "6.1.0-56-amd64"
# Unique per test run, so that the first build is never a cache hit.
SCRIPT = ('global n; probe timer.s(1) { n++ } probe end { printf("%%d %s\\n", n) }'
          % uuid.uuid4().hex)


def stap5(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)


@pytest.fixture
def headers():
    if not os.path.exists("/lib/modules/%s/build/Makefile" % KVER):
        pytest.skip("kernel headers %s not installed (make setup)" % KVER)


def test_second_run_uses_the_cache(tmp_path, headers):
    first = stap5(tmp_path, "-v", "-p4", "-e", SCRIPT)
    assert first.returncode == 0, first.stderr
    assert "Pass 4: compiled C into" in first.stderr
    ko = first.stdout.strip()
    second = stap5(tmp_path, "-v", "-p4", "-e", SCRIPT)
    assert second.returncode == 0, second.stderr
    assert "Pass 4: using cached %s" % ko in second.stderr
    assert "Pass 1:" not in second.stderr and "Pass 2:" not in second.stderr
    assert second.stdout.strip() == ko


def test_options_that_change_the_module_miss_the_cache(tmp_path, headers):
    first = stap5(tmp_path, "-p4", "-e", SCRIPT)
    changed = stap5(tmp_path, "-v", "-p4", "-DMAXACTION=5000", "-e", SCRIPT)
    assert changed.returncode == 0, changed.stderr
    assert "using cached" not in changed.stderr
    assert changed.stdout.strip() != first.stdout.strip()
    # -T only matters to pass 5: same module.
    third = stap5(tmp_path, "-v", "-p4", "-T", "5", "-e", SCRIPT)
    assert "using cached" in third.stderr

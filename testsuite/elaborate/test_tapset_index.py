"""The tapset index (stap5/elaborate/tapset_index.py): a library file's
entry follows the file (mtime/size), a broken or unwritable cache is only
slower, concurrent runs agree, and only the files a script needs join it."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest

from testsuite.oracle.harness import run_stap5

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def library(tmp_path):
    """A tiny tapset library and an empty stap5 cache of its own."""
    tapsets = tmp_path / "tapsets"
    tapsets.mkdir()
    (tapsets / "one.stp").write_text(textwrap.dedent("""\
        function one() { return 1 }
        global counter
        probe tick = timer.ms(100) { counter++ }
        """))
    (tapsets / "two.stp").write_text("function two:string () { return \"2\" }\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    return tapsets, cache


def stap5(library, *argv):
    tapsets, cache = library
    return run_stap5(list(argv), env={"SYSTEMTAP_TAPSET": str(tapsets),
                                      "STAP5_CACHE": str(cache)})


def index_files(cache):
    directory = cache / "tapset-index"
    return sorted(directory.glob("*.pickle")) if directory.exists() else []


def test_only_needed_files_join(library):
    outcome = stap5(library, "-p2", "-e", "probe begin { println(one()) }")
    assert outcome.status == 0, outcome.stderr
    assert "one:long ()" in outcome.stdout and "two" not in outcome.stdout
    assert len(index_files(library[1])) == 1


def test_entry_follows_the_file(library):
    tapsets, _ = library
    assert stap5(library, "-p2", "-e", "probe begin { println(three()) }").status == 1
    (tapsets / "two.stp").write_text("function three() { return 3 }\n")
    outcome = stap5(library, "-p2", "-e", "probe begin { println(three()) }")
    assert outcome.status == 0, outcome.stderr
    assert "three:long ()" in outcome.stdout
    # and a function that went away is no longer found
    (tapsets / "two.stp").write_text("function four() { return 4 }\n")
    assert stap5(library, "-p2", "-e", "probe begin { println(three()) }").status == 1


def test_alias_and_global_from_the_index(library):
    outcome = stap5(library, "-p2", "-e", "probe tick { println(counter) }")
    assert outcome.status == 0, outcome.stderr
    assert outcome.stdout.startswith("# globals\ncounter:long\n")
    assert "timer.ms(100) /* <- tick = timer.ms(100) <- tick */" in outcome.stdout


def test_corrupt_index_is_rebuilt(library):
    stap5(library, "-p2", "-e", "probe begin { println(one()) }")
    index, = index_files(library[1])
    index.write_bytes(b"not a pickle")
    outcome = stap5(library, "-p2", "-e", "probe begin { println(two()) }")
    assert outcome.status == 0, outcome.stderr
    assert "two:string ()" in outcome.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only modes")
def test_read_only_cache(library):
    _, cache = library
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        outcome = stap5(library, "-p2", "-e", "probe begin { println(one()) }")
        assert outcome.status == 0, outcome.stderr
    finally:
        cache.chmod(stat.S_IRWXU)


def test_unwritable_cache_directory(library, tmp_path):
    tapsets, _ = library
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be")
    outcome = run_stap5(["-p2", "-e", "probe begin { println(one()) }"],
                        env={"SYSTEMTAP_TAPSET": str(tapsets),
                             "STAP5_CACHE": str(blocker / "cache")})
    assert outcome.status == 0, outcome.stderr


def test_concurrent_runs(library):
    tapsets, cache = library
    env = dict(os.environ, SYSTEMTAP_TAPSET=str(tapsets), STAP5_CACHE=str(cache),
               PYTHONPATH=PROJECT_DIR)
    command = [sys.executable, "-m", "stap5", "-r", "6.1.0-56-amd64", "-p2", "-e",
               "probe begin { println(one(), two()) }"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(4)]
    outputs = [run.communicate() + (run.returncode,) for run in runs]
    assert {output[2] for output in outputs} == {0}, outputs
    assert len({output[0] for output in outputs}) == 1
    assert len(index_files(cache)) == 1
    assert not list((cache / "tapset-index").glob("*.tmp"))

"""The manual pages: generated ones cover the whole library and every probe
shape, hand-written ones every option, and all of them render cleanly."""

import re
import shutil
import subprocess

import pytest

from stap5 import cli
from stap5.doc import manpages
from stap5.doc.tapset_docs import read_library
from stap5.run.staprun import build_parser
from stap5.session import DEFAULT_TAPSET_DIR


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("man")
    manpages.write_all(str(out), shown_tapset_dir="/usr/share/stap5/tapsets")
    return {p.name: p for p in out.iterdir()}


def test_the_five_pages(pages):
    assert sorted(pages) == ["stap5-prep.1", "stap5.1", "stap5funcs.3stap",
                             "stap5probes.3stap", "staprun5.8"]
    for page in pages.values():
        text = page.read_text()
        assert "@VERSION@" not in text and "/work/" not in text


@pytest.mark.skipif(shutil.which("man") is None, reason="man-db not installed")
def test_they_render_without_warnings(pages):
    for name, page in pages.items():
        r = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True,
                           text=True, env={"MANWIDTH": "80", "LC_ALL": "C.UTF-8",
                                           "PATH": "/usr/bin:/bin"})
        assert r.returncode == 0 and r.stderr == "", (name, r.stderr)
        assert "NAME" in r.stdout and "SEE ALSO" in r.stdout


def test_every_documented_function_and_alias_is_in_the_reference(pages):
    funcs = pages["stap5funcs.3stap"].read_text()
    probes = pages["stap5probes.3stap"].read_text()
    for tapset in read_library(DEFAULT_TAPSET_DIR):
        for entry in tapset.entries:
            page = funcs if entry.kind == "function" else probes
            assert f'.B "{manpages.roff_quoted(entry.synopsis)}"\n' in page, entry.name
            assert manpages.roff(entry.summary) in page


def test_every_public_function_of_the_library_is_documented():
    documented = {e.name for t in read_library(DEFAULT_TAPSET_DIR) for e in t.entries}
    declared = set()
    for path in __import__("pathlib").Path(DEFAULT_TAPSET_DIR).rglob("*.stp"):
        declared |= set(re.findall(r"^function\s+([A-Za-z]\w*)", path.read_text(), re.M))
    assert sorted(declared - documented) == []


def test_every_probe_shape_is_in_the_reference(pages):
    from stap5.elaborate.probes import registry
    text = pages["stap5probes.3stap"].read_text()
    for pattern in registry().all_patterns():
        assert f"\n{manpages.roff(pattern)}\n" in text, pattern


def mentions(text, option):
    """Whether the roff text names `option` (-x or --long), hyphens escaped."""
    roff = option.replace("-", "\\\\-")
    return re.search(roff + r"(?![A-Za-z])", text) is not None


def test_stap5_1_describes_every_option(pages):
    text = pages["stap5.1"].read_text()
    missing = [o for o in cli._HANDLERS
               if o not in ("--color", "--colour") and not mentions(text, o)]
    assert missing == []


def test_staprun5_8_describes_every_option(pages):
    text = pages["staprun5.8"].read_text()
    missing = [o for action in build_parser()._actions for o in action.option_strings
               if not mentions(text, o)]
    assert missing == []

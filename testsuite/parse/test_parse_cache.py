"""The per-file parse cache of library files (stap5/parse/cache.py): exact
results, invalidation, and no trouble when the cache cannot be used."""

import os
import pickle

import pytest

from stap5.diagnostics import SourceFile
from stap5.parse import pass1
from stap5.parse.cache import ParseCache, environment_fingerprint
from stap5.parse.parser import parse_source
from stap5.parse.preprocessor import PreprocessorEnv
from stap5.parse.printer import dump_file

ENV = PreprocessorEnv(kernel_release="6.1.0-56-amd64", arch="x86_64")
TAPSET = """
%( arch == "x86_64" %? function arch_name() { return "x86_64" } %)
@define twice(x) %( (@x) * 2 %)
global counter = 1
probe lib.alias = begin { n = @twice(counter) }
"""


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "lib.stp"
    path.write_text(TAPSET)
    return str(path)


def _parse(path, cache):
    stap_file, errors = pass1.parse_library_file(path, ENV, {}, cache)
    assert errors == []
    return stap_file


def test_a_cached_file_is_what_parsing_gives(library, tmp_path):
    cache = ParseCache(environment_fingerprint(ENV, []), str(tmp_path / "cache"))
    first = _parse(library, cache)
    second = _parse(library, cache)
    assert (cache.misses, cache.hits) == (1, 1)
    assert dump_file(second) == dump_file(first)
    # Locations survive too (diagnostics of later passes need them).
    alias = second.aliases[0]
    assert alias.tok.location() == "%s:5:1" % library
    product = alias.body.statements[0].expr.right        # (counter) * 2, from @twice
    assert [origin.text for origin in product.tok.expansion_chain()] == ["@twice"]


def test_a_changed_file_is_parsed_again(library, tmp_path):
    cache = ParseCache(environment_fingerprint(ENV, []), str(tmp_path / "cache"))
    _parse(library, cache)
    with open(library, "a") as f:
        f.write("global added\n")
    assert [g.name for g in _parse(library, cache).globals] == ["counter", "added"]
    assert cache.hits == 0


def test_another_environment_has_other_entries(library, tmp_path):
    directory = str(tmp_path / "cache")
    x86 = ParseCache(environment_fingerprint(ENV, []), directory)
    assert _parse(library, x86).functions
    other_env = PreprocessorEnv(kernel_release="6.1.0-56-amd64", arch="arm64")
    arm = ParseCache(environment_fingerprint(other_env, []), directory)
    stap_file, _ = pass1.parse_library_file(library, other_env, {}, arm)
    assert not stap_file.functions and arm.hits == 0


def test_files_with_errors_are_not_cached(tmp_path):
    path = tmp_path / "broken.stp"
    path.write_text("function f() { x = }\n")
    cache = ParseCache("fingerprint", str(tmp_path / "cache"))
    for _ in range(2):
        _, errors = pass1.parse_library_file(str(path), ENV, {}, cache)
        assert errors and errors[0].message == "expected literal string or number"
    assert cache.hits == 0


def test_an_unusable_cache_only_costs_time(library, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    cache = ParseCache("fingerprint", str(not_a_directory / "cache"))
    for _ in range(2):
        assert _parse(library, cache).aliases
    assert cache.hits == 0


def test_a_corrupt_entry_is_a_miss(library, tmp_path):
    cache = ParseCache("fingerprint", str(tmp_path / "cache"))
    _parse(library, cache)
    entry = cache._entry_path(library)
    with open(entry, "wb") as f:
        f.write(b"not a pickle")
    assert _parse(library, cache).aliases and cache.hits == 0
    with open(entry, "wb") as f:
        pickle.dump(("stale stamp", None), f)
    assert _parse(library, cache).aliases and cache.hits == 0


def test_pass1_uses_the_cache_and_gives_the_same_dump(tmp_path, monkeypatch):
    tapsets = tmp_path / "tapsets"
    tapsets.mkdir()
    (tapsets / "lib.stp").write_text(TAPSET)
    (tapsets / "macros.stpm").write_text("@define hundred %( 100 %)\n")
    (tapsets / "uses.stp").write_text("function hundred() { return @hundred }\n")
    monkeypatch.setenv("SYSTEMTAP_TAPSET", str(tapsets))
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path / "cache"))
    from stap5 import cli
    from stap5.parse import printer
    dumps = []
    for _ in range(2):
        session = cli.parse_args(["-r", "6.1.0-56-amd64", "-p1", "-v", "-e", "probe begin {}"])
        result = pass1.run(session, whole_library=True)
        assert not result.errors
        dumps.append(printer.dump_pass1(result, verbose=True))
    assert result.cache.hits == 2
    assert dumps[0] == dumps[1]
    assert "return 100" in dumps[1]


def test_source_files_pickle_without_their_line_index():
    source = SourceFile("x.stp", "a\nb\n")
    source.position(2)
    assert pickle.loads(pickle.dumps(source))._line_starts is None
    stap_file, _ = parse_source(SourceFile("y.stp", "probe begin { x = 1 }"), ENV)
    copy = pickle.loads(pickle.dumps(stap_file))
    assert os.path.basename(copy.probes[0].tok.file.name) == "y.stp"

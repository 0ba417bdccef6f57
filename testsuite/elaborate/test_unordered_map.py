"""The emulated iteration order of std::unordered_multimap<std::string, ...>
against the real one (g++'s libstdc++, the library 4.8 is built with)."""

import random
import shutil
import subprocess

import pytest

from stap5.elaborate.unordered_map import hash_bytes, iteration_order

PROGRAM = r"""
#include <iostream>
#include <string>
#include <unordered_map>
int main() {
    std::string line;
    std::unordered_multimap<std::string, int> map;
    std::hash<std::string> hash;
    while (std::getline(std::cin, line)) {
        if (line == "--") {
            for (auto &item : map) std::cout << item.first << "\n";
            std::cout << "--\n";
            map = std::unordered_multimap<std::string, int>();   // a new map
        } else {
            map.emplace(line, 0);
            std::cerr << hash(line) << "\n";
        }
    }
}
"""


@pytest.fixture(scope="module")
def real_map(tmp_path_factory):
    if shutil.which("g++") is None:
        pytest.skip("g++ is not installed")
    directory = tmp_path_factory.mktemp("umap")
    (directory / "umap.cc").write_text(PROGRAM)
    subprocess.run(["g++", "-O1", "-o", str(directory / "umap"), str(directory / "umap.cc")],
                   check=True, timeout=300)
    return directory / "umap"


def _key_sets():
    rng = random.Random(4.8)
    alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789"
    sets = []
    for size in (1, 5, 13, 14, 16, 29, 30, 38, 60, 127, 300):
        keys = set()
        while len(keys) < size:
            keys.add("stapprobe_" + "".join(rng.choice(alphabet)
                                            for _ in range(rng.randint(1, 30))))
        sets.append(sorted(keys, key=lambda _k: rng.random()))
    return sets


def test_same_hashes_and_order_as_libstdcxx(real_map):
    sets = _key_sets()
    feed = "".join("".join(key + "\n" for key in keys) + "--\n" for keys in sets)
    proc = subprocess.run([str(real_map)], input=feed, capture_output=True, text=True,
                          check=True, timeout=60)
    hashes = [int(h) for h in proc.stderr.split()]
    assert hashes == [hash_bytes(key.encode()) for keys in sets for key in keys]
    orders = proc.stdout.split("--\n")[:-1]
    for keys, order in zip(sets, orders):
        assert iteration_order(keys) == order.split("\n")[:-1], len(keys)

"""kernel.data() (hardware breakpoint) probes: -p2, -l and -L as 4.8 gives
them on this kernel (derived length, addresses in hex, symbols)."""

import pytest

from testsuite.elaborate.oracle_corpus import ENV
from testsuite.oracle.harness import needs_stap48, run_stap48, run_stap5

pytestmark = needs_stap48

POINTS = ['kernel.data(0xffffffff81000000).write', 'kernel.data("jiffies").rw',
          'kernel.data(4096).length(3).write', 'kernel.data(4096).length(16).rw',
          'kernel.data(-1).write', 'kernel.data("no_such_symbol").write']


def _same(argv):
    expected = run_stap48(argv, env=ENV)
    got = run_stap5(argv, env=ENV)
    assert (got.status, got.stdout, got.stderr) == (expected.status, expected.stdout,
                                                   expected.stderr)


@pytest.mark.parametrize("point", POINTS)
def test_dump(point):
    _same(["-p2", "-e", "probe %s { print(probe_type()) }" % point])


@pytest.mark.parametrize("mode", ["-l", "-L"])
@pytest.mark.parametrize("point", POINTS[:3])
def test_listing(mode, point):
    _same([mode, point])

"""Output under pressure (issue 12, item 4), in the 4-CPU guest: probes on
every CPU print more than the transport can carry. Either every line
arrives, or the loss is reported as stap reports it ("WARNING: There were N
transport failures"), and then exactly N records are missing; a line never
arrives cut or twice. With -b (staprun5 -b/-s: MB per CPU) small and
staprun5 stopped for a while, lines are lost for sure; with the default
buffer and a reader that keeps up, none is. Bulk mode (stap -b): one file
per CPU that 4.8's stap-merge puts back in order.
"""

import re
import time

import pytest

from testsuite.reliability import harness

pytestmark = pytest.mark.vm


@pytest.fixture(scope="module")
def bulk_flood(build_dir):
    return harness.module_of(harness.build_all(build_dir, {
        "bulk_flood": (harness.FLOOD, ["-b", *harness.FLOOD_OPTIONS])}), "bulk_flood")


def test_a_stalled_reader_loses_records_and_says_how_many(flood, smp_guest):
    process, _ = harness.start(smp_guest, flood, "-b", "1", params=["max_lines=40000"])
    # staprun5 stops reading; the probes keep printing into 1 MB per CPU
    smp_guest.run(["kill", "-STOP", str(process.pid)], timeout=30)
    time.sleep(4)
    smp_guest.run(["kill", "-CONT", str(process.pid)], timeout=30)
    result = process.wait(timeout=300)
    stderr = harness.without_verbose_lines(result.err)
    assert result.rc == 0, stderr
    numbers, printed = harness.flood_lines(result.out)
    failures, size = harness.transport_failures(stderr)
    assert failures > 0 and size == 1, stderr
    assert len(numbers) + failures * harness.FLOOD_LINES == printed


def test_a_reader_that_keeps_up_gets_every_line(flood, smp_guest):
    result = harness.run(smp_guest, flood, params=["max_lines=20000"], timeout=300)
    assert result.rc == 0, result.err
    numbers, printed = harness.flood_lines(result.out)
    assert harness.transport_failures(result.err) == (0, None), result.err
    assert sorted(numbers) == list(range(printed))


def test_bulk_mode_writes_a_file_per_cpu_that_stap_merge_reads(bulk_flood, smp_guest):
    # (in the guest's /tmp, which is its own)
    output = f"/tmp/bulk-{time.monotonic_ns()}"
    result = harness.run(smp_guest, bulk_flood, "-o", output, params=["max_lines=4000"],
                         timeout=300)
    assert result.rc == 0, result.err
    assert result.out == ""
    listing = smp_guest.run(["sh", "-c", f"ls {output}_*"], timeout=30).out.split()
    assert sorted(listing) == [f"{output}_{cpu}" for cpu in range(harness.CPUS)]
    merged = smp_guest.run(["stap-merge", *listing], timeout=120)
    assert merged.rc == 0, merged.err
    numbers, printed = harness.flood_lines(merged.out)
    assert harness.transport_failures(result.err) == (0, None), result.err
    assert sorted(numbers) == list(range(printed))

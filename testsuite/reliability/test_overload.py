"""Overload (issue 12, item 5), in the 4-CPU guest: probes that eat the
CPU (900 us of every 1 ms tick of timer.profile, on every CPU) are stopped
by stap's overload detection with stap's message (as 4.8's module is, on
the same script in the same guest: "ERROR: probe overhead (507872082
cycles) exceeded threshold (500000000 cycles) in last 1000000000 cycles",
the error probes, status 1); the threshold and interval are -D settings;
-DSTP_NO_OVERLOAD lets them run.
"""

import re

import pytest

from testsuite.reliability import harness

pytestmark = pytest.mark.vm

HOG = r'''
global busy_us = 900
function spin(us) %{ udelay(STAP_ARG_us); %}
probe timer.profile { spin(busy_us) }
probe end { println("end probe") }
probe error { println("error probe") }
'''


@pytest.fixture(scope="module")
def builds(build_dir):
    return harness.build_all(build_dir, {
        "hog": (HOG, ["-g"]),
        "hog_tuned": (HOG, ["-g", "-DSTP_OVERLOAD_THRESHOLD=100000000",
                            "-DSTP_OVERLOAD_INTERVAL=400000000"]),
        "hog_unchecked": (HOG, ["-g", "-DSTP_NO_OVERLOAD"]),
    })


def _overload(stderr, threshold, interval):
    pattern = (r"ERROR: probe overhead \((\d+) cycles\) exceeded threshold \(%d cycles\) "
               r"in last %d cycles\n" % (threshold, interval))
    match = re.match(pattern, stderr)
    assert match, stderr
    assert int(match.group(1)) > threshold
    return stderr[match.end():]


def test_probes_eating_the_cpu_are_stopped(builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, "hog"), "-T", "60")
    rest = _overload(result.err, 500000000, 1000000000)
    assert rest == "WARNING: Number of errors: 1, skipped probes: 0\n"
    assert result.out == "error probe\n"
    assert result.rc == 1


def test_threshold_and_interval_are_settings(builds, smp_guest):
    # 40% of the time in probes: under the default 50%, over a 25% threshold
    result = harness.run(smp_guest, harness.module_of(builds, "hog_tuned"), "-T", "60",
                         params=["busy_us=400"])
    rest = _overload(result.err, 100000000, 400000000)
    assert rest == "WARNING: Number of errors: 1, skipped probes: 0\n"
    assert result.out == "error probe\n"
    assert result.rc == 1


def test_no_overload_lets_them_run(builds, smp_guest):
    result = harness.run(smp_guest, harness.module_of(builds, "hog_unchecked"), "-T", "4")
    assert (result.out, result.err, result.rc) == ("end probe\n", "", 0)

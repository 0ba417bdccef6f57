"""The cost per probe hit in the QEMU guest, stap5's module beside 4.8's.

A workload prints its ns per call on a line of its own; it runs once alone
and once under each module (after SETTLE seconds, so that both modules'
probes are registered, and kprobes optimized, before the timing starts).
The difference to the bare loop is the probe's cost per hit.
"""

import statistics


def ns_per_call(output):
    """The first line of `output` that is a number."""
    for line in output.splitlines():
        try:
            return float(line)
        except ValueError:
            continue
    raise RuntimeError("no timing in workload output:\n" + output)


def cost_per_hit(report, workload, calls, ko5, ko48, repeat, settle, baseline_label, what):
    """Add to `report` the workload's ns/call alone and the ns/hit of `what`
    under stap5's module `ko5` and 4.8's `ko48` (run by 4.8's staprun), and
    their ratio: medians of `repeat` runs in one guest boot."""
    from stap5.vm import Guest
    command = "/bin/sh -c 'sleep %d; %s %d'" % (settle, workload, calls)
    with Guest.boot() as guest:
        def timed(argv, timeout):
            return ns_per_call(guest.run(argv, timeout=timeout).out)

        baseline = statistics.median(timed([str(workload), str(calls)], 600)
                                     for _ in range(repeat))
        ours = statistics.median(
            timed(guest.python_command("-m", "stap5.run.staprun", "-c", command, str(ko5)), 900)
            for _ in range(repeat))
        theirs = statistics.median(timed(["staprun", "-c", command, str(ko48)], 900)
                                   for _ in range(repeat))
    report.add(baseline_label, baseline, "ns/call")
    report.add("%s, stap5" % what, ours - baseline, "ns/hit")
    report.add("%s, 4.8" % what, theirs - baseline, "ns/hit")
    report.add("stap5 / 4.8", (ours - baseline) / (theirs - baseline)
               if theirs > baseline else float("nan"), "x",
               "medians of %d; TCG timings are noisy under load" % repeat)

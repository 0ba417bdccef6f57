"""`timer.*` probes: periodic timers and the profiling tick.

timer.{s,sec,ms,msec,us,usec,ns,nsec}(N) and timer.hz(N) run on a high
resolution timer, timer.jiffies(N) on the jiffies timer; `.randomize(M)`
adds a random -M..M to each period.  timer.profile.tick is refused as
4.8 refuses it on kernels without register_timer_hook (6.1 has none):
the `timer.profile` alias of our tapsets is a perf cpu-clock probe, as
4.8's falls back to.

params: family "timer": `interval_ns`, `randomize_ns` (0 when not given);
"timer.jiffies": `interval_jiffies`, `randomize_jiffies`.
"""

from stap5.diagnostics import StapError
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable

HRTIMER = RuntimeTable("hrtimer", "probes/hrtimer.c", order=30)
JIFFIES = RuntimeTable("jiffies", "probes/jiffies.c", order=40)

# unit -> (nanoseconds per unit, smallest interval, largest interval) in that unit
HRTIMER_UNITS = {
    "s": (10**9, 1, 86400), "sec": (10**9, 1, 86400),
    "ms": (10**6, 1, 86400 * 10**3), "msec": (10**6, 1, 86400 * 10**3),
    "us": (10**3, 100, 86400 * 10**6), "usec": (10**3, 100, 86400 * 10**6),
    "ns": (1, 100000, 86400 * 10**9), "nsec": (1, 100000, 86400 * 10**9),
}
NS_LIMITS = (100000, 86400 * 10**9)
MAX_JIFFIES = 1000000


def _error(message):
    return StapError(message, None, kind="semantic error")


class HrTimer(ProbeFamily):
    name = "timer"
    runtime = HRTIMER
    patterns = tuple(p for unit in HRTIMER_UNITS
                     for p in ("timer.%s(number)" % unit,
                               "timer.%s(number).randomize(number)" % unit)) + (
        "timer.hz(number)",)

    def derive(self, elab, point, args):
        if "hz" in args:
            hz = args["hz"]
            if hz <= 0:
                raise _error("frequency must be greater than 0")
            interval_ns = 10**9 // hz
            low, high = NS_LIMITS
            if not low <= interval_ns <= high:
                raise _error("interval value out of range (%d, %d)" % NS_LIMITS)
            return [(point, {"interval_ns": interval_ns, "randomize_ns": 0})]
        unit = next(u for u in args if u in HRTIMER_UNITS)
        scale, low, high = HRTIMER_UNITS[unit]
        interval = args[unit]
        if not low <= interval <= high:
            raise _error("interval value out of range (%d, %d)" % (low, high))
        randomize = args.get("randomize") or 0
        if randomize < 0 or randomize > interval:
            raise _error("randomization value out of range")
        return [(point, {"interval_ns": interval * scale, "randomize_ns": randomize * scale})]

    def c_fields(self, probe):
        return {"interval": probe.params["interval_ns"],
                "randomize": probe.params["randomize_ns"]}


class JiffiesTimer(ProbeFamily):
    name = "timer.jiffies"
    patterns = ("timer.jiffies(number)", "timer.jiffies(number).randomize(number)")
    runtime = JIFFIES

    def probe_type(self, probe):
        return "timer"

    def derive(self, elab, point, args):
        interval = args["jiffies"]
        if not 1 <= interval <= MAX_JIFFIES:
            raise _error("invalid interval for jiffies timer")
        randomize = args.get("randomize") or 0
        if randomize < 0 or randomize > interval:
            raise _error("randomization value out of range")
        return [(point, {"interval_jiffies": interval, "randomize_jiffies": randomize})]

    def c_fields(self, probe):
        return {"interval": probe.params["interval_jiffies"],
                "randomize": probe.params["randomize_jiffies"]}


class ProfileTick(ProbeFamily):
    """timer.profile.tick: the kernel's profiling timer hook, gone from 6.1."""

    name = "timer.profile"
    patterns = ("timer.profile.tick",)

    def derive(self, elab, point, args):
        raise _error("profiling timer support (register_timer_hook) not found in kernel!")


FAMILIES = [HrTimer(), JiffiesTimer(), ProfileTick()]

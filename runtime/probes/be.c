/* stap5 runtime: begin, end and error probes.
 *
 * They run in staprun5's process context (its "start" and "stop" commands),
 * in priority order (begin(-1) before begin, equal priorities in script
 * order): begin while the session is STARTING, end while it is STOPPING,
 * error probes instead of end probes when the session ends in error.
 * Part of the core: the life cycle (module.c) runs them.
 */

enum stp_be_when { STP_BE_BEGIN, STP_BE_END, STP_BE_ERROR };

struct stp_be_probe {
	struct stp_probe probe;
	enum stp_be_when when;
	int64_t priority;
};

static void stp_be_run(struct stp_be_probe *probes, unsigned n,
		       enum stp_be_when when, int state)
{
	bool have_prev = false;
	int64_t prev = 0;

	for (;;) {
		bool found = false;
		int64_t next = 0;
		unsigned i;

		/* The smallest priority above the previous one. */
		for (i = 0; i < n; i++) {
			int64_t pr = probes[i].priority;

			if (probes[i].when != when || (have_prev && pr <= prev))
				continue;
			if (!found || pr < next) {
				next = pr;
				found = true;
			}
		}
		if (!found)
			return;
		for (i = 0; i < n; i++) {
			if (probes[i].when == when && probes[i].priority == next)
				stp_probe_fire(&probes[i].probe, state, NULL);
		}
		prev = next;
		have_prev = true;
	}
}

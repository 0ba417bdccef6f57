/* stap5 runtime: begin, end and error probes.
 *
 * They run in staprun5's process context (its "start" and "stop" commands),
 * in priority order (begin(-1) before begin, equal priorities in script
 * order): begin while the session is STARTING, end while it is STOPPING,
 * error probes instead of end probes when the session ends in error.
 */

static void stp_be_run(struct stp_probe *probes, unsigned n,
		       enum stp_probe_kind kind, int state)
{
	bool have_prev = false;
	int64_t prev = 0;

	for (;;) {
		bool found = false;
		int64_t next = 0;
		unsigned i;

		/* The smallest priority above the previous one. */
		for (i = 0; i < n; i++) {
			int64_t pr = probes[i].u.be.priority;

			if (probes[i].kind != kind || (have_prev && pr <= prev))
				continue;
			if (!found || pr < next) {
				next = pr;
				found = true;
			}
		}
		if (!found)
			return;
		for (i = 0; i < n; i++) {
			if (probes[i].kind == kind && probes[i].u.be.priority == next)
				stp_probe_fire(&probes[i], state, stp_probe_type_been, NULL);
		}
		prev = next;
		have_prev = true;
	}
}

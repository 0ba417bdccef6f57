/* stap5 runtime: kernel.data(ADDRESS|"symbol")[.length(N)].write / .rw
 * probes, hardware data breakpoints on every CPU
 * (register_wide_hw_breakpoint: one perf event per CPU in a debug register).
 *
 * A symbol's address is its link-time address relocated by the kernel's
 * KASLR offset (runtime/target.c). The handler runs in the debug
 * exception, after the access, with the registers of the code that made it.
 * x86 watches 1, 2, 4 or 8 aligned bytes: a length in between is rounded up,
 * as stap does; a longer one, a misaligned address or a fifth breakpoint
 * (there are four debug registers) is refused by the kernel, and as in stap
 * that ends the session with a registration error.
 */

#include <linux/hw_breakpoint.h>

struct stp_hwbkpt_probe {
	struct stp_probe probe;
	unsigned long addr;		/* the address, or the symbol's link address
					 * (0: not in the kernel's symbol table) */
	const char *symbol;		/* kernel.data("symbol"), or NULL */
	unsigned long length;		/* bytes, as the script gives them */
	bool rw;			/* .rw, else .write */

	struct perf_event * __percpu *events;
};

static void stp_hwbkpt_hit(struct perf_event *event, struct perf_sample_data *data,
			   struct pt_regs *regs)
{
	struct stp_hwbkpt_probe *p = event->overflow_handler_context;

	stp_probe_fire(&p->probe, STAP_SESSION_RUNNING, regs);
}

static unsigned long stp_hwbkpt_length(unsigned long length)
{
	if (length <= 1)
		return HW_BREAKPOINT_LEN_1;
	if (length <= 2)
		return HW_BREAKPOINT_LEN_2;
	if (length <= 4)
		return HW_BREAKPOINT_LEN_4;
	if (length <= 8)
		return HW_BREAKPOINT_LEN_8;
	return length;		/* the kernel refuses it */
}

static void stp_hwbkpt_unregister(struct stp_hwbkpt_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (probes[i].events)
			unregister_wide_hw_breakpoint(probes[i].events);
		probes[i].events = NULL;
	}
}

static int stp_hwbkpt_register(struct stp_hwbkpt_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_hwbkpt_probe *p = &probes[i];
		struct perf_event_attr attr;
		unsigned long addr = p->addr;
		struct perf_event * __percpu *events;

		if (p->symbol && !addr) {
			events = ERR_PTR(-ENOENT);	/* an unknown symbol */
		} else {
#ifdef STP_KERNEL_ANCHOR
			if (p->symbol)
				addr = stp_kernel_address(addr);
#endif
			hw_breakpoint_init(&attr);
			attr.bp_addr = addr;
			attr.bp_len = stp_hwbkpt_length(p->length);
			attr.bp_type = p->rw ? HW_BREAKPOINT_RW : HW_BREAKPOINT_W;
			events = register_wide_hw_breakpoint(&attr, stp_hwbkpt_hit, p);
		}
		if (IS_ERR(events)) {
			int rc = PTR_ERR(events);

			stp_warn("Hwbkpt probe %s: registration error [man warning::pass5] %d, addr %016lx, name %s",
				 p->probe.pp, rc, addr, p->symbol ?: "");
			stp_probe_registration_error(&p->probe, rc);
			stp_hwbkpt_unregister(probes, i);
			return rc;
		}
		p->events = events;
	}
	return 0;
}

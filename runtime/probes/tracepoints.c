/* stap5 runtime: kernel.trace("system:name"), the kernel's tracepoints.
 *
 * Attached by name with the kernel's tracepoint API: the kernel's own
 * tracepoints through for_each_kernel_tracepoint(), those of modules
 * through the tracepoint module notifier, which also reports the modules
 * already loaded (a module's tracepoint is attached when the module comes,
 * detached when it goes). A tracepoint that does not exist (yet) is not an
 * error: like stap, the probe waits silently for a module to bring it.
 *
 * One callback serves every tracepoint: a tracepoint calls its probes as
 * void probe(void *data, proto), and on x86-64 every tracepoint argument is
 * an integer, a pointer or a struct of at most 8 bytes, each passed in one
 * register or stack slot. So a function of (void *data, u64 a0..a11) reads
 * any tracepoint's arguments; the ones past the real count are whatever the
 * registers and the caller's stack hold, and never looked at (pass 2 refuses
 * a tracepoint of more than STP_TRACEPOINT_MAX_ARGS arguments). The handler
 * reads argument i as c->ips.tracepoint.args[i] (a Location ("arg", i)),
 * converted to its type when the generated code copies it into the probe's
 * __tracepoint_arg_NAME local (templates/tracepoints.j2), as stap does.
 */

#include <linux/tracepoint.h>

#define STP_TRACEPOINT_MAX_ARGS 12

struct stp_tracepoint_probe {
	struct stp_probe probe;
	const char *name;		/* the tracepoint, without its system */
	struct tracepoint *tp;		/* attached to, or NULL */
	struct module *owner;		/* the module tp is in, NULL: the kernel */
};

static DEFINE_MUTEX(stp_tracepoint_mutex);
static bool stp_tracepoint_notifier_registered;

/* The script's probes, for the module notifier (set while registered). */
static struct stp_tracepoint_probe *stp_tracepoint_probes;
static unsigned stp_tracepoint_nprobes;

static void stp_tracepoint_fire(void *data, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
				u64 a5, u64 a6, u64 a7, u64 a8, u64 a9, u64 a10,
				u64 a11)
{
	struct stp_tracepoint_probe *p = data;
	const u64 args[STP_TRACEPOINT_MAX_ARGS] = {
		a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 };
	struct context *c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);

	if (c) {
		c->ips.tracepoint.args = args;
		stp_probe_run(c);
	}
}

/* Attach every probe of ours waiting for `tp` (under stp_tracepoint_mutex). */
static void stp_tracepoint_attach(struct tracepoint *tp, struct module *owner)
{
	unsigned i;

	for (i = 0; i < stp_tracepoint_nprobes; i++) {
		struct stp_tracepoint_probe *p = &stp_tracepoint_probes[i];

		if (p->tp || strcmp(p->name, tp->name) != 0)
			continue;
		if (tracepoint_probe_register(tp, (void *)stp_tracepoint_fire, p) == 0) {
			p->tp = tp;
			p->owner = owner;
		}
	}
}

static void stp_tracepoint_detach(struct stp_tracepoint_probe *p)
{
	if (p->tp) {
		tracepoint_probe_unregister(p->tp, (void *)stp_tracepoint_fire, p);
		p->tp = NULL;
		p->owner = NULL;
	}
}

static void stp_tracepoint_visit_builtin(struct tracepoint *tp, void *unused)
{
	stp_tracepoint_attach(tp, NULL);
}

static int stp_tracepoint_module_event(struct notifier_block *nb, unsigned long event,
				       void *data)
{
	struct tp_module *tp_mod = data;
	struct module *mod = tp_mod->mod;
	unsigned i;

	mutex_lock(&stp_tracepoint_mutex);
	if (event == MODULE_STATE_COMING) {
		for (i = 0; i < mod->num_tracepoints; i++)
			stp_tracepoint_attach(tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]),
					      mod);
	} else if (event == MODULE_STATE_GOING) {
		for (i = 0; i < stp_tracepoint_nprobes; i++)
			if (stp_tracepoint_probes[i].owner == mod)
				stp_tracepoint_detach(&stp_tracepoint_probes[i]);
	}
	mutex_unlock(&stp_tracepoint_mutex);
	return NOTIFY_OK;
}

static struct notifier_block stp_tracepoint_notifier = {
	.notifier_call = stp_tracepoint_module_event,
};

static void stp_tracepoint_unregister(struct stp_tracepoint_probe *probes, unsigned n)
{
	unsigned i;

	/* Detaches module tracepoints (GOING for each module); must not be
	 * called under stp_tracepoint_mutex, which the notifier takes. */
	if (stp_tracepoint_notifier_registered) {
		unregister_tracepoint_module_notifier(&stp_tracepoint_notifier);
		stp_tracepoint_notifier_registered = false;
	}
	mutex_lock(&stp_tracepoint_mutex);
	for (i = 0; i < n; i++)
		stp_tracepoint_detach(&probes[i]);
	stp_tracepoint_probes = NULL;
	stp_tracepoint_nprobes = 0;
	mutex_unlock(&stp_tracepoint_mutex);
	/* No callback may still be running when the module goes. */
	tracepoint_synchronize_unregister();
}

static int stp_tracepoint_register(struct stp_tracepoint_probe *probes, unsigned n)
{
	unsigned i;
	bool waiting = false;
	int rc;

	mutex_lock(&stp_tracepoint_mutex);
	stp_tracepoint_probes = probes;
	stp_tracepoint_nprobes = n;
	for_each_kernel_tracepoint(stp_tracepoint_visit_builtin, NULL);
	for (i = 0; i < n; i++)
		waiting |= !probes[i].tp;
	mutex_unlock(&stp_tracepoint_mutex);

	/* The rest may be in modules, loaded now or later. */
	if (waiting) {
		rc = register_tracepoint_module_notifier(&stp_tracepoint_notifier);
		if (rc) {
			stp_probe_registration_error(&probes[0].probe, rc);
			stp_tracepoint_unregister(probes, n);
			return rc;
		}
		stp_tracepoint_notifier_registered = true;
	}
	return 0;
}

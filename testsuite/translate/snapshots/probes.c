/* ---- globals ---- */
static int64_t g_hits;
static DEFINE_RWLOCK(g_hits_lock);
static char g_hits_param[32];
module_param_string(hits, g_hits_param, sizeof(g_hits_param), 0);
static string_t g_saved;
static DEFINE_RWLOCK(g_saved_lock);
static char g_saved_param[MAXSTRINGLEN];
module_param_string(saved, g_saved_param, MAXSTRINGLEN, 0);

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct f___private_probes_stp__procfs_value_get2_0_frame {
	string_t retval;
};
struct f___private_probes_stp__procfs_value_set1_0_frame {
	string_t a_value;
	string_t retval;
};
struct probe_0_locals {
	char unused;
};
struct probe_1_locals {
	char unused;
};
struct probe_2_locals {
	char unused;
};
struct probe_3_locals {
	char unused;
};
struct probe_4_locals {
	char unused;
};
struct probe_5_locals {
	char unused;
};
struct probe_6_locals {
	char unused;
};
struct probe_7_locals {
	string_t t1;
};
struct probe_8_locals {
	string_t l___stable___private_probes_stp__procfs_value_get2_value;
	string_t t1;
};
struct probe_9_locals {
	char unused;
};

union gen_frames {
	struct f___private_probes_stp__procfs_value_get2_0_frame f___private_probes_stp__procfs_value_get2_0;
	struct f___private_probes_stp__procfs_value_set1_0_frame f___private_probes_stp__procfs_value_set1_0;
	struct probe_0_locals probe_0;
	struct probe_1_locals probe_1;
	struct probe_2_locals probe_2;
	struct probe_3_locals probe_3;
	struct probe_4_locals probe_4;
	struct probe_5_locals probe_5;
	struct probe_6_locals probe_6;
	struct probe_7_locals probe_7;
	struct probe_8_locals probe_8;
	struct probe_9_locals probe_9;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */
static void f___private_probes_stp__procfs_value_get2_0(struct context *c);
static void f___private_probes_stp__procfs_value_set1_0(struct context *c);

/* __private_probes_stp__procfs_value_get2:string () at probes.stp:10:39 */
static void f___private_probes_stp__procfs_value_get2_0(struct context *c)
{
	struct f___private_probes_stp__procfs_value_get2_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f___private_probes_stp__procfs_value_get2_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier '$value' at probes.stp:10:39";
	(void)l;
#define CONTEXT c
#define THIS l
#define STAP_RETVALUE (l->retval)
#define STAP_RETURN(v) do { strlcpy(STAP_RETVALUE, (v), MAXSTRINGLEN); goto out; } while (0)
	{
#line 10 "probes.stp"
 /* pure */ /* stable */ /* unprivileged */
	stp_procfs_value_get(CONTEXT, STAP_RETVALUE);

	}
	goto out;
deref_fault: __attribute__((unused));
	if (!c->last_error) c->last_error = "read fault [man error::fault]";
out: __attribute__((unused));
	;
#undef CONTEXT
#undef THIS
#undef STAP_RETURN
#undef STAP_RETVALUE
}

/* __private_probes_stp__procfs_value_set1:string (value:string) at probes.stp:9:30 */
static void f___private_probes_stp__procfs_value_set1_0(struct context *c)
{
	struct f___private_probes_stp__procfs_value_set1_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f___private_probes_stp__procfs_value_set1_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier '$value' at probes.stp:9:30";
	(void)l;
#define CONTEXT c
#define THIS l
#define STAP_ARG_value (l->a_value)
#define STAP_RETVALUE (l->retval)
#define STAP_RETURN(v) do { strlcpy(STAP_RETVALUE, (v), MAXSTRINGLEN); goto out; } while (0)
	{
#line 9 "probes.stp"
 /* unprivileged */
	stp_procfs_value_set(CONTEXT, STAP_ARG_value, false);
	stp_procfs_value_get(CONTEXT, STAP_RETVALUE);

	}
	goto out;
deref_fault: __attribute__((unused));
	if (!c->last_error) c->last_error = "read fault [man error::fault]";
out: __attribute__((unused));
	;
#undef CONTEXT
#undef THIS
#undef STAP_ARG_value
#undef STAP_RETURN
#undef STAP_RETVALUE
}

/* ---- probe handlers ---- */
/* begin(-1) at probes.stp:5:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'println' at probes.stp:5:19", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = ("first") } }, 1));
}
out: __attribute__((unused));
	;
}

/* end(5) at probes.stp:6:1 */
static void probe_1(struct context *c)
{
	struct probe_1_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_1;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'println' at probes.stp:6:23", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (g_hits) } }, 1));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_1_locks[] = {
	{ &g_hits_lock, false },
};
/* error at probes.stp:6:1 */
static void probe_2(struct context *c)
{
	struct probe_2_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_2;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'println' at probes.stp:6:23", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (g_hits) } }, 1));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_2_locks[] = {
	{ &g_hits_lock, false },
};
/* timer.ms(100) at probes.stp:7:1 */
static void probe_3(struct context *c)
{
	struct probe_3_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_3;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'hits' at probes.stp:7:66", out);
(void)((g_hits++));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_3_locks[] = {
	{ &g_hits_lock, true },
};
/* timer.jiffies(5) at probes.stp:7:1 */
static void probe_4(struct context *c)
{
	struct probe_4_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_4;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'hits' at probes.stp:7:66", out);
(void)((g_hits++));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_4_locks[] = {
	{ &g_hits_lock, true },
};
/* timer.s(1).randomize(1) at probes.stp:7:1 */
static void probe_5(struct context *c)
{
	struct probe_5_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_5;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'hits' at probes.stp:7:66", out);
(void)((g_hits++));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_5_locks[] = {
	{ &g_hits_lock, true },
};
/* perf.type(1).config(0).sample(1000000) at probes.stp:8:1 */
static void probe_6(struct context *c)
{
	struct probe_6_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_6;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'hits' at probes.stp:8:23", out);
(void)((g_hits++));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_6_locks[] = {
	{ &g_hits_lock, true },
};
/* procfs(\"state\").read at probes.stp:9:1 */
static void probe_7(struct context *c)
{
	struct probe_7_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_7;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier '$value' at probes.stp:9:30", out);
(void)(({ const char *__a0 = (g_saved);    struct f___private_probes_stp__procfs_value_set1_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier '$value' at probes.stp:9:30"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f___private_probes_stp__procfs_value_set1_0;
   strlcpy(__f->a_value, __a0, MAXSTRINGLEN);
   c->nesting++;
   f___private_probes_stp__procfs_value_set1_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   strlcpy(l->t1, __f->retval, MAXSTRINGLEN), (const char *)l->t1; }));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_7_locks[] = {
	{ &g_saved_lock, false },
};
/* procfs(\"state\").write at probes.stp:10:1 */
static void probe_8(struct context *c)
{
	struct probe_8_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_8;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier '$value' at probes.stp:10:39", out);
(void)(({ const char *__v = (({    struct f___private_probes_stp__procfs_value_get2_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier '$value' at probes.stp:10:39"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f___private_probes_stp__procfs_value_get2_0;
   c->nesting++;
   f___private_probes_stp__procfs_value_get2_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   strlcpy(l->t1, __f->retval, MAXSTRINGLEN), (const char *)l->t1; })); if (__v != l->l___stable___private_probes_stp__procfs_value_get2_value) strlcpy(l->l___stable___private_probes_stp__procfs_value_get2_value, __v, MAXSTRINGLEN); (const char *)l->l___stable___private_probes_stp__procfs_value_get2_value; }));
STP_ACTIONS(1, "identifier 'saved' at probes.stp:10:31", out);
(void)(({ const char *__v = (l->l___stable___private_probes_stp__procfs_value_get2_value); if (__v != g_saved) strlcpy(g_saved, __v, MAXSTRINGLEN); (const char *)g_saved; }));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_8_locks[] = {
	{ &g_saved_lock, true },
};
/* kprobe.statement(0xffffffff81000000).absolute at probes.stp:11:1 */
static void probe_9(struct context *c)
{
	struct probe_9_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_9;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'hits' at probes.stp:11:55", out);
(void)((g_hits++));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_9_locks[] = {
	{ &g_hits_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin(-1)",
			.pn = "begin(-1)",
			.location = "probes.stp:5:1",
			.type = "begin_end",
			.is_return = false,
		},
		.when = STP_BE_BEGIN,
		.priority = -1,
	},
	{
		.probe = {
			.handler = probe_1,
			.pp = "end(5)",
			.pn = "end(5)",
			.location = "probes.stp:6:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_1_locks,
			.nlocks = 1,
		},
		.when = STP_BE_END,
		.priority = 5,
	},
	{
		.probe = {
			.handler = probe_2,
			.pp = "error",
			.pn = "error",
			.location = "probes.stp:6:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_2_locks,
			.nlocks = 1,
		},
		.when = STP_BE_ERROR,
		.priority = 0,
	},
};

static struct stp_procfs_probe gen_procfs_probes[] = {
	{
		.probe = {
			.handler = probe_7,
			.pp = "procfs(\"state\").read",
			.pn = "procfs(\"state\").read",
			.location = "probes.stp:9:1",
			.type = "procfs",
			.is_return = false,
			.locks = probe_7_locks,
			.nlocks = 1,
		},
		.path = "state",
		.maxsize = 0,
		.mode = 256,
		.write = false,
	},
	{
		.probe = {
			.handler = probe_8,
			.pp = "procfs(\"state\").write",
			.pn = "procfs(\"state\").write",
			.location = "probes.stp:10:1",
			.type = "procfs",
			.is_return = false,
			.locks = probe_8_locks,
			.nlocks = 1,
		},
		.path = "state",
		.maxsize = 0,
		.mode = 128,
		.write = true,
	},
};

static struct stp_perf_probe gen_perf_probes[] = {
	{
		.probe = {
			.handler = probe_6,
			.pp = "perf.type(1).config(0).sample(1000000)",
			.pn = "timer.profile",
			.location = "probes.stp:8:1",
			.type = "perf_event",
			.is_return = false,
			.locks = probe_6_locks,
			.nlocks = 1,
		},
		.type = 1,
		.config = 0,
		.period = 1000000,
		.freq = false,
		.process = NULL,
		.counter = false,
	},
};

static struct stp_kprobe_probe gen_kprobe_probes[] = {
	{
		.probe = {
			.handler = probe_9,
			.pp = "kprobe.statement(0xffffffff81000000).absolute",
			.pn = "kprobe.statement(0xffffffff81000000).absolute",
			.location = "probes.stp:11:1",
			.type = "kprobe",
			.is_return = false,
			.locks = probe_9_locks,
			.nlocks = 1,
		},
		.symbol = NULL,
		.addr = 0xffffffff81000000ULL,
	},
};

static struct stp_hrtimer_probe gen_hrtimer_probes[] = {
	{
		.probe = {
			.handler = probe_3,
			.pp = "timer.ms(100)",
			.pn = "timer.ms(100)",
			.location = "probes.stp:7:1",
			.type = "hrtimer",
			.is_return = false,
			.locks = probe_3_locks,
			.nlocks = 1,
		},
		.interval = 100000000,
		.randomize = 0,
	},
	{
		.probe = {
			.handler = probe_5,
			.pp = "timer.s(1).randomize(1)",
			.pn = "timer.s(1).randomize(1)",
			.location = "probes.stp:7:1",
			.type = "hrtimer",
			.is_return = false,
			.locks = probe_5_locks,
			.nlocks = 1,
		},
		.interval = 1000000000,
		.randomize = 1000000000,
	},
};

static struct stp_jiffies_probe gen_jiffies_probes[] = {
	{
		.probe = {
			.handler = probe_4,
			.pp = "timer.jiffies(5)",
			.pn = "timer.jiffies(5)",
			.location = "probes.stp:7:1",
			.type = "timer",
			.is_return = false,
			.locks = probe_4_locks,
			.nlocks = 1,
		},
		.interval = 5,
		.randomize = 0,
	},
};

/* Registration in the tables' order; a failing family has undone itself. */
static unsigned gen_tables_registered;

static int gen_register_probes(void)
{
	int rc = 0;

	rc = stp_procfs_register(gen_procfs_probes,
		ARRAY_SIZE(gen_procfs_probes));
	if (rc)
		return rc;
	gen_tables_registered = 1;
	rc = stp_perf_register(gen_perf_probes,
		ARRAY_SIZE(gen_perf_probes));
	if (rc)
		return rc;
	gen_tables_registered = 2;
	rc = stp_kprobe_register(gen_kprobe_probes,
		ARRAY_SIZE(gen_kprobe_probes));
	if (rc)
		return rc;
	gen_tables_registered = 3;
	rc = stp_hrtimer_register(gen_hrtimer_probes,
		ARRAY_SIZE(gen_hrtimer_probes));
	if (rc)
		return rc;
	gen_tables_registered = 4;
	rc = stp_jiffies_register(gen_jiffies_probes,
		ARRAY_SIZE(gen_jiffies_probes));
	if (rc)
		return rc;
	gen_tables_registered = 5;
	return rc;
}

static void gen_unregister_probes(void)
{
	if (gen_tables_registered >= 5)
		stp_jiffies_unregister(gen_jiffies_probes,
			ARRAY_SIZE(gen_jiffies_probes));
	if (gen_tables_registered >= 4)
		stp_hrtimer_unregister(gen_hrtimer_probes,
			ARRAY_SIZE(gen_hrtimer_probes));
	if (gen_tables_registered >= 3)
		stp_kprobe_unregister(gen_kprobe_probes,
			ARRAY_SIZE(gen_kprobe_probes));
	if (gen_tables_registered >= 2)
		stp_perf_unregister(gen_perf_probes,
			ARRAY_SIZE(gen_perf_probes));
	if (gen_tables_registered >= 1)
		stp_procfs_unregister(gen_procfs_probes,
			ARRAY_SIZE(gen_procfs_probes));
	gen_tables_registered = 0;
}

/* ---- globals: allocation, initial values, release ---- */
static int gen_globals_init(void)
{
	g_hits = 0;	if (g_hits_param[0] && kstrtoll(g_hits_param, 0, &g_hits)) {
		stp_error("invalid value '%s' for global 'hits' (-G)", g_hits_param);
		return -EINVAL;
	}
	strlcpy(g_saved, "none", MAXSTRINGLEN); if (g_saved_param[0]) strlcpy(g_saved, g_saved_param, MAXSTRINGLEN);
	return 0;
}

static void gen_globals_free(void)
{
}

static const struct stp_script gen_script = {
	.name = "probes.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

/* ---- globals ---- */
static int64_t g_count;
static DEFINE_RWLOCK(g_count_lock);
static char g_count_param[32];
module_param_string(count, g_count_param, sizeof(g_count_param), 0);
static string_t g_name;
static DEFINE_RWLOCK(g_name_lock);
static char g_name_param[MAXSTRINGLEN];
module_param_string(name, g_name_param, MAXSTRINGLEN, 0);
static struct stp_map *g_table;
static DEFINE_RWLOCK(g_table_lock);
static struct stp_map *g_wrapped;
static DEFINE_RWLOCK(g_wrapped_lock);
static struct stp_stat *g_st;
static DEFINE_RWLOCK(g_st_lock);
static const struct stp_stat_desc g_st_desc = { .type = HIST_NONE, .start = 0, .stop = 0, .interval = 0, .bit_shift = 0, .variance = false };
static int64_t g_neg;
static DEFINE_RWLOCK(g_neg_lock);
static char g_neg_param[32];
module_param_string(neg, g_neg_param, sizeof(g_neg_param), 0);
static int64_t g_seen;
static DEFINE_RWLOCK(g_seen_lock);
static char g_seen_param[32];
module_param_string(seen, g_seen_param, sizeof(g_seen_param), 0);

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	char unused;
};
struct probe_1_locals {
	char unused;
};

union gen_frames {
	struct probe_0_locals probe_0;
	struct probe_1_locals probe_1;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at globals.stp:5:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'count' at globals.stp:5:15", out);
(void)((g_count++));
STP_ACTIONS(1, "identifier 'name' at globals.stp:5:24", out);
(void)(({ strlcat(g_name, ("5"), MAXSTRINGLEN); (const char *)g_name; }));
STP_ACTIONS(1, "identifier 'table' at globals.stp:5:37", out);
(void)(({ int64_t __v = (g_count);
   if (unlikely(stp_map_set_long(g_table, ((const union stp_arg[]){ { .s = ("a") }, { .n = (((int64_t)1LL)) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW_SIZE(16); c->last_stmt = "identifier 'table' at globals.stp:5:37"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'wrapped' at globals.stp:5:60", out);
(void)(({ const char *__v = (g_name);
   if (unlikely(stp_map_set_str(g_wrapped, ((const union stp_arg[]){ { .n = (g_count) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'wrapped' at globals.stp:5:60"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'st' at globals.stp:5:83", out);
(void)(({ int64_t __v = (g_neg); stp_stat_add(g_st, __v); __v; }));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_count_lock, true },
	{ &g_name_lock, true },
	{ &g_table_lock, true },
	{ &g_wrapped_lock, true },
	{ &g_st_lock, false },
	{ &g_neg_lock, false },
};
/* end at globals.stp:6:1 */
static void probe_1(struct context *c)
{
	struct probe_1_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_1;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'seen' at globals.stp:6:13", out);
(void)((g_seen = (((g_count) + (stp_map_get_long(g_table, ((const union stp_arg[]){ { .s = ("a") }, { .n = (((int64_t)1LL)) } })))))));
STP_ACTIONS(1, "identifier 'println' at globals.stp:6:43", out);
(void)(stp_printf(c, "%d%s%s%d\n", (const union stp_arg[]){ { .n = (g_seen) }, { .s = (g_name) }, { .s = (stp_map_get_str(g_wrapped, ((const union stp_arg[]){ { .n = (((int64_t)11LL)) } }))) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_st));   __sd ? __sd->count : 0; })) } }, 4));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_1_locks[] = {
	{ &g_count_lock, false },
	{ &g_name_lock, false },
	{ &g_table_lock, false },
	{ &g_wrapped_lock, false },
	{ &g_st_lock, true },
	{ &g_seen_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "globals.stp:5:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_0_locks,
			.nlocks = 6,
		},
		.when = STP_BE_BEGIN,
		.priority = 0,
	},
	{
		.probe = {
			.handler = probe_1,
			.pp = "end",
			.pn = "end",
			.location = "globals.stp:6:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_1_locks,
			.nlocks = 6,
		},
		.when = STP_BE_END,
		.priority = 0,
	},
};

/* Registration in the tables' order; a failing family has undone itself. */
static unsigned gen_tables_registered;

static int gen_register_probes(void)
{
	int rc = 0;

	return rc;
}

static void gen_unregister_probes(void)
{
	gen_tables_registered = 0;
}

/* ---- globals: allocation, initial values, release ---- */
static int gen_globals_init(void)
{
	g_count = ((int64_t)10LL);	if (g_count_param[0] && kstrtoll(g_count_param, 0, &g_count)) {
		stp_error("invalid value '%s' for global 'count' (-G)", g_count_param);
		return -EINVAL;
	}
	strlcpy(g_name, "stap", MAXSTRINGLEN); if (g_name_param[0]) strlcpy(g_name, g_name_param, MAXSTRINGLEN);
	g_table = stp_map_new("si", 'i', 16, false, NULL);
	if (!g_table) { stp_error("cannot allocate array 'table' (16 entries)"); return -ENOMEM; }
	g_wrapped = stp_map_new("i", 's', MAXMAPENTRIES, true, NULL);
	if (!g_wrapped) { stp_error("cannot allocate array 'wrapped' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	g_st = stp_stat_new(&g_st_desc);
	if (!g_st) { stp_error("cannot allocate statistic 'st'"); return -ENOMEM; }
	g_neg = ((int64_t)-5LL);	if (g_neg_param[0] && kstrtoll(g_neg_param, 0, &g_neg)) {
		stp_error("invalid value '%s' for global 'neg' (-G)", g_neg_param);
		return -EINVAL;
	}
	g_seen = 0;	if (g_seen_param[0] && kstrtoll(g_seen_param, 0, &g_seen)) {
		stp_error("invalid value '%s' for global 'seen' (-G)", g_seen_param);
		return -EINVAL;
	}
	return 0;
}

static void gen_globals_free(void)
{
	stp_map_del(g_table); g_table = NULL;
	stp_map_del(g_wrapped); g_wrapped = NULL;
	stp_stat_del(g_st); g_st = NULL;
}

static const struct stp_script gen_script = {
	.name = "globals.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

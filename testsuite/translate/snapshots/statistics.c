/* ---- globals ---- */
static struct stp_stat *g_s;
static DEFINE_RWLOCK(g_s_lock);
static const struct stp_stat_desc g_s_desc = { .type = HIST_LOG, .start = 0, .stop = 0, .interval = 0, .bit_shift = 0, .variance = true };
static struct stp_pmap *g_t;
static DEFINE_RWLOCK(g_t_lock);
static const struct stp_stat_desc g_t_desc = { .type = HIST_LINEAR, .start = 0, .stop = 100, .interval = 10, .bit_shift = 0, .variance = false };
static struct stp_stat *g_u;
static DEFINE_RWLOCK(g_u_lock);
static const struct stp_stat_desc g_u_desc = { .type = HIST_LINEAR, .start = 0, .stop = 10, .interval = 2, .bit_shift = 0, .variance = false };

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	int64_t l_i;
	int64_t l_b;
	int64_t l_v;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at statistics.stp:3:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "keyword at statistics.stp:4:3", out);
for ((l->l_i = (((int64_t)0LL))); ((int64_t)((l->l_i) < (((int64_t)10LL)))); (l->l_i++)) {
{
STP_ACTIONS(1, "identifier 's' at statistics.stp:4:30", out);
(void)(({ int64_t __v = (l->l_i); stp_stat_add(g_s, __v); __v; }));
STP_ACTIONS(1, "identifier 't' at statistics.stp:4:39", out);
(void)(({ int64_t __v = (((l->l_i) * (l->l_i)));
   if (unlikely(stp_pmap_add(g_t, ((const union stp_arg[]){ { .n = (({ int64_t __l = (l->l_i), __r = (((int64_t)2LL));
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "operator '%' at statistics.stp:4:43"; goto out; }
   stp_mod64_checked(NULL, __l, __r); })) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 't' at statistics.stp:4:39"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'u' at statistics.stp:4:59", out);
(void)(({ int64_t __v = (l->l_i); stp_stat_add(g_u, __v); __v; }));
}
}
STP_ACTIONS(1, "identifier 'println' at statistics.stp:5:3", out);
(void)(stp_printf(c, "%d%d%d%d%d%d\n", (const union stp_arg[]){ { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   __sd ? __sd->count : 0; })) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   __sd ? __sd->sum : 0; })) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = "empty aggregate"; c->last_stmt = "operator '@min' at statistics.stp:5:31"; goto out; }   __sd->min; })) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = "empty aggregate"; c->last_stmt = "operator '@max' at statistics.stp:5:40"; goto out; }   __sd->max; })) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = "empty aggregate"; c->last_stmt = "operator '@avg' at statistics.stp:5:49"; goto out; }   stp_stat_avg(__sd); })) }, { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = "empty aggregate"; c->last_stmt = "operator '@variance' at statistics.stp:5:58"; goto out; }   __sd->variance; })) } }, 6));
STP_ACTIONS(1, "identifier 'print' at statistics.stp:6:3", out);
(void)(({ const struct stp_stat_data *__sd = (stp_stat_get(g_s));
   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = STP_ERR_EMPTY_AGGREGATE; c->last_stmt = "identifier 'print' at statistics.stp:6:3"; goto out; }
   stp_hist_print(c, &g_s->hist, __sd); }));
STP_ACTIONS(1, "identifier 'print' at statistics.stp:7:3", out);
(void)(({ const struct stp_stat_data *__sd = (stp_pmap_get(g_t, ((const union stp_arg[]){ { .n = (((int64_t)0LL)) } })));
   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = STP_ERR_EMPTY_AGGREGATE; c->last_stmt = "identifier 'print' at statistics.stp:7:3"; goto out; }
   stp_hist_print(c, &g_t->agg->hist, __sd); }));
STP_ACTIONS(1, "identifier 'println' at statistics.stp:8:3", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_s)); int64_t __b = 0;
   if (__sd) { __b = stp_hist_bucket(c, &g_s->hist, __sd, (((int64_t)2LL))); if (unlikely(c->last_error)) { c->last_error = c->last_error; c->last_stmt = "operator '@hist_log' at statistics.stp:8:11"; goto out; } }
   __b; })) } }, 1));
STP_ACTIONS(1, "keyword at statistics.stp:9:3", out);
{
  const struct stp_stat_data *__sd1 = (stp_stat_get(g_u));
  int64_t __i1, __limit1 = ((int64_t)3LL);
  for (__i1 = 0; __i1 < (&g_u->hist)->buckets; __i1++) {
    if (__limit1 >= 0 && __i1 >= __limit1) break;
    l->l_b = __i1;
    l->l_v = __sd1 ? stp_hist_bucket(c, &g_u->hist, __sd1, __i1) : 0;
    {
STP_ACTIONS(1, "identifier 'println' at statistics.stp:9:58", out);
(void)(stp_printf(c, "%d%d\n", (const union stp_arg[]){ { .n = (l->l_b) }, { .n = (l->l_v) } }, 2));
}
  }
}
STP_ACTIONS(1, "keyword at statistics.stp:10:3", out);
stp_stat_clear(g_s);
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_s_lock, true },
	{ &g_t_lock, true },
	{ &g_u_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "statistics.stp:3:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_0_locks,
			.nlocks = 3,
		},
		.when = STP_BE_BEGIN,
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
	g_s = stp_stat_new(&g_s_desc);
	if (!g_s) { stp_error("cannot allocate statistic 's'"); return -ENOMEM; }
	g_t = stp_pmap_new("i", MAXMAPENTRIES, false, &g_t_desc);
	if (!g_t) { stp_error("cannot allocate array 't' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	g_u = stp_stat_new(&g_u_desc);
	if (!g_u) { stp_error("cannot allocate statistic 'u'"); return -ENOMEM; }
	return 0;
}

static void gen_globals_free(void)
{
	stp_stat_del(g_s); g_s = NULL;
	stp_pmap_del(g_t); g_t = NULL;
	stp_stat_del(g_u); g_u = NULL;
}

static const struct stp_script gen_script = {
	.name = "statistics.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

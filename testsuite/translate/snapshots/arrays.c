/* ---- globals ---- */
static struct stp_map *g_a;
static DEFINE_RWLOCK(g_a_lock);
static struct stp_map *g_b;
static DEFINE_RWLOCK(g_b_lock);

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	char unused;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at arrays.stp:3:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'a' at arrays.stp:4:3", out);
(void)(({ int64_t __v = (((int64_t)1LL));
   if (unlikely(stp_map_set_long(g_a, ((const union stp_arg[]){ { .n = (((int64_t)1LL)) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'a' at arrays.stp:4:3"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'a' at arrays.stp:4:13", out);
(void)(({ int64_t __v = (((int64_t)2LL));
   if (unlikely(stp_map_set_long(g_a, ((const union stp_arg[]){ { .n = (((int64_t)2LL)) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'a' at arrays.stp:4:13"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'b' at arrays.stp:4:23", out);
(void)(({ const char *__v = ("y");
   if (unlikely(stp_map_set_str(g_b, ((const union stp_arg[]){ { .s = ("x") }, { .n = (((int64_t)1LL)) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'b' at arrays.stp:4:23"; goto out; }
   __v; }));
STP_ACTIONS(1, "keyword at arrays.stp:5:3", out);
if (((int64_t)((((int64_t)((((int64_t)stp_map_exists(g_a, ((const union stp_arg[]){ { .n = (((int64_t)1LL)) } })))) && (((int64_t)!(((int64_t)stp_map_exists(g_a, ((const union stp_arg[]){ { .n = (((int64_t)3LL)) } }))))))))) && (((int64_t)stp_map_exists_matching(g_b, ((const union stp_arg[]){ { .s = ("x") }, { .n = (0) } }), 0x2u)))))) {
STP_ACTIONS(1, "identifier 'println' at arrays.stp:5:47", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = ("in") } }, 1));
}
STP_ACTIONS(1, "keyword at arrays.stp:6:3", out);
stp_map_delete(g_a, ((const union stp_arg[]){ { .n = (((int64_t)1LL)) } }));
STP_ACTIONS(1, "keyword at arrays.stp:6:16", out);
stp_map_delete_matching(g_b, ((const union stp_arg[]){ { .s = ("x") }, { .n = (0) } }), 0x2u);
STP_ACTIONS(1, "keyword at arrays.stp:6:34", out);
stp_map_clear(g_b);
STP_ACTIONS(1, "identifier 'println' at arrays.stp:7:3", out);
(void)(stp_printf(c, "%d%s\n", (const union stp_arg[]){ { .n = (stp_map_get_long(g_a, ((const union stp_arg[]){ { .n = (((int64_t)2LL)) } }))) }, { .s = (stp_map_get_str(g_b, ((const union stp_arg[]){ { .s = ("x") }, { .n = (((int64_t)1LL)) } }))) } }, 2));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_a_lock, true },
	{ &g_b_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "arrays.stp:3:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_0_locks,
			.nlocks = 2,
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
	g_a = stp_map_new("i", 'i', MAXMAPENTRIES, false, NULL);
	if (!g_a) { stp_error("cannot allocate array 'a' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	g_b = stp_map_new("si", 's', MAXMAPENTRIES, false, NULL);
	if (!g_b) { stp_error("cannot allocate array 'b' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	return 0;
}

static void gen_globals_free(void)
{
	stp_map_del(g_a); g_a = NULL;
	stp_map_del(g_b); g_b = NULL;
}

static const struct stp_script gen_script = {
	.name = "arrays.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

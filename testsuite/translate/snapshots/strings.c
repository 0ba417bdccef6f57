/* ---- globals ---- */
static struct stp_map *g_words;
static DEFINE_RWLOCK(g_words_lock);

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	string_t l_s;
	string_t l_t;
	string_t l_u;
	string_t t1;
	string_t t2;
	string_t t3;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at strings.stp:3:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 's' at strings.stp:4:3", out);
(void)(({ const char *__v = ("abc"); if (__v != l->l_s) strlcpy(l->l_s, __v, MAXSTRINGLEN); (const char *)l->l_s; }));
STP_ACTIONS(1, "identifier 't' at strings.stp:4:14", out);
(void)(({ const char *__v = (({ const char *__a = (l->l_s), *__b = ("def");
   if (__a != l->t1) strlcpy(l->t1, __a, MAXSTRINGLEN);
   strlcat(l->t1, __b, MAXSTRINGLEN); (const char *)l->t1; })); if (__v != l->l_t) strlcpy(l->l_t, __v, MAXSTRINGLEN); (const char *)l->l_t; }));
STP_ACTIONS(1, "identifier 't' at strings.stp:4:29", out);
(void)(({ strlcat(l->l_t, ("!"), MAXSTRINGLEN); (const char *)l->l_t; }));
STP_ACTIONS(1, "identifier 'words' at strings.stp:5:3", out);
(void)(({ const char *__v = (l->l_s);
   if (unlikely(stp_map_set_str(g_words, ((const union stp_arg[]){ { .s = (l->l_t) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'words' at strings.stp:5:3"; goto out; }
   __v; }));
STP_ACTIONS(1, "keyword at strings.stp:6:3", out);
if (((int64_t)((((int64_t)((((int64_t)((((int64_t)(strcmp((l->l_s), (l->l_t)) < 0))) && (((int64_t)(strcmp((l->l_t), ("x")) != 0)))))) && (((int64_t)(strcmp((l->l_s), ("abc")) == 0)))))) && (((int64_t)(strcmp((l->l_t), (l->l_s)) >= 0)))))) {
STP_ACTIONS(1, "identifier 'println' at strings.stp:6:50", out);
(void)(stp_printf(c, "%s%s\n", (const union stp_arg[]){ { .s = (l->l_t) }, { .s = (stp_map_get_str(g_words, ((const union stp_arg[]){ { .s = (l->l_t) } }))) } }, 2));
}
STP_ACTIONS(1, "identifier 'u' at strings.stp:7:3", out);
(void)(({ const char *__v = (({ const char *__a = (({ const char *__a = (l->l_s), *__b = (l->l_t);
   if (__a != l->t3) strlcpy(l->t3, __a, MAXSTRINGLEN);
   strlcat(l->t3, __b, MAXSTRINGLEN); (const char *)l->t3; })), *__b = (stp_map_get_str(g_words, ((const union stp_arg[]){ { .s = ("abcdef!") } })));
   if (__a != l->t2) strlcpy(l->t2, __a, MAXSTRINGLEN);
   strlcat(l->t2, __b, MAXSTRINGLEN); (const char *)l->t2; })); if (__v != l->l_u) strlcpy(l->l_u, __v, MAXSTRINGLEN); (const char *)l->l_u; }));
STP_ACTIONS(1, "identifier 'println' at strings.stp:8:3", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = (l->l_u) } }, 1));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_words_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "strings.stp:3:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_0_locks,
			.nlocks = 1,
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
	g_words = stp_map_new("s", 's', MAXMAPENTRIES, false, NULL);
	if (!g_words) { stp_error("cannot allocate array 'words' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	return 0;
}

static void gen_globals_free(void)
{
	stp_map_del(g_words); g_words = NULL;
}

static const struct stp_script gen_script = {
	.name = "strings.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

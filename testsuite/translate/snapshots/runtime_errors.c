/* ---- globals ---- */
static struct stp_map *g_small;
static DEFINE_RWLOCK(g_small_lock);
static struct stp_stat *g_empty;
static DEFINE_RWLOCK(g_empty_lock);
static const struct stp_stat_desc g_empty_desc = { .type = HIST_NONE, .start = 0, .stop = 0, .interval = 0, .bit_shift = 0, .variance = false };

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct f_deep_0_frame {
	int64_t a_n;
	int64_t retval;
};
struct probe_0_locals {
	int64_t l_z;
	int64_t l_x;
};
struct probe_1_locals {
	char unused;
};
struct probe_2_locals {
	int64_t l___idx0;
	int64_t l___val;
};

union gen_frames {
	struct f_deep_0_frame f_deep_0;
	struct probe_0_locals probe_0;
	struct probe_1_locals probe_1;
	struct probe_2_locals probe_2;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */
static void f_deep_0(struct context *c);

/* deep:long (n:long) at runtime_errors.stp:4:10 */
static void f_deep_0(struct context *c)
{
	struct f_deep_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_deep_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'deep' at runtime_errors.stp:4:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at runtime_errors.stp:4:20", out);
if (((int64_t)((l->a_n) > (((int64_t)100LL))))) {
STP_ACTIONS(1, "keyword at runtime_errors.stp:4:33", out);
{ l->retval = l->a_n; goto out; }
}
STP_ACTIONS(1, "keyword at runtime_errors.stp:4:43", out);
{ l->retval = ({ int64_t __a0 = (((l->a_n) + (((int64_t)1LL))));    struct f_deep_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'deep' at runtime_errors.stp:4:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_deep_0;
   __f->a_n = __a0;
   c->nesting++;
   f_deep_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; }); goto out; }
}
out: __attribute__((unused));
	;
}

/* ---- probe handlers ---- */
/* begin at runtime_errors.stp:5:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'z' at runtime_errors.stp:6:3", out);
(void)((l->l_z = (((int64_t)0LL))));
STP_ACTIONS(1, "identifier 'x' at runtime_errors.stp:6:10", out);
(void)((l->l_x = (((int64_t)9LL))));
STP_ACTIONS(1, "identifier 'x' at runtime_errors.stp:6:17", out);
(void)(({ int64_t __r = (l->l_z);
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "identifier 'z' at runtime_errors.stp:6:22"; goto out; }
   l->l_x = stp_div64_checked(NULL, l->l_x, __r); }));
STP_ACTIONS(1, "identifier 'small' at runtime_errors.stp:7:3", out);
(void)(({ int64_t __v = (((int64_t)1LL));
   if (unlikely(stp_map_set_long(g_small, ((const union stp_arg[]){ { .n = (((int64_t)1LL)) } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW_SIZE(2); c->last_stmt = "identifier 'small' at runtime_errors.stp:7:3"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'small' at runtime_errors.stp:7:17", out);
(void)(({ const union stp_arg *__k = ((const union stp_arg[]){ { .n = (((int64_t)1LL)) } });
   int64_t __r = (l->l_z), __new;
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "identifier 'z' at runtime_errors.stp:7:29"; goto out; }
   __new = stp_mod64_checked(NULL, stp_map_get_long(g_small, __k), __r);
   if (unlikely(stp_map_set_long(g_small, __k, __new))) { c->last_error = STP_ERR_MAP_OVERFLOW_SIZE(2); c->last_stmt = "identifier 'small' at runtime_errors.stp:7:17"; goto out; }
   __new; }));
STP_ACTIONS(1, "identifier 'small' at runtime_errors.stp:7:32", out);
(void)(({ const union stp_arg *__k = ((const union stp_arg[]){ { .n = (((int64_t)2LL)) } });
   int64_t __old = stp_map_get_long(g_small, __k), __new = (__old + 1);
   if (unlikely(stp_map_set_long(g_small, __k, __new))) { c->last_error = STP_ERR_MAP_OVERFLOW_SIZE(2); c->last_stmt = "identifier 'small' at runtime_errors.stp:7:32"; goto out; }
   __old; }));
STP_ACTIONS(1, "identifier 'println' at runtime_errors.stp:8:3", out);
(void)(stp_printf(c, "%d%d\n", (const union stp_arg[]){ { .n = (({ const struct stp_stat_data *__sd = (stp_stat_get(g_empty));   if (unlikely(!__sd || __sd->count == 0)) { c->last_error = "empty aggregate"; c->last_stmt = "operator '@min' at runtime_errors.stp:8:11"; goto out; }   __sd->min; })) }, { .n = (({ int64_t __a0 = (((int64_t)1LL));    struct f_deep_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'deep' at runtime_errors.stp:4:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_deep_0;
   __f->a_n = __a0;
   c->nesting++;
   f_deep_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) } }, 2));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_small_lock, true },
	{ &g_empty_lock, true },
};
/* never at runtime_errors.stp:10:1 */
static void probe_1(struct context *c)
{
	struct probe_1_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_1;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'empty' at runtime_errors.stp:10:15", out);
(void)(({ int64_t __v = (((int64_t)1LL)); stp_stat_add(g_empty, __v); __v; }));
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_1_locks[] = {
	{ &g_empty_lock, false },
};
/* end at runtime_errors.stp:3:8 */
static void probe_2(struct context *c)
{
	struct probe_2_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_2;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'small' at runtime_errors.stp:3:8", out);
{
  struct stp_map *__m1 = (g_small);
  struct stp_map_node *__n1;
  int64_t __limit1 = -1, __seen1 = 0;
  stp_map_sort(__m1, 0, STP_SORT_DESC, __limit1 > 0 ? (unsigned)__limit1 : 0);
  for (__n1 = stp_map_first(__m1); __n1; __n1 = stp_map_next(__m1, __n1)) {
    if (__limit1 >= 0 && __seen1++ >= __limit1) break;
    l->l___idx0 = stp_map_node_key_long(__m1, __n1, 0);
    l->l___val = stp_map_node_long(__m1, __n1);
    {
STP_ACTIONS(1, "identifier 'small' at runtime_errors.stp:3:8", out);
(void)(({ stp_printf(c, "small[%#d]=%d\n", (const union stp_arg[]){ { .n = (l->l___idx0) }, { .n = (l->l___val) } }, 2); if (unlikely(c->last_error)) { c->last_stmt = "identifier 'small' at runtime_errors.stp:3:8"; goto out; } }));
}
  }
}
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_2_locks[] = {
	{ &g_small_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "runtime_errors.stp:5:1",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_0_locks,
			.nlocks = 2,
		},
		.when = STP_BE_BEGIN,
		.priority = 0,
	},
	{
		.probe = {
			.handler = probe_2,
			.pp = "end",
			.pn = "end",
			.location = "runtime_errors.stp:3:8",
			.type = "begin_end",
			.is_return = false,
			.locks = probe_2_locks,
			.nlocks = 1,
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
	g_small = stp_map_new("i", 'i', 2, false, NULL);
	if (!g_small) { stp_error("cannot allocate array 'small' (2 entries)"); return -ENOMEM; }
	g_empty = stp_stat_new(&g_empty_desc);
	if (!g_empty) { stp_error("cannot allocate statistic 'empty'"); return -ENOMEM; }
	return 0;
}

static void gen_globals_free(void)
{
	stp_map_del(g_small); g_small = NULL;
	stp_stat_del(g_empty); g_empty = NULL;
}

static const struct stp_script gen_script = {
	.name = "runtime_errors.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

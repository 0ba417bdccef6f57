/* ---- globals ---- */
static struct stp_map *g_arr;
static DEFINE_RWLOCK(g_arr_lock);
static struct stp_pmap *g_st;
static DEFINE_RWLOCK(g_st_lock);
static const struct stp_stat_desc g_st_desc = { .type = HIST_NONE, .start = 0, .stop = 0, .interval = 0, .bit_shift = 0, .variance = false };

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	int64_t l_k;
	string_t l_s;
	int64_t l_v;
	int64_t l_n;
	string_t l_w;
	int64_t slice3_0;
	int64_t slice4_0;
	string_t t1;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at foreach.stp:4:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'arr' at foreach.stp:5:3", out);
(void)(({ int64_t __v = (((int64_t)10LL));
   if (unlikely(stp_map_set_long(g_arr, ((const union stp_arg[]){ { .n = (((int64_t)1LL)) }, { .s = ("a") } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'arr' at foreach.stp:5:3"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'arr' at foreach.stp:5:21", out);
(void)(({ int64_t __v = (((int64_t)20LL));
   if (unlikely(stp_map_set_long(g_arr, ((const union stp_arg[]){ { .n = (((int64_t)2LL)) }, { .s = ("b") } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'arr' at foreach.stp:5:21"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'st' at foreach.stp:6:3", out);
(void)(({ int64_t __v = (((int64_t)1LL));
   if (unlikely(stp_pmap_add(g_st, ((const union stp_arg[]){ { .s = ("x") } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'st' at foreach.stp:6:3"; goto out; }
   __v; }));
STP_ACTIONS(1, "identifier 'st' at foreach.stp:6:18", out);
(void)(({ int64_t __v = (((int64_t)5LL));
   if (unlikely(stp_pmap_add(g_st, ((const union stp_arg[]){ { .s = ("y") } }), __v))) { c->last_error = STP_ERR_MAP_OVERFLOW; c->last_stmt = "identifier 'st' at foreach.stp:6:18"; goto out; }
   __v; }));
STP_ACTIONS(1, "keyword at foreach.stp:7:3", out);
{
  struct stp_map *__m1 = (g_arr);
  struct stp_map_node *__n1;
  int64_t __limit1 = -1, __seen1 = 0;
  for (__n1 = stp_map_first(__m1); __n1; __n1 = stp_map_next(__m1, __n1)) {
    if (__limit1 >= 0 && __seen1++ >= __limit1) break;
    l->l_k = stp_map_node_key_long(__m1, __n1, 0);
    strlcpy(l->l_s, stp_map_node_key_str(__m1, __n1, 1), MAXSTRINGLEN);
    {
STP_ACTIONS(1, "identifier 'println' at foreach.stp:7:27", out);
(void)(stp_printf(c, "%d%s\n", (const union stp_arg[]){ { .n = (l->l_k) }, { .s = (l->l_s) } }, 2));
}
  }
}
STP_ACTIONS(1, "keyword at foreach.stp:8:3", out);
{
  struct stp_map *__m2 = (g_arr);
  struct stp_map_node *__n2;
  int64_t __limit2 = ((int64_t)1LL), __seen2 = 0;
  stp_map_sort(__m2, 2, STP_SORT_DESC, __limit2 > 0 ? (unsigned)__limit2 : 0);
  for (__n2 = stp_map_first(__m2); __n2; __n2 = stp_map_next(__m2, __n2)) {
    if (__limit2 >= 0 && __seen2++ >= __limit2) break;
    l->l_k = stp_map_node_key_long(__m2, __n2, 0);
    strlcpy(l->l_s, stp_map_node_key_str(__m2, __n2, 1), MAXSTRINGLEN);
    l->l_v = stp_map_node_long(__m2, __n2);
    {
STP_ACTIONS(1, "identifier 'println' at foreach.stp:8:40", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (l->l_v) } }, 1));
}
  }
}
STP_ACTIONS(1, "keyword at foreach.stp:9:3", out);
{
  struct stp_map *__m3 = (g_arr);
  struct stp_map_node *__n3;
  int64_t __limit3 = -1, __seen3 = 0;
  stp_map_sort(__m3, 0, STP_SORT_ASC, __limit3 > 0 ? (unsigned)__limit3 : 0);
  l->slice3_0 = ((int64_t)1LL);
  for (__n3 = stp_map_first(__m3); __n3; __n3 = stp_map_next(__m3, __n3)) {
    if (__limit3 >= 0 && __seen3++ >= __limit3) break;
    l->l_k = stp_map_node_key_long(__m3, __n3, 0);
    strlcpy(l->l_s, stp_map_node_key_str(__m3, __n3, 1), MAXSTRINGLEN);
    if (stp_map_node_key_long(__m3, __n3, 0) != l->slice3_0) continue;
    {
STP_ACTIONS(1, "identifier 'println' at foreach.stp:9:34", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (l->l_k) } }, 1));
}
  }
}
STP_ACTIONS(1, "identifier 'n' at foreach.stp:10:3", out);
(void)((l->l_n = (((int64_t)0LL))));
STP_ACTIONS(1, "keyword at foreach.stp:11:3", out);
{
  struct stp_map *__m4 = (g_arr);
  struct stp_map_node *__n4;
  int64_t __limit4 = ((l->l_n) + (((int64_t)1LL))), __seen4 = 0;
  l->slice4_0 = (++l->l_n);
  strlcpy(l->t1, "a", MAXSTRINGLEN);
  for (__n4 = stp_map_first(__m4); __n4; __n4 = stp_map_next(__m4, __n4)) {
    if (__limit4 >= 0 && __seen4++ >= __limit4) break;
    l->l_k = stp_map_node_key_long(__m4, __n4, 0);
    strlcpy(l->l_s, stp_map_node_key_str(__m4, __n4, 1), MAXSTRINGLEN);
    if (stp_map_node_key_long(__m4, __n4, 0) != l->slice4_0) continue;
    if (strcmp(stp_map_node_key_str(__m4, __n4, 1), l->t1) != 0) continue;
    {
STP_ACTIONS(1, "identifier 'println' at foreach.stp:11:49", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = (l->l_s) } }, 1));
}
  }
}
STP_ACTIONS(1, "keyword at foreach.stp:12:3", out);
{
  struct stp_map *__m5 = (stp_pmap_aggregate(g_st));
  struct stp_map_node *__n5;
  int64_t __limit5 = -1, __seen5 = 0;
  stp_map_sort(__m5, STP_SORT_SUM, STP_SORT_DESC, __limit5 > 0 ? (unsigned)__limit5 : 0);
  for (__n5 = stp_map_first(__m5); __n5; __n5 = stp_map_next(__m5, __n5)) {
    if (__limit5 >= 0 && __seen5++ >= __limit5) break;
    strlcpy(l->l_w, stp_map_node_key_str(__m5, __n5, 0), MAXSTRINGLEN);
    {
STP_ACTIONS(1, "identifier 'println' at foreach.stp:12:27", out);
(void)(stp_printf(c, "%s%d\n", (const union stp_arg[]){ { .s = (l->l_w) }, { .n = (({ const struct stp_stat_data *__sd = (stp_pmap_get(g_st, ((const union stp_arg[]){ { .s = (l->l_w) } })));   __sd ? __sd->sum : 0; })) } }, 2));
}
  }
}
}
out: __attribute__((unused));
	;
}

static const struct stp_probe_lock probe_0_locks[] = {
	{ &g_arr_lock, true },
	{ &g_st_lock, true },
};

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "foreach.stp:4:1",
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
	g_arr = stp_map_new("is", 'i', MAXMAPENTRIES, false, NULL);
	if (!g_arr) { stp_error("cannot allocate array 'arr' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	g_st = stp_pmap_new("s", MAXMAPENTRIES, false, &g_st_desc);
	if (!g_st) { stp_error("cannot allocate array 'st' (MAXMAPENTRIES entries)"); return -ENOMEM; }
	return 0;
}

static void gen_globals_free(void)
{
	stp_map_del(g_arr); g_arr = NULL;
	stp_pmap_del(g_st); g_st = NULL;
}

static const struct stp_script gen_script = {
	.name = "foreach.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

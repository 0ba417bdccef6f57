/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	int64_t l_i;
	int64_t l_j;
	string_t l_x;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at control.stp:2:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'i' at control.stp:3:3", out);
(void)((l->l_i = (((int64_t)0LL))));
STP_ACTIONS(1, "keyword at control.stp:4:3", out);
for (; ((int64_t)((l->l_i) < (((int64_t)10LL)))); ) {
{
STP_ACTIONS(1, "identifier 'i' at control.stp:4:20", out);
(void)((l->l_i++));
STP_ACTIONS(1, "keyword at control.stp:4:25", out);
if (((int64_t)((l->l_i) == (((int64_t)2LL))))) {
STP_ACTIONS(1, "keyword at control.stp:4:37", out);
continue;
}
STP_ACTIONS(1, "keyword at control.stp:4:47", out);
if (((int64_t)((l->l_i) == (((int64_t)8LL))))) {
STP_ACTIONS(1, "keyword at control.stp:4:59", out);
break;
}
}
}
STP_ACTIONS(1, "keyword at control.stp:5:3", out);
for ((l->l_j = (((int64_t)0LL))); ((int64_t)((l->l_j) < (((int64_t)3LL)))); (l->l_j++)) {
{
STP_ACTIONS(1, "keyword at control.stp:5:27", out);
if (((int64_t)((l->l_j) == (((int64_t)1LL))))) {
STP_ACTIONS(1, "identifier 'println' at control.stp:5:39", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = ("one") } }, 1));
} else {
STP_ACTIONS(1, "identifier 'println' at control.stp:5:59", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (l->l_j) } }, 1));
}
}
}
STP_ACTIONS(1, "identifier 'x' at control.stp:6:3", out);
(void)(({ const char *__v = (((((int64_t)((l->l_i) > (((int64_t)5LL))))) ? ("big") : ("small"))); if (__v != l->l_x) strlcpy(l->l_x, __v, MAXSTRINGLEN); (const char *)l->l_x; }));
STP_ACTIONS(1, "keyword at control.stp:7:3", out);
if (((int64_t)((((int64_t)((l->l_i) && (((int64_t)!(l->l_j)))))) || (((int64_t)((l->l_i) == (((int64_t)3LL)))))))) {
STP_ACTIONS(1, "identifier 'println' at control.stp:7:26", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = (l->l_x) } }, 1));
}
STP_ACTIONS(1, "keyword at control.stp:8:3", out);
if (((int64_t)((l->l_i) == (((int64_t)99LL))))) {
STP_ACTIONS(1, "keyword at control.stp:8:16", out);
goto out;
}
STP_ACTIONS(1, "identifier 'println' at control.stp:9:3", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = ("end") } }, 1));
}
out: __attribute__((unused));
	;
}

/* ---- probe tables: one per runtime family (stap5/elaborate/probes) ---- */
static struct stp_be_probe gen_be_probes[] = {
	{
		.probe = {
			.handler = probe_0,
			.pp = "begin",
			.pn = "begin",
			.location = "control.stp:2:1",
			.type = "begin_end",
			.is_return = false,
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
	return 0;
}

static void gen_globals_free(void)
{
}

static const struct stp_script gen_script = {
	.name = "control.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

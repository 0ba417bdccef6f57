/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	int64_t l_a;
	int64_t l_b;
	int64_t l_z;
	int64_t l_c;
	int64_t l_d;
	int64_t l_e;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at arithmetic.stp:3:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'a' at arithmetic.stp:4:3", out);
(void)((l->l_a = (((int64_t)7LL))));
STP_ACTIONS(1, "identifier 'b' at arithmetic.stp:4:10", out);
(void)((l->l_b = (((int64_t)3LL))));
STP_ACTIONS(1, "identifier 'z' at arithmetic.stp:4:17", out);
(void)((l->l_z = (((int64_t)0LL))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:5:3", out);
(void)((l->l_c = (((((({ int64_t __l = (l->l_a), __r = (l->l_b);
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "operator '/' at arithmetic.stp:5:9"; goto out; }
   stp_div64_checked(NULL, __l, __r); })) + (({ int64_t __l = (l->l_a), __r = (l->l_b);
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "operator '%' at arithmetic.stp:5:17"; goto out; }
   stp_mod64_checked(NULL, __l, __r); })))) - (((l->l_a) * (l->l_b)))))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:6:3", out);
(void)((l->l_c += (((((int64_t)((uint64_t)(l->l_a) << ((((int64_t)2LL)) & 63)))) >> ((((int64_t)1LL)) & 63)))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:6:23", out);
(void)((l->l_c -= (((int64_t)((uint64_t)(l->l_a) >> ((((int64_t)1LL)) & 63))))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:6:37", out);
(void)((l->l_c *= (((int64_t)-(uint64_t)(l->l_b)))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:6:46", out);
(void)(({ int64_t __r = (l->l_b);
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "identifier 'b' at arithmetic.stp:6:51"; goto out; }
   l->l_c = stp_div64_checked(NULL, l->l_c, __r); }));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:6:54", out);
(void)(({ int64_t __r = (((int64_t)5LL));
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "number '5' at arithmetic.stp:6:59"; goto out; }
   l->l_c = stp_mod64_checked(NULL, l->l_c, __r); }));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:7:3", out);
(void)((l->l_c &= (((int64_t)255LL))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:7:14", out);
(void)((l->l_c |= (((int64_t)1LL))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:7:22", out);
(void)((l->l_c ^= (((int64_t)2LL))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:7:30", out);
(void)((l->l_c = (((int64_t)((uint64_t)(l->l_c) << ((((int64_t)1LL)) & 63))))));
STP_ACTIONS(1, "identifier 'c' at arithmetic.stp:7:39", out);
(void)((l->l_c = (((l->l_c) >> ((((int64_t)1LL)) & 63)))));
STP_ACTIONS(1, "identifier 'd' at arithmetic.stp:8:3", out);
(void)((l->l_d = ((((((~(l->l_a))) + (((int64_t)!(l->l_b))))) - (((int64_t)-(uint64_t)(l->l_c)))))));
STP_ACTIONS(1, "identifier 'e' at arithmetic.stp:9:3", out);
(void)((l->l_e = ((((((((l->l_a++)) + ((++l->l_b)))) - ((l->l_z--)))) - ((--l->l_z))))));
STP_ACTIONS(1, "identifier 'println' at arithmetic.stp:10:3", out);
(void)(stp_printf(c, "%d%d%d%d\n", (const union stp_arg[]){ { .n = (l->l_c) }, { .n = (l->l_d) }, { .n = (l->l_e) }, { .n = (({ int64_t __l = (l->l_a), __r = (l->l_z);
   if (unlikely(__r == 0)) { c->last_error = "division by 0"; c->last_stmt = "operator '/' at arithmetic.stp:10:22"; goto out; }
   stp_div64_checked(NULL, __l, __r); })) } }, 4));
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
			.location = "arithmetic.stp:3:1",
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
	.name = "arithmetic.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

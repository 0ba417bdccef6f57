/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	int64_t l_x;
	string_t l_s;
	string_t l_t;
	string_t t1;
	string_t t2;
	string_t t3;
	string_t t4;
	string_t t5;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at printing.stp:3:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'x' at printing.stp:4:3", out);
(void)((l->l_x = (((int64_t)5LL))));
STP_ACTIONS(1, "identifier 's' at printing.stp:4:10", out);
(void)(({ const char *__v = ("str"); if (__v != l->l_s) strlcpy(l->l_s, __v, MAXSTRINGLEN); (const char *)l->l_s; }));
STP_ACTIONS(1, "identifier 'print' at printing.stp:5:3", out);
(void)(stp_printf(c, "%d%s", (const union stp_arg[]){ { .n = (l->l_x) }, { .s = (l->l_s) } }, 2));
STP_ACTIONS(1, "identifier 'println' at printing.stp:5:16", out);
(void)(stp_printf(c, "%d%s\n", (const union stp_arg[]){ { .n = (l->l_x) }, { .s = (l->l_s) } }, 2));
STP_ACTIONS(1, "identifier 'printd' at printing.stp:6:3", out);
(void)(stp_printf(c, "%d,%s", (const union stp_arg[]){ { .n = (l->l_x) }, { .s = (l->l_s) } }, 2));
STP_ACTIONS(1, "identifier 'printdln' at printing.stp:6:22", out);
(void)(stp_printf(c, "%s-%d-%s\n", (const union stp_arg[]){ { .s = (l->l_s) }, { .n = (l->l_x) }, { .s = (l->l_s) } }, 3));
STP_ACTIONS(1, "identifier 'printf' at printing.stp:7:3", out);
(void)(({ stp_printf(c, "%d %5s %-3d %x %c %%\n", (const union stp_arg[]){ { .n = (l->l_x) }, { .s = (l->l_s) }, { .n = (l->l_x) }, { .n = (l->l_x) }, { .n = (((int64_t)65LL)) } }, 5); if (unlikely(c->last_error)) { c->last_stmt = "identifier 'printf' at printing.stp:7:3"; goto out; } }));
STP_ACTIONS(1, "identifier 't' at printing.stp:8:3", out);
(void)(({ const char *__v = (({ const char *__a = (({ const char *__a = (({ stp_sprintf(c, l->t3, MAXSTRINGLEN, "%s=%d", (const union stp_arg[]){ { .s = (l->l_s) }, { .n = (l->l_x) } }, 2); (const char *)l->t3; })), *__b = (({ stp_sprintf(c, l->t4, MAXSTRINGLEN, "%d", (const union stp_arg[]){ { .n = (l->l_x) } }, 1); (const char *)l->t4; }));
   if (__a != l->t2) strlcpy(l->t2, __a, MAXSTRINGLEN);
   strlcat(l->t2, __b, MAXSTRINGLEN); (const char *)l->t2; })), *__b = (({ stp_sprintf(c, l->t5, MAXSTRINGLEN, "%s\n", (const union stp_arg[]){ { .s = (l->l_s) } }, 1); (const char *)l->t5; }));
   if (__a != l->t1) strlcpy(l->t1, __a, MAXSTRINGLEN);
   strlcat(l->t1, __b, MAXSTRINGLEN); (const char *)l->t1; })); if (__v != l->l_t) strlcpy(l->l_t, __v, MAXSTRINGLEN); (const char *)l->l_t; }));
STP_ACTIONS(1, "identifier 'printf' at printing.stp:9:3", out);
(void)(({ stp_printf(c, "%*d %.*s\n", (const union stp_arg[]){ { .n = (((int64_t)4LL)) }, { .n = (l->l_x) }, { .n = (((int64_t)2LL)) }, { .s = (l->l_t) } }, 4); if (unlikely(c->last_error)) { c->last_stmt = "identifier 'printf' at printing.stp:9:3"; goto out; } }));
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
			.location = "printing.stp:3:1",
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
	.name = "printing.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct probe_0_locals {
	string_t l_s;
};

union gen_frames {
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */
/* =~ "^h.l+o" */
static const uint8_t gen_regex_1_class[256] = {
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 1, 4,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* Live states 0..3; 4: matched; 5: cannot match. */
static const uint8_t gen_regex_1_next[4][5] = {
	{ 5, 5, 1, 5, 5 },
	{ 5, 2, 2, 2, 2 },
	{ 5, 5, 5, 3, 5 },
	{ 5, 5, 5, 3, 4 },
};

static int64_t gen_regex_1(struct context *c, const char *subject)
{
	unsigned state = 0, i;

	(void)c;
	for (i = 0; i < MAXSTRINGLEN - 1; i++) {
		state = gen_regex_1_next[state][gen_regex_1_class[(unsigned char)subject[i]]];
		if (state >= 4)	/* the NUL always gets here */
			return state == 4;
	}
	/* No NUL in the buffer: the subject ends here. */
	return gen_regex_1_next[state][gen_regex_1_class[0]] == 4;
}

/* =~ "[0-9]+$" */
static const uint8_t gen_regex_2_class[256] = {
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* Live states 0..1; 2: matched; 3: cannot match. */
static const uint8_t gen_regex_2_next[2][3] = {
	{ 3, 0, 1 },
	{ 2, 0, 1 },
};

static int64_t gen_regex_2(struct context *c, const char *subject)
{
	unsigned state = 0, i;

	(void)c;
	for (i = 0; i < MAXSTRINGLEN - 1; i++) {
		state = gen_regex_2_next[state][gen_regex_2_class[(unsigned char)subject[i]]];
		if (state >= 2)	/* the NUL always gets here */
			return state == 2;
	}
	/* No NUL in the buffer: the subject ends here. */
	return gen_regex_2_next[state][gen_regex_2_class[0]] == 2;
}

/* ---- functions ---- */

/* ---- probe handlers ---- */
/* begin at regex.stp:2:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 's' at regex.stp:3:3", out);
(void)(({ const char *__v = ("hello world"); if (__v != l->l_s) strlcpy(l->l_s, __v, MAXSTRINGLEN); (const char *)l->l_s; }));
STP_ACTIONS(1, "keyword at regex.stp:4:3", out);
if (((int64_t)((gen_regex_1(c, l->l_s)) && (((int64_t)!gen_regex_2(c, l->l_s)))))) {
STP_ACTIONS(1, "identifier 'println' at regex.stp:4:40", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = ("match") } }, 1));
}
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
			.location = "regex.stp:2:1",
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
	.name = "regex.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

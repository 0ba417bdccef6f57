/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct f_error_0_frame {
	string_t a_msg;
};
struct probe_0_locals {
	string_t l_m;
};

union gen_frames {
	struct f_error_0_frame f_error_0;
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */
static void f_error_0(struct context *c);

/* error:unknown (msg:string) at TAPSETS/logging.stp:74:10 */
/* (body from the tapset) */

/* ---- probe handlers ---- */
/* begin at try_catch.stp:2:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "keyword at try_catch.stp:5:3", out);
{
{
STP_ACTIONS(1, "keyword at try_catch.stp:5:9", catch_1);
{
{
STP_ACTIONS(1, "identifier 'error' at try_catch.stp:5:15", catch_2);
(void)(({ const char *__a0 = ("inner");    struct f_error_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'error' at TAPSETS/logging.stp:74:10"; goto catch_2; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_error_0;
   strlcpy(__f->a_msg, __a0, MAXSTRINGLEN);
   c->nesting++;
   f_error_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto catch_2;
   (void)0; }));
}
goto try_end_2;
catch_2:
if (c->aborted) goto out;
stp_catch(c, NULL);
{
STP_ACTIONS(1, "identifier 'error' at try_catch.stp:5:40", catch_1);
(void)(({ const char *__a0 = ("outer");    struct f_error_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'error' at TAPSETS/logging.stp:74:10"; goto catch_1; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_error_0;
   strlcpy(__f->a_msg, __a0, MAXSTRINGLEN);
   c->nesting++;
   f_error_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto catch_1;
   (void)0; }));
}
try_end_2: ;
}
}
goto try_end_1;
catch_1:
if (c->aborted) goto out;
stp_catch(c, l->l_m);
{
STP_ACTIONS(1, "identifier 'println' at try_catch.stp:5:71", out);
(void)(stp_printf(c, "%s\n", (const union stp_arg[]){ { .s = (l->l_m) } }, 1));
}
try_end_1: ;
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
			.location = "try_catch.stp:2:1",
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
	.name = "try_catch.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

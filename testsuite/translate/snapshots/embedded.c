/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct f_seven_0_frame {
	int64_t retval;
};
struct probe_0_locals {
	char unused;
};

union gen_frames {
	struct f_seven_0_frame f_seven_0;
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */
static void f_seven_0(struct context *c);

/* seven:long () at embedded.stp:4:10 */
static void f_seven_0(struct context *c)
{
	struct f_seven_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_seven_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'seven' at embedded.stp:4:10";
	(void)l;
#define CONTEXT c
#define THIS l
#define STAP_RETVALUE (l->retval)
#define STAP_RETURN(v) do { STAP_RETVALUE = (v); goto out; } while (0)
	{
#line 4 "embedded.stp"
 STAP_RETVALUE = STAP5_SNAPSHOT; 
	}
	goto out;
deref_fault: __attribute__((unused));
	if (!c->last_error) c->last_error = "read fault [man error::fault]";
out: __attribute__((unused));
	;
#undef CONTEXT
#undef THIS
#undef STAP_RETURN
#undef STAP_RETVALUE
}

/* ---- probe handlers ---- */
/* begin at embedded.stp:5:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'println' at embedded.stp:5:15", out);
(void)(stp_printf(c, "%d\n", (const union stp_arg[]){ { .n = (((({    struct f_seven_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'seven' at embedded.stp:4:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_seven_0;
   c->nesting++;
   f_seven_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) + (((int64_t)( 1 ))))) } }, 1));
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
			.location = "embedded.stp:5:1",
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
	.name = "embedded.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

/* ---- globals ---- */

/* ---- locals: probe and function frames (in the context, not the stack) ---- */
struct f_fib_0_frame {
	int64_t a_n;
	int64_t retval;
};
struct f_greet_0_frame {
	string_t a_who;
	string_t retval;
	string_t t1;
};
struct f_pick_0_frame {
	int64_t a_x;
	int64_t retval;
};
struct f_pick_1_frame {
	int64_t a_x;
	int64_t retval;
};
struct f_pick_2_frame {
	int64_t retval;
};
struct probe_0_locals {
	string_t t1;
};

union gen_frames {
	struct f_fib_0_frame f_fib_0;
	struct f_greet_0_frame f_greet_0;
	struct f_pick_0_frame f_pick_0;
	struct f_pick_1_frame f_pick_1;
	struct f_pick_2_frame f_pick_2;
	struct probe_0_locals probe_0;
	char unused;
};

/* ---- regular expression matchers (=~) ---- */

/* ---- functions ---- */
static void f_fib_0(struct context *c);
static void f_greet_0(struct context *c);
static void f_pick_0(struct context *c);
static void f_pick_1(struct context *c);
static void f_pick_2(struct context *c);

/* fib:long (n:long) at functions.stp:3:10 */
static void f_fib_0(struct context *c)
{
	struct f_fib_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_fib_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'fib' at functions.stp:3:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at functions.stp:3:19", out);
if (((int64_t)((l->a_n) < (((int64_t)2LL))))) {
STP_ACTIONS(1, "keyword at functions.stp:3:30", out);
{ l->retval = l->a_n; goto out; }
}
STP_ACTIONS(1, "keyword at functions.stp:3:40", out);
{ l->retval = ((({ int64_t __a0 = (((l->a_n) - (((int64_t)1LL))));    struct f_fib_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'fib' at functions.stp:3:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_fib_0;
   __f->a_n = __a0;
   c->nesting++;
   f_fib_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) + (({ int64_t __a0 = (((l->a_n) - (((int64_t)2LL))));    struct f_fib_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'fib' at functions.stp:3:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_fib_0;
   __f->a_n = __a0;
   c->nesting++;
   f_fib_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; }))); goto out; }
}
out: __attribute__((unused));
	;
}

/* greet:string (who:string) at functions.stp:4:10 */
static void f_greet_0(struct context *c)
{
	struct f_greet_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_greet_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'greet' at functions.stp:4:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at functions.stp:4:37", out);
{ strlcpy(l->retval, ({ const char *__a = ("hello "), *__b = (l->a_who);
   if (__a != l->t1) strlcpy(l->t1, __a, MAXSTRINGLEN);
   strlcat(l->t1, __b, MAXSTRINGLEN); (const char *)l->t1; }), MAXSTRINGLEN); goto out; }
}
out: __attribute__((unused));
	;
}

/* pick:long (x:long) at functions.stp:5:10 */
static void f_pick_0(struct context *c)
{
	struct f_pick_0_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_pick_0;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'pick' at functions.stp:5:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at functions.stp:5:20", out);
if (((int64_t)((l->a_x) > (((int64_t)1LL))))) {
STP_ACTIONS(1, "keyword at functions.stp:5:31", out);
{ c->next = 1; goto out; }
}
STP_ACTIONS(1, "keyword at functions.stp:5:37", out);
{ l->retval = ((int64_t)1LL); goto out; }
}
out: __attribute__((unused));
	;
}

/* pick:long (x:long) at functions.stp:6:10 */
static void f_pick_1(struct context *c)
{
	struct f_pick_1_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_pick_1;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'pick' at functions.stp:6:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at functions.stp:6:20", out);
{ l->retval = ((int64_t)2LL); goto out; }
}
out: __attribute__((unused));
	;
}

/* pick:long () at functions.stp:7:10 */
static void f_pick_2(struct context *c)
{
	struct f_pick_2_frame *l = &STP_LOCALS(c, union gen_frames)[c->nesting + 1].f_pick_2;

	/* As in stap: an error inside is reported near the function itself. */
	c->last_stmt = "identifier 'pick' at functions.stp:7:10";
	(void)l;
{
STP_ACTIONS(1, "keyword at functions.stp:7:19", out);
{ l->retval = ((int64_t)0LL); goto out; }
}
out: __attribute__((unused));
	;
}

/* ---- probe handlers ---- */
/* begin at functions.stp:8:1 */
static void probe_0(struct context *c)
{
	struct probe_0_locals *l = &STP_LOCALS(c, union gen_frames)[0].probe_0;

	memset(l, 0, sizeof(*l));
{
STP_ACTIONS(1, "identifier 'println' at functions.stp:8:15", out);
(void)(stp_printf(c, "%d%s%d%d\n", (const union stp_arg[]){ { .n = (({ int64_t __a0 = (((int64_t)10LL));    struct f_fib_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'fib' at functions.stp:3:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_fib_0;
   __f->a_n = __a0;
   c->nesting++;
   f_fib_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) }, { .s = (({ const char *__a0 = ("you");    struct f_greet_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'greet' at functions.stp:4:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_greet_0;
   strlcpy(__f->a_who, __a0, MAXSTRINGLEN);
   c->nesting++;
   f_greet_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   strlcpy(l->t1, __f->retval, MAXSTRINGLEN), (const char *)l->t1; })) }, { .n = (({ int64_t __a0 = (((int64_t)5LL));    struct f_pick_0_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'pick' at functions.stp:5:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_pick_0;
   __f->a_x = __a0;
   c->nesting++;
   f_pick_0(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) }, { .n = (({    struct f_pick_2_frame *__f;
   if (unlikely(c->nesting + 1 >= MAXNESTING)) { c->last_error = "MAXNESTING exceeded"; c->last_stmt = "identifier 'pick' at functions.stp:7:10"; goto out; }
   __f = &STP_LOCALS(c, union gen_frames)[c->nesting + 2].f_pick_2;
   c->nesting++;
   f_pick_2(c);
   c->nesting--;
   if (unlikely(c->last_error || c->aborted)) goto out;
   __f->retval; })) } }, 4));
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
			.location = "functions.stp:8:1",
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
	.name = "functions.stp",
	.locals_size = sizeof(union gen_frames) * (MAXNESTING + 1),
	.be_probes = gen_be_probes,
	.nbe_probes = ARRAY_SIZE(gen_be_probes),
	.register_probes = gen_register_probes,
	.unregister_probes = gen_unregister_probes,
	.globals_init = gen_globals_init,
	.globals_free = gen_globals_free,
};

STP_MODULE(gen_script);

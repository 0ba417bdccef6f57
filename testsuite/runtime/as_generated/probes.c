/*
 * probes.stp, translated by hand the way the stap5 translator generates C
 * (see script.c for the full tour; this one is about probe kinds).
 */

#ifndef MAXNESTING
#define MAXNESTING 2
#endif

#include "runtime.h"

static struct stp_globals {
	int64_t mode;
	stp_rwlock_t mode_lock;
	int64_t reads;
	stp_rwlock_t reads_lock;
	struct stp_map *readers;	/* [string] long */
	stp_rwlock_t readers_lock;
	int64_t returns, missing, statements, in_module;
	stp_rwlock_t returns_lock, missing_lock, statements_lock, in_module_lock;
	int64_t jticks, profiles, hrticks, lines, busy;
	stp_rwlock_t jticks_lock, profiles_lock, hrticks_lock, lines_lock, busy_lock;
} stp_global;

#define G (&stp_global)

STP_GLOBAL_PARAM_LONG(mode, stp_global.mode);

/* Test only: the address for kprobe.statement(STMT_ADDR).absolute. */
static unsigned long stmt_addr;
module_param(stmt_addr, ulong, 0);

union stp_function_frames {
	struct { string_t __retvalue; } execname;
	struct { string_t value; } procfs_value;
};

struct stp_locals {
	union stp_function_frames fn[MAXNESTING + 1];
};

#define CALLEE(c) (&STP_LOCALS(c, struct stp_locals)->fn[(c)->nesting + 1])
#define PRINTF(fmt, ...) do {						\
	const union stp_arg __a[] = { __VA_ARGS__ };			\
	stp_printf(c, fmt, __a, ARRAY_SIZE(__a));			\
} while (0)
#define N(v) { .n = (v) }

/* ---- tapset functions ---- */

static void function_execname(struct context *c)
{
	typeof(CALLEE(c)->execname) *THIS = &CALLEE(c)->execname;

	STP_FUNCTION_ENTER("identifier 'execname' at tapset/context.stp:17:10");
	stp_execname(THIS->__retvalue);
	STP_FUNCTION_LEAVE();
}

static void function_exit(struct context *c)
{
	STP_FUNCTION_ENTER("identifier 'exit' at tapset/logging.stp:52:10");
	stp_exit();
	STP_FUNCTION_LEAVE();
}

static void function_procfs_value_set(struct context *c)
{
	typeof(CALLEE(c)->procfs_value) *THIS = &CALLEE(c)->procfs_value;

	STP_FUNCTION_ENTER("identifier '$value' at probes.stp:23:54");
	stp_procfs_value_set(c, THIS->value, false);
	STP_FUNCTION_LEAVE();
}

/* ---- probe handlers ---- */

/* kprobe.function("ksys_read") { if (mode == 1) { reads++; readers[execname()]++ } } */
static void probe_ksys_read(struct context *c)
{
	if (G->mode == 1) {
		G->reads++;
		function_execname(c);
		STP_CHECK(out);
		{
			const union stp_arg key[] = { { .s = CALLEE(c)->execname.__retvalue } };

			c->last_stmt = "identifier 'readers' at probes.stp:9:63";
			if (stp_map_add_long(G->readers, key, 1, NULL))
				STP_RAISE(STP_ERR_MAP_OVERFLOW, c->last_stmt, out);
		}
	}
out:
	;
}

static void probe_ksys_read_return(struct context *c)
{
	if (G->mode == 1)
		G->returns++;
}

static void probe_missing(struct context *c)
{
	G->missing++;
}

static void probe_statement(struct context *c)
{
	if (G->mode == 1)
		G->statements++;
}

static void probe_in_module(struct context *c)
{
	if (G->mode == 1)
		G->in_module++;
}

static void probe_jiffies(struct context *c)
{
	if (G->mode == 2 && ++G->jticks == 5) {
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 8) {
		int64_t q;

		G->jticks++;
		q = stp_div64_checked(&c->last_error, G->jticks, G->jticks - G->jticks);
		if (unlikely(c->last_error))
			STP_RAISE(c->last_error, "operator '/' at probes.stp:15:134", out);
		PRINTF("%d\n", N(q));
	}
out:
	;
}

static void probe_profile(struct context *c)
{
	if (G->mode == 3 && ++G->profiles == 20) {
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 6) {
		G->lines++;
		PRINTF("line %d cpu %d\n", N(G->lines), N(stp_cpu()));
		if (G->lines == 400) {
			function_exit(c);
			STP_CHECK(out);
		}
	}
	if (G->mode == 7) {
		int64_t i;

		for (i = 0; i < 3000; i++) {
			STP_ACTIONS(2, "identifier 'busy' at probes.stp:19:51", out);
			G->busy++;
		}
	}
out:
	;
}

static void probe_hrtimer(struct context *c)
{
	if (G->mode == 4 && ++G->hrticks == 10) {
		function_exit(c);
		STP_CHECK(out);
	}
out:
	;
}

static void probe_procfs_big(struct context *c)
{
	if (G->mode == 5) {
		strscpy(CALLEE(c)->procfs_value.value, "0123456789", MAXSTRINGLEN);
		function_procfs_value_set(c);
		STP_CHECK(out);
	}
out:
	;
}

static void probe_end(struct context *c)
{
	if (G->mode == 1) {
		const union stp_arg cat[] = { { .s = "cat" } };

		PRINTF("reads %d returns %d cat %d statements %d module %d missing %d\n",
		       N(G->reads > 0), N(G->returns > 0),
		       N(stp_map_get_long(G->readers, cat) > 0), N(G->statements > 0),
		       N(G->in_module > 0), N(G->missing));
	}
	if (G->mode == 2)
		PRINTF("jiffies %d\n", N(G->jticks));
	if (G->mode == 3)
		PRINTF("profile %d\n", N(G->profiles));
	if (G->mode == 4)
		PRINTF("hrtimer %d\n", N(G->hrticks));
}

/* ---- probe table ---- */

#define R(g) { &stp_global.g##_lock, false }
#define W(g) { &stp_global.g##_lock, true }
static const struct stp_probe_lock locks_ksys_read[] = { R(mode), W(reads), W(readers) };
static const struct stp_probe_lock locks_return[] = { R(mode), W(returns) };
static const struct stp_probe_lock locks_missing[] = { W(missing) };
static const struct stp_probe_lock locks_statement[] = { R(mode), W(statements) };
static const struct stp_probe_lock locks_in_module[] = { R(mode), W(in_module) };
static const struct stp_probe_lock locks_jiffies[] = { R(mode), W(jticks) };
static const struct stp_probe_lock locks_profile[] = { R(mode), W(profiles), W(lines), W(busy) };
static const struct stp_probe_lock locks_hrtimer[] = { R(mode), W(hrticks) };
static const struct stp_probe_lock locks_mode[] = { R(mode) };
static const struct stp_probe_lock locks_end[] = {
	R(mode), R(reads), R(readers), R(returns), R(missing), R(statements),
	R(in_module), R(jticks), R(profiles), R(hrticks), R(lines),
};
#undef R
#undef W
#define LOCKS(a) .locks = (a), .nlocks = ARRAY_SIZE(a)

static struct stp_probe stp_probes[] = {
	{ .kind = STP_PROBE_KPROBE, .handler = probe_ksys_read,
	  .pp = "kprobe.function(\"ksys_read\")", .location = "probes.stp:9:1",
	  LOCKS(locks_ksys_read), .u.kprobe = { .symbol = "ksys_read" } },
	{ .kind = STP_PROBE_KRETPROBE, .handler = probe_ksys_read_return,
	  .pp = "kprobe.function(\"ksys_read\").return.maxactive(8)",
	  .location = "probes.stp:10:1", LOCKS(locks_return),
	  .u.kprobe = { .symbol = "ksys_read", .maxactive = 8 } },
	{ .kind = STP_PROBE_KPROBE, .handler = probe_missing,
	  .pp = "kprobe.function(\"stap5_no_such_function\")", .location = "probes.stp:11:1",
	  LOCKS(locks_missing), .u.kprobe = { .symbol = "stap5_no_such_function" } },
	{ .kind = STP_PROBE_KPROBE, .handler = probe_statement,
	  .pp = "kprobe.statement(STMT_ADDR).absolute", .location = "probes.stp:12:1",
	  LOCKS(locks_statement), .u.kprobe = { .addr = 0 /* stmt_addr, set below */ } },
	{ .kind = STP_PROBE_KPROBE, .handler = probe_in_module,
	  .pp = "kprobe.module(\"9p\").function(\"v9fs_file_read_iter\")",
	  .location = "probes.stp:13:1", LOCKS(locks_in_module),
	  .u.kprobe = { .module = "9p", .symbol = "v9fs_file_read_iter" } },
	{ .kind = STP_PROBE_JIFFIES, .handler = probe_jiffies,
	  .pp = "timer.jiffies(2).randomize(1)", .location = "probes.stp:15:1",
	  LOCKS(locks_jiffies), .u.jiffies = { .interval = 2, .randomize = 1 } },
	{ .kind = STP_PROBE_PROFILE, .handler = probe_profile,
	  .pp = "perf.type(1).config(0).sample(1000000)", .location = "probes.stp:16:1",
	  LOCKS(locks_profile) },
	{ .kind = STP_PROBE_HRTIMER, .handler = probe_hrtimer,
	  .pp = "timer.us(500).randomize(100)", .location = "probes.stp:21:1",
	  LOCKS(locks_hrtimer),
	  .u.hrtimer = { .interval = 500 * NSEC_PER_USEC, .randomize = 100 * NSEC_PER_USEC } },
	{ .kind = STP_PROBE_PROCFS_READ, .handler = probe_procfs_big,
	  .pp = "procfs(\"big\").read.maxsize(8)", .location = "probes.stp:23:1",
	  LOCKS(locks_mode), .u.procfs = { .path = "big", .maxsize = 8 } },
	{ .kind = STP_PROBE_END, .handler = probe_end, .pp = "end",
	  .location = "probes.stp:25:1", LOCKS(locks_end) },
};

static void stp_globals_free(void)
{
	stp_map_del(G->readers);
}

static int stp_globals_init(void)
{
	rwlock_init(&G->mode_lock);
	rwlock_init(&G->reads_lock);
	rwlock_init(&G->readers_lock);
	rwlock_init(&G->returns_lock);
	rwlock_init(&G->missing_lock);
	rwlock_init(&G->statements_lock);
	rwlock_init(&G->in_module_lock);
	rwlock_init(&G->jticks_lock);
	rwlock_init(&G->profiles_lock);
	rwlock_init(&G->hrticks_lock);
	rwlock_init(&G->lines_lock);
	rwlock_init(&G->busy_lock);
	G->readers = stp_map_new("s", 'i', MAXMAPENTRIES, false, NULL);
	if (!G->readers)
		return -ENOMEM;
	stp_probes[3].u.kprobe.addr = stmt_addr;	/* test only */
	return 0;
}

static const struct stp_script stp_script_desc = {
	.name = "probes.stp",
	.locals_size = sizeof(struct stp_locals),
	.probes = stp_probes,
	.nprobes = ARRAY_SIZE(stp_probes),
	.globals_init = stp_globals_init,
	.globals_free = stp_globals_free,
};

STP_MODULE(stp_script_desc);

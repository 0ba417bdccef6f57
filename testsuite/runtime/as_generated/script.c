/*
 * script.stp, translated by hand exactly the way the stap5 translator is to
 * generate C for the runtime (runtime/README.md is the contract; this file is
 * its worked example and its test). Locations in messages ("at
 * script.stp:94:27") and the pp strings are what the translator would embed.
 *
 * Sections, in the order a generated file has them:
 *   limits, #include "runtime.h", globals, locals, tapset functions
 *   (embedded C), script functions, probe handlers, probe table, globals
 *   init/free, STP_MODULE.
 */

/* Derived by the translator from the call graph; -DMAXNESTING overrides. */
#ifndef MAXNESTING
#define MAXNESTING 4
#endif

#include "runtime.h"

/* ---- globals ---------------------------------------------------------- */

static struct stp_globals {
	int64_t mode;
	stp_rwlock_t mode_lock;
	int64_t ticks;
	stp_rwlock_t ticks_lock;
	string_t saved;
	stp_rwlock_t saved_lock;
	struct stp_map *small;		/* [long] long, size 3 */
	stp_rwlock_t small_lock;
	struct stp_map *words;		/* [string] long */
	stp_rwlock_t words_lock;
	struct stp_map *pairs;		/* [long, string] long */
	stp_rwlock_t pairs_lock;
	struct stp_pmap *stats;		/* [long] stat */
	stp_rwlock_t stats_lock;
	struct stp_pmap *sq;		/* [long] stat, @hist_log */
	stp_rwlock_t sq_lock;
	struct stp_stat *s, *t;		/* @variance */
	stp_rwlock_t s_lock, t_lock;
	struct stp_pmap *m;		/* [string] stat, @variance */
	stp_rwlock_t m_lock;
	struct stp_stat *hl, *hln, *hll, *hlu, *hlo, *empty;
	stp_rwlock_t hl_lock, hln_lock, hll_lock, hlu_lock, hlo_lock, empty_lock;
} stp_global;

#define G (&stp_global)

/* stap -G mode=N, or: staprun5 script.ko mode=N */
STP_GLOBAL_PARAM_LONG(mode, stp_global.mode);

/* ---- locals ----------------------------------------------------------- */

/* A frame per probe (one probe at a time runs on a context) ... */
union stp_probe_frames {
	struct {
		string_t msg;
		int64_t i;
	} probe_begin;
};

/* ... and per function call level (index c->nesting + 1): the caller writes
 * the arguments into the callee's frame, and reads the result back. */
union stp_function_frames {
	struct { string_t x; } formats;
	struct { string_t k; int64_t i, j, n, count;
		 struct stp_map_node *it; struct stp_map *agg; } maps;
	struct { int64_t i, k; struct stp_map_node *it; struct stp_map *agg; } aggregates;
	struct { string_t a, b, c, d; } strings;
	struct { int64_t i; } lots;
	struct { int64_t a; } memory;
	struct { int64_t retval; } text_address;
	/* tapset functions */
	struct { string_t s; int64_t __retvalue; } strlen_;
	struct { string_t str; int64_t start, length; char *__retvalue; } substr;
	struct { string_t s1, s2; int64_t __retvalue; } isinstr;
	struct { string_t s1, s2; int64_t __retvalue; } strpos;
	struct { string_t prnt_str, srch_str, rplc_str; char *__retvalue; } str_replace;
	struct { string_t input; char *__retvalue; } text_str;
	struct { string_t input; int64_t len, quoted; char *__retvalue; } text_strn;
	struct { string_t str; char *__retvalue; } string_quoted;
	struct { string_t str; int64_t base, __retvalue; } strtol;
	struct { string_t input, delim; char *__retvalue; } tokenize;
	struct { string_t msg; } error;
	struct { string_t msg; } warn;
	struct { int64_t __retvalue; } target;
	struct { string_t value; } procfs_value;
};

struct stp_locals {
	union stp_probe_frames probe;
	union stp_function_frames fn[MAXNESTING + 1];
};

#define PROBE_LOCALS(c) (&STP_LOCALS(c, struct stp_locals)->probe)
/* The frame of the function about to be called. */
#define CALLEE(c) (&STP_LOCALS(c, struct stp_locals)->fn[(c)->nesting + 1])

/* printf statements: the arguments as an array of union stp_arg. */
#define PRINTF(fmt, ...) do {						\
	const union stp_arg __a[] = { __VA_ARGS__ };			\
	stp_printf(c, fmt, __a, ARRAY_SIZE(__a));			\
} while (0)
#define N(v) { .n = (v) }
#define S(v) { .s = (v) }

/* ---- tapset functions ---------------------------------------------------
 * Each embedded-C function gets a frame and CONTEXT / THIS / STAP_ARG_* /
 * STAP_RETVALUE / STAP_RETURN around its %{ %} body, as in stap. */

static void function_exit(struct context *c)
{
	STP_FUNCTION_ENTER("identifier 'exit' at tapset/logging.stp:52:10");
#define CONTEXT c
	{
		atomic_set(session_state(), STAP_SESSION_STOPPING);
		_stp_exit();
	}
#undef CONTEXT
	STP_FUNCTION_LEAVE();
}

static void function_abort(struct context *c)
{
	STP_FUNCTION_ENTER("identifier 'abort' at tapset/logging.stp:69:10");
	stp_abort(c);
	STP_FUNCTION_LEAVE();
}

static void function_error(struct context *c)
{
	typeof(CALLEE(c)->error) *THIS = &CALLEE(c)->error;

	STP_FUNCTION_ENTER("identifier 'error' at tapset/logging.stp:89:10");
#define CONTEXT c
#define STAP_ARG_msg THIS->msg
	{
		strlcpy(CONTEXT->error_buffer, STAP_ARG_msg, MAXSTRINGLEN);
		CONTEXT->last_error = CONTEXT->error_buffer;
		CONTEXT->last_stmt = NULL;
	}
#undef STAP_ARG_msg
#undef CONTEXT
	STP_FUNCTION_LEAVE();
}

static void function_warn(struct context *c)
{
	typeof(CALLEE(c)->warn) *THIS = &CALLEE(c)->warn;

	STP_FUNCTION_ENTER("identifier 'warn' at tapset/logging.stp:38:10");
	_stp_warn("%s", THIS->msg);
	STP_FUNCTION_LEAVE();
}

static void function_target(struct context *c)
{
	typeof(CALLEE(c)->target) *THIS = &CALLEE(c)->target;

	STP_FUNCTION_ENTER("identifier 'target' at tapset/context.stp:120:10");
	THIS->__retvalue = stp_target();
	STP_FUNCTION_LEAVE();
}

static void function_strlen(struct context *c)
{
	typeof(CALLEE(c)->strlen_) *THIS = &CALLEE(c)->strlen_;

	STP_FUNCTION_ENTER("identifier 'strlen' at tapset/string.stp:17:10");
#define STAP_ARG_s THIS->s
#define STAP_RETVALUE THIS->__retvalue
#define STAP_RETURN(v) do { STAP_RETVALUE = (int64_t)(v); goto out; } while (0)
	{
		STAP_RETURN(strlen(STAP_ARG_s));
	}
#undef STAP_RETURN
#undef STAP_RETVALUE
#undef STAP_ARG_s
out:
	STP_FUNCTION_LEAVE();
}

static void function_substr(struct context *c)
{
	typeof(CALLEE(c)->substr) *THIS = &CALLEE(c)->substr;

	STP_FUNCTION_ENTER("identifier 'substr' at tapset/string.stp:34:10");
	stp_substr(THIS->__retvalue, THIS->str, THIS->start, THIS->length);
	STP_FUNCTION_LEAVE();
}

static void function_isinstr(struct context *c)
{
	typeof(CALLEE(c)->isinstr) *THIS = &CALLEE(c)->isinstr;

	STP_FUNCTION_ENTER("identifier 'isinstr' at tapset/string.stp:72:10");
	THIS->__retvalue = stp_isinstr(THIS->s1, THIS->s2);
	STP_FUNCTION_LEAVE();
}

static void function_strpos(struct context *c)
{
	typeof(CALLEE(c)->strpos) *THIS = &CALLEE(c)->strpos;

	STP_FUNCTION_ENTER("identifier 'strpos' at tapset/string.stp:87:10");
	THIS->__retvalue = stp_strpos(THIS->s1, THIS->s2);
	STP_FUNCTION_LEAVE();
}

static void function_str_replace(struct context *c)
{
	typeof(CALLEE(c)->str_replace) *THIS = &CALLEE(c)->str_replace;

	STP_FUNCTION_ENTER("identifier 'str_replace' at tapset/string.stp:151:10");
	stp_str_replace(THIS->__retvalue, THIS->prnt_str, THIS->srch_str, THIS->rplc_str);
	STP_FUNCTION_LEAVE();
}

static void function_text_str(struct context *c)
{
	typeof(CALLEE(c)->text_str) *THIS = &CALLEE(c)->text_str;

	STP_FUNCTION_ENTER("identifier 'text_str' at tapset/string.stp:103:10");
	if (_stp_text_str(THIS->__retvalue, THIS->input, 0, 0, 0, 0, 0) < 0)
		THIS->__retvalue[0] = '\0';
	STP_FUNCTION_LEAVE();
}

static void function_text_strn(struct context *c)
{
	typeof(CALLEE(c)->text_strn) *THIS = &CALLEE(c)->text_strn;
	int64_t len;

	STP_FUNCTION_ENTER("identifier 'text_strn' at tapset/string.stp:131:10");
	len = clamp_t(int64_t, THIS->len, 0, MAXSTRINGLEN);
	if (_stp_text_str(THIS->__retvalue, THIS->input, 0, len, THIS->quoted, 0, 0) < 0)
		THIS->__retvalue[0] = '\0';
	STP_FUNCTION_LEAVE();
}

static void function_string_quoted(struct context *c)
{
	typeof(CALLEE(c)->string_quoted) *THIS = &CALLEE(c)->string_quoted;

	STP_FUNCTION_ENTER("identifier 'string_quoted' at tapset/string.stp:213:10");
	_stp_text_str(THIS->__retvalue, THIS->str, MAXSTRINGLEN, MAXSTRINGLEN, 1, 0, 0);
	STP_FUNCTION_LEAVE();
}

static void function_strtol(struct context *c)
{
	typeof(CALLEE(c)->strtol) *THIS = &CALLEE(c)->strtol;

	STP_FUNCTION_ENTER("identifier 'strtol' at tapset/string.stp:184:10");
	THIS->__retvalue = stp_strtol(THIS->str, THIS->base);
	STP_FUNCTION_LEAVE();
}

static void function_tokenize(struct context *c)
{
	typeof(CALLEE(c)->tokenize) *THIS = &CALLEE(c)->tokenize;

	STP_FUNCTION_ENTER("identifier 'tokenize' at tapset/tokenize.stp:42:10");
	stp_tokenize(c, THIS->__retvalue, THIS->input, THIS->delim);
	STP_FUNCTION_LEAVE();
}

/* $value = ... in procfs read probes (synthesized by the translator). */
static void function_procfs_value_set(struct context *c)
{
	typeof(CALLEE(c)->procfs_value) *THIS = &CALLEE(c)->procfs_value;

	STP_FUNCTION_ENTER("identifier '$value' at script.stp:120:45");
	stp_procfs_value_set(c, THIS->value, false);
	STP_FUNCTION_LEAVE();
}

/* $value in procfs write probes. */
static void function_procfs_value_get(struct context *c)
{
	typeof(CALLEE(c)->procfs_value) *THIS = &CALLEE(c)->procfs_value;

	STP_FUNCTION_ENTER("identifier '$value' at script.stp:121:62");
	stp_procfs_value_get(c, THIS->value);
	STP_FUNCTION_LEAVE();
}

/* ---- script functions ------------------------------------------------- */

static void function_formats(struct context *c)
{
	typeof(CALLEE(c)->formats) *l = &CALLEE(c)->formats;

	STP_FUNCTION_ENTER("identifier 'formats' at script.stp:8:10");
	l->x[0] = '\0';
	STP_ACTIONS(19, "identifier 'printf' at script.stp:9:3", out);
	PRINTF("[%d][%i][%u][%x][%X][%o]\n", N(-42), N(42), N(-1), N(255), N(255), N(8));
	PRINTF("[%5d][%-5d][%05d][%+d][% d][%+5d]\n", N(42), N(42), N(42), N(42), N(42), N(-42));
	PRINTF("[%#x][%#X][%#o][%#o][%#x][%p][%p][%20p][%-20p]\n", N(255), N(255), N(8),
	       N(0), N(0), N(0), N(255), N(4096), N(4096));
	PRINTF("[%.3d][%8.3d][%-8.3d][%08.3d][%.0d][%.d]\n", N(7), N(7), N(7), N(7), N(0), N(0));
	PRINTF("[%s][%10s][%-10s][%.2s][%10.2s][%-10.2s][%.0s][%*s][%-*s][%*d]\n",
	       S("abc"), S("abc"), S("abc"), S("abc"), S("abc"), S("abc"), S("abc"),
	       N(6), S("ab"), N(6), S("ab"), N(-4), N(3));
	PRINTF("[%c][%5c][%-5c][%#c][%#c][%#c][%#c][%c]\n", N(65), N(66), N(67), N(10),
	       N(39), N(92), N(1), N(256 + 65));
	PRINTF("[%%][%d][%ld]\n", N(1), N(2));
	PRINTF("[%x][%o][%u][%d]\n", N(-1), N(-1), N(-9223372036854775807LL - 1),
	       N(-9223372036854775807LL - 1));
	PRINTF("[%*.*d][%.*s][%-*d]\n", N(8), N(4), N(33), N(2), S("hello"), N(5), N(1));
	PRINTF("%b|%1b|%2b|%4b|%8b|%.2b|%4.2b|%-4.2b|\n", N(0x41424344), N(65), N(0x4142),
	       N(0x41424344), N(0x41), N(0x4142), N(0x41), N(0x41));
	PRINTF("[%0s][%05s][%-05s]\n", S("x"), S("yy"), S("z"));
	PRINTF("[%#5x][%#05x][%-05d][% 05d][%+05d][%+.3d]\n", N(10), N(10), N(9), N(7), N(7), N(7));
	PRINTF("[%#c][%#c][%#c]\n", N(200), N(34), N(7));
	{	/* x = sprintf("%s-%d-%x", "a", 5, 255) */
		const union stp_arg a[] = { S("a"), N(5), N(255) };

		stp_sprintf(c, l->x, MAXSTRINGLEN, "%s-%d-%x", a, ARRAY_SIZE(a));
	}
	PRINTF("%s\n", S(l->x));
	{	/* println(strlen(sprintf("%600d", 1))) */
		const union stp_arg a[] = { N(1) };

		stp_sprintf(c, CALLEE(c)->strlen_.s, MAXSTRINGLEN, "%600d", a, ARRAY_SIZE(a));
		function_strlen(c);
		STP_CHECK(out);
		PRINTF("%d\n", N(CALLEE(c)->strlen_.__retvalue));
	}
	{	/* println(sprintf("%c%c", 104, 105)) */
		const union stp_arg a[] = { N(104), N(105) };
		string_t tmp;

		stp_sprintf(c, tmp, MAXSTRINGLEN, "%c%c", a, ARRAY_SIZE(a));
		PRINTF("%s\n", S(tmp));
	}
	stp_print_int(c, 1);		/* print(1, "a", 2, "\n") */
	stp_print_str(c, "a");
	stp_print_int(c, 2);
	stp_print_str(c, "\n");
	PRINTF("%s%d%s\n", S("a"), N(1), S("b"));
out:
	STP_FUNCTION_LEAVE();
}

/* The body of foreach (w in words) printf("%s=%d ", w, words[w]) */
static void print_word(struct context *c, struct stp_map_node *n)
{
	PRINTF("%s=%d ", S(stp_map_node_key_str(G->words, n, 0)),
	       N(stp_map_node_long(G->words, n)));
}

static void function_maps(struct context *c)
{
	typeof(CALLEE(c)->maps) *l = &CALLEE(c)->maps;
	static const char *const keys[] = { "z", "b", "m", "a", "q" };
	static const int64_t vals[] = { 1, 5, 3, 5, 2 };
	/* The eight foreach loops over words: sort column, direction, limit. */
	static const struct { int column, dir; int64_t limit; bool sort; } loops[] = {
		{ 0, 0, 0, false },			/* w in words */
		{ 0, STP_SORT_DESC, 0, true },		/* w in words- */
		{ 0, STP_SORT_ASC, 2, true },		/* w in words+ limit 2 */
		{ 0, 0, 0, false },			/* w in words */
		{ 1, STP_SORT_ASC, 0, true },		/* w+ in words */
		{ 1, STP_SORT_DESC, 3, true },		/* w- in words limit 3 */
		{ 0, 0, 0, false },			/* w in words */
	};
	unsigned idx;

	STP_FUNCTION_ENTER("identifier 'maps' at script.stp:30:10");
	l->k[0] = '\0';
	l->i = l->j = l->n = 0;

	for (idx = 0; idx < ARRAY_SIZE(keys); idx++) {
		const union stp_arg key[] = { S(keys[idx]) };

		if (stp_map_set_long(G->words, key, vals[idx]))
			STP_RAISE(STP_ERR_MAP_OVERFLOW, "identifier 'words' at script.stp:31:3", out);
	}
	for (idx = 0; idx < ARRAY_SIZE(loops); idx++) {
		if (loops[idx].sort)
			stp_map_sort(G->words, loops[idx].column, loops[idx].dir,
				     loops[idx].limit);
		l->count = 0;
		for (l->it = stp_map_first(G->words); l->it;
		     l->it = stp_map_next(G->words, l->it)) {
			if (loops[idx].limit && l->count++ >= loops[idx].limit)
				break;
			STP_ACTIONS(2, "identifier 'printf' at script.stp:32:24", out);
			print_word(c, l->it);
		}
		PRINTF("%s\n", S(""));
	}

	{
		static const int64_t ik[] = { 1, 2, 1, 3 };
		static const char *const sk[] = { "x", "a", "a", "b" };
		static const int64_t pv[] = { 10, 20, 30, 5 };
		static const struct { int column, dir; bool sort; } orders[] = {
			{ 0, 0, false },		/* [i, k] in pairs */
			{ 2, STP_SORT_ASC, true },	/* [i, k+] in pairs */
			{ 1, STP_SORT_DESC, true },	/* [i-, k] in pairs */
			{ 0, STP_SORT_DESC, true },	/* [i, k] in pairs- */
		};

		for (idx = 0; idx < ARRAY_SIZE(ik); idx++) {
			const union stp_arg key[] = { N(ik[idx]), S(sk[idx]) };

			if (stp_map_set_long(G->pairs, key, pv[idx]))
				STP_RAISE(STP_ERR_MAP_OVERFLOW,
					  "identifier 'pairs' at script.stp:39:3", out);
		}
		for (idx = 0; idx < ARRAY_SIZE(orders); idx++) {
			if (orders[idx].sort)
				stp_map_sort(G->pairs, orders[idx].column, orders[idx].dir, 0);
			for (l->it = stp_map_first(G->pairs); l->it;
			     l->it = stp_map_next(G->pairs, l->it)) {
				l->i = stp_map_node_key_long(G->pairs, l->it, 0);
				strscpy(l->k, stp_map_node_key_str(G->pairs, l->it, 1), MAXSTRINGLEN);
				PRINTF("%d,%s=%d ", N(l->i), S(l->k),
				       N(stp_map_node_long(G->pairs, l->it)));
			}
			PRINTF("%s\n", S(""));
		}
	}

	/* for (j = 0; j < 10; j++) stats[j % 4] <<< j * j */
	for (l->j = 0; l->j < 10; l->j++) {
		const union stp_arg key[] = { N(stp_mod64_checked(&c->last_error, l->j, 4)) };

		STP_ACTIONS(2, "identifier 'stats' at script.stp:44:28", out);
		if (stp_pmap_add(G->stats, key, l->j * l->j))
			STP_RAISE(STP_ERR_MAP_OVERFLOW, "identifier 'stats' at script.stp:44:28", out);
	}
	/* foreach (n in stats @sum -) ..., foreach (n in stats @max +) ... */
	{
		static const struct { int column, dir; bool sum; } orders[] = {
			{ STP_SORT_SUM, STP_SORT_DESC, true },
			{ STP_SORT_MAX, STP_SORT_ASC, false },
		};

		for (idx = 0; idx < ARRAY_SIZE(orders); idx++) {
			l->agg = stp_pmap_aggregate(G->stats);
			if (!l->agg)
				STP_RAISE("aggregation overflow in stats",
					  "identifier 'stats' at script.stp:45:3", out);
			stp_map_sort(l->agg, orders[idx].column, orders[idx].dir, 0);
			for (l->it = stp_map_first(l->agg); l->it; l->it = stp_map_next(l->agg, l->it)) {
				const union stp_arg key[] = { N(stp_map_node_key_long(l->agg, l->it, 0)) };
				struct stp_stat_data *sd;

				l->n = key[0].n;
				sd = stp_pmap_get(G->stats, key);
				PRINTF("%d:%d ", N(l->n), N(orders[idx].sum ? sd->sum : sd->max));
			}
			PRINTF("%s\n", S(""));
		}
	}

	{
		const union stp_arg m_[] = { S("m") }, a_[] = { S("a") }, nope[] = { S("nope") };

		stp_map_delete(G->words, m_);
		PRINTF("%d %d %d %d\n", N(stp_map_exists(G->words, m_)),
		       N(stp_map_exists(G->words, a_)), N(stp_map_get_long(G->words, nope)),
		       N(stp_map_exists(G->words, nope)));
		if (stp_map_set_long(G->words, m_, 9))
			STP_RAISE(STP_ERR_MAP_OVERFLOW, "identifier 'words' at script.stp:49:3", out);
		for (l->it = stp_map_first(G->words); l->it; l->it = stp_map_next(G->words, l->it))
			print_word(c, l->it);
		PRINTF("%s\n", S(""));
		stp_map_clear(G->words);
		PRINTF("%d\n", N(stp_map_exists(G->words, a_)));
	}
out:
	STP_FUNCTION_LEAVE();
}

/* @min/@max/@avg/@variance of an empty statistic, and printing its
 * histogram, are errors; @count and @sum are 0. */
static struct stp_stat_data *nonempty(struct context *c, struct stp_stat_data *sd,
				      const char *stmt)
{
	if (!sd || sd->count == 0) {
		c->last_error = STP_ERR_EMPTY_AGGREGATE;
		c->last_stmt = stmt;
		return NULL;
	}
	return sd;
}

static void function_aggregates(struct context *c)
{
	typeof(CALLEE(c)->aggregates) *l = &CALLEE(c)->aggregates;
	const union stp_arg x[] = { S("x") };
	struct stp_stat_data *sd;

	STP_FUNCTION_ENTER("identifier 'aggregates' at script.stp:55:10");
	for (l->i = 1; l->i <= 5; l->i++) {
		STP_ACTIONS(4, "identifier 's' at script.stp:56:30", out);
		stp_stat_add(G->s, l->i);
		if (stp_pmap_add(G->m, x, l->i))
			STP_RAISE(STP_ERR_MAP_OVERFLOW, "identifier 'm' at script.stp:56:41", out);
		stp_stat_add(G->t, l->i * 1000);
	}
	sd = nonempty(c, stp_stat_get(G->s), "operator '@min' at script.stp:57:45");
	if (!sd)
		goto out;
	PRINTF("%d %d %d %d %d %d\n", N(sd->count), N(sd->sum), N(sd->min), N(sd->max),
	       N(stp_stat_avg(sd)), N(sd->variance));
	sd = nonempty(c, stp_stat_get(G->t), "operator '@variance' at script.stp:58:11");
	if (!sd)
		goto out;
	PRINTF("%d\n", N(sd->variance));
	sd = nonempty(c, stp_pmap_get(G->m, x), "operator '@min' at script.stp:59:55");
	if (!sd)
		goto out;
	PRINTF("%d %d %d %d %d %d\n", N(sd->count), N(sd->sum), N(sd->min), N(sd->max),
	       N(stp_stat_avg(sd)), N(sd->variance));
	stp_stat_add(G->s, -7);
	sd = nonempty(c, stp_stat_get(G->s), "operator '@min' at script.stp:61:11");
	if (!sd)
		goto out;
	PRINTF("%d %d %d\n", N(sd->min), N(stp_stat_avg(sd)), N(sd->variance));
	sd = stp_stat_get(G->empty);
	PRINTF("%d %d\n", N(sd->count), N(sd->sum));

	for (l->i = 0; l->i < 100; l->i++) {
		STP_ACTIONS(2, "identifier 'hl' at script.stp:63:31", out);
		stp_stat_add(G->hl, l->i);
	}
	stp_stat_add(G->hl, 1000);
	stp_stat_add(G->hl, 0);
	sd = nonempty(c, stp_stat_get(G->hl), "identifier 'print' at script.stp:65:3");
	if (!sd)
		goto out;
	stp_hist_print(c, &G->hl->hist, sd);

	stp_stat_add(G->hln, -5);
	stp_stat_add(G->hln, -100);
	stp_stat_add(G->hln, 3);
	stp_stat_add(G->hln, 3);
	stp_stat_add(G->hln, 70000);
	sd = nonempty(c, stp_stat_get(G->hln), "identifier 'print' at script.stp:67:3");
	if (!sd)
		goto out;
	stp_hist_print(c, &G->hln->hist, sd);

	for (l->i = 0; l->i < 50; l->i++) {
		STP_ACTIONS(2, "identifier 'hll' at script.stp:68:29", out);
		stp_stat_add(G->hll, l->i * 2);
	}
	sd = nonempty(c, stp_stat_get(G->hll), "identifier 'print' at script.stp:69:3");
	if (!sd)
		goto out;
	stp_hist_print(c, &G->hll->hist, sd);

	stp_stat_add(G->hlu, -5);
	stp_stat_add(G->hlu, 150);
	for (l->i = 0; l->i < 200; l->i++) {
		STP_ACTIONS(2, "identifier 'hlu' at script.stp:70:55", out);
		stp_stat_add(G->hlu, 35);
	}
	stp_stat_add(G->hlu, 37);
	stp_stat_add(G->hlu, 95);
	sd = nonempty(c, stp_stat_get(G->hlu), "identifier 'print' at script.stp:72:3");
	if (!sd)
		goto out;
	stp_hist_print(c, &G->hlu->hist, sd);

	stp_stat_add(G->hlo, 50);
	sd = nonempty(c, stp_stat_get(G->hlo), "identifier 'print' at script.stp:74:3");
	if (!sd)
		goto out;
	stp_hist_print(c, &G->hlo->hist, sd);
	PRINTF("%d\n", N(stp_hist_bucket(c, &G->hlo->hist, sd, 6)));
	STP_CHECK(out);

	{
		const union stp_arg one[] = { N(1) }, two[] = { N(2) };

		if (stp_pmap_add(G->sq, one, 1) || stp_pmap_add(G->sq, one, 8) ||
		    stp_pmap_add(G->sq, two, 3))
			STP_RAISE(STP_ERR_MAP_OVERFLOW, "identifier 'sq' at script.stp:76:3", out);
	}
	/* foreach (k+ in sq) { println(k); print(@hist_log(sq[k])) } */
	l->agg = stp_pmap_aggregate(G->sq);
	if (!l->agg)
		STP_RAISE("aggregation overflow in sq", "identifier 'sq' at script.stp:77:3", out);
	stp_map_sort(l->agg, 1, STP_SORT_ASC, 0);
	for (l->it = stp_map_first(l->agg); l->it; l->it = stp_map_next(l->agg, l->it)) {
		const union stp_arg key[] = { N(stp_map_node_key_long(l->agg, l->it, 0)) };

		l->k = key[0].n;
		PRINTF("%d\n", N(l->k));
		sd = nonempty(c, stp_pmap_get(G->sq, key), "identifier 'print' at script.stp:77:37");
		if (!sd)
			goto out;
		stp_hist_print(c, &l->agg->hist, sd);
	}
out:
	STP_FUNCTION_LEAVE();
}

/* A call: the arguments go into the callee's frame, then the call, then the
 * error check. */
#define CALL(fn, ...) do { __VA_ARGS__; function_##fn(c); STP_CHECK(out); } while (0)
#define ARG_STR(fn, arg, v) strscpy(CALLEE(c)->fn.arg, (v), MAXSTRINGLEN)

static void function_strings(struct context *c)
{
	typeof(CALLEE(c)->strings) *l = &CALLEE(c)->strings;
	int64_t n1, n2, n3, n4, n5;

	STP_FUNCTION_ENTER("identifier 'strings' at script.stp:80:10");
	CALL(substr, ARG_STR(substr, str, "hello"), CALLEE(c)->substr.start = 1,
	     CALLEE(c)->substr.length = 3, CALLEE(c)->substr.__retvalue = l->a);
	CALL(strlen, ARG_STR(strlen_, s, "hello"));
	n1 = CALLEE(c)->strlen_.__retvalue;
	CALL(isinstr, ARG_STR(isinstr, s1, "hello"), ARG_STR(isinstr, s2, "ll"));
	n2 = CALLEE(c)->isinstr.__retvalue;
	CALL(strpos, ARG_STR(strpos, s1, "hello"), ARG_STR(strpos, s2, "l"));
	n3 = CALLEE(c)->strpos.__retvalue;
	CALL(str_replace, ARG_STR(str_replace, prnt_str, "aXbXc"),
	     ARG_STR(str_replace, srch_str, "X"), ARG_STR(str_replace, rplc_str, "--"),
	     CALLEE(c)->str_replace.__retvalue = l->b);
	PRINTF("%s %d %d %d %s\n", S(l->a), N(n1), N(n2), N(n3), S(l->b));

	CALL(text_str, ARG_STR(text_str, input, "a\nb\t\"c\\\001\377"),
	     CALLEE(c)->text_str.__retvalue = l->a);
	CALL(string_quoted, ARG_STR(string_quoted, str, "x\ny"),
	     CALLEE(c)->string_quoted.__retvalue = l->b);
	CALL(strtol, ARG_STR(strtol, str, "0x1f"), CALLEE(c)->strtol.base = 16);
	n4 = CALLEE(c)->strtol.__retvalue;
	CALL(strtol, ARG_STR(strtol, str, "-12"), CALLEE(c)->strtol.base = 10);
	n5 = CALLEE(c)->strtol.__retvalue;
	PRINTF("%s %s %d %d\n", S(l->a), S(l->b), N(n4), N(n5));

	CALL(tokenize, ARG_STR(tokenize, input, "a,b,,c"), ARG_STR(tokenize, delim, ","),
	     CALLEE(c)->tokenize.__retvalue = l->a);
	CALL(tokenize, ARG_STR(tokenize, input, ""), ARG_STR(tokenize, delim, ","),
	     CALLEE(c)->tokenize.__retvalue = l->b);
	CALL(tokenize, ARG_STR(tokenize, input, ""), ARG_STR(tokenize, delim, ","),
	     CALLEE(c)->tokenize.__retvalue = l->c);
	CALL(tokenize, ARG_STR(tokenize, input, ""), ARG_STR(tokenize, delim, ","),
	     CALLEE(c)->tokenize.__retvalue = l->d);
	PRINTF("%s%s%s%s%s\n", S(l->a), S(l->b), S(l->c), S(l->d), S("|"));

	CALL(text_strn, ARG_STR(text_strn, input, "abcdefgh"), CALLEE(c)->text_strn.len = 3,
	     CALLEE(c)->text_strn.quoted = 1, CALLEE(c)->text_strn.__retvalue = l->a);
	CALL(text_strn, ARG_STR(text_strn, input, "abcdefgh"), CALLEE(c)->text_strn.len = 3,
	     CALLEE(c)->text_strn.quoted = 0, CALLEE(c)->text_strn.__retvalue = l->b);
	PRINTF("%s %s\n", S(l->a), S(l->b));
out:
	STP_FUNCTION_LEAVE();
}

/* ---- probe handlers --------------------------------------------------- */

/* probe begin(-1) { if (mode == 1) println("begin(-1)") } */
static void probe_begin_m1(struct context *c)
{
	if (G->mode == 1)
		PRINTF("%s\n", S("begin(-1)"));
}

/* probe begin { ... } (script.stp:88) */
static void probe_begin(struct context *c)
{
	typeof(PROBE_LOCALS(c)->probe_begin) *l = &PROBE_LOCALS(c)->probe_begin;

	l->msg[0] = '\0';
	l->i = 0;
	STP_ACTIONS(14, "keyword at script.stp:89:3", out);
	if (G->mode == 1) {
		PRINTF("%s\n", S("begin"));
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 2) {
		function_formats(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 3) {
		function_maps(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 4) {
		function_aggregates(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 5)
		PRINTF("%s\n", S("dividing soon"));
	if (G->mode == 6) {
		/* while (1) ticks++ */
		for (;;) {
			STP_ACTIONS(1, "identifier 'ticks' at script.stp:94:28", out);
			G->ticks++;
		}
	}
	if (G->mode == 7) {
		function_target(c);
		STP_CHECK(out);
		PRINTF("target %d\n", N(CALLEE(c)->target.__retvalue));
	}
	if (G->mode == 8) {
		function_strings(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 11) {
		/* try { println(10 / ticks) } catch (msg) { println("caught: ", msg) } */
		{
			int64_t q = stp_div64_checked(&c->last_error, 10, G->ticks);

			if (unlikely(c->last_error)) {
				c->last_stmt = "operator '/' at script.stp:98:22";
				goto catch_1;
			}
			PRINTF("%d\n", N(q));
			goto try_end_1;
catch_1:
			if (c->aborted)
				goto out;
			stp_catch(c, l->msg);
			PRINTF("caught: %s\n", S(l->msg));
try_end_1:		;
		}
		/* try { error("my own") } catch (msg) { println("caught: ", msg) } */
		{
			strscpy(CALLEE(c)->error.msg, "my own", MAXSTRINGLEN);
			c->last_stmt = "identifier 'error' at script.stp:99:11";
			function_error(c);
			STP_CHECK(catch_2);
			goto try_end_2;
catch_2:
			if (c->aborted)
				goto out;
			stp_catch(c, l->msg);
			PRINTF("caught: %s\n", S(l->msg));
try_end_2:		;
		}
		strscpy(CALLEE(c)->warn.msg, "careful", MAXSTRINGLEN);
		function_warn(c);
		STP_CHECK(out);
		strscpy(CALLEE(c)->warn.msg, "careful", MAXSTRINGLEN);
		function_warn(c);
		STP_CHECK(out);
		strscpy(CALLEE(c)->warn.msg, "another\n", MAXSTRINGLEN);
		function_warn(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 12) {
		PRINTF("%s\n", S("a"));
		function_abort(c);
		STP_CHECK(out);
		PRINTF("%s\n", S("b"));
	}
	if (G->mode == 13) {
		/* for (i = 0; i < 5; i++) small[i] = i */
		for (l->i = 0; l->i < 5; l->i++) {
			const union stp_arg key[] = { N(l->i) };

			STP_ACTIONS(2, "identifier 'small' at script.stp:104:45", out);
			if (stp_map_set_long(G->small, key, l->i))
				STP_RAISE(STP_ERR_MAP_OVERFLOW_SIZE(3),
					  "identifier 'small' at script.stp:104:45", out);
		}
	}
	if (G->mode == 14) {
		struct stp_stat_data *sd = nonempty(c, stp_stat_get(G->empty),
						    "operator '@min' at script.stp:105:29");
		if (!sd)
			goto out;
		PRINTF("%d\n", N(sd->min));
	}
	if (G->mode == 15) {
		strscpy(CALLEE(c)->error.msg, "uncaught", MAXSTRINGLEN);
		c->last_stmt = "identifier 'error' at script.stp:106:21";
		function_error(c);
		STP_CHECK(out);
	}
out:
	;
}

/* function lots() { for (i = 0; i < 1500; i++) printf("%05d %s\n", i, "abc...") } */
static void function_lots(struct context *c)
{
	typeof(CALLEE(c)->lots) *l = &CALLEE(c)->lots;

	STP_FUNCTION_ENTER("identifier 'lots' at script.stp:130:10");
	for (l->i = 0; l->i < 1500; l->i++) {
		STP_ACTIONS(2, "identifier 'printf' at script.stp:131:28", out);
		PRINTF("%05d %s\n", N(l->i), S("abcdefghijklmnopqrstuvwxyz"));
	}
out:
	STP_FUNCTION_LEAVE();
}

/* function text_address:long() %{ STAP_RETURN((long)"hello world"); %}
 * (guru mode embedded C, wrapped the way the translator wraps it) */
static void function_text_address(struct context *c)
{
	typeof(CALLEE(c)->text_address) *l = &CALLEE(c)->text_address;

	STP_FUNCTION_ENTER("identifier 'text_address' at script.stp:135:10");
#define CONTEXT c
#define THIS l
#define STAP_RETVALUE (l->retval)
#define STAP_RETURN(v) do { STAP_RETVALUE = (v); goto out; } while (0)
	{
 STAP_RETURN((long)"hello world");
	}
	goto out;
deref_fault: __attribute__((unused));
out: __attribute__((unused));
#undef STAP_RETURN
#undef STAP_RETVALUE
#undef THIS
#undef CONTEXT
	STP_FUNCTION_LEAVE();
}

/* function memory(): %m and %M; a bad address aborts the printf */
static void function_memory(struct context *c)
{
	typeof(CALLEE(c)->memory) *l = &CALLEE(c)->memory;
	int64_t a;

	STP_FUNCTION_ENTER("identifier 'memory' at script.stp:136:10");
	function_text_address(c);
	STP_CHECK(out);
	a = l->a = CALLEE(c)->text_address.retval;
	c->last_stmt = "identifier 'printf' at script.stp:138:3";
	PRINTF("[%m][%.5m][%10.3m][%-10.3m][%M][%.4M][%8.2M][%-8.2M]\n",
	       N(a), N(a), N(a), N(a), N(a), N(a), N(a), N(a));
	STP_CHECK(out);
	c->last_stmt = "identifier 'printf' at script.stp:139:3";
	PRINTF("[%M]\n", N(0));
	STP_CHECK(out);
	PRINTF("%s\n", S("not reached"));
out:
	STP_FUNCTION_LEAVE();
}

/* probe begin(1) { ... if (mode == 17) { lots(); exit() } if (mode == 18) memory() } */
static void probe_begin_p1(struct context *c)
{
	if (G->mode == 1)
		PRINTF("%s\n", S("begin(1)"));
	if (G->mode == 17) {
		function_lots(c);
		STP_CHECK(out);
		function_exit(c);
		STP_CHECK(out);
	}
	if (G->mode == 18) {
		function_memory(c);
		STP_CHECK(out);
	}
out:
	;
}

/* probe timer.ms(20) { ... } (script.stp:110) */
static void probe_timer(struct context *c)
{
	STP_ACTIONS(5, "keyword at script.stp:111:3", out);
	if (G->mode == 5 || G->mode == 9) {
		G->ticks++;
		PRINTF("tick %d\n", N(G->ticks));
		if (G->mode == 5 && G->ticks == 2) {
			int64_t q = stp_div64_checked(&c->last_error, 100, G->ticks - 2);

			if (unlikely(c->last_error))
				STP_RAISE(c->last_error, "operator '/' at script.stp:114:53", out);
			PRINTF("%d\n", N(q));
		}
		if (G->mode == 9 && G->ticks == 3) {
			function_exit(c);
			STP_CHECK(out);
		}
	}
	if (G->mode == 10)
		G->ticks++;
out:
	;
}

/* probe procfs("value").read { if (mode == 16) $value = saved . "\n" } */
static void probe_procfs_read(struct context *c)
{
	if (G->mode == 16) {
		string_t *v = &CALLEE(c)->procfs_value.value;

		strscpy(*v, G->saved, MAXSTRINGLEN);
		strlcat(*v, "\n", MAXSTRINGLEN);
		function_procfs_value_set(c);
		STP_CHECK(out);
	}
out:
	;
}

/* probe procfs("value").write { if (mode == 16) saved = $value } */
static void probe_procfs_write(struct context *c)
{
	if (G->mode == 16) {
		function_procfs_value_get(c);
		STP_CHECK(out);
		strscpy(G->saved, CALLEE(c)->procfs_value.value, MAXSTRINGLEN);
	}
out:
	;
}

/* probe end { if (mode != 7 && mode != 10) println("end") } */
static void probe_end(struct context *c)
{
	if (G->mode != 7 && G->mode != 10)
		PRINTF("%s\n", S("end"));
}

/* probe end(-5) { if (mode == 1) println("end(-5)") } */
static void probe_end_m5(struct context *c)
{
	if (G->mode == 1)
		PRINTF("%s\n", S("end(-5)"));
}

/* probe end { if (mode == 7) println("end target ", target()) } */
static void probe_end_target(struct context *c)
{
	if (G->mode == 7) {
		function_target(c);
		STP_CHECK(out);
		PRINTF("end target %d\n", N(CALLEE(c)->target.__retvalue));
	}
out:
	;
}

/* probe end { if (mode == 9 || mode == 10) println("ticks ", ticks >= 3) } */
static void probe_end_ticks(struct context *c)
{
	if (G->mode == 9 || G->mode == 10)
		PRINTF("ticks %d\n", N(G->ticks >= 3));
}

/* probe error { println("error probe") } */
static void probe_error(struct context *c)
{
	PRINTF("%s\n", S("error probe"));
}

/* ---- probe table ------------------------------------------------------ */

/* Globals each handler uses (itself and through the functions it calls),
 * in declaration order. */
#define R(g) { &stp_global.g##_lock, false }
#define W(g) { &stp_global.g##_lock, true }
static const struct stp_probe_lock locks_mode[] = { R(mode) };
static const struct stp_probe_lock locks_begin[] = {
	R(mode), W(ticks), W(small), W(words), W(pairs), W(stats), W(sq), W(s), W(t),
	W(m), W(hl), W(hln), W(hll), W(hlu), W(hlo), W(empty),
};
static const struct stp_probe_lock locks_timer[] = { R(mode), W(ticks) };
static const struct stp_probe_lock locks_procfs_read[] = { R(mode), R(saved) };
static const struct stp_probe_lock locks_procfs_write[] = { R(mode), W(saved) };
static const struct stp_probe_lock locks_end_ticks[] = { R(mode), R(ticks) };
#undef R
#undef W
#define LOCKS(a) .locks = (a), .nlocks = ARRAY_SIZE(a)

static struct stp_probe stp_probes[] = {
	{ .kind = STP_PROBE_BEGIN, .handler = probe_begin_m1, .pp = "begin(-1)",
	  .location = "script.stp:87:1", LOCKS(locks_mode), .u.be.priority = -1 },
	{ .kind = STP_PROBE_BEGIN, .handler = probe_begin, .pp = "begin",
	  .location = "script.stp:88:1", LOCKS(locks_begin) },
	{ .kind = STP_PROBE_BEGIN, .handler = probe_begin_p1, .pp = "begin(1)",
	  .location = "script.stp:108:1", LOCKS(locks_mode), .u.be.priority = 1 },
	{ .kind = STP_PROBE_HRTIMER, .handler = probe_timer, .pp = "timer.ms(20)",
	  .location = "script.stp:110:1", LOCKS(locks_timer),
	  .u.hrtimer = { .interval = 20 * NSEC_PER_MSEC } },
	{ .kind = STP_PROBE_PROCFS_READ, .handler = probe_procfs_read,
	  .pp = "procfs(\"value\").read", .location = "script.stp:120:1",
	  LOCKS(locks_procfs_read), .u.procfs = { .path = "value" } },
	{ .kind = STP_PROBE_PROCFS_WRITE, .handler = probe_procfs_write,
	  .pp = "procfs(\"value\").write", .location = "script.stp:121:1",
	  LOCKS(locks_procfs_write), .u.procfs = { .path = "value" } },
	{ .kind = STP_PROBE_END, .handler = probe_end, .pp = "end",
	  .location = "script.stp:123:1", LOCKS(locks_mode) },
	{ .kind = STP_PROBE_END, .handler = probe_end_m5, .pp = "end(-5)",
	  .location = "script.stp:124:1", LOCKS(locks_mode), .u.be.priority = -5 },
	{ .kind = STP_PROBE_END, .handler = probe_end_target, .pp = "end",
	  .location = "script.stp:125:1", LOCKS(locks_mode) },
	{ .kind = STP_PROBE_END, .handler = probe_end_ticks, .pp = "end",
	  .location = "script.stp:126:1", LOCKS(locks_end_ticks) },
	{ .kind = STP_PROBE_ERROR, .handler = probe_error, .pp = "error",
	  .location = "script.stp:127:1" },
};

/* ---- globals: allocation and release ---------------------------------- */

static void stp_globals_free(void)
{
	stp_map_del(G->small);
	stp_map_del(G->words);
	stp_map_del(G->pairs);
	stp_pmap_del(G->stats);
	stp_pmap_del(G->sq);
	stp_stat_del(G->s);
	stp_stat_del(G->t);
	stp_pmap_del(G->m);
	stp_stat_del(G->hl);
	stp_stat_del(G->hln);
	stp_stat_del(G->hll);
	stp_stat_del(G->hlu);
	stp_stat_del(G->hlo);
	stp_stat_del(G->empty);
}

static int stp_globals_init(void)
{
	static const struct stp_stat_desc variance = { .variance = true };
	static const struct stp_stat_desc log = { .type = HIST_LOG };
	static const struct stp_stat_desc plain = { .type = HIST_NONE };
	static const struct stp_stat_desc hll = { .type = HIST_LINEAR, .start = 0, .stop = 100, .interval = 10 };
	static const struct stp_stat_desc hlu = { .type = HIST_LINEAR, .start = 10, .stop = 100, .interval = 5 };
	static const struct stp_stat_desc hlo = { .type = HIST_LINEAR, .start = 0, .stop = 1000, .interval = 10 };

	rwlock_init(&G->mode_lock);
	rwlock_init(&G->ticks_lock);
	rwlock_init(&G->saved_lock);
	rwlock_init(&G->small_lock);
	rwlock_init(&G->words_lock);
	rwlock_init(&G->pairs_lock);
	rwlock_init(&G->stats_lock);
	rwlock_init(&G->sq_lock);
	rwlock_init(&G->s_lock);
	rwlock_init(&G->t_lock);
	rwlock_init(&G->m_lock);
	rwlock_init(&G->hl_lock);
	rwlock_init(&G->hln_lock);
	rwlock_init(&G->hll_lock);
	rwlock_init(&G->hlu_lock);
	rwlock_init(&G->hlo_lock);
	rwlock_init(&G->empty_lock);
	G->ticks = 0;
	strscpy(G->saved, "nothing yet", MAXSTRINGLEN);

	G->small = stp_map_new("i", 'i', 3, false, NULL);
	G->words = stp_map_new("s", 'i', MAXMAPENTRIES, false, NULL);
	G->pairs = stp_map_new("is", 'i', MAXMAPENTRIES, false, NULL);
	G->stats = stp_pmap_new("i", MAXMAPENTRIES, false, &plain);
	G->sq = stp_pmap_new("i", MAXMAPENTRIES, false, &log);
	G->s = stp_stat_new(&variance);
	G->t = stp_stat_new(&variance);
	G->m = stp_pmap_new("s", MAXMAPENTRIES, false, &variance);
	G->hl = stp_stat_new(&log);
	G->hln = stp_stat_new(&log);
	G->hll = stp_stat_new(&hll);
	G->hlu = stp_stat_new(&hlu);
	G->hlo = stp_stat_new(&hlo);
	G->empty = stp_stat_new(&plain);
	if (!G->small || !G->words || !G->pairs || !G->stats || !G->sq || !G->s ||
	    !G->t || !G->m || !G->hl || !G->hln || !G->hll || !G->hlu || !G->hlo ||
	    !G->empty) {
		stp_globals_free();
		return -ENOMEM;
	}
	return 0;
}

static const struct stp_script stp_script_desc = {
	.name = "script.stp",
	.locals_size = sizeof(struct stp_locals),
	.probes = stp_probes,
	.nprobes = ARRAY_SIZE(stp_probes),
	.globals_init = stp_globals_init,
	.globals_free = stp_globals_free,
};

STP_MODULE(stp_script_desc);

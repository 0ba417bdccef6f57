/* stap5 runtime: small helpers for the code the translator generates.
 *
 * Every generated probe handler and function has `c` (struct context *) in
 * scope and an `out:` label; errors set c->last_error (and c->last_stmt, the
 * token being executed, for the "near ..." part of the message) and jump
 * there (or to the innermost catch label inside try { }).
 */
#ifndef STP_CODEGEN_H
#define STP_CODEGEN_H

/* Charge n statements to the probe's budget (MAXACTION); stmt names where.
 * (No budget under --suppress-time-limits.) */
#ifdef STAP_SUPPRESS_TIME_LIMITS_ENABLE
#define STP_ACTIONS(n, stmt, label) do { } while (0)
#else
#define STP_ACTIONS(n, stmt, label) do {				\
	c->actionremaining -= (n);					\
	if (unlikely(c->actionremaining <= 0)) {			\
		c->last_error = "MAXACTION exceeded";			\
		c->last_stmt = (stmt);					\
		goto label;						\
	}								\
} while (0)
#endif

/* After a call or anything that may fail: unwind on error or abort(). */
#define STP_CHECK(label) do {						\
	if (unlikely(c->last_error || c->aborted))			\
		goto label;						\
} while (0)

/* Raise a runtime error at stmt. */
#define STP_RAISE(msg, stmt, label) do {				\
	c->last_error = (msg);						\
	c->last_stmt = (stmt);						\
	goto label;							\
} while (0)

/* Entering / leaving a script function's frame (frames live in the
 * generated locals, indexed by c->nesting + 1). */
#define STP_FUNCTION_ENTER(stmt) do {					\
	c->last_stmt = (stmt);						\
	if (unlikely(c->nesting + 1 >= MAXNESTING)) {			\
		c->last_error = "MAXNESTING exceeded";			\
		return;							\
	}								\
	c->nesting++;							\
} while (0)
#define STP_FUNCTION_LEAVE() (c->nesting--)

/* catch (msg): take the error message and clear the error. abort() cannot
 * be caught: callers test c->aborted first. */
static inline void stp_catch(struct context *c, char *msg)
{
	if (msg)
		strscpy(msg, c->last_error ?: "", MAXSTRINGLEN);
	c->last_error = NULL;
	c->last_stmt = NULL;
}

/* Script globals as module parameters (stap -G NAME=VALUE, or
 * staprun5 MODULE.ko NAME=VALUE). */
static int stp_param_set_int64(const char *val, const struct kernel_param *kp)
{
	return kstrtoll(val, 0, (long long *)kp->arg);
}

static int stp_param_get_int64(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%lld\n", *(long long *)kp->arg);
}

static const struct kernel_param_ops stp_param_ops_int64 = {
	.set = stp_param_set_int64,
	.get = stp_param_get_int64,
};

#define STP_GLOBAL_PARAM_LONG(name, var)				\
	module_param_cb(name, &stp_param_ops_int64, &(var), 0)
#define STP_GLOBAL_PARAM_STRING(name, var)				\
	module_param_string(name, var, MAXSTRINGLEN, 0)

/* "Array overflow" messages. */
#define STP_ERR_MAP_OVERFLOW "Array overflow, check MAXMAPENTRIES"
/* ... for `global a[N]`: "Array overflow, check size limit (N)" */
#define STP_ERR_MAP_OVERFLOW_SIZE(n) "Array overflow, check size limit (" #n ")"
#define STP_ERR_EMPTY_AGGREGATE "empty aggregate"

#endif /* STP_CODEGEN_H */

/* stap5 runtime: session state, counters, and messages for staprun5.
 *
 * The state machine (STAP_SESSION_*) gates which probes may run; the counters
 * feed the end-of-run summary and the MAXERRORS / MAXSKIPPED limits. Errors
 * and warnings go to staprun5's stderr over the control channel; exit()
 * only sets a flag and asks staprun5 to send "stop", because unregistering
 * probes cannot happen from inside one.
 */

static atomic_t stp_session_state = ATOMIC_INIT(STAP_SESSION_UNINITIALIZED);
static atomic_t stp_error_count = ATOMIC_INIT(0);
static atomic_t stp_skipped_count = ATOMIC_INIT(0);
/* Skips that stap does not put in the summary (it reports them with -t). */
static atomic_t stp_skipped_reentrant = ATOMIC_INIT(0);
static atomic_t stp_skipped_lowstack = ATOMIC_INIT(0);
static atomic_t stp_exit_requested = ATOMIC_INIT(0);

/* The target process (staprun5 -c / -x), for target(). */
static int _stp_target;
module_param(_stp_target, int, 0);
MODULE_PARM_DESC(_stp_target, "target pid");

/* Data channel size in MB per CPU (staprun5 -b / -s). */
static int _stp_bufsize;
module_param(_stp_bufsize, int, 0);
MODULE_PARM_DESC(_stp_bufsize, "buffer size in MB per CPU");

static inline int stp_session_get_state(void)
{
	return atomic_read(&stp_session_state);
}

static inline void stp_session_set_state(int state)
{
	atomic_set(&stp_session_state, state);
}

static void stp_vwarn(const char *fmt, va_list args)
{
	stp_ctl_vlog("WARNING: ", fmt, args);
}

static __printf(1, 2) void stp_warn(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	stp_vwarn(fmt, args);
	va_end(args);
}

/* An error message that does not end the session by itself. */
static __printf(1, 2) void stp_softerror(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	stp_ctl_vlog("ERROR: ", fmt, args);
	va_end(args);
}

/* Ask staprun5 to stop the session: from anywhere, once. */
static void stp_request_exit(void)
{
	if (atomic_cmpxchg(&stp_exit_requested, 0, 1) == 0)
		stp_ctl_send(STP_MSG_REQUEST_EXIT, NULL, 0);
}

/* A fatal error: the message, then the session ends. */
static __printf(1, 2) void stp_error(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	stp_ctl_vlog("ERROR: ", fmt, args);
	va_end(args);
	stp_request_exit();
}

/* exit(): end probes run once the session stops. */
static void stp_exit(void)
{
	stp_session_set_state(STAP_SESSION_STOPPING);
	stp_request_exit();
}

/* abort(): like exit(), but the running handler unwinds at once (and
 * try/catch cannot stop it). */
static void stp_abort(struct context *c)
{
	stp_exit();
	c->aborted = 1;
	c->last_stmt = NULL;
}

/* Count a runtime error; too many (> MAXERRORS) end the session. */
static void stp_count_error(void)
{
	if (atomic_inc_return(&stp_error_count) > MAXERRORS) {
		stp_session_set_state(STAP_SESSION_ERROR);
		stp_request_exit();
	}
}

/* Count a skipped probe; too many (> MAXSKIPPED) end the session. */
static void stp_count_skipped(void)
{
	atomic_inc(&stp_skipped_count);
}

static noinline void stp_too_many_skipped(void)
{
	if (atomic_cmpxchg(&stp_session_state, STAP_SESSION_RUNNING,
			   STAP_SESSION_ERROR) == STAP_SESSION_RUNNING)
		stp_error("Skipped too many probes, check MAXSKIPPED or try again with stap -t for more details.");
}

/* At the end of every probe hit: cheap unless the limit is passed. (Not
 * with --suppress-handler-errors, as in stap.) */
static __always_inline void stp_check_skipped(void)
{
#ifndef STAP_SUPPRESS_HANDLER_ERRORS
	if (unlikely(atomic_read(&stp_skipped_count) > MAXSKIPPED))
		stp_too_many_skipped();
#endif
}

/* The names SystemTap's embedded C uses. */
#define _stp_warn stp_warn
#define _stp_error stp_error
#define _stp_softerror stp_softerror
#define _stp_exit stp_request_exit

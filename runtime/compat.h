/* stap5 runtime: SystemTap's embedded-C vocabulary.
 *
 * Tapsets and users' %{ %} blocks are written against these names. The
 * generated code defines, per function, CONTEXT (the struct context *),
 * THIS, STAP_ARG_<name>, STAP_RETVALUE and STAP_RETURN(v), and provides the
 * `out` and `deref_fault` labels these macros jump to.
 */
#ifndef STP_COMPAT_H
#define STP_COMPAT_H

/* Print from embedded C (C varargs, h/l/ll qualifiers). */
#define STAP_PRINTF(fmt, ...) _stp_printf(fmt, ##__VA_ARGS__)

/* Raise a script error with a formatted message and leave the function. */
#define STAP_ERROR(fmt, ...) do {					\
	snprintf(CONTEXT->error_buffer, MAXSTRINGLEN, fmt, ##__VA_ARGS__); \
	CONTEXT->last_error = CONTEXT->error_buffer;			\
	goto out;							\
} while (0)

#define _stp_print(s) do {						\
	struct context *__c = stp_current_context();			\
	if (__c)							\
		stp_print_str(__c, (s));				\
} while (0)

#define _stp_print_flush() do {						\
	struct context *__c = stp_current_context();			\
	if (__c)							\
		stp_print_flush(__c);					\
} while (0)

/* exit() is `atomic_set(session_state(), STAP_SESSION_STOPPING); _stp_exit();` */
static inline atomic_t *session_state(void) { return &stp_session_state; }
static inline atomic_t *error_count(void) { return &stp_error_count; }
static inline atomic_t *skipped_count(void) { return &stp_skipped_count; }

#define _stp_random_u(n) stp_random_u64(n)
#define _stp_div64(err, x, y) stp_div64_checked((err), (x), (y))
#define _stp_mod64(err, x, y) stp_mod64_checked((err), (x), (y))
#define _stp_strncpy_from_user(dst, src, n) stp_user_string((dst), (unsigned long)(src), (n))
#define _stp_copy_from_user(dst, src, n) stp_uread((dst), (unsigned long)(src), (n))

/* SDT marker arguments (stap5/elaborate/tvars/sdt.py): a user register by
 * DWARF number, and a binary's link-time address in the current process. */
#define u_fetch_register(regno) stp_user_register(c, (regno))
#define _stp_umodule_relocate(path, addr, task) stp_umodule_relocate_named((path), (addr))

#endif /* STP_COMPAT_H */

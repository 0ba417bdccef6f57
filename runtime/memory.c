/* stap5 runtime: safe reads (and writes) of kernel and user memory.
 *
 * Probe handlers run in atomic context at arbitrary points, so every access
 * to memory the script names goes through the *_nofault primitives: a bad
 * address becomes an error for the script, never an oops.
 *
 * Two layers:
 *  - functions returning 0 / -EFAULT (or a length), for runtime and tapset C;
 *  - stap's embedded-C macros (kread, uread, kderef, uderef, kderef_string,
 *    kderef_buffer, kwrite, uwrite...) which, on a fault, put
 *    "read fault [man error::fault] at 0x..." in CONTEXT->last_error and
 *    `goto deref_fault` (a label every generated function and probe has).
 */

static inline long stp_kread(void *dst, unsigned long addr, size_t n)
{
	return copy_from_kernel_nofault(dst, (const void *)addr, n) ? -EFAULT : 0;
}

static inline long stp_uread(void *dst, unsigned long addr, size_t n)
{
	return copy_from_user_nofault(dst, (const void __user *)addr, n) ?
		-EFAULT : 0;
}

/* copy_to_kernel_nofault is not exported: store 1, 2, 4 or 8 bytes with the
 * architecture's fault-handling store. Never at a user address (as the
 * kernel's own readers refuse, copy_from_kernel_nofault_allowed): with SMAP
 * a kernel access there is an oops, not a fault the store can recover
 * from. (4.8's set_kernel_*(8, ...) oopses that way.) */
static long stp_kwrite(unsigned long addr, const void *src, size_t n)
{
	long rc = -EFAULT;

	if (addr < TASK_SIZE_MAX + PAGE_SIZE)
		return -EFAULT;
	pagefault_disable();
	switch (n) {
	case 1: __put_kernel_nofault((void *)addr, src, u8, fault); break;
	case 2: __put_kernel_nofault((void *)addr, src, u16, fault); break;
	case 4: __put_kernel_nofault((void *)addr, src, u32, fault); break;
	case 8: __put_kernel_nofault((void *)addr, src, u64, fault); break;
	default: goto fault;
	}
	rc = 0;
fault:
	pagefault_enable();
	return rc;
}

static inline long stp_uwrite(unsigned long addr, const void *src, size_t n)
{
	return copy_to_user_nofault((void __user *)addr, src, n) ? -EFAULT : 0;
}

/* Copy a NUL-terminated string of at most max-1 bytes (always terminated).
 * Returns its length, or -EFAULT if a byte before the NUL is unreadable. */
static long stp_read_string(char *dst, unsigned long addr, size_t max, bool user)
{
	size_t done = 0;

	if (max == 0)
		return 0;
	while (done < max - 1) {
		/* Read in chunks that stay inside one page: a fault then means
		 * the string itself is unreadable. */
		size_t chunk = min_t(size_t, max - 1 - done,
				     PAGE_SIZE - ((addr + done) & (PAGE_SIZE - 1)));
		size_t i;
		long rc;

		chunk = min_t(size_t, chunk, 64);
		rc = user ? stp_uread(dst + done, addr + done, chunk) :
			stp_kread(dst + done, addr + done, chunk);
		if (rc) {
			dst[done] = '\0';
			return -EFAULT;
		}
		for (i = 0; i < chunk; i++) {
			if (dst[done + i] == '\0')
				return done + i;
		}
		done += chunk;
	}
	dst[done] = '\0';
	return done;
}

static inline long stp_kernel_string(char *dst, unsigned long addr, size_t max)
{
	return stp_read_string(dst, addr, max, false);
}

static inline long stp_user_string(char *dst, unsigned long addr, size_t max)
{
	return stp_read_string(dst, addr, max, true);
}

/* Set the context's error to a formatted message (for embedded C). */
static __printf(2, 3) void stp_set_error(struct context *c, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(c->error_buffer, sizeof(c->error_buffer), fmt, args);
	va_end(args);
	c->last_error = c->error_buffer;
}

/* ---- stap's embedded-C conventions ---- */

#define STAP_MSG_READ_FAULT "read fault [man error::fault] at 0x%lx"
#define STAP_MSG_WRITE_FAULT "write fault [man error::fault] at 0x%lx"

#define DEREF_FAULT(addr) ({						\
	stp_set_error(CONTEXT, STAP_MSG_READ_FAULT,			\
		      (unsigned long)(uintptr_t)(addr));		\
	goto deref_fault;						\
})

#define STORE_DEREF_FAULT(addr) ({					\
	stp_set_error(CONTEXT, STAP_MSG_WRITE_FAULT,			\
		      (unsigned long)(uintptr_t)(addr));		\
	goto deref_fault;						\
})

/* Read `size` (1, 2, 4 or 8) bytes at addr as a sign-extended value. */
#define __stp_deref(size, addr, reader) ({				\
	int64_t _v = 0;							\
	unsigned long _a = (unsigned long)(uintptr_t)(addr);		\
	switch (size) {							\
	case 1: { s8 _b; if (reader(&_b, _a, 1)) DEREF_FAULT(_a); _v = _b; break; } \
	case 2: { s16 _b; if (reader(&_b, _a, 2)) DEREF_FAULT(_a); _v = _b; break; } \
	case 4: { s32 _b; if (reader(&_b, _a, 4)) DEREF_FAULT(_a); _v = _b; break; } \
	default: { s64 _b; if (reader(&_b, _a, 8)) DEREF_FAULT(_a); _v = _b; break; } \
	}								\
	_v;								\
})
#define kderef(size, addr) __stp_deref(size, addr, stp_kread)
#define uderef(size, addr) __stp_deref(size, addr, stp_uread)

/* The value *ptr, read safely: kread((long *)addr). */
#define __stp_read_ptr(ptr, reader) ({					\
	typeof(*(ptr)) _v;						\
	if (reader(&_v, (unsigned long)(uintptr_t)(ptr), sizeof(_v)))	\
		DEREF_FAULT(ptr);					\
	_v;								\
})
#define kread(ptr) __stp_read_ptr(ptr, stp_kread)
#define uread(ptr) __stp_read_ptr(ptr, stp_uread)

#define __stp_write_ptr(ptr, value, writer) ({				\
	typeof(*(ptr)) _v = (value);					\
	if (writer((unsigned long)(uintptr_t)(ptr), &_v, sizeof(_v)))	\
		STORE_DEREF_FAULT(ptr);					\
})
#define kwrite(ptr, value) __stp_write_ptr(ptr, value, stp_kwrite)
#define uwrite(ptr, value) __stp_write_ptr(ptr, value, stp_uwrite)

#define kderef_string(dst, addr, max) ({				\
	if (stp_kernel_string((dst), (unsigned long)(uintptr_t)(addr), (max)) < 0) \
		DEREF_FAULT(addr);					\
})
#define uderef_string(dst, addr, max) ({				\
	if (stp_user_string((dst), (unsigned long)(uintptr_t)(addr), (max)) < 0) \
		DEREF_FAULT(addr);					\
})
/* Exactly max bytes, NULs included. */
#define kderef_buffer(dst, addr, max) ({				\
	if (stp_kread((dst), (unsigned long)(uintptr_t)(addr), (max)))	\
		DEREF_FAULT(addr);					\
})
#define uderef_buffer(dst, addr, max) ({				\
	if (stp_uread((dst), (unsigned long)(uintptr_t)(addr), (max)))	\
		DEREF_FAULT(addr);					\
})

/* stap5 runtime: turning system call arguments into text.
 *
 * Included by the syscall decoder tapsets (tapsets/linux/syscall_decode*.stp)
 * in their embedded C; everything here is static and guarded, so any
 * number of them may include it.  The text is what SystemTap 4.8's
 * syscall tapsets print: names of flags and values as the kernel's
 * headers spell them, and the rest as numbers.
 */
#ifndef STP_SYSCALLS_DECODE_H
#define STP_SYSCALLS_DECODE_H

/* A name for a value (or a set of bits), in the order they are printed. */
struct stp_name {
	long value;
	const char *name;
};

/* Tables end with STP_NAMES_END; STP_NAME(X) names the macro X. */
#define STP_NAME(x) { (long)(x), #x }
#define STP_NAMES_END { 0, NULL }

/* Append `value` to dst in `base`: 10 ("%ld"), 8 ("%#lo") or 16 ("0x%lx"). */
static void stp_append_number(char *dst, size_t len, long value, int base)
{
	size_t used = strlen(dst);

	if (used >= len)
		return;
	if (base == 10)
		snprintf(dst + used, len - used, "%ld", value);
	else if (base == 8)
		snprintf(dst + used, len - used, "%#lo", value);
	else
		snprintf(dst + used, len - used, "0x%lx", value);
}

/* Append the name of `value` (the first entry equal to it), or the
 * number in `base` when it has none. */
static void stp_append_value(char *dst, size_t len, const struct stp_name *names,
			     long value, int base)
{
	for (; names->name; names++) {
		if (names->value == value) {
			strlcat(dst, names->name, len);
			return;
		}
	}
	stp_append_number(dst, len, value, base);
}

/* Append the flags set in `value`, "|"-separated: every entry sharing a
 * bit with what is left of it, in table order, takes its bits away;
 * leftover bits come last as a number in `base`.  0 is named as a
 * value (by an entry equal to 0, or as a number). */
static void stp_append_flags(char *dst, size_t len, const struct stp_name *names,
			     long value, int base)
{
	bool first = true;

	if (value == 0) {
		stp_append_value(dst, len, names, 0, base);
		return;
	}
	for (; names->name && value; names++) {
		if (!(names->value & value))
			continue;
		if (!first)
			strlcat(dst, "|", len);
		strlcat(dst, names->name, len);
		value &= ~names->value;
		first = false;
	}
	if (value) {
		if (!first)
			strlcat(dst, "|", len);
		stp_append_number(dst, len, value, base);
	}
}

/* The same, writing dst from its start. */
static inline void stp_decode_value(char *dst, size_t len, const struct stp_name *names,
				    long value, int base)
{
	dst[0] = '\0';
	stp_append_value(dst, len, names, value, base);
}

static inline void stp_decode_flags(char *dst, size_t len, const struct stp_name *names,
				    long value, int base)
{
	dst[0] = '\0';
	stp_append_flags(dst, len, names, value, base);
}

/* Copy `n` bytes of user memory at `addr` into dst; else write "NULL" (for
 * a null address) or the address in hexadecimal to out and return false. */
static bool stp_decode_fetch(void *dst, unsigned long addr, size_t n, char *out)
{
	if (!addr) {
		strlcpy(out, "NULL", MAXSTRINGLEN);
		return false;
	}
	if (stp_uread(dst, addr, n)) {
		snprintf(out, MAXSTRINGLEN, "0x%lx", addr);
		return false;
	}
	return true;
}

#endif /* STP_SYSCALLS_DECODE_H */

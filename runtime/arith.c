/* stap5 runtime: the script's checked integer arithmetic (64-bit, wrapping). */

#define STP_ERR_DIVISION_BY_ZERO "division by 0"

/* x / y; y == 0 sets *error (if error is given) and yields 0. */
static inline int64_t stp_div64_checked(const char **error, int64_t x, int64_t y)
{
	if (unlikely(y == 0)) {
		if (error)
			*error = STP_ERR_DIVISION_BY_ZERO;
		return 0;
	}
	if (unlikely(y == -1))		/* INT64_MIN / -1 must not trap */
		return -(uint64_t)x;
	return x / y;
}

/* x % y, same rules. */
static inline int64_t stp_mod64_checked(const char **error, int64_t x, int64_t y)
{
	if (unlikely(y == 0)) {
		if (error)
			*error = STP_ERR_DIVISION_BY_ZERO;
		return 0;
	}
	if (unlikely(y == 1 || y == -1))
		return 0;
	return x % y;
}

/* Division where 0 is an acceptable answer for y == 0 (statistics). */
static inline int64_t stp_div64(int64_t x, int64_t y)
{
	return stp_div64_checked(NULL, x, y);
}

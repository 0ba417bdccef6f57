/* stap5 runtime: script output.
 *
 * print/printf append to the print buffer of the running probe's context;
 * the buffer goes to the data channel as one record when the probe ends, or
 * earlier when it is full. Only the context holder touches it, so no locks.
 */

static void stp_print_flush(struct context *c)
{
	if (likely(c->print_len == 0))
		return;
	stp_relay_write(c->print_buf, c->print_len);
	c->print_len = 0;
}

/* Room for n more bytes, flushing first if needed. Returns where to write, or
 * NULL if n is larger than the whole buffer. */
static char *stp_print_reserve(struct context *c, size_t n)
{
	if (unlikely(c->print_len + n > STP_BUFFER_SIZE)) {
		stp_print_flush(c);
		if (n > STP_BUFFER_SIZE)
			return NULL;
	}
	return c->print_buf + c->print_len;
}

static void stp_print_bytes(struct context *c, const char *data, size_t len)
{
	while (len) {
		size_t chunk = min_t(size_t, len, STP_BUFFER_SIZE);
		char *dst = stp_print_reserve(c, chunk);

		memcpy(dst, data, chunk);
		c->print_len += chunk;
		data += chunk;
		len -= chunk;
	}
}

static void stp_print_str(struct context *c, const char *s)
{
	stp_print_bytes(c, s, strlen(s));
}

static void stp_print_char(struct context *c, char ch)
{
	stp_print_bytes(c, &ch, 1);
}

static void stp_print_int(struct context *c, int64_t n)
{
	char tmp[24];
	int len = scnprintf(tmp, sizeof(tmp), "%lld", (long long)n);

	stp_print_bytes(c, tmp, len);
}

/* stap5 runtime: printf-style formatting with SystemTap's directives.
 *
 *   %d %i %u %x %X %o %p %c %s %m %M %b %%, flags "-+ #0", width, precision,
 *   '*' for either.
 *
 * Two front ends share one engine:
 *  - script formats (printf/sprintf statements): arguments come as an array of
 *    union stp_arg, every integer is 64-bit, '*' takes a long clamped to
 *    [0, buffer size] (a negative width does not mean left-justify), %m and
 *    %M take an address;
 *  - C formats (_stp_printf/_stp_snprintf from embedded C): arguments are C
 *    varargs with the h/l/ll qualifiers, '*' takes an int (negative means
 *    left-justify), %s/%m/%M take a char *, %p and %b an int64_t.
 *
 * The observable quirks are SystemTap's: a script directive has at most one
 * flag, %p is %#x on 64 bits, %#o always
 * prefixes a 0 (0 prints as "00"), the 0 flag also pads after a precision,
 * %0s appends a NUL byte, %#c escapes, %b writes raw bytes.
 */

union stp_arg {
	int64_t n;
	const char *s;
};

enum stp_fmt_flag {
	STP_FMT_ZEROPAD = 1,
	STP_FMT_SIGN = 2,
	STP_FMT_PLUS = 4,
	STP_FMT_SPACE = 8,
	STP_FMT_LEFT = 16,
	STP_FMT_SPECIAL = 32,
	STP_FMT_LARGE = 64,
};

/* Output cursor, kernel vsprintf style: `str` keeps counting past `end` so
 * the caller learns the full length; bytes are only stored up to `end`. */
struct stp_fmt_out {
	char *str;
	char *end;		/* last writable byte */
};

static inline void stp_fmt_put(struct stp_fmt_out *o, char ch)
{
	if (o->str <= o->end)
		*o->str = ch;
	o->str++;
}

static void stp_fmt_number(struct stp_fmt_out *o, uint64_t num, int base,
			   int width, int precision, unsigned flags)
{
	static const char lower[] = "0123456789abcdefx";
	static const char upper[] = "0123456789ABCDEFX";
	const char *digits = (flags & STP_FMT_LARGE) ? upper : lower;
	char tmp[66], sign = 0, pad;
	int n = 0;

	if (flags & STP_FMT_LEFT)
		flags &= ~STP_FMT_ZEROPAD;
	pad = (flags & STP_FMT_ZEROPAD) ? '0' : ' ';
	if (flags & STP_FMT_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = -(int64_t)num;
			width--;
		} else if (flags & STP_FMT_PLUS) {
			sign = '+';
			width--;
		} else if (flags & STP_FMT_SPACE) {
			sign = ' ';
			width--;
		}
	}
	if (flags & STP_FMT_SPECIAL) {
		if (base == 16)
			width -= 2;
		else if (base == 8)
			width--;
	}
	if (num == 0)
		tmp[n++] = '0';
	while (num) {
		tmp[n++] = digits[num % base];
		num /= base;
	}
	if (n > precision)
		precision = n;
	width -= precision;

	if (!(flags & (STP_FMT_ZEROPAD | STP_FMT_LEFT)))
		for (; width > 0; width--)
			stp_fmt_put(o, ' ');
	if (sign)
		stp_fmt_put(o, sign);
	if (flags & STP_FMT_SPECIAL) {
		if (base == 8) {
			stp_fmt_put(o, '0');
		} else if (base == 16) {
			stp_fmt_put(o, '0');
			stp_fmt_put(o, digits[16]);
		}
	}
	if (!(flags & STP_FMT_LEFT))
		for (; width > 0; width--)
			stp_fmt_put(o, pad);
	for (; precision > n; precision--)
		stp_fmt_put(o, '0');
	while (n > 0)
		stp_fmt_put(o, tmp[--n]);
	for (; width > 0; width--)
		stp_fmt_put(o, ' ');
}

/* How many bytes %c takes for ch: with '#', unprintable characters and
 * quotes/backslashes are escaped C style or in octal. */
static int stp_fmt_char_size(char ch, unsigned flags)
{
	if (!(flags & STP_FMT_SPECIAL))
		return 1;
	if (isprint(ch) && isascii(ch) && ch != '\'' && ch != '\\')
		return 1;
	switch (ch) {
	case '\a': case '\b': case '\f': case '\n': case '\r': case '\t':
	case '\v': case '\'': case '\\':
		return 2;
	default:
		return 4;
	}
}

static void stp_fmt_char(struct stp_fmt_out *o, char ch, int width,
			 unsigned flags)
{
	int size = stp_fmt_char_size(ch, flags);

	if (!(flags & STP_FMT_LEFT))
		for (; width > size; width--)
			stp_fmt_put(o, ' ');
	if (size == 1) {
		stp_fmt_put(o, ch);
	} else {
		char esc = 0;

		switch (ch) {
		case '\a': esc = 'a'; break;
		case '\b': esc = 'b'; break;
		case '\f': esc = 'f'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\t': esc = 't'; break;
		case '\v': esc = 'v'; break;
		case '\'': esc = '\''; break;
		case '\\': esc = '\\'; break;
		}
		stp_fmt_put(o, '\\');
		if (esc) {
			stp_fmt_put(o, esc);
		} else {
			stp_fmt_put(o, '0' + ((ch >> 6) & 03));
			stp_fmt_put(o, '0' + ((ch >> 3) & 07));
			stp_fmt_put(o, '0' + (ch & 07));
		}
	}
	for (; width > size; width--)
		stp_fmt_put(o, ' ');
}

/* %s (a string), %m (raw bytes at an address) and %M (their hex dump); %m
 * and %M read user memory with '#', kernel memory otherwise. Returns
 * -EFAULT with *fault_addr set if that memory cannot be read. */
static int stp_fmt_memory(struct stp_fmt_out *o, const char *ptr, int width,
			  int precision, char conv, unsigned flags,
			  unsigned long *fault_addr)
{
	static const char hex[] = "0123456789abcdef";
	int len, shown, i;

	if (conv == 's') {
		if ((unsigned long)ptr < PAGE_SIZE)
			ptr = "<NULL>";
		len = strnlen(ptr, clamp_t(size_t, (size_t)(long)precision, 0,
					   STP_BUFFER_SIZE));
	} else {
		len = precision > 0 ? precision : 1;
	}
	shown = conv == 'M' ? 2 * len : len;

	if (!(flags & STP_FMT_LEFT))
		for (; width > shown; width--)
			stp_fmt_put(o, ' ');
	if (conv == 's') {
		for (i = 0; i < len; i++)
			stp_fmt_put(o, ptr[i]);
	} else {
		for (i = 0; i < len; i++) {
			unsigned char byte;
			long rc = (flags & STP_FMT_SPECIAL) ?
				copy_from_user_nofault(&byte,
					(const void __user *)(ptr + i), 1) :
				copy_from_kernel_nofault(&byte, ptr + i, 1);

			if (rc) {
				*fault_addr = (unsigned long)(ptr + i);
				return -EFAULT;
			}
			if (conv == 'M') {
				stp_fmt_put(o, hex[byte >> 4]);
				stp_fmt_put(o, hex[byte & 15]);
			} else {
				stp_fmt_put(o, byte);
			}
		}
	}
	for (; width > shown; width--)
		stp_fmt_put(o, ' ');
	if (flags & STP_FMT_ZEROPAD)
		stp_fmt_put(o, '\0');
	return 0;
}

/* %b: the value's raw bytes (1, 2, 4 or 8 of them, native order), padded
 * with NUL bytes to the width. */
static int stp_fmt_binary_precision(int p)
{
	return (p == 1 || p == 2 || p == 4 || p == 8) ? p : -1;
}

static void stp_fmt_binary(struct stp_fmt_out *o, int64_t num, int width,
			   int precision, unsigned flags)
{
	union { int8_t b; int16_t h; int32_t w; int64_t q; char raw[8]; } v;
	int i;

	precision = stp_fmt_binary_precision(precision);
	if (width == -1) {
		if (precision == -1)
			width = precision = 8;
		else
			width = precision;
	} else if (precision == -1) {
		precision = stp_fmt_binary_precision(width);
		if (precision == -1)
			precision = 8;
	}
	switch (precision) {
	case 1: v.b = num; break;
	case 2: v.h = num; break;
	case 4: v.w = num; break;
	default: v.q = num; break;
	}
	if (!(flags & STP_FMT_LEFT))
		for (; width > precision; width--)
			stp_fmt_put(o, '\0');
	for (i = 0; i < precision; i++)
		stp_fmt_put(o, v.raw[i]);
	for (; width > precision; width--)
		stp_fmt_put(o, '\0');
}

/* Where the arguments come from. */
struct stp_fmt_args {
	bool script;			/* union stp_arg array, else va_list */
	const union stp_arg *v;
	unsigned n, next;
	va_list *ap;
};

static int64_t stp_fmt_arg_long(struct stp_fmt_args *a)
{
	return a->next < a->n ? a->v[a->next++].n : 0;
}

static const char *stp_fmt_arg_str(struct stp_fmt_args *a)
{
	return a->next < a->n ? a->v[a->next++].s : NULL;
}

struct stp_fmt_result {
	size_t len;			/* full length, even if truncated */
	unsigned long fault_addr;	/* when -EFAULT */
};

/* The engine. Writes at most `size` bytes at buf (no terminating NUL) and
 * returns 0, or -EFAULT when %m/%M hit unreadable memory. Widths and
 * precisions are clamped to `clamp_max`, or to the room left when
 * clamp_to_room is set (what sprintf does). */
static int stp_fmt_engine(char *buf, size_t size, const char *fmt,
			  struct stp_fmt_args *a, int clamp_max,
			  bool clamp_to_room, struct stp_fmt_result *res)
{
	struct stp_fmt_out o = { .str = buf, .end = buf + size - 1 };

	for (; *fmt; fmt++) {
		unsigned flags = 0;
		int width = -1, precision = -1, base = 10, qualifier = 0;
		int room;
		uint64_t num;

		if (*fmt != '%') {
			stp_fmt_put(&o, *fmt);
			continue;
		}
		/* Script formats take at most one flag: in "%#05x" the 0
		 * starts the width (stap's format parser does the same). */
		for (;;) {
			fmt++;
			if (*fmt == '-') flags |= STP_FMT_LEFT;
			else if (*fmt == '+') flags |= STP_FMT_PLUS;
			else if (*fmt == ' ') flags |= STP_FMT_SPACE;
			else if (*fmt == '#') flags |= STP_FMT_SPECIAL;
			else if (*fmt == '0') flags |= STP_FMT_ZEROPAD;
			else break;
			if (a->script) {
				fmt++;
				break;
			}
		}
		room = clamp_to_room ?
			(int)max_t(long, 0, o.end - o.str + 1) : clamp_max;

		if (isdigit(*fmt)) {
			width = 0;
			while (isdigit(*fmt))
				width = width * 10 + (*fmt++ - '0');
			width = clamp(width, 0, room);
		} else if (*fmt == '*') {
			fmt++;
			if (a->script) {
				width = clamp_t(int64_t, stp_fmt_arg_long(a), 0, room);
			} else {
				width = va_arg(*a->ap, int);
				if (width < 0) {
					width = -width;
					flags |= STP_FMT_LEFT;
				}
				width = clamp(width, 0, room);
			}
		}
		if (*fmt == '.') {
			fmt++;
			if (isdigit(*fmt)) {
				precision = 0;
				while (isdigit(*fmt))
					precision = precision * 10 + (*fmt++ - '0');
			} else if (*fmt == '*') {
				fmt++;
				precision = a->script ?
					(int)clamp_t(int64_t, stp_fmt_arg_long(a), -1, INT_MAX) :
					va_arg(*a->ap, int);
			}
			precision = clamp(precision, 0, room);
		}
		if (*fmt == 'h' || *fmt == 'l' || *fmt == 'L') {
			qualifier = *fmt++;
			if (qualifier == 'l' && *fmt == 'l') {
				qualifier = 'L';
				fmt++;
			}
		}

		switch (*fmt) {
		case 'b':
			stp_fmt_binary(&o, a->script ? stp_fmt_arg_long(a) :
				       va_arg(*a->ap, int64_t),
				       width, precision, flags);
			continue;
		case 's':
		case 'm':
		case 'M': {
			const char *p;
			int rc;

			if (a->script)
				p = *fmt == 's' ? stp_fmt_arg_str(a) :
					(const char *)(uintptr_t)stp_fmt_arg_long(a);
			else
				p = va_arg(*a->ap, const char *);
			rc = stp_fmt_memory(&o, p, width, precision, *fmt, flags,
					    &res->fault_addr);
			if (rc)
				return rc;
			continue;
		}
		case 'c': {
			int ch = a->script ? (int)stp_fmt_arg_long(a) :
				va_arg(*a->ap, int);
			stp_fmt_char(&o, (char)(unsigned char)ch, width, flags);
			continue;
		}
		case '%':
			stp_fmt_put(&o, '%');
			continue;
		case 'X':
			flags |= STP_FMT_LARGE;
			fallthrough;
		case 'x':
			base = 16;
			break;
		case 'd':
		case 'i':
			flags |= STP_FMT_SIGN;
			break;
		case 'u':
			break;
		case 'o':
			base = 8;
			break;
		case 'p':
			/* Since stap 1.3, %p is %#x of a 64-bit value. */
			qualifier = 'L';
			flags |= STP_FMT_SPECIAL;
			base = 16;
			break;
		default:
			/* Unknown directive: printed as is. */
			stp_fmt_put(&o, '%');
			if (*fmt)
				stp_fmt_put(&o, *fmt);
			else
				fmt--;
			continue;
		}

		if (a->script || qualifier == 'L') {
			num = a->script ? stp_fmt_arg_long(a) :
				va_arg(*a->ap, int64_t);
		} else if (qualifier == 'l') {
			num = va_arg(*a->ap, unsigned long);
			if (flags & STP_FMT_SIGN)
				num = (signed long)num;
		} else if (qualifier == 'h') {
			num = (unsigned short)va_arg(*a->ap, int);
			if (flags & STP_FMT_SIGN)
				num = (signed short)num;
		} else {
			num = va_arg(*a->ap, unsigned int);
			if (flags & STP_FMT_SIGN)
				num = (signed int)num;
		}
		stp_fmt_number(&o, num, base, width, precision, flags);
	}
	res->len = o.str - buf;
	return 0;
}

static void stp_fmt_fault(struct context *c, unsigned long addr)
{
	if (!c)
		return;
	snprintf(c->error_buffer, sizeof(c->error_buffer),
		 "read fault [man error::fault] at 0x%lx", addr);
	c->last_error = c->error_buffer;
}

/* Append formatted output to the probe's print buffer. Output that cannot fit
 * in an empty buffer is truncated to STP_BUFFER_SIZE bytes. */
static void stp_print_format(struct context *c, const char *fmt,
			     struct stp_fmt_args *a)
{
	struct stp_fmt_args again = *a;
	struct stp_fmt_result res = { 0 };
	va_list ap_copy;
	size_t room = STP_BUFFER_SIZE - c->print_len;
	int rc;

	if (!a->script) {
		va_copy(ap_copy, *a->ap);
		again.ap = &ap_copy;
	}
	rc = stp_fmt_engine(c->print_buf + c->print_len, room, fmt, a,
			    STP_BUFFER_SIZE, false, &res);
	if (rc == 0 && res.len > room && c->print_len > 0) {
		/* Did not fit behind what is already there: send that, retry. */
		stp_print_flush(c);
		rc = stp_fmt_engine(c->print_buf, STP_BUFFER_SIZE, fmt, &again,
				    STP_BUFFER_SIZE, false, &res);
		room = STP_BUFFER_SIZE;
	}
	if (!a->script)
		va_end(ap_copy);
	if (rc) {
		stp_fmt_fault(c, res.fault_addr);
		return;
	}
	c->print_len += min(res.len, room);
}

/* printf statement. */
static void stp_printf(struct context *c, const char *fmt,
		       const union stp_arg *args, unsigned nargs)
{
	struct stp_fmt_args a = { .script = true, .v = args, .n = nargs };

	stp_print_format(c, fmt, &a);
}

/* sprintf(): into a string of `size` bytes (MAXSTRINGLEN for script strings),
 * truncated and always NUL-terminated. */
static void stp_sprintf(struct context *c, char *dst, size_t size,
			const char *fmt, const union stp_arg *args,
			unsigned nargs)
{
	struct stp_fmt_args a = { .script = true, .v = args, .n = nargs };
	struct stp_fmt_result res = { 0 };

	if (stp_fmt_engine(dst, size, fmt, &a, size, true, &res)) {
		dst[0] = '\0';
		stp_fmt_fault(c, res.fault_addr);
		return;
	}
	dst[min(res.len, size - 1)] = '\0';
}

/* C varargs flavours, for embedded C (STAP_PRINTF, tapsets). */
static void _stp_vprintf(const char *fmt, va_list args)
{
	struct context *c = stp_current_context();
	va_list ap;
	struct stp_fmt_args a = { .script = false, .ap = &ap };

	if (!c)
		return;
	va_copy(ap, args);
	stp_print_format(c, fmt, &a);
	va_end(ap);
}

static void _stp_printf(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	_stp_vprintf(fmt, args);
	va_end(args);
}

static int _stp_vsnprintf(char *buf, size_t size,
					 const char *fmt, va_list args)
{
	va_list ap;
	struct stp_fmt_args a = { .script = false, .ap = &ap };
	struct stp_fmt_result res = { 0 };
	int rc;

	if (size == 0)
		return 0;
	va_copy(ap, args);
	rc = stp_fmt_engine(buf, size, fmt, &a, size, false, &res);
	va_end(ap);
	if (rc) {
		buf[0] = '\0';
		return 0;
	}
	buf[min(res.len, size - 1)] = '\0';
	return res.len;
}

static int _stp_snprintf(char *buf, size_t size,
					const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = _stp_vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

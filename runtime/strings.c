/* stap5 runtime: the C behind the string tapset functions.
 *
 * Script strings are char[MAXSTRINGLEN] (string_t); results are written to
 * such a buffer, truncated and NUL-terminated. Semantics follow SystemTap's
 * tapset functions of the same names.
 */

/* substr(str, start, length) */
static void stp_substr(char *dst, const char *str, int64_t start, int64_t length)
{
	size_t room = clamp_t(int64_t, length + 1, 0, MAXSTRINGLEN);

	dst[0] = '\0';
	if (start >= 0 && start < (int64_t)strlen(str) && room > 0)
		strscpy(dst, str + start, room);
}

/* stringat(str, pos): the character code, or an error. */
static int64_t stp_stringat(struct context *c, const char *str, int64_t pos)
{
	if (pos >= 0 && pos < (int64_t)strlen(str))
		return str[pos];
	c->last_error = "Position out of bounds";
	return 0;
}

/* strpos(s1, s2): offset of s2 in s1, or -1. */
static int64_t stp_strpos(const char *s1, const char *s2)
{
	const char *p = strstr(s1, s2);

	return p ? p - s1 : -1;
}

static int64_t stp_isinstr(const char *s1, const char *s2)
{
	return strstr(s1, s2) != NULL;
}

/* str_replace(str, search, replacement): every occurrence. */
static void stp_str_replace(char *dst, const char *str, const char *search,
			    const char *repl)
{
	size_t slen = strlen(search), rlen = strlen(repl), n = 0;
	const char *p;

	dst[0] = '\0';
	if (slen == 0) {
		strscpy(dst, str, MAXSTRINGLEN);
		return;
	}
	while ((p = strstr(str, search)) != NULL) {
		size_t keep = min_t(size_t, p - str, MAXSTRINGLEN - 1 - n);

		memcpy(dst + n, str, keep);
		n += keep;
		keep = min_t(size_t, rlen, MAXSTRINGLEN - 1 - n);
		memcpy(dst + n, repl, keep);
		n += keep;
		str = p + slen;
	}
	strscpy(dst + n, str, MAXSTRINGLEN - n);
}

static int64_t stp_strtol(const char *str, int64_t base)
{
	return simple_strtol(str, NULL, base);
}

static void stp_toupper(char *dst, const char *str)
{
	size_t i;

	for (i = 0; str[i] && i < MAXSTRINGLEN - 1; i++)
		dst[i] = toupper(str[i]);
	dst[i] = '\0';
}

static void stp_tolower(char *dst, const char *str)
{
	size_t i;

	for (i = 0; str[i] && i < MAXSTRINGLEN - 1; i++)
		dst[i] = tolower(str[i]);
	dst[i] = '\0';
}

/* tokenize(input, delim): the first non-empty token of input; with an empty
 * input, the next token of the previous input (kept in the context). */
static void stp_tokenize(struct context *c, char *dst, const char *input,
			 const char *delim)
{
	char *token;

	dst[0] = '\0';
	if (input[0]) {
		strscpy(c->tok_str, input, MAXSTRINGLEN);
		c->tok_start = c->tok_str;
		c->tok_end = c->tok_str + strlen(c->tok_str);
	}
	do {
		token = strsep(&c->tok_start, delim);
	} while (token && !token[0]);
	if (token) {
		const char *end = c->tok_start ? c->tok_start - 1 : c->tok_end;

		memcpy(dst, token, end - token + 1);
	}
}

/* One byte of kernel or user memory. */
static inline int stp_read_byte(const char *p, bool user, char *out)
{
	return user ? stp_uread(out, (unsigned long)p, 1) :
		stp_kread(out, (unsigned long)p, 1);
}

/* Decode one UTF-8 sequence of at most `size` bytes at buf. Returns the
 * bytes used (what is not a well-formed, shortest-form sequence of 2 to 4
 * bytes counts as one byte standing for itself), or -EFAULT. */
static int stp_decode_utf8(const char *buf, int size, bool user, int *code)
{
	char lead, next;
	int len, value, i;

	if (size <= 0 || stp_read_byte(buf, user, &lead))
		return -EFAULT;
	if ((lead & 0xE0) == 0xC0 && size >= 2) {
		len = 2;
		value = lead & 0x1F;
	} else if ((lead & 0xF0) == 0xE0 && size >= 3) {
		len = 3;
		value = lead & 0x0F;
	} else if ((lead & 0xF8) == 0xF0 && size >= 4) {
		len = 4;
		value = lead & 0x07;
	} else {
		goto single;
	}
	for (i = 1; i < len; i++) {
		if (stp_read_byte(buf + i, user, &next))
			return -EFAULT;
		if ((next & 0xC0) != 0x80)
			goto single;
		value = (value << 6) | (next & 0x3F);
	}
	if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF ||
	    value < 0x80 || (len == 3 && value < 0x800) ||
	    (len == 4 && value < 0x10000))
		goto single;
	*code = value;
	return len;
single:
	*code = (unsigned char)lead;
	return 1;
}

/* text_str and friends: copy `in` (kernel or user memory) making it
 * printable: C escapes for control characters, quotes and backslashes,
 * \ooo for other bytes, \uXXXX / \UXXXXXXXX for UTF-8. inlen and outlen
 * limit the bytes read and written (0 or out of range: MAXSTRINGLEN-1).
 * With `quoted`, the result is in double quotes, followed by ... when the
 * input did not fit. With `buffer`, NUL bytes do not end the input.
 * Returns 0, or -1 (result "<unknown>") when the input is unreadable. */
static int stp_text_str(char *outstr, const char *in, int inlen, int outlen,
			int quoted, int user, int buffer)
{
	char *out = outstr;
	char *cut_escape = NULL;	/* first escape a truncation could split */
	int cut_len = 0, code = 0;

	if (inlen <= 0 || inlen > MAXSTRINGLEN - 1)
		inlen = MAXSTRINGLEN - 1;
	if (outlen <= 0 || outlen > MAXSTRINGLEN - 1)
		outlen = MAXSTRINGLEN - 1;
	if (quoted) {
		outlen = max(outlen, 5) - 2;
		*out++ = '"';
	}

	while (inlen > 0) {
		int used = stp_decode_utf8(in, inlen, user, &code);
		int need;

		if (used <= 0)
			goto unreadable;
		if ((code == 0 && !buffer) || outlen <= 0)
			break;
		in += used;
		inlen -= used;

		if (used > 1) {
			int digits, i;

			need = code <= 0xFFFF ? 6 : 10;
			if (!cut_escape && outlen - 3 < need)
				cut_escape = out, cut_len = need;
			if (outlen < need)
				break;
			*out++ = '\\';
			*out++ = code <= 0xFFFF ? 'u' : 'U';
			digits = need - 2;
			for (i = digits - 1; i >= 0; i--)
				*out++ = "0123456789ABCDEF"[(code >> (i * 4)) & 0xF];
		} else if (isascii(code) && isprint(code) && code != '"' &&
			   code != '\\') {
			need = 1;
			*out++ = code;
		} else {
			static const char short_escapes[] = "\a\b\f\n\r\t\v\"\\";
			static const char short_names[] = "abfnrtv\"\\";
			const char *e = code ? strchr(short_escapes, code) : NULL;

			/* NUL (only seen with `buffer`) prints as \0 but is
			 * budgeted like an octal escape. */
			need = e ? 2 : 4;
			if (!cut_escape && outlen - 3 < need)
				cut_escape = out, cut_len = need;
			if (outlen < need)
				break;
			*out++ = '\\';
			if (e) {
				*out++ = short_names[e - short_escapes];
			} else if (code == 0) {
				*out++ = '0';
			} else {
				*out++ = '0' + ((code >> 6) & 03);
				*out++ = '0' + ((code >> 3) & 07);
				*out++ = '0' + (code & 07);
			}
		}
		outlen -= need;
	}

	if (quoted) {
		if (code && inlen > 0) {
			/* Truncated: end with "... without splitting an escape. */
			char *cut = out - 3 + outlen;

			if (cut_escape && cut_escape < cut &&
			    cut < cut_escape + cut_len)
				out = cut_escape;
			else
				out = cut;
			memcpy(out, "\"...", 4);
			out += 4;
		} else {
			*out++ = '"';
		}
	}
	*out = '\0';
	return 0;
unreadable:
	strscpy(outstr, "<unknown>", outlen);
	return -1;
}

/* Encode a code point as UTF-8 into buf (size bytes, NUL-terminated).
 * Returns the bytes written, 0 if they do not fit, or -EINVAL. */
static int stp_encode_utf8(char *buf, int size, u32 code)
{
	int len, i;

	if (code <= 0x7F)
		len = 1;
	else if (code <= 0x7FF)
		len = 2;
	else if (code >= 0xD800 && code <= 0xDFFF)
		return -EINVAL;
	else if (code <= 0xFFFF)
		len = 3;
	else if (code <= 0x10FFFF)
		len = 4;
	else
		return -EINVAL;
	if (size < len + 1)
		return 0;
	buf[len] = '\0';
	if (len == 1) {
		buf[0] = code;
		return 1;
	}
	for (i = len - 1; i > 0; i--) {
		buf[i] = 0x80 | (code & 0x3F);
		code >>= 6;
	}
	buf[0] = (u8)(((1 << len) - 1) << (8 - len)) | code;
	return len;
}

/* The names SystemTap's embedded C uses. */
#define _stp_text_str stp_text_str
#define _stp_convert_utf32 stp_encode_utf8

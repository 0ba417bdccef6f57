"""The generated matchers as a user-space test program.

The C of compile_matcher(), exactly as pass 3 emits it, wrapped with what
the kernel module would provide (MAXSTRINGLEN, string_t, struct context
with the runtime's struct stp_regex_match, runtime/regex.h) and a main() that answers queries on stdin:

    INDEX HEX       the subject (hex bytes) in a buffer of its length + NUL
    INDEX HEX !     the same bytes in a buffer with no NUL at all

and prints, per query, the verdict, then for a recording matcher the
number of groups and each group's start and end.
"""

import subprocess
from pathlib import Path

from stap5.regex import compile_matcher
from stap5.session import DEFAULT_RUNTIME_DIR
from stap5.translate.translator import template_environment

_PRELUDE = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef char string_t[MAXSTRINGLEN];

"""

_MAIN = r"""
struct matcher {
	int64_t (*match)(struct context *, const char *);
	int records;
};

static const struct matcher matchers[] = {
%(table)s
};

static int unhex(int ch)
{
	return ch <= '9' ? ch - '0' : ch - 'a' + 10;
}

int main(void)
{
	static char line[1 << 16];
	static struct context context;
	while (fgets(line, sizeof(line), stdin)) {
		int index, len, i, g;
		char *hex, *end;
		char *subject;
		int64_t verdict;

		index = strtol(line, &hex, 10);
		hex++;
		for (end = hex; *end && *end != ' ' && *end != '\n'; end++)
			;
		len = (end - hex) / 2;
		/* Exactly the bytes the subject needs: any read beyond them is
		 * an error the sanitizer reports. */
		subject = malloc(*end == ' ' ? (len ? len : 1) : len + 1);
		for (i = 0; i < len; i++)
			subject[i] = unhex(hex[2 * i]) * 16 + unhex(hex[2 * i + 1]);
		if (*end != ' ')
			subject[len] = 0;
		memset(&context, 0x5a, sizeof(context));
		verdict = matchers[index].match(&context, subject);
		printf("%%lld", (long long)verdict);
		if (matchers[index].records) {
			struct stp_regex_match *m = &context.regex_match;
			printf(" %%d %%d", m->result, m->ngroups);
			if (m->result) {
				for (g = 0; g < 2 * m->ngroups; g++)
					printf(" %%d", m->offsets[g]);
				printf(" %%s", strncmp(m->subject, subject, m->offsets[1]) ? "badcopy" : "copy");
			}
		}
		printf("\n");
		free(subject);
	}
	return 0;
}
"""

# -O0: a program of hundreds of matchers compiles in seconds; AddressSanitizer
# catches any read past a table or the subject.
CFLAGS = ["-std=gnu11", "-O0", "-Wall", "-Wextra", "-Werror", "-fsanitize=address"]


class MatcherProgram:
    """Matchers for (pattern, records) pairs, built into one executable."""

    def __init__(self, specs, workdir, maxstringlen=512):
        self.specs = list(specs)
        self.maxstringlen = maxstringlen
        parts = ["#define MAXSTRINGLEN %d" % maxstringlen, _PRELUDE,
                 '#include "%s/regex.h"' % DEFAULT_RUNTIME_DIR, "struct context {\n\tstruct stp_regex_match regex_match;\n};\n"]
        table = []
        for i, (pattern, records) in enumerate(self.specs):
            name = "stp_regex_%d" % (i + 1)
            parts.append(compile_matcher(pattern, name, template_environment(),
                                         captures=records).code)
            table.append("\t{ %s, %d }," % (name, int(records)))
        parts.append(_MAIN % {"table": "\n".join(table)})
        workdir = Path(workdir)
        self.source = workdir / "matchers.c"
        self.source.write_text("\n".join(parts))
        self.executable = workdir / "matchers"
        proc = subprocess.run(["gcc", *CFLAGS, "-o", str(self.executable), str(self.source)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            raise AssertionError("gcc failed:\n" + proc.stdout[-5000:])

    def run(self, queries):
        """queries: (spec index, subject bytes or latin-1 str, with a NUL);
        returns per query (verdict, None) or (verdict, [(start, end)...] or None)."""
        lines = []
        for index, subject, terminated in queries:
            if isinstance(subject, str):
                subject = subject.encode("latin-1")
            lines.append("%d %s%s\n" % (index, subject.hex(), "" if terminated else " !"))
        proc = subprocess.run([str(self.executable)], input="".join(lines),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=600)
        if proc.returncode != 0:
            raise AssertionError("the test program failed:\n" + proc.stderr[-5000:])
        answers = []
        for (index, _, _), line in zip(queries, proc.stdout.splitlines()):
            fields = line.split()
            verdict = int(fields[0])
            if not self.specs[index][1]:
                answers.append((verdict, None))
                continue
            result, ngroups = int(fields[1]), int(fields[2])
            if not result:
                answers.append((verdict, None))
                continue
            offsets = [int(v) for v in fields[3:3 + 2 * ngroups]]
            assert fields[-1] == "copy", line
            answers.append((verdict, [(offsets[2 * g], offsets[2 * g + 1])
                                      for g in range(ngroups)]))
        assert len(answers) == len(queries)
        return answers

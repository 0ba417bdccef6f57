/* The probed program of testsuite/user: functions with parameters and
 * locals, a struct pointer chain, <sys/sdt.h> markers (one with a
 * semaphore), malloc calls; built with -g -O0 (stap places function probes
 * past the prologue there).  It prints nothing: its output would mix with
 * the probes'.  Argument: how many rounds (default 3). */
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>

struct point {
	int x, y;
	const char *name;
	struct point *next;
};

int add(int a, int b)
{
	int sum = a + b;
	return sum;
}

long walk(struct point *p, int depth)
{
	long total = 0;
	while (p) {
		total += p->x * p->y;
		p = p->next;
	}
	DTRACE_PROBE2(prog, walked, total, depth);
	return total + depth;
}

volatile long sink;

int main(int argc, char **argv)
{
	struct point b = { 3, 4, "bee", NULL };
	struct point a = { 1, 2, "ay", &b };
	int i, n = argc > 1 ? atoi(argv[1]) : 3;

	for (i = 0; i < n; i++) {
		char *buffer = malloc(100 + i);

		STAP_PROBE3(prog, tick, i, n, buffer);
		memset(buffer, 'x', 10);
		sink += add(i, n);
		free(buffer);
	}
	sink += walk(&a, n);
	return 0;
}

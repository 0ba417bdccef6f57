/* Calls a function N times and prints the mean nanoseconds per call: the
 * workload of the per-hit uprobe cost benchmark (testsuite/bench/uprobes.py
 * probes `target`). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) long target(long x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct timespec a, b;
	long i, sum = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		sum = target(sum);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return sum == n ? 0 : 1;
}

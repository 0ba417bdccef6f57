/* relwork: the workload of the reliability tests and of the load benchmark.
 *
 *   relwork MODE WORKERS AMOUNT
 *
 * Forks WORKERS processes, worker i pinned to CPU i % (number of CPUs),
 * released together; each makes system calls as fast as it can:
 *
 *   MODE read     1-byte read()s of /dev/zero (each one is a vfs_read)
 *   MODE getppid  getppid()
 *
 * AMOUNT is a number of calls per worker, or a duration with an "s"
 * ("10s"). Each worker prints "worker PID CALLS NANOSECONDS" (the calls it
 * made, all of them successful, and how long they took); the status is 0
 * when every worker did its part. Probes tell the workers apart with
 * execname() "relwork" and pid().
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int one_call(int mode, int fd)
{
	char c;

	if (mode == 'r')
		return read(fd, &c, 1) == 1;
	syscall(SYS_getppid);
	return 1;
}

/* No read() but the counted ones in a worker: probes on vfs_read count
 * exactly what the worker reports. */
static void worker(int cpu, int mode, long calls, double seconds, int go, int out)
{
	cpu_set_t cpus;
	long long start, stop, deadline;
	long done = 0;
	int fd = open("/dev/zero", O_RDONLY);
	struct pollfd released = { .fd = go, .events = POLLIN };
	char line[128];

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	/* every worker starts at once: when the parent closes the pipe */
	if (fd < 0 || poll(&released, 1, -1) != 1)
		_exit(2);
	start = now_ns();
	if (seconds > 0) {
		deadline = start + (long long)(seconds * 1e9);
		do {
			int i;

			for (i = 0; i < 256; i++)
				done += one_call(mode, fd);
		} while (now_ns() < deadline);
	} else {
		while (done < calls) {
			if (!one_call(mode, fd))
				_exit(3);
			done++;
		}
	}
	stop = now_ns();
	snprintf(line, sizeof(line), "worker %d %ld %lld\n", getpid(), done, stop - start);
	if (write(out, line, strlen(line)) < 0)
		_exit(4);
	_exit(0);
}

int main(int argc, char **argv)
{
	int go[2], i, workers, mode, status, failed = 0;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	long calls = 0;
	double seconds = 0;
	char *end;

	if (argc != 4 || (strcmp(argv[1], "read") && strcmp(argv[1], "getppid"))) {
		fprintf(stderr, "usage: relwork read|getppid WORKERS CALLS|SECONDSs\n");
		return 2;
	}
	mode = argv[1][0];
	workers = atoi(argv[2]);
	if (argv[3][strlen(argv[3]) - 1] == 's')
		seconds = strtod(argv[3], &end);
	else
		calls = strtol(argv[3], &end, 10);
	if (workers < 1 || (calls < 1 && seconds <= 0)) {
		fprintf(stderr, "relwork: bad arguments\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(go))
		return 1;
	for (i = 0; i < workers; i++) {
		if (fork() == 0) {
			close(go[1]);
			worker(i % ncpus, mode, calls, seconds, go[0], 1);
		}
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < workers; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	if (failed) {
		fprintf(stderr, "relwork: a worker failed\n");
		return 1;
	}
	return 0;
}

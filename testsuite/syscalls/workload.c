/* The workload of the syscall tapset tests: system calls with arguments
 * that exercise the decoders of argstr and retstr (flags, structures,
 * strings, error names), made in an order and with values that do not
 * change from run to run.
 *
 * Freestanding (no C library, static, not position-independent): no
 * loader or library start-up calls, every buffer at a fixed address, and
 * no call whose result varies (process ids, times, addresses the kernel
 * chooses) unless the test script leaves its result out.
 *
 *     gcc -O1 -static -nostdlib -fno-pie -no-pie -fno-stack-protector \
 *         -o workload workload.c
 */
#include <asm/unistd.h>
#include <asm/signal.h>
#include <asm/stat.h>
#include <asm/prctl.h>
#include <linux/types.h>
#include <linux/fcntl.h>
#include <linux/time_types.h>
#include <linux/futex.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/un.h>
#include <linux/socket.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/mman.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/eventpoll.h>
#include <linux/prctl.h>
#include <linux/wait.h>
#include <linux/xattr.h>
#include <linux/falloc.h>
#include <linux/fadvise.h>
#include <linux/stat.h>
#include <linux/mount.h>
#include <linux/memfd.h>
#include <linux/random.h>
#include <linux/poll.h>
#include <linux/time.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <linux/membarrier.h>
#include <linux/netlink.h>
#include <linux/ptrace.h>
#include <linux/quota.h>
#include <linux/reboot.h>
#include <linux/capability.h>
#include <linux/signalfd.h>

/* ABI values the kernel's user headers leave to the C library. */
#define UTIME_NOW	((1L << 30) - 1L)
#define UTIME_OMIT	((1L << 30) - 2L)
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_CLOEXEC	02000000
#define SOCK_NONBLOCK	04000
#define SOL_SOCKET	1
#define MSG_DONTWAIT	0x40
#define MSG_NOSIGNAL	0x4000
#define SHUT_RDWR	2
#define MNT_DETACH	2
#define PRIO_PROCESS	0
#define AF_NETLINK	16
#define SOCK_RAW	3

static long sc(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 asm("r10") = d;
	register long r8 asm("r8") = e;
	register long r9 asm("r9") = f;
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

#define S0(n) sc(__NR_##n, 0, 0, 0, 0, 0, 0)
#define S1(n, a) sc(__NR_##n, (long)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b) sc(__NR_##n, (long)(a), (long)(b), 0, 0, 0, 0)
#define S3(n, a, b, c) sc(__NR_##n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define S4(n, a, b, c, d) sc(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define S5(n, a, b, c, d, e) \
	sc(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define S6(n, a, b, c, d, e, f) \
	sc(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Everything the calls point to is here, at a fixed address. */
static char buf[4096];
static int fds[2], sv[2];
static struct stat st;
static struct iovec iov[2] = { { buf, 4 }, { buf + 4, 8 } };
static struct __kernel_timespec ts = { 0, 1000 }, tsp = { 0, 2000 };
static struct __kernel_timespec ts2[2] = { { 5, UTIME_NOW }, { 6, UTIME_OMIT } };
static struct __kernel_itimerspec its = { { 1, 500 }, { 2, 0 } }, its0 = { { 3, 0 }, { 0, 0 } };
static struct { long sec, usec; } tv = { 0, 0 };
static struct { long interval_sec, interval_usec, sec, usec; } itv;
static struct sigaction act, oact;
static unsigned long sigmask = (1UL << (SIGINT - 1)) | (1UL << (SIGTERM - 1));
static struct { void *sp; int flags; unsigned long size; } ss = { buf, 0, 2048 };
static struct { int signo, errno_, code, pad; int pid, uid; } info = { SIGUSR1, 0, -1, 0, 7, 0 };
static struct sockaddr_in sin = { AF_INET, 0x0100 /* port 1 */, { 0x0100007f } };
static struct sockaddr_in sin9 = { AF_INET, 0x0900 /* port 9 */, { 0x0100007f } };
static struct sockaddr_in6 sin6 = { AF_INET6, 0x0100, 0, { { { 0 } } }, 0 };
static struct sockaddr_un sun = { AF_UNIX, "/proc/nonexistent.sock" };
static int one = 1, len = 4;
static struct rlimit rl = { 1024, 4096 };
static int futex_word = 1;
static struct epoll_event ev = { EPOLLIN, 0 };
static struct pollfd pfd = { 0, POLLIN, 0 };
static const char *argv[] = { "/proc/nonexistent", "-x", "a b", 0 };
static const char *envp[] = { "A=1", 0 };
static unsigned long cpumask[2];
static int param;
static struct sockaddr_nl snl = { AF_NETLINK, 0, 0, 0 };
static struct { __u32 size, policy; __u64 flags; __s32 nice; __u32 priority;
		__u64 runtime, deadline, period; } attr = { 48, 0, 0, 5, 0, 0, 0, 0 };
static int timerid;

static long fd, dupfd, mfd, tcp, lsn, udp, unix_, udp6, epfd, efd, tfd, ifd;

static void handler(int sig) { (void)sig; }

static void files(void)
{
	S4(openat, AT_FDCWD, "/proc/nonexistent/file", O_RDONLY, 0);
	S4(openat, AT_FDCWD, "/proc/nonexistent", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fd = S3(open, "/dev/null", O_RDWR | O_APPEND, 0);
	S3(read, fd, buf, 16);
	S3(write, fd, "hello\n\001world", 12);
	S4(pread64, fd, buf, 8, 100);
	S4(pwrite64, fd, "x", 1, 200);
	S3(lseek, fd, 10, 1);
	S3(readv, fd, iov, 2);
	S3(writev, fd, iov, 2);
	dupfd = S1(dup, fd);
	S2(dup2, dupfd, 40);
	S3(dup3, dupfd, 41, O_CLOEXEC);
	S3(fcntl, fd, F_GETFL, 0);
	S3(fcntl, fd, F_SETFD, FD_CLOEXEC);
	S3(fcntl, fd, 1234, 0);
	S1(close, 41);
	S1(close, 40);
	S1(close, dupfd);
	S1(close, -1);
	S2(pipe2, fds, O_CLOEXEC | O_NONBLOCK);
	S2(access, "/", 4 | 2);
	S3(faccessat, AT_FDCWD, "/proc/nonexistent", 1);
	S4(faccessat2, AT_FDCWD, "/", 4, AT_EACCESS);
	S2(stat, "/", &st);
	S2(lstat, "/proc/nonexistent", &st);
	S2(fstat, fd, &st);
	S4(newfstatat, AT_FDCWD, "/", &st, AT_SYMLINK_NOFOLLOW);
	S5(statx, AT_FDCWD, "/", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
	S3(mkdirat, AT_FDCWD, "/proc/nonexistent/dir", 0755);
	S3(unlinkat, AT_FDCWD, "/proc/nonexistent", AT_REMOVEDIR);
	S5(renameat2, AT_FDCWD, "/proc/nonexistent", AT_FDCWD, "/proc/nonexistent2", 1 /* NOREPLACE */);
	S3(symlinkat, "/target", AT_FDCWD, "/proc/nonexistent/link");
	S4(readlinkat, AT_FDCWD, "/proc/nonexistent", buf, 64);
	S4(fchmodat, AT_FDCWD, "/proc/nonexistent", 0600, 0);
	S4(mknodat, AT_FDCWD, "/proc/nonexistent/fifo", 0010644, 0);
	S4(utimensat, AT_FDCWD, "/proc/nonexistent", ts2, 0);
	S1(chdir, "/");
	S2(getcwd, buf, 256);
	S3(ioctl, fd, 0x5401, buf);
	S5(mount, "none", "/proc/nonexistent", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
	S2(umount2, "/proc/nonexistent", MNT_DETACH);
	S5(fsetxattr, fd, "user.name", "v\0", 2, XATTR_CREATE);
	S4(getxattr, "/", "user.name", buf, 64);
	mfd = S2(memfd_create, "wl", MFD_CLOEXEC);
	S2(ftruncate, mfd, 4096);
	S4(fallocate, mfd, FALLOC_FL_KEEP_SIZE, 0, 8192);
	S4(fadvise64, mfd, 0, 4096, POSIX_FADV_SEQUENTIAL);
	S4(sync_file_range, mfd, 0, 4096, 2);
	S3(execve, "/proc/nonexistent", argv, envp);
}

static void memory(void)
{
	S6(mmap, 0x10000000, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	   -1, 0);
	S3(mprotect, 0x10000000, 4096, PROT_READ);
	S3(madvise, 0x10000000, 4096, MADV_DONTNEED);
	S3(msync, 0x10000000, 4096, MS_SYNC | MS_INVALIDATE);
	S5(mremap, 0x10000000, 8192, 4096, 0, 0);
	S2(munmap, 0x10000000, 8192);
	S6(mmap, 0, 4096, PROT_NONE, MAP_SHARED, 1000, 0);
}

static void signals(void)
{
	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;
	act.sa_mask = sigmask;
	S4(rt_sigaction, SIGUSR1, &act, &oact, 8);
	S4(rt_sigaction, SIGUSR2, 0, &oact, 8);
	act.sa_flags = SA_SIGINFO | SA_ONSTACK | 0x04000000 /* SA_RESTORER */;
	act.sa_restorer = (void (*)(void))handler;
	S4(rt_sigaction, SIGTERM, &act, 0, 8);
	S4(rt_sigprocmask, SIG_BLOCK, &sigmask, 0, 8);
	S4(rt_sigprocmask, SIG_SETMASK, 0, &sigmask, 8);
	S2(kill, 99999, 0);
	S3(tgkill, 99999, 99999, SIGKILL);
	S3(rt_sigqueueinfo, 99999, SIGUSR1, &info);
	S2(sigaltstack, &ss, 0);
	S2(sigaltstack, 0, 0);
}

static void sockets(void)
{
	tcp = S3(socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	S3(connect, tcp, &sin, sizeof(sin));
	udp = S3(socket, AF_INET, SOCK_DGRAM, 0);
	S6(sendto, udp, "ping", 4, MSG_DONTWAIT | MSG_NOSIGNAL, &sin9, sizeof(sin9));
	S6(recvfrom, udp, buf, 64, MSG_DONTWAIT, 0, 0);
	S5(setsockopt, udp, SOL_SOCKET, 2 /* SO_REUSEADDR */, &one, sizeof(one));
	S5(getsockopt, udp, SOL_SOCKET, 7 /* SO_SNDBUF */, buf, &len);
	S3(bind, udp, &sin9, sizeof(sin9));
	S2(shutdown, udp, SHUT_RDWR);
	unix_ = S3(socket, AF_UNIX, SOCK_STREAM, 0);
	S3(connect, unix_, &sun, sizeof(sun));
	udp6 = S3(socket, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	S3(connect, udp6, &sin6, sizeof(sin6));
	lsn = S3(socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	S2(listen, lsn, 5);
	S4(accept4, lsn, 0, 0, SOCK_NONBLOCK);
	S4(socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	S3(getsockname, udp, buf, &len);
	S3(bind, S3(socket, AF_NETLINK, SOCK_RAW, 0), &snl, sizeof(snl));
	S3(getpeername, sv[0], buf, &len);
}

static void processes(void)
{
	S4(prlimit64, 0, RLIMIT_NOFILE, 0, &rl);
	S2(getrlimit, RLIMIT_STACK, &rl);
	S2(getrusage, RUSAGE_CHILDREN, buf);
	S6(futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
	S6(futex, &futex_word, FUTEX_WAIT, 0, &ts, 0, 0);
	S4(wait4, -1, buf, WNOHANG, 0);
	S5(waitid, P_ALL, 0, buf, WEXITED | WNOHANG, 0);
	S3(sched_getaffinity, 0, sizeof(cpumask), cpumask);
	S1(sched_get_priority_max, SCHED_FIFO);
	S3(sched_setscheduler, 0, SCHED_NORMAL, &param);
	S2(getpriority, PRIO_PROCESS, 0);
	S2(prctl, PR_GET_DUMPABLE, 0);
	S2(prctl, PR_SET_PDEATHSIG, SIGKILL);
	S2(arch_prctl, ARCH_GET_FS, buf);
	S1(umask, 022);
	S1(personality, 0xffffffff);
	S0(getuid);
	S0(sched_yield);
	S3(seccomp, SECCOMP_SET_MODE_STRICT, 1, 0);
	S2(membarrier, MEMBARRIER_CMD_QUERY, 0);
	S5(keyctl, 99 /* no such operation */, 1, 2, 3, 4);
	S2(prctl, PR_SET_NAME, "wl");
	S2(prctl, PR_CAPBSET_READ, CAP_SYS_ADMIN);
	S5(prctl, 0x12345, 1, 2, 3, 4);
	S4(ptrace, PTRACE_PEEKDATA, 99999, buf, 0);
	S4(ptrace, PTRACE_SETOPTIONS, 99999, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	S4(ptrace, PTRACE_CONT, 99999, 0, SIGUSR1);
	S2(keyctl, KEYCTL_REVOKE, 99999);
	S3(keyctl, KEYCTL_SETPERM, 99999, 0x3f010000);
	S4(quotactl, QCMD(Q_GETQUOTA, USRQUOTA), "/dev/nonexistent", 0, buf);
	S4(reboot, 0, 0, LINUX_REBOOT_CMD_RESTART, 0);
	S3(sched_setattr, 0, &attr, 0);
	S3(timer_create, CLOCK_MONOTONIC, 0, &timerid);
	S4(timer_settime, 0, TIMER_ABSTIME, &its0, 0);	/* disarmed */
	S1(timer_delete, 0);
	S4(signalfd4, -1, &sigmask, 8, SFD_CLOEXEC);
	S6(mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << 26), -1, 0);
	S2(settimeofday, 0, 0);
	S1(unshare, CLONE_FILES | CLONE_FS);
	S2(setns, -1, CLONE_NEWNET);
	S1(sysinfo, buf);
}

static void events(void)
{
	epfd = S1(epoll_create1, EPOLL_CLOEXEC);
	S4(epoll_ctl, epfd, EPOLL_CTL_ADD, sv[0], &ev);
	S4(epoll_wait, epfd, buf, 8, 0);
	efd = S2(eventfd2, 3, 1 /* EFD_SEMAPHORE */);
	tfd = S2(timerfd_create, CLOCK_MONOTONIC, 02000000 /* TFD_CLOEXEC */);
	S4(timerfd_settime, tfd, 0, &its, 0);
	ifd = S1(inotify_init1, 04000 /* IN_NONBLOCK */);
	S3(inotify_add_watch, ifd, "/", 0x100 | 0x200 /* IN_CREATE|IN_DELETE */);
	S3(poll, &pfd, 1, 0);
	S5(select, 1, 0, 0, 0, &tv);
	S5(ppoll, &pfd, 1, &tsp, &sigmask, 8);	/* they write tsp back */
	S6(pselect6, 1, 0, 0, 0, &tsp, 0);
	S3(setitimer, ITIMER_REAL, &itv, 0);
	S2(getitimer, ITIMER_PROF, buf);
	S1(alarm, 0);
	S2(nanosleep, &ts, 0);
	S4(clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, 0);
	S2(clock_getres, CLOCK_BOOTTIME, buf);
	S3(getrandom, buf, 0, GRND_NONBLOCK);
}

/* From the linker: the first byte of the program and the first after it. */
extern char __executable_start[], _end[];

void _start(void)
{
	char *page;

	/* Fault every page in: the probes cannot read what is not present
	 * (a path would print as its address). */
	for (page = __executable_start; page < _end; page += 4096)
		(void)*(volatile char *)page;
	/* Descriptors from the parent would change the numbers of ours. */
	S3(close_range, 3, ~0U, 0);
	/* The test scripts print from here on. */
	S0(getppid);
	files();
	memory();
	signals();
	sockets();
	processes();
	events();
	S1(exit_group, 0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * hackbench: the scheduler and messaging benchmark on which AutoNUMA was
 * recorded to regress in 2012, in the shape of the original: --groups
 * groups of --fds receivers and --fds senders, all processes; every sender
 * writes --loops messages of --msg-size bytes to every receiver of its
 * group, through a pipe (default) or a UNIX socket pair (--socket), and
 * every receiver reads all of them.  Fixed work: the result is the wall
 * time and messages per second (ops_per_s), with the guest's whole CPU
 * time and the counters.  No memory to place: what it measures is what
 * scanning, hinting faults and task placement cost a workload of
 * many short-running, communicating tasks.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct common_opts opt;
static long groups, fds = 10, loops = 1000, msg_size = 100;
static int use_socket;
static volatile int *go;

static void wait_go(void)
{
	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static void xwrite(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write: %s", strerror(errno));
		buf += n;
		len -= n;
	}
}

static void sender(int *out_fds)
{
	char *msg = calloc(1, msg_size);
	long i, j;

	if (!msg)
		die("out of memory");
	wait_go();
	for (i = 0; i < loops; i++)
		for (j = 0; j < fds; j++)
			xwrite(out_fds[j], msg, msg_size);
	_exit(0);
}

static void receiver(int in_fd)
{
	size_t want = (size_t)fds * loops * msg_size;
	char *buf = malloc(msg_size);

	if (!buf)
		die("out of memory");
	wait_go();
	while (want) {
		ssize_t n = read(in_fd, buf, want < (size_t)msg_size ? want : msg_size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read: %s (%zu bytes left)", n ? strerror(errno) : "EOF",
			    want);
		want -= n;
	}
	_exit(0);
}

static void usage(void)
{
	printf("usage: hackbench [options]\n"
	       "  --groups N    groups (default: one per CPU)\n"
	       "  --fds N       senders and receivers per group (10)\n"
	       "  --loops N     messages each sender sends each receiver (1000)\n"
	       "  --msg-size B  bytes per message (100)\n"
	       "  --socket      UNIX socket pairs instead of pipes\n");
	common_usage();
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "groups",	required_argument, NULL, 'g' },
		{ "fds",	required_argument, NULL, 'f' },
		{ "loops",	required_argument, NULL, 'l' },
		{ "msg-size",	required_argument, NULL, 'z' },
		{ "socket",	no_argument,	   NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct snapshot before, after;
	long g, i, nprocs = 0, failed = 0;
	char counters[512];
	struct rusage ru;
	uint64_t t0;
	double wall;
	pid_t *pids;
	int c, status;

	prog = "hackbench";
	common_opts_init(&opt);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (common_opt(&opt, c, optarg))
			continue;
		switch (c) {
		case 'g':
			groups = parse_long("--groups", optarg, 1, 64);
			break;
		case 'f':
			fds = parse_long("--fds", optarg, 1, 100);
			break;
		case 'l':
			loops = parse_long("--loops", optarg, 1, 100000000);
			break;
		case 'z':
			msg_size = parse_long("--msg-size", optarg, 1, 65536);
			break;
		case 'k':
			use_socket = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (opt.bind != BIND_NONE || opt.bad_start || opt.seconds || opt.passes)
		usage_error("hackbench is fixed work (--loops) with no memory to bind");
	topo_read();
	if (!groups)
		groups = topo.nr_cpus;
	pids = calloc(groups * fds * 2, sizeof(*pids));
	go = shared_alloc(sizeof(*go));
	if (!pids)
		die("out of memory");
	out("BENCH-START bench=hackbench policy=%s bind=none nodes=%d cpus=%d groups=%ld fds=%ld loops=%ld msg_size=%ld ipc=%s",
	    policy_label(&opt), topo.nr_nodes, topo.nr_cpus, groups, fds, loops,
	    msg_size, use_socket ? "socket" : "pipe");
	fflush(NULL);

	for (g = 0; g < groups; g++) {
		int out_fds[100];

		for (i = 0; i < fds; i++) {
			int p[2];

			if (use_socket ? socketpair(AF_UNIX, SOCK_STREAM, 0, p) :
					 pipe(p))
				die("%s: %s", use_socket ? "socketpair" : "pipe",
				    strerror(errno));
			pids[nprocs] = fork();
			if (pids[nprocs] < 0)
				die("fork: %s", strerror(errno));
			if (!pids[nprocs]) {
				close(p[1]);
				receiver(p[0]);
			}
			nprocs++;
			close(p[0]);
			out_fds[i] = p[1];
		}
		for (i = 0; i < fds; i++) {
			pids[nprocs] = fork();
			if (pids[nprocs] < 0)
				die("fork: %s", strerror(errno));
			if (!pids[nprocs])
				sender(out_fds);
			nprocs++;
		}
		for (i = 0; i < fds; i++)
			close(out_fds[i]);
	}

	snapshot_take(&before);
	out("BENCH-TRAFFIC bench=hackbench region=marked");
	traffic_mark_start();
	t0 = now_ns();
	__atomic_store_n(go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nprocs; i++) {
		if (waitpid(pids[i], &status, 0) < 0)
			die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	wall = (now_ns() - t0) / 1e9;
	traffic_mark_stop();
	snapshot_take(&after);
	getrusage(RUSAGE_CHILDREN, &ru);
	snapshot_print_deltas(&before, &after, "hackbench");
	snapshot_summary(&before, &after, NULL, counters, sizeof(counters));
	out("BENCH-RESULT bench=hackbench variant=%s name=hackbench policy=%s "
	    "bind=none nodes=%d cpus=%d procs=%ld groups=%ld fds=%ld loops=%ld "
	    "msg_size=%ld wall_s=%.2f user_s=%.2f sys_s=%.2f ops_per_s=%.0f "
	    "final_local_pct=na t90_s=na %s failed=%ld status=%s",
	    use_socket ? "socket" : "pipe", policy_label(&opt), topo.nr_nodes,
	    topo.nr_cpus, nprocs, groups, fds, loops, msg_size, wall,
	    tv_sec(&ru.ru_utime), tv_sec(&ru.ru_stime),
	    wall > 0 ? groups * fds * fds * loops / wall : 0, counters, failed,
	    failed ? "fail" : "ok");
	return failed ? 1 : 0;
}

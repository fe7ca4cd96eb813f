// SPDX-License-Identifier: GPL-2.0
/*
 * The placement contracts automatic NUMA placement must keep: memory a
 * task may not have on a node is not migrated there, however hard the
 * task uses it from that node.  AutoNUMA migrates from its kthreads, in
 * the root cpuset and with no mempolicy, so it has to check the owner's
 * limits itself; upstream NUMA balancing migrates from the faulting task
 * and gets them from the allocator and mpol_misplaced().
 *
 * A worker process runs on the CPUs of node 1 and keeps using 64 MiB
 * that were first touched on node 0, mapped by it alone (AutoNUMA leaves
 * pages mapped by several processes where they are, which would hide the
 * bugs), for a number of scan passes over its memory:
 *  - control: private memory without any restriction moves to node 1,
 *    so a kernel that migrates nothing cannot pass;
 *  - control: the same for a tmpfs file without a policy (AutoNUMA only:
 *    upstream NUMA balancing does not scan shmem without an MPOL_F_MOF
 *    policy, see vma_policy_mof());
 *  - cpuset: with cpuset.cpus = the CPUs of node 1 and cpuset.mems = 0,
 *    no page reaches node 1;
 *  - shared policy: a tmpfs file that another process bound to node 0
 *    with mbind(MPOL_BIND) through its own mapping, since unmapped (the
 *    policy stays on the inode): no page reaches node 1;
 *  - tmpfs mpol=bind:0: a file of such a mount: no page reaches node 1;
 *  - move_pages(): a page AutoNUMA holds isolated on its queue makes
 *    move_pages() report EBUSY only for a moment, at the fastest knobs
 *    and at a long migration interval (AutoNUMA only: upstream isolates a
 *    page only for the migration inside its fault).
 *
 * Runs on AutoNUMA (/sys/kernel/mm/autonuma, fast knobs) and, where the
 * kernel has no AutoNUMA, on upstream NUMA balancing (kernel.numa_balancing
 * and fast scan knobs in debugfs), which keeps these contracts: there it
 * checks the test.  A pass is counted by the worker's own counter, mm_pass
 * of /proc/self/autonuma or mm->numa_scan_seq of /proc/self/sched.  Pages
 * are located through /proc/self/pagemap, not move_pages().  Each check is
 * a test of its own (kselftest_harness.h): it starts from the knobs saved
 * when the program started, switches the mechanism on with fast knobs and
 * puts the knobs back after it (the program at exit, also on SIGINT and
 * SIGTERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "autonuma_util.h"

#define SZ_1M			(1024UL * 1024)

#define SRC_NODE		0	/* where memory is first placed */
#define DST_NODE		1	/* where the worker runs */

#define BUF_LEN			(64 * SZ_1M)
#define CONTROL_SHARE		90.0	/* percent on DST_NODE to reach */
#define CONTROL_SCANS		30	/* passes the controls may take */
#define KEEP_SCANS		20	/* passes restricted memory is used */
#define CASE_CAP_MS		50000	/* per case, once the memory is placed */
#define SETTLE_MS		500	/* for migrations already under way */
/*
 * The worker pauses for TOUCH_PAUSE_MS after each TOUCH_RUN_MS of use, so
 * that knuma_migratedN gets a CPU of node 1, but it keeps running most
 * of the time: upstream scans a task every scan period of its runtime.
 */
#define TOUCH_RUN_MS		50
#define TOUCH_PAUSE_MS		5
#define WORKER_GRACE_MS		60000	/* setup and reading, on top of the cap */
/* a case's timeout: its worker's limit (see run_job()) and then some */
#define CASE_TIMEOUT		((CASE_CAP_MS + WORKER_GRACE_MS) / 1000 + 30)

/* The whole program, well below the kselftest timeout in "settings". */
#define BUDGET_SECS		420

#define NB_DIR			"/sys/kernel/debug/sched/numa_balancing"

static size_t page_size;
static char bind_str[16];	/* "bind:<SRC_NODE>" as numa_maps shows it */

/* ---- the placement mechanism: AutoNUMA or upstream NUMA balancing ---- */

static struct {
	const char *name;
	int (*on)(const char **failed);	/* on, with fast knobs */
	int (*passes)(unsigned long long *val);
	const char *passes_from;
	bool scans_shmem;	/* scans shmem without a policy */
} mech;

/* Upstream's passes over this process's memory (CONFIG_SCHED_DEBUG). */
static int nb_scan_seq(unsigned long long *val)
{
	long long seq;
	int ret = an_proc_value("/proc/self/sched", "mm->numa_scan_seq", &seq);

	if (!ret)
		*val = seq;
	return ret;
}

/* Fast upstream scanning: a pass every 100-400 ms of the task's runtime. */
static const struct {
	const char *path;
	unsigned long long val;
} nb_fast[] = {
	{ NB_DIR "/scan_delay_ms", 0 },
	{ NB_DIR "/scan_period_min_ms", 100 },
	{ NB_DIR "/scan_period_max_ms", 400 },
	{ NB_DIR "/scan_size_mb", 256 },
};

static int nb_on(const char **failed)
{
	unsigned int i;
	int ret;

	*failed = NUMA_BALANCING_PATH;
	ret = an_set_knob(NUMA_BALANCING_PATH, 1);
	for (i = 0; !ret && i < ARRAY_SIZE(nb_fast); i++) {
		*failed = nb_fast[i].path;
		ret = an_set_knob(nb_fast[i].path, nb_fast[i].val);
	}
	return ret;
}

static int autonuma_on(const char **failed)
{
	int ret;

	*failed = "enabled";
	ret = an_enable();
	return ret ? ret : an_set_fast_knobs(failed);
}

static const char *setup_numa_balancing(char *why, size_t size)
{
	const char *names[ARRAY_SIZE(nb_fast)];
	unsigned long long val;
	unsigned int i;
	int ret;

	if (access(NUMA_BALANCING_PATH, F_OK)) {
		snprintf(why, size, "neither AutoNUMA nor NUMA balancing in this kernel");
		return why;
	}
	if (access(NB_DIR, F_OK)) {
		snprintf(why, size, "no %s (CONFIG_SCHED_DEBUG, debugfs)", NB_DIR);
		return why;
	}
	if (nb_scan_seq(&val)) {
		snprintf(why, size, "no mm->numa_scan_seq in /proc/self/sched");
		return why;
	}
	for (i = 0; i < ARRAY_SIZE(nb_fast); i++)
		names[i] = nb_fast[i].path;
	ret = an_save_knobs(names, ARRAY_SIZE(names));
	if (ret)
		an_exit_fail("cannot save the knobs: %s\n", strerror(-ret));
	mech.name = "NUMA balancing";
	mech.on = nb_on;
	mech.passes = nb_scan_seq;
	mech.passes_from = "mm->numa_scan_seq of /proc/self/sched";
	return NULL;
}

/* AutoNUMA when the kernel has it, else upstream NUMA balancing. */
static const char *setup_mech(char *why, size_t size)
{
	int ret;

	if (access(AUTONUMA_DIR, F_OK))
		return setup_numa_balancing(why, size);
	if (access(AN_SCAND_DIR, F_OK)) {
		snprintf(why, size, "AutoNUMA is off: no %s (noautonuma or one node)",
			 AN_SCAND_DIR);
		return why;
	}
	ret = an_save_all_knobs();
	if (ret)
		an_exit_fail("cannot save the knobs: %s\n", strerror(-ret));
	mech.name = "AutoNUMA";
	mech.on = autonuma_on;
	mech.passes = an_mm_pass;
	mech.passes_from = "mm_pass of /proc/self/autonuma";
	mech.scans_shmem = true;
	return NULL;
}

/* ---- counters ---- */

enum { VM_PTE, VM_FAULTS, VM_MIGRATED, VM_AN_QUEUED, NR_VM };

static const char * const vm_names[NR_VM] = {
	[VM_PTE] = "numa_pte_updates",
	[VM_FAULTS] = "numa_hint_faults",
	[VM_MIGRATED] = "numa_pages_migrated",
	[VM_AN_QUEUED] = "autonuma_pages_queued",
};

/* ---- the worker ---- */

/*
 * What a worker does and what it saw, in memory shared with the parent.
 * A worker runs on the CPUs of DST_NODE, maps BUF_LEN bytes (private and
 * anonymous, or a tmpfs file), makes sure they are all on SRC_NODE, then
 * keeps using them for @scans passes (or until @target percent of them
 * are on DST_NODE).
 */
struct job {
	/* set by the parent */
	const char *name;
	const char *cgroup;	/* cgroup v2 directory to join, or NULL */
	const char *file;	/* tmpfs file to map MAP_SHARED, or NULL */
	bool place;		/* first touch with a task policy to SRC_NODE */
	bool pin;		/* sched_setaffinity() to DST_NODE's CPUs */
	const char *policy;	/* the policy numa_maps must show, or NULL */
	unsigned long long scans;
	double target;		/* > 0: done once this share is on DST_NODE */
	/* set by the worker */
	int done;		/* got to the end; else see err */
	char err[256];
	char policy_seen[64];
	struct an_placement first;	/* after the first touch */
	struct an_placement last;	/* at the end */
	struct an_wait w;
	unsigned long touches;	/* sweeps of the worker over its memory */
	struct an_snap before, after;
};

static void job_err(struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
}

/* Read and write one word of every page of [@buf, @buf + @len). */
static void touch_pass(char *buf, size_t len)
{
	unsigned long *w;
	size_t off;

	for (off = 0; off < len; off += page_size) {
		w = (unsigned long *)(buf + off);
		__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) + 1,
				 __ATOMIC_RELAXED);
	}
}

/* Write every page of [@buf, @buf + @len) once. */
static void first_touch(char *buf, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += page_size)
		buf[off] = 1;
}

/*
 * Placement of a buffer nothing should be migrating: a page caught in a
 * migration has no PFN for a moment, so read again before reporting it.
 */
static int settled_placement(const char *buf, size_t len,
			     struct an_placement *pl)
{
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = an_get_placement(buf, len, pl);
		if (ret || !pl->unknown)
			return ret;
		an_sleep_ms(100);
	}
	return 0;
}

/* The policy /proc/self/numa_maps shows for the VMA at @addr. */
static int vma_policy(const void *addr, char *out, size_t size)
{
	char line[4096], pol[64], *end;
	unsigned long start;
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/numa_maps", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		start = strtoul(line, &end, 16);
		if (end == line || start != (unsigned long)addr)
			continue;
		if (sscanf(end, " %63s", pol) == 1) {
			snprintf(out, size, "%s", pol);
			ret = 0;
		}
		break;
	}
	fclose(f);
	return ret;
}

/* The CPUs the calling task may run on are all on @node. */
static bool runs_on_node(int node)
{
	cpu_set_t mine, theirs;
	int cpu;

	if (sched_getaffinity(0, sizeof(mine), &mine) ||
	    an_node_cpus(node, &theirs) <= 0 || !CPU_COUNT(&mine))
		return false;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &mine) && !CPU_ISSET(cpu, &theirs))
			return false;
	return true;
}

/* The calling task may allocate on @node only (Mems_allowed_list). */
static bool mems_only(int node)
{
	unsigned long bits[AN_MAX_NODES / (8 * sizeof(long))];
	char buf[4096], *p;

	if (an_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return false;
	p = strstr(buf, "\nMems_allowed_list:");
	if (!p)
		return false;
	p += strlen("\nMems_allowed_list:");
	p += strspn(p, " \t");
	return an_parse_list_bits(p, bits, AN_MAX_NODES) == 1 &&
	       an_test_bit(bits, node);
}

static int join_cgroup(struct job *j)
{
	char path[AN_PATH_LEN], pid[32];
	int ret;

	snprintf(path, sizeof(path), "%s/cgroup.procs", j->cgroup);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	ret = an_write_str(path, pid);
	if (ret) {
		job_err(j, "cannot join %s: %s", j->cgroup, strerror(-ret));
		return ret;
	}
	if (!mems_only(SRC_NODE)) {
		job_err(j, "Mems_allowed_list is not %d in %s", SRC_NODE,
			j->cgroup);
		return -EINVAL;
	}
	return 0;
}

static char *map_memory(struct job *j)
{
	char *buf;
	int fd;

	if (!j->file) {
		buf = an_alloc(BUF_LEN, page_size, MADV_NOHUGEPAGE);
		if (!buf)
			job_err(j, "mmap: %s", strerror(errno));
		return buf;
	}
	fd = open(j->file, O_RDWR);
	if (fd < 0) {
		job_err(j, "open %s: %s", j->file, strerror(errno));
		return NULL;
	}
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (buf == MAP_FAILED) {
		job_err(j, "mmap %s: %s", j->file, strerror(errno));
		return NULL;
	}
	/* Count base pages, whatever shmem_enabled says. */
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	return buf;
}

/*
 * Keep using [@buf, @buf + BUF_LEN) until the mechanism made j->scans
 * passes over this process's memory, or j->target percent of it is on
 * DST_NODE, within CASE_CAP_MS (and the program budget).  Gives up when
 * no pass completes for AN_STALL_MS.
 */
static void use_memory(struct job *j, char *buf)
{
	unsigned long long start, last, cur, t0, now, moved, paused, cap;
	struct an_wait *w = &j->w;

	cap = an_budget_ms(CASE_CAP_MS);
	an_snap_take(&j->before, vm_names, NR_VM);
	t0 = an_now_ms();
	moved = t0;
	paused = t0;
	w->end = AN_WAIT_ERROR;
	if (mech.passes(&start))
		goto out;
	last = start;
	for (;;) {
		touch_pass(buf, BUF_LEN);
		j->touches++;
		if (an_now_ms() - paused < TOUCH_RUN_MS)
			continue;
		an_sleep_ms(TOUCH_PAUSE_MS);
		now = an_now_ms();
		paused = now;
		w->ms = now - t0;
		if (mech.passes(&cur)) {
			w->end = AN_WAIT_ERROR;
			break;
		}
		if (cur != last) {
			last = cur;
			moved = now;
			w->scans = cur - start;
			if (j->target > 0 &&
			    !an_get_placement(buf, BUF_LEN, &j->last) &&
			    an_share(&j->last, DST_NODE) >= j->target) {
				w->end = AN_WAIT_DONE;
				break;
			}
			if (w->scans >= j->scans) {
				w->end = AN_WAIT_SCANS;
				break;
			}
		}
		if (w->ms >= cap) {
			w->end = AN_WAIT_CAP;
			break;
		}
		if (now - moved >= AN_STALL_MS) {
			w->end = AN_WAIT_STALL;
			break;
		}
	}
out:
	if (w->end != AN_WAIT_DONE)
		an_sleep_ms(SETTLE_MS);
	an_snap_take(&j->after, vm_names, NR_VM);
}

static void worker(struct job *j)
{
	char *buf;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (j->cgroup && join_cgroup(j))
		return;
	if (j->pin) {
		ret = an_pin_to_node(DST_NODE);
		if (ret) {
			job_err(j, "cannot run on node %d: %s", DST_NODE,
				strerror(-ret));
			return;
		}
	}
	if (!runs_on_node(DST_NODE)) {
		job_err(j, "may run on CPUs off node %d", DST_NODE);
		return;
	}
	buf = map_memory(j);
	if (!buf)
		return;
	if (j->place) {
		ret = an_place_on_node(buf, BUF_LEN, SRC_NODE);
		if (ret) {
			job_err(j, "first touch bound to node %d: %s",
				SRC_NODE, strerror(-ret));
			return;
		}
	} else {
		first_touch(buf, BUF_LEN);
	}
	ret = vma_policy(buf, j->policy_seen, sizeof(j->policy_seen));
	if (ret) {
		job_err(j, "no numa_maps line for the mapping: %s",
			strerror(-ret));
		return;
	}
	if (j->policy && strcmp(j->policy_seen, j->policy)) {
		job_err(j, "numa_maps shows policy %s, not %s",
			j->policy_seen, j->policy);
		return;
	}
	ret = settled_placement(buf, BUF_LEN, &j->first);
	if (ret) {
		job_err(j, "cannot read the placement: %s", strerror(-ret));
		return;
	}
	if (j->first.on[SRC_NODE] != j->first.pages) {
		job_err(j, "%lu of %lu pages on node %d after the first touch",
			j->first.on[SRC_NODE], j->first.pages, SRC_NODE);
		return;
	}
	use_memory(j, buf);
	ret = settled_placement(buf, BUF_LEN, &j->last);
	if (ret) {
		job_err(j, "cannot read the placement: %s", strerror(-ret));
		return;
	}
	j->done = 1;
}

/* ---- the parent side ---- */

/* "node0 16384 node1 0 unknown 0 of 16384 pages (pagemap)" */
static const char *place_str(const struct an_placement *pl, char *buf,
			     size_t size)
{
	int node, len = 0;

	for (node = 0; node < AN_MAX_NODES && len < (int)size; node++) {
		if (node != SRC_NODE && node != DST_NODE && !pl->on[node])
			continue;
		len += snprintf(buf + len, size - len, "node%d %lu ", node,
				pl->on[node]);
	}
	if (len < (int)size)
		snprintf(buf + len, size - len, "unknown %lu of %lu pages (%s)",
			 pl->unknown, pl->pages, pl->how);
	return buf;
}

static void print_counters(const struct job *j)
{
	char line[512];
	int i, len = 0;

	for (i = 0; i < NR_VM && len < (int)sizeof(line); i++)
		if (j->before.have[i] && j->after.have[i])
			len += snprintf(line + len, sizeof(line) - len,
					" %s +%llu", vm_names[i],
					an_snap_delta(&j->before, &j->after,
						      i));
	ksft_print_msg("%s:%s\n", j->name, len ? line : " no counters");
}

/*
 * Run @j in a worker process and log what it saw.  Returns true when the
 * worker got to the end; the caller judges the result.
 */
static bool run_job(struct job *j)
{
	unsigned long long t0 = an_now_ms(), limit;
	char str[256];
	int status;
	pid_t pid;

	limit = an_budget_ms(CASE_CAP_MS) + WORKER_GRACE_MS;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("%s: fork: %s\n", j->name, strerror(errno));
		return false;
	}
	if (!pid) {
		worker(j);
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (an_now_ms() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ksft_print_msg("%s: worker killed after %llu ms\n",
				       j->name, an_now_ms() - t0);
			return false;
		}
		an_sleep_ms(AN_POLL_MS);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("%s: worker died (status %#x)\n", j->name,
			       status);
		return false;
	}
	if (j->err[0])
		ksft_print_msg("%s: %s\n", j->name, j->err);
	if (j->first.how)
		ksft_print_msg("%s: policy %s, first touch: %s\n", j->name,
			       j->policy_seen,
			       place_str(&j->first, str, sizeof(str)));
	if (!j->done)
		return false;
	ksft_print_msg("%s: %s after %llu pass(es) in %llu.%03llu s, %lu sweeps by the worker\n",
		       j->name, an_wait_str(&j->w), j->w.scans,
		       j->w.ms / 1000, j->w.ms % 1000, j->touches);
	ksft_print_msg("%s: %lu of %lu pages on node %d: %s\n", j->name,
		       j->last.on[DST_NODE], j->last.pages, DST_NODE,
		       place_str(&j->last, str, sizeof(str)));
	print_counters(j);
	ksft_print_msg("%s: took %llu.%03llu s\n", j->name,
		       (an_now_ms() - t0) / 1000, (an_now_ms() - t0) % 1000);
	return true;
}

static struct job *job_new(const char *name)
{
	struct job *j;

	j = mmap(NULL, sizeof(*j), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (j == MAP_FAILED) {
		ksft_print_msg("%s: mmap: %s\n", name, strerror(errno));
		return NULL;
	}
	memset(j, 0, sizeof(*j));
	j->name = name;
	return j;
}

static void job_free(struct job *j)
{
	if (j)
		munmap(j, sizeof(*j));
}

/* A restricted job kept its memory on SRC_NODE for all its passes. */
static bool stayed(const struct job *j)
{
	if (j->w.end != AN_WAIT_SCANS) {
		ksft_print_msg("%s: only %llu of %llu passes: proves nothing\n",
			       j->name, j->w.scans, j->scans);
		return false;
	}
	return j->last.on[SRC_NODE] == j->last.pages;
}

/* ---- tmpfs ---- */

#define BASE_DIR_TEMPLATE	"/tmp/autonuma_policy.XXXXXX"

static char base_dir[sizeof(BASE_DIR_TEMPLATE)];	/* for mkdtemp() */

/* Mount a tmpfs with @opts on base_dir/@name into @dir. */
static int mount_tmpfs(const char *name, const char *opts, char *dir,
		       size_t size)
{
	snprintf(dir, size, "%s/%s", base_dir, name);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", dir, "tmpfs", 0, opts)) {
		int ret = -errno;

		rmdir(dir);
		return ret;
	}
	return 0;
}

static void umount_dir(const char *dir)
{
	if (umount2(dir, 0))
		ksft_print_msg("umount %s: %s\n", dir, strerror(errno));
	rmdir(dir);
}

/* Create the BUF_LEN file @path; returns an fd or -errno. */
static int create_file(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, BUF_LEN)) {
		ret = -errno;
		close(fd);
		unlink(path);
		return ret;
	}
	return fd;
}

/*
 * Process A's part of a shared file: map @fd, set the VMA policy
 * MPOL_BIND to SRC_NODE when @mbind (which shmem keeps on the inode),
 * else fault the pages in with a task policy to SRC_NODE, check that
 * they are there, and unmap, so that the worker's mapping is the only
 * one.
 */
static bool fill_file(const char *what, int fd, bool mbind)
{
	struct an_placement pl;
	char str[256], pol[64];
	bool ok = false;
	char *buf;
	int ret;

	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED) {
		ksft_print_msg("%s: mmap: %s\n", what, strerror(errno));
		return false;
	}
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	if (mbind) {
		ret = an_mbind_node(buf, BUF_LEN, SRC_NODE, 0);
		if (ret) {
			ksft_print_msg("%s: mbind: %s\n", what, strerror(-ret));
			goto out;
		}
		first_touch(buf, BUF_LEN);
	} else {
		ret = an_place_on_node(buf, BUF_LEN, SRC_NODE);
		if (ret) {
			ksft_print_msg("%s: first touch bound to node %d: %s\n",
				       what, SRC_NODE, strerror(-ret));
			goto out;
		}
	}
	if (vma_policy(buf, pol, sizeof(pol)))
		snprintf(pol, sizeof(pol), "?");
	ret = settled_placement(buf, BUF_LEN, &pl);
	if (ret) {
		ksft_print_msg("%s: cannot read the placement: %s\n", what,
			       strerror(-ret));
		goto out;
	}
	ksft_print_msg("%s: process A (policy %s) placed %s\n", what, pol,
		       place_str(&pl, str, sizeof(str)));
	ok = pl.on[SRC_NODE] == pl.pages;
out:
	munmap(buf, BUF_LEN);
	return ok;
}

/* ---- cgroup v2 ---- */

static struct {
	char root[AN_PATH_LEN];		/* the cgroup2 mount */
	char dir[AN_PATH_LEN + 32];	/* the test's cgroup */
	bool mounted;			/* root was mounted here */
	bool enabled;			/* +cpuset was written here */
} cg;

/* @word is one of the space-separated words of @list. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') &&
		    (!p[len] || p[len] == ' ' || p[len] == '\n'))
			return true;
		p += len;
	}
	return false;
}

static bool find_cgroup2(char *mnt, size_t size)
{
	char line[1024], dir[AN_PATH_LEN], type[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/mounts", "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %127s %63s", dir, type) == 2 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(mnt, size, "%s", dir);
			found = true;
		}
	fclose(f);
	return found;
}

static int cg_write(const char *file, const char *val)
{
	char path[AN_PATH_LEN + 64];

	snprintf(path, sizeof(path), "%s/%s", cg.dir, file);
	return an_write_str(path, val);
}

static void cg_cleanup(void)
{
	char path[AN_PATH_LEN + 32];
	int i;

	/* The worker has been reaped, but its cgroup may lag a little. */
	for (i = 0; cg.dir[0] && i < 50; i++) {
		if (!rmdir(cg.dir) || errno == ENOENT)
			break;
		an_sleep_ms(20);
	}
	if (cg.dir[0] && i == 50)
		ksft_print_msg("rmdir %s: %s\n", cg.dir, strerror(errno));
	if (cg.enabled) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
			 cg.root);
		an_write_str(path, "-cpuset\n");
	}
	if (cg.mounted)
		umount_dir(cg.root);
	memset(&cg, 0, sizeof(cg));
}

/*
 * A cgroup v2 child with cpuset.cpus = the CPUs of DST_NODE and
 * cpuset.mems = SRC_NODE in cg.dir.  Returns 0, 1 with the reason in
 * @why when cgroup v2 or its cpuset controller is missing, or -1 with
 * the error in @why.
 */
static int cg_setup(char *why, size_t size)
{
	char path[AN_PATH_LEN + 32], buf[4096], cpus[4096], val[64];
	int ret;

	if (!find_cgroup2(cg.root, sizeof(cg.root))) {
		snprintf(cg.root, sizeof(cg.root), "%s/cgroup", base_dir);
		if (mkdir(cg.root, 0700)) {
			snprintf(why, size, "mkdir %s: %s", cg.root,
				 strerror(errno));
			return -1;
		}
		if (mount("cgroup2", cg.root, "cgroup2", 0, NULL)) {
			ret = errno;
			rmdir(cg.root);
			snprintf(why, size, "cannot mount cgroup2: %s",
				 strerror(ret));
			return ret == ENODEV ? 1 : -1;
		}
		cg.mounted = true;
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg.root);
	if (an_read_file(path, buf, sizeof(buf)) < 0 ||
	    !has_word(buf, "cpuset")) {
		snprintf(why, size,
			 "no cpuset controller in cgroup v2 at %s (CONFIG_CPUSETS, or bound to cgroup v1)",
			 cg.root);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg.root);
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret >= 0 && !has_word(buf, "cpuset")) {
		ret = an_write_str(path, "+cpuset\n");
		if (!ret)
			cg.enabled = true;
	}
	if (ret < 0) {
		snprintf(why, size, "cannot enable +cpuset in %s: %s", path,
			 strerror(-ret));
		return -1;
	}
	snprintf(cg.dir, sizeof(cg.dir), "%s/autonuma_policy.%d", cg.root,
		 getpid());
	if (mkdir(cg.dir, 0755)) {
		snprintf(why, size, "mkdir %s: %s", cg.dir, strerror(errno));
		cg.dir[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/node%d/cpulist", AN_NODE_DIR,
		 DST_NODE);
	ret = an_read_file(path, cpus, sizeof(cpus));
	if (ret < 0) {
		snprintf(why, size, "%s: %s", path, strerror(-ret));
		return -1;
	}
	ret = cg_write("cpuset.cpus", cpus);
	if (!ret) {
		snprintf(val, sizeof(val), "%d\n", SRC_NODE);
		ret = cg_write("cpuset.mems", val);
	}
	if (ret) {
		snprintf(why, size, "cannot set cpuset.cpus %.*s, cpuset.mems %d in %s: %s",
			 (int)strcspn(cpus, "\n"), cpus, SRC_NODE, cg.dir,
			 strerror(-ret));
		return -1;
	}
	ksft_print_msg("cpuset: %s: cpuset.cpus %.*s, cpuset.mems %d\n",
		       cg.dir, (int)strcspn(cpus, "\n"), cpus, SRC_NODE);
	return 0;
}

/* ---- the tests ---- */

/* Each test starts from the saved knobs, with the mechanism on. */
static int mech_restart(const char **failed)
{
	an_restore_knobs();
	return mech.on(failed);
}

static char plain[AN_PATH_LEN];	/* a tmpfs without a policy */

FIXTURE(policy) {
};

FIXTURE_SETUP(policy)
{
	const char *failed = "";
	int ret = mech_restart(&failed);

	ASSERT_EQ(0, ret) TH_LOG("cannot set %s: %s", failed, strerror(-ret));
}

FIXTURE_TEARDOWN(policy)
{
	an_restore_knobs();
}

TEST_F_TIMEOUT(policy, control_anon, CASE_TIMEOUT)
{
	struct job *j;
	bool ok = false;

	j = job_new("control anon");
	if (!j)
		goto out;
	j->place = true;
	j->pin = true;
	j->scans = CONTROL_SCANS;
	j->target = CONTROL_SHARE;
	ok = run_job(j) && j->w.end == AN_WAIT_DONE;
	job_free(j);
out:
	an_log_result(ok,
		      "control anon: 64 MiB of private memory placed on node %d, used from node %d: >= %.0f%% on node %d within %d passes\n",
		      SRC_NODE, DST_NODE, CONTROL_SHARE, DST_NODE,
		      CONTROL_SCANS);
	EXPECT_TRUE(ok);
}

TEST_F_TIMEOUT(policy, control_tmpfs, CASE_TIMEOUT)
{
	char path[AN_PATH_LEN + 16];
	struct job *j = NULL;
	bool ok = false;
	int fd;

	if (!mech.scans_shmem)
		SKIP(return, "control tmpfs: %s does not scan shmem without MPOL_F_MOF",
		     mech.name);
	snprintf(path, sizeof(path), "%s/control", plain);
	fd = create_file(path);
	if (fd < 0) {
		ksft_print_msg("control tmpfs: %s: %s\n", path, strerror(-fd));
		goto out;
	}
	if (!fill_file("control tmpfs", fd, false))
		goto unlink;
	j = job_new("control tmpfs");
	if (!j)
		goto unlink;
	j->file = path;
	j->pin = true;
	j->policy = "default";
	j->scans = CONTROL_SCANS;
	j->target = CONTROL_SHARE;
	ok = run_job(j) && j->w.end == AN_WAIT_DONE;
	job_free(j);
unlink:
	close(fd);
	unlink(path);
out:
	an_log_result(ok,
		      "control tmpfs: 64 MiB tmpfs file without a policy placed on node %d, used from node %d: >= %.0f%% on node %d within %d passes\n",
		      SRC_NODE, DST_NODE, CONTROL_SHARE, DST_NODE,
		      CONTROL_SCANS);
	EXPECT_TRUE(ok);
}

TEST_F_TIMEOUT(policy, cpuset, CASE_TIMEOUT)
{
	struct job *j = NULL;
	char why[512];
	bool ok = false;
	int ret;

	ret = cg_setup(why, sizeof(why));
	if (ret > 0) {
		cg_cleanup();
		SKIP(return, "cpuset: %s", why);
	}
	if (ret < 0) {
		ksft_print_msg("cpuset: %s\n", why);
		goto out;
	}
	j = job_new("cpuset");
	if (!j)
		goto out;
	j->cgroup = cg.dir;
	j->scans = KEEP_SCANS;
	ok = run_job(j) && stayed(j);
out:
	job_free(j);
	cg_cleanup();
	an_log_result(ok,
		      "cpuset: 64 MiB of a task with cpuset.cpus = node %d, cpuset.mems = %d: no page leaves node %d in %d passes\n",
		      DST_NODE, SRC_NODE, SRC_NODE, KEEP_SCANS);
	EXPECT_TRUE(ok);
}

TEST_F_TIMEOUT(policy, shared_policy, CASE_TIMEOUT)
{
	char path[AN_PATH_LEN + 16];
	struct job *j = NULL;
	bool ok = false;
	int fd;

	snprintf(path, sizeof(path), "%s/mbind", plain);
	fd = create_file(path);
	if (fd < 0) {
		ksft_print_msg("shared policy: %s: %s\n", path, strerror(-fd));
		goto out;
	}
	if (!fill_file("shared policy", fd, true))
		goto unlink;
	j = job_new("shared policy");
	if (!j)
		goto unlink;
	j->file = path;
	j->pin = true;
	j->policy = bind_str;
	j->scans = KEEP_SCANS;
	ok = run_job(j) && stayed(j);
	job_free(j);
unlink:
	close(fd);
	unlink(path);
out:
	an_log_result(ok,
		      "shared policy: tmpfs file mbind(MPOL_BIND, node %d) by another process, used from node %d: no page leaves node %d in %d passes\n",
		      SRC_NODE, DST_NODE, SRC_NODE, KEEP_SCANS);
	EXPECT_TRUE(ok);
}

TEST_F_TIMEOUT(policy, tmpfs_mpol, CASE_TIMEOUT)
{
	char dir[AN_PATH_LEN], path[AN_PATH_LEN + 16], opts[64];
	struct job *j = NULL;
	bool ok = false;
	int fd, ret;

	snprintf(opts, sizeof(opts), "size=%luk,mpol=%s", 2 * BUF_LEN / 1024,
		 bind_str);
	ret = mount_tmpfs("bind", opts, dir, sizeof(dir));
	if (ret) {
		ksft_print_msg("tmpfs mpol: mount -o %s: %s\n", opts,
			       strerror(-ret));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = create_file(path);
	if (fd < 0) {
		ksft_print_msg("tmpfs mpol: %s: %s\n", path, strerror(-fd));
		goto umount;
	}
	close(fd);
	j = job_new("tmpfs mpol");
	if (!j)
		goto unlink;
	/* The worker's first touch allocates under the mount's policy. */
	j->file = path;
	j->pin = true;
	j->policy = bind_str;
	j->scans = KEEP_SCANS;
	ok = run_job(j) && stayed(j);
	job_free(j);
unlink:
	unlink(path);
umount:
	umount_dir(dir);
out:
	an_log_result(ok,
		      "tmpfs mpol: file of a tmpfs mounted with mpol=%s, used from node %d: no page leaves node %d in %d passes\n",
		      bind_str, DST_NODE, SRC_NODE, KEEP_SCANS);
	EXPECT_TRUE(ok);
}

/* ---- move_pages() on pages AutoNUMA holds ---- */

/*
 * A page on AutoNUMA's queue is isolated from the LRU, and move_pages()
 * reports EBUSY for it.  That must last only as long as the page waits
 * for knuma_migratedN: once it migrated (or was put back), the same call
 * succeeds.  One thread on DST_NODE keeps using a buffer first touched on
 * SRC_NODE, with AutoNUMA scanning at its fastest knobs; as soon as
 * AutoNUMA queues pages, another thread on DST_NODE asks move_pages() to
 * move every page still on SRC_NODE to DST_NODE, MP_BATCH pages a call.
 * A page that reports EBUSY leaves that sweep for the busy set, which is
 * asked again every MP_RETRY_MS between the sweep's calls (MP_RETRY_CALLS
 * calls at most, round robin), until it is on DST_NODE, whoever moved it.
 * A page was EBUSY from the call that first said so to the first call
 * that finds it on DST_NODE, each call timed as it returns; a page still
 * EBUSY mp->giveup_ms after its first EBUSY ends the round.  Rounds on a
 * new buffer, MP_MIN_ROUNDS at least, until MP_ENOUGH_BUSY pages were
 * seen EBUSY, or for MP_MS.
 *
 * A queue holds 16 MiB at most (MP_CAL_LEN), so the last page of a full
 * one waits for the migration of 16 MiB, while the user's own move_pages()
 * migrates what AutoNUMA did not take and the thread using the memory
 * runs on the same CPUs.  How long that takes depends on the kernel
 * (lockdep and KASAN under TCG are many times slower), so the bound is
 * MP_MAX_BUSY_MS or, if longer, MP_CAL_FACTOR times what move_pages()
 * itself takes to migrate MP_CAL_LEN, measured first with AutoNUMA off (on
 * the debug kernel the longest EBUSY was 2.0 and 2.6 times that).
 *
 * Two cases: a buffer of one queue's worth with knuma_migratedN waking
 * every millisecond, and one of four queues' worth with an interval of
 * MP_LONG_MIGRATE_MS and a budget (pages_to_migrate) that the thread
 * cannot spend in it here.  A page must wait for a chunk of the thread,
 * not for its next interval: a queue that was taken once an interval held
 * its pages isolated for up to the interval, and one of up to twice
 * pages_to_migrate let the last ones wait for all the others.
 */
#define MP_CAL_LEN		(16 * SZ_1M)
#define MP_MS			10000	/* rounds for this long at most ... */
#define MP_MIN_ROUNDS		3	/* ... or, after these, ... */
#define MP_ENOUGH_BUSY		256	/* ... until this many EBUSY pages */
#define MP_MIN_BUSY		16	/* fewer EBUSY pages prove nothing */
#define MP_MAX_BUSY_MS		1000	/* from the first EBUSY to moved ... */
#define MP_CAL_FACTOR		4	/* ... or this times the calibration */
#define MP_GIVEUP_MS		5000	/* a page still EBUSY: fail ... */
#define MP_GIVEUP_FACTOR	3	/* ... or after this times the bound */
#define MP_QUEUE_CAP_MS		10000	/* for a round's first queued page */
#define MP_ROUND_CAP_MS		10000	/* a round, or twice the give-up, ... */
#define MP_ROUND_CAL_FACTOR	4	/* ... or this times moving the buffer */
#define MP_KILL_MS		300000	/* a case, at most */
#define MP_BATCH		64	/* pages per move_pages() call */
#define MP_RETRY_MS		10	/* between retries of the busy pages */
#define MP_RETRY_CALLS		64	/* calls per retry: a full queue's worth */
#define MP_UNSET		(-1000000)	/* status not written */
#define MP_LONG_MIGRATE_MS	10000	/* knuma_migrated/sleep_millisecs */
#define MP_BIG_BUDGET		4194304UL	/* pages: 16 GiB an interval */
/* a case's timeout: the parent's limit on its child, and then some */
#define MP_TIMEOUT		((MP_KILL_MS + WORKER_GRACE_MS) / 1000 + 30)

static const struct mp_case {
	const char *what;
	size_t len;			/* the buffer */
	unsigned int migrate_ms;	/* knuma_migrated/sleep_millisecs */
	unsigned long to_migrate;	/* .../pages_to_migrate, 0: as is */
} mp_cases[] = {
	{ "fastest knobs", 16 * SZ_1M, 1, 0 },
	{ "long migration interval", 64 * SZ_1M, MP_LONG_MIGRATE_MS,
	  MP_BIG_BUDGET },
};

static const struct mp_case *mp_case;

struct mp_result {
	int done;			/* got to the end; else see err */
	char err[256];
	unsigned long rounds;
	unsigned long calls;		/* move_pages() calls */
	unsigned long retries;		/* of them, retries of busy pages */
	unsigned long busy_pages;	/* pages seen EBUSY */
	unsigned long busy_moved;	/* of them, seen on DST_NODE since */
	unsigned long busy_replies;	/* EBUSY statuses */
	unsigned long enoent;		/* -ENOENT: behind a hinting entry */
	unsigned long unmoved;		/* not migrated, no status */
	unsigned long long cal_ms;	/* move_pages() of MP_CAL_LEN, off */
	unsigned long long bound_ms;	/* the longest EBUSY allowed */
	unsigned long long giveup_ms;
	unsigned long long round_cap_ms;
	unsigned long long max_busy_ms;	/* longest first EBUSY -> moved */
	unsigned long long sum_busy_ms;
	unsigned long long max_gap_ms;	/* longest between asking a busy page */
	unsigned long max_busy_round;
	unsigned long long ms;
	struct an_snap before, after;
};

static struct mp_result *mp;

static const char * const mp_vm_names[] = {
	"autonuma_pages_queued",
	"autonuma_pages_migrated",
};

static void mp_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mp->err, sizeof(mp->err), fmt, ap);
	va_end(ap);
}

struct mp_user {
	char *buf;
	int quit;
	int started;
	int err;
};

/* The thread on DST_NODE that keeps using the buffer. */
static void *mp_user_fn(void *arg)
{
	struct mp_user *u = arg;

	u->err = an_pin_to_node(DST_NODE);
	__atomic_store_n(&u->started, 1, __ATOMIC_RELEASE);
	if (u->err)
		return NULL;
	while (!__atomic_load_n(&u->quit, __ATOMIC_ACQUIRE)) {
		touch_pass(u->buf, mp_case->len);
		an_sleep_ms(TOUCH_PAUSE_MS);
	}
	return NULL;
}

struct mp_page {
	unsigned long long first;	/* first EBUSY, 0: none */
	unsigned long long last;	/* last asked while EBUSY */
	bool done;			/* on DST_NODE */
};

/* One round: the buffer, its pages, the sweep and the busy set. */
struct mp_round {
	char *buf;
	struct mp_page *pg;
	size_t n;			/* pages */
	size_t left;			/* not on DST_NODE */
	size_t open;			/* of them, EBUSY last time asked */
	size_t *busy;			/* pages seen EBUSY, in that order */
	size_t nbusy;
	size_t rcur;			/* where the next retry starts */
	size_t next;			/* where the sweep goes on */
};

/*
 * Ask move_pages() to move pages @idx[0..@nr) of @r to DST_NODE, and
 * account each status at the time the call returned.  Returns false with
 * mp->err set on an error, or when a page is still EBUSY mp->giveup_ms
 * after its first EBUSY.
 */
static bool mp_call(struct mp_round *r, const size_t *idx, size_t nr)
{
	int nodes[MP_BATCH], status[MP_BATCH];
	unsigned long long now, ms;
	void *addrs[MP_BATCH];
	struct mp_page *p;
	size_t k;
	long ret;

	for (k = 0; k < nr; k++) {
		addrs[k] = r->buf + idx[k] * page_size;
		nodes[k] = DST_NODE;
		status[k] = MP_UNSET;
	}
	ret = syscall(__NR_move_pages, 0, nr, addrs, nodes, status,
		      MPOL_MF_MOVE);
	now = an_now_ms();
	mp->calls++;
	if (ret < 0) {
		mp_err("move_pages: %s", strerror(errno));
		return false;
	}
	for (k = 0; k < nr; k++) {
		p = &r->pg[idx[k]];
		if (p->first && now - p->last > mp->max_gap_ms)
			mp->max_gap_ms = now - p->last;
		switch (status[k]) {
		case DST_NODE:
			p->done = true;
			r->left--;
			if (!p->first)
				break;
			r->open--;
			mp->busy_moved++;
			ms = now - p->first;
			mp->sum_busy_ms += ms;
			if (ms > mp->max_busy_ms) {
				mp->max_busy_ms = ms;
				mp->max_busy_round = mp->rounds;
			}
			break;
		case -EBUSY:
			mp->busy_replies++;
			if (!p->first) {
				p->first = now;
				mp->busy_pages++;
				r->busy[r->nbusy++] = idx[k];
				r->open++;
			}
			p->last = now;
			if (now - p->first > mp->giveup_ms) {
				mp_err("round %lu: page %zu still EBUSY %llu ms after its first EBUSY",
				       mp->rounds, idx[k], now - p->first);
				mp->max_busy_ms = now - p->first;
				mp->max_busy_round = mp->rounds;
				return false;
			}
			break;
		case -ENOENT:
			/* a hinting entry: fault it back */
			mp->enoent++;
			__atomic_load_n((char *)addrs[k], __ATOMIC_RELAXED);
			break;
		case MP_UNSET:
			mp->unmoved++;
			break;
		default:
			mp_err("move_pages: page %zu: status %d (%s)", idx[k],
			       status[k],
			       status[k] < 0 ? strerror(-status[k]) : "node");
			return false;
		}
	}
	return true;
}

/*
 * Ask the busy pages of @r again, MP_RETRY_CALLS calls at most, going on
 * where the last retry stopped.  Returns false as mp_call() does.
 */
static bool mp_retry(struct mp_round *r)
{
	size_t idx[MP_BATCH], j, w, rcur = 0, todo, nr;

	/* drop the pages that moved since */
	for (j = w = 0; j < r->nbusy; j++) {
		if (j == r->rcur)
			rcur = w;
		if (!r->pg[r->busy[j]].done)
			r->busy[w++] = r->busy[j];
	}
	r->nbusy = w;
	if (!w)
		return true;
	j = rcur < w ? rcur : 0;
	todo = w < MP_RETRY_CALLS * MP_BATCH ? w : MP_RETRY_CALLS * MP_BATCH;
	while (todo) {
		for (nr = 0; nr < MP_BATCH && todo; nr++, todo--) {
			idx[nr] = r->busy[j];
			j = (j + 1) % w;
		}
		mp->retries++;
		if (!mp_call(r, idx, nr))
			return false;
	}
	r->rcur = j;
	return true;
}

/*
 * The sweep's next call: pages neither on DST_NODE nor in the busy set,
 * from r->next on.  Returns false as mp_call() does; *@none when the sweep
 * found none up to the end of the buffer.
 */
static bool mp_sweep(struct mp_round *r, bool *none)
{
	size_t idx[MP_BATCH], nr;

	for (nr = 0; r->next < r->n && nr < MP_BATCH; r->next++) {
		if (r->pg[r->next].done || r->pg[r->next].first)
			continue;
		idx[nr++] = r->next;
	}
	*none = !nr;
	return !nr || mp_call(r, idx, nr);
}

/*
 * One round on a new buffer.  Returns false with mp->err set when a page
 * stayed EBUSY past mp->giveup_ms, or did not reach DST_NODE within
 * mp->round_cap_ms, or anything else went wrong.
 */
static bool mp_round(void)
{
	unsigned long long q0, q, t0, now, retried;
	struct mp_round r = { 0 };
	struct mp_user u = { 0 };
	bool ok = false, none;
	pthread_t th;
	int err;

	r.n = mp_case->len / page_size;
	r.left = r.n;
	u.buf = an_alloc(mp_case->len, page_size, MADV_NOHUGEPAGE);
	r.buf = u.buf;
	r.pg = calloc(r.n, sizeof(*r.pg));
	r.busy = calloc(r.n, sizeof(*r.busy));
	if (!u.buf || !r.pg || !r.busy) {
		mp_err("cannot allocate %zu MiB: %s", mp_case->len / SZ_1M,
		       strerror(errno));
		goto free;
	}
	err = an_place_on_node(u.buf, mp_case->len, SRC_NODE);
	if (err) {
		mp_err("first touch bound to node %d: %s", SRC_NODE,
		       strerror(-err));
		goto free;
	}
	if (an_vmstat("autonuma_pages_queued", &q0)) {
		mp_err("no autonuma_pages_queued in /proc/vmstat");
		goto free;
	}
	err = pthread_create(&th, NULL, mp_user_fn, &u);
	if (err) {
		mp_err("pthread_create: %s", strerror(err));
		goto free;
	}
	while (!__atomic_load_n(&u.started, __ATOMIC_ACQUIRE))
		an_sleep_ms(1);
	if (u.err) {
		mp_err("cannot run on node %d: %s", DST_NODE, strerror(-u.err));
		goto stop;
	}

	/* AutoNUMA starts queueing pages of the buffer for DST_NODE ... */
	t0 = an_now_ms();
	while (!an_vmstat("autonuma_pages_queued", &q) && q == q0) {
		if (an_now_ms() - t0 > MP_QUEUE_CAP_MS) {
			mp_err("round %lu: AutoNUMA queued no page in %d ms",
			       mp->rounds, MP_QUEUE_CAP_MS);
			goto stop;
		}
		an_sleep_ms(1);
	}

	/*
	 * ... and every page is asked to go there too, the busy ones again
	 * every MP_RETRY_MS until move_pages() says they are there (moved by
	 * the call or by AutoNUMA meanwhile).
	 */
	t0 = an_now_ms();
	retried = t0;
	while (r.left) {
		now = an_now_ms();
		if (now - t0 > mp->round_cap_ms) {
			mp_err("round %lu: %zu of %zu pages not on node %d after %llu ms",
			       mp->rounds, r.left, r.n, DST_NODE, now - t0);
			goto stop;
		}
		if (r.open && now - retried >= MP_RETRY_MS) {
			if (!mp_retry(&r))
				goto stop;
			retried = an_now_ms();
			continue;
		}
		if (r.left > r.open) {
			if (!mp_sweep(&r, &none))
				goto stop;
			if (!none)
				continue;
			/* pages behind hinting entries or not migrated: again */
			r.next = 0;
		}
		/* wait, without keeping knuma_migratedN from its CPUs */
		an_sleep_ms(MP_RETRY_MS);
	}
	ok = true;
stop:
	__atomic_store_n(&u.quit, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
free:
	free(r.busy);
	free(r.pg);
	an_free(u.buf, mp_case->len);
	return ok;
}

/*
 * How long move_pages() takes to migrate MP_CAL_LEN from SRC_NODE to
 * DST_NODE with AutoNUMA off, in mp->cal_ms.  Returns false with mp->err
 * set when it could not.
 */
static bool mp_calibrate(void)
{
	size_t n = MP_CAL_LEN / page_size, i, k, nr, left = n;
	int nodes[MP_BATCH], status[MP_BATCH], err, tries;
	void *addrs[MP_BATCH];
	unsigned long long t0;
	bool ok = false;
	char *buf;

	err = an_set_knob("enabled", 0);
	if (err) {
		mp_err("calibration: cannot write enabled=0: %s",
		       strerror(-err));
		return false;
	}
	buf = an_alloc(MP_CAL_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		mp_err("calibration: mmap: %s", strerror(errno));
		goto on;
	}
	err = an_place_on_node(buf, MP_CAL_LEN, SRC_NODE);
	if (err) {
		mp_err("calibration: first touch bound to node %d: %s",
		       SRC_NODE, strerror(-err));
		goto free;
	}
	t0 = an_now_ms();
	for (tries = 0; left && tries < 10; tries++) {
		left = 0;
		for (i = 0; i < n; i += nr) {
			for (nr = 0; nr < MP_BATCH && i + nr < n; nr++) {
				addrs[nr] = buf + (i + nr) * page_size;
				nodes[nr] = DST_NODE;
				status[nr] = MP_UNSET;
			}
			if (syscall(__NR_move_pages, 0, nr, addrs, nodes,
				    status, MPOL_MF_MOVE) < 0) {
				mp_err("calibration: move_pages: %s",
				       strerror(errno));
				goto free;
			}
			for (k = 0; k < nr; k++)
				left += status[k] != DST_NODE;
		}
	}
	mp->cal_ms = an_now_ms() - t0;
	if (left)
		mp_err("calibration: %zu pages not on node %d after %d tries",
		       left, DST_NODE, tries);
	else
		ok = true;
free:
	an_free(buf, MP_CAL_LEN);
on:
	err = an_set_knob("enabled", 1);
	if (err && ok) {
		mp_err("calibration: cannot write enabled=1: %s",
		       strerror(-err));
		ok = false;
	}
	return ok;
}

static void mp_child(void)
{
	unsigned long long t0, cap;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the ENOENT touches fault from DST_NODE, as the user does */
	ret = an_pin_to_node(DST_NODE);
	if (ret) {
		mp_err("cannot run on node %d: %s", DST_NODE, strerror(-ret));
		return;
	}
	if (!mp_calibrate())
		return;
	mp->bound_ms = MP_CAL_FACTOR * mp->cal_ms;
	if (mp->bound_ms < MP_MAX_BUSY_MS)
		mp->bound_ms = MP_MAX_BUSY_MS;
	mp->giveup_ms = MP_GIVEUP_FACTOR * mp->bound_ms;
	if (mp->giveup_ms < MP_GIVEUP_MS)
		mp->giveup_ms = MP_GIVEUP_MS;
	mp->round_cap_ms = 2 * mp->giveup_ms;
	cap = MP_ROUND_CAL_FACTOR * mp->cal_ms * (mp_case->len / MP_CAL_LEN);
	if (mp->round_cap_ms < cap)
		mp->round_cap_ms = cap;
	if (mp->round_cap_ms < MP_ROUND_CAP_MS)
		mp->round_cap_ms = MP_ROUND_CAP_MS;
	an_snap_take(&mp->before, mp_vm_names, ARRAY_SIZE(mp_vm_names));
	t0 = an_now_ms();
	while (an_now_ms() - t0 < MP_MS &&
	       (mp->rounds < MP_MIN_ROUNDS || mp->busy_pages < MP_ENOUGH_BUSY)) {
		if (!mp_round())
			break;
		mp->rounds++;
	}
	mp->ms = an_now_ms() - t0;
	an_snap_take(&mp->after, mp_vm_names, ARRAY_SIZE(mp_vm_names));
	mp->done = !mp->err[0];
}

/* AutoNUMA scanning at its fastest, knuma_migratedN as @c says. */
static int mp_set_knobs(const struct mp_case *c, const char **failed)
{
	int ret;

	ret = an_set_fastest_knobs(failed);
	if (ret)
		return ret;
	*failed = "knuma_migrated/sleep_millisecs";
	ret = an_set_knob(*failed, c->migrate_ms);
	if (ret || !c->to_migrate)
		return ret;
	*failed = "knuma_migrated/pages_to_migrate";
	return an_set_knob(*failed, c->to_migrate);
}

/* Case @c of move_pages(), in a test of the policy fixture. */
static void test_move_pages(struct __test_metadata *_metadata,
			    const struct mp_case *c)
{
	size_t mib = c->len / SZ_1M;
	char tag[32];
	const char *failed = "";
	unsigned long long limit, t0;
	bool ok = false;
	int status, ret;
	unsigned int i;
	pid_t pid;

	if (strcmp(mech.name, "AutoNUMA"))
		SKIP(return, "move_pages, %s: %s has no queue of isolated pages",
		     c->what, mech.name);
	snprintf(tag, sizeof(tag), "move_pages %zu MiB", mib);
	mp = mmap(NULL, sizeof(*mp), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mp) TH_LOG("%s: mmap: %s", tag, strerror(errno));
	memset(mp, 0, sizeof(*mp));
	mp_case = c;
	ret = mp_set_knobs(c, &failed);
	if (ret) {
		ksft_print_msg("%s: cannot set %s: %s\n", tag, failed,
			       strerror(-ret));
		goto out;
	}
	limit = an_budget_ms(MP_KILL_MS) + WORKER_GRACE_MS;
	t0 = an_now_ms();
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("%s: fork: %s\n", tag, strerror(errno));
		goto out;
	}
	if (!pid) {
		mp_child();
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (an_now_ms() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ksft_print_msg("%s: killed after %llu ms\n", tag,
				       an_now_ms() - t0);
			goto out;
		}
		an_sleep_ms(AN_POLL_MS);
	}
	if (mp->err[0])
		ksft_print_msg("%s: %s\n", tag, mp->err);
	ksft_print_msg("%s: %lu MiB by move_pages() in %llu ms, AutoNUMA off\n",
		       tag, MP_CAL_LEN / SZ_1M, mp->cal_ms);
	ksft_print_msg("%s: EBUSY allowed for < %llu ms (%d ms or %d times that)\n",
		       tag, mp->bound_ms, MP_MAX_BUSY_MS, MP_CAL_FACTOR);
	ksft_print_msg("%s: migrating every %u ms, %lu round(s) in %llu ms, %lu calls\n",
		       tag, c->migrate_ms, mp->rounds, mp->ms, mp->calls);
	ksft_print_msg("%s: %lu pages EBUSY (%lu times, %lu calls again)\n",
		       tag, mp->busy_pages, mp->busy_replies, mp->retries);
	ksft_print_msg("%s: %lu ENOENT, %lu not migrated\n", tag, mp->enoent,
		       mp->unmoved);
	if (mp->busy_moved)
		ksft_print_msg("%s: EBUSY until moved: <= %llu ms (round %lu), %llu avg of %lu\n",
			       tag, mp->max_busy_ms, mp->max_busy_round,
			       mp->sum_busy_ms / mp->busy_moved,
			       mp->busy_moved);
	if (mp->busy_pages)
		ksft_print_msg("%s: a busy page asked again within %llu ms\n",
			       tag, mp->max_gap_ms);
	for (i = 0; i < ARRAY_SIZE(mp_vm_names); i++)
		ksft_print_msg("%s: %s +%llu\n", tag, mp_vm_names[i],
			       an_snap_delta(&mp->before, &mp->after, i));
	ok = WIFEXITED(status) && !WEXITSTATUS(status) && mp->done;
	if (ok && mp->busy_pages < MP_MIN_BUSY) {
		ksft_print_msg("%s: < %d pages seen EBUSY: too few to prove anything\n",
			       tag, MP_MIN_BUSY);
		ok = false;
	}
	if (!mp->bound_ms || mp->max_busy_ms >= mp->bound_ms)
		ok = false;
out:
	munmap(mp, sizeof(*mp));
	mp = NULL;
	an_log_result(ok,
		      "move_pages, %s: pages AutoNUMA queues for node %d from %zu MiB report EBUSY for < %d ms (or %d x the time to move %lu MiB), then move\n",
		      c->what, DST_NODE, mib, MP_MAX_BUSY_MS, MP_CAL_FACTOR,
		      MP_CAL_LEN / SZ_1M);
	EXPECT_TRUE(ok);
}

TEST_F_TIMEOUT(policy, move_pages_fastest_knobs, MP_TIMEOUT)
{
	test_move_pages(_metadata, &mp_cases[0]);
}

TEST_F_TIMEOUT(policy, move_pages_long_migration_interval, MP_TIMEOUT)
{
	test_move_pages(_metadata, &mp_cases[1]);
}

/* ---- main ---- */

/* Nodes SRC_NODE and DST_NODE online, with memory, DST_NODE with CPUs. */
static const char *nodes_unusable(char *why, size_t size)
{
	unsigned long online[AN_MAX_NODES / (8 * sizeof(long))];
	unsigned long mem[AN_MAX_NODES / (8 * sizeof(long))];
	cpu_set_t set;
	int nodes;

	nodes = an_online_nodes();
	if (nodes < 2) {
		snprintf(why, size, "%d online NUMA node(s), 2 needed", nodes);
		return why;
	}
	if (an_node_mask("online", online) < 0) {
		snprintf(why, size, "cannot read the online nodes");
		return why;
	}
	if (an_node_mask("has_memory", mem) < 0)
		memcpy(mem, online, sizeof(mem));
	if (!an_test_bit(online, SRC_NODE) || !an_test_bit(mem, SRC_NODE) ||
	    !an_test_bit(online, DST_NODE) || !an_test_bit(mem, DST_NODE)) {
		snprintf(why, size, "nodes %d and %d must be online with memory",
			 SRC_NODE, DST_NODE);
		return why;
	}
	if (an_node_cpus(DST_NODE, &set) <= 0) {
		snprintf(why, size, "node %d has no CPU", DST_NODE);
		return why;
	}
	return NULL;
}

static pid_t main_pid;

/* At exit: the plain tmpfs and the directory of the mounts go. */
static void cleanup(void)
{
	if (getpid() != main_pid)
		return;
	umount_dir(plain);
	rmdir(base_dir);
}

int main(int argc, char **argv)
{
	const char *failed = "";
	char why[256], opts[64];
	int ret;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid())
		an_exit_skip("must be run as root\n");
	if (nodes_unusable(why, sizeof(why)))
		an_exit_skip("%s\n", why);
	page_size = sysconf(_SC_PAGESIZE);
	snprintf(bind_str, sizeof(bind_str), "bind:%d", SRC_NODE);

	if (setup_mech(why, sizeof(why)))
		an_exit_skip("%s\n", why);
	/* The tests switch it on again for themselves: this sees they can. */
	ret = mech.on(&failed);
	if (ret && !strcmp(failed, "enabled"))
		an_exit_skip("cannot set enabled to 1: %s\n", strerror(-ret));
	if (ret)
		an_exit_fail("cannot set %s: %s\n", failed, strerror(-ret));
	if (an_pfn_map_init())
		ksft_print_msg("no PFN to node map: placement from numa_maps\n");
	else
		ksft_print_msg("PFN to node map from %s\n",
			       an_pfn_map_source());
	ksft_print_msg("placement by %s, passes from %s\n", mech.name,
		       mech.passes_from);
	snprintf(base_dir, sizeof(base_dir), "%s", BASE_DIR_TEMPLATE);
	if (!mkdtemp(base_dir))
		an_exit_fail("mkdtemp %s: %s\n", base_dir, strerror(errno));
	snprintf(opts, sizeof(opts), "size=%luk", 2 * BUF_LEN / 1024);
	ret = mount_tmpfs("plain", opts, plain, sizeof(plain));
	if (ret) {
		rmdir(base_dir);
		an_exit_fail("cannot mount a tmpfs: %s\n", strerror(-ret));
	}
	main_pid = getpid();
	atexit(cleanup);
	an_set_budget(BUDGET_SECS);
	return test_harness_run(argc, argv);
}

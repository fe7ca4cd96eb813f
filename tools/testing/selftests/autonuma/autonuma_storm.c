// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA stress test, meant for the debug kernel (lockdep, DEBUG_VM,
 * DEBUG_PAGEALLOC): the console is checked for lockdep, KASAN, BUG and
 * WARN reports by the harness, not here.
 *
 * For STORM_SECS seconds, with knuma_scand and knuma_migratedN sleeping
 * 1 ms or less:
 *  - NR_FORKERS processes fork children that touch, remap, exec and exit
 *    at once, racing mm registration and exit with the scanner;
 *  - a "mapper" process maps, unmaps, punches, mremap()s (in place and
 *    moving, THP-aligned or not), mprotect()s, madvise()s, mbind()s and
 *    mlock()s regions of an arena, 4 KiB and THP-sized, while two threads
 *    pinned to nodes 0 and 1 touch them, and also keep a stable region
 *    each whose contents they verify (a page lost or corrupted by a
 *    migration shows there);
 *  - the parent flips "enabled" every TOGGLE_MS and cycles pmd,
 *    working_set and pages_to_scan.
 *
 * Results: every worker finished and none crashed (the SIGSEGVs of
 * touching arena pages that the mapper just took away are expected and
 * handled, any other SIGSEGV or any SIGBUS is a crash); the stable regions
 * kept their data; the scanner, fault and queueing counters moved.  All knobs
 * are restored at exit, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "autonuma_util.h"

#define SZ_1M			(1024UL * 1024)
#define SZ_2M			(2 * SZ_1M)

#define STORM_SECS		20
#define FINISH_CAP_SECS		60	/* for the workers to wind down */
#define NR_FORKERS		4
#define TOGGLE_MS		100	/* enabled 0/1 */
#define CYCLE_MS		700	/* pmd, working_set, pages_to_scan */
#define DEBUG_FROM_MS		5000	/* debug=1 for one second */
#define DEBUG_TO_MS		6000

#define NR_SLOTS		12
#define SLOT_SPAN		(8 * SZ_1M)
#define ARENA_LEN		(NR_SLOTS * SLOT_SPAN)
#define STABLE_LEN		(8 * SZ_1M)	/* 4 MiB small pages + 4 MiB THP */
#define FORKER_LEN		(2 * SZ_1M)
#define EXEC_CHILD_LEN		(2 * SZ_1M)
#define SEGV_SKIP		16	/* pages skipped after a fault */

/* Exit codes of the workers. */
#define EXIT_INTEGRITY		10	/* a stable page read back wrong */
#define EXIT_SETUP		11	/* could not set up */
#define EXIT_GRANDCHILD		12	/* a forked child failed or crashed */
#define EXIT_EXEC_FAILED	13	/* exec() failed: not counted as a crash */

#define EXEC_CHILD_ARG		"--exec-child"

#define NR_TESTS		3

static size_t page_size;

/* A small xorshift generator, one state per thread. */
static unsigned int rnd(unsigned long long *state, unsigned int n)
{
	unsigned long long x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return n ? (x >> 11) % n : 0;
}

static unsigned long long rnd_seed(void)
{
	return (an_now_ms() << 20) ^ getpid() ^ 0x9e3779b97f4a7c15ULL;
}

/* Touch (read and write) the first word of @n pages from @p. */
static void touch_pages(char *p, size_t n)
{
	unsigned long *w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = (unsigned long *)(p + i * page_size);
		__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) + 1,
				 __ATOMIC_RELAXED);
	}
}

/* Read the first word of @n pages from @p. */
static unsigned long read_pages(const char *p, size_t n)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += __atomic_load_n((const unsigned long *)(p + i * page_size),
				       __ATOMIC_RELAXED);
	return sum;
}

/*
 * Children must not outlive the test, and must not run its SIGINT/SIGTERM
 * handler (which is harmless anyway: it only restores from the parent).
 */
static void child_setup(pid_t parent)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(EXIT_SETUP);
}

/* ---- the mapper process ---- */

static char *arena;
/* Per slot: (offset in pages << 32) | length in pages of its mapping. */
static unsigned long slot_desc[NR_SLOTS];
static int mapper_quit;

struct stoucher {
	pthread_t thread;
	int idx;
	int node;
	char *stable;		/* its own region, verified */
	char *other;		/* the other thread's region, read */
	int started;
	int err;
	unsigned long passes;
	unsigned long segv;	/* expected faults on arena pages */
	unsigned long bad;	/* stable pages that read back wrong */
	unsigned long bad_page;
	unsigned long bad_want;
	unsigned long bad_got;
};

static struct stoucher stouchers[2];

/* Where an expected fault resumes: see slot_sweep(). */
static __thread sigjmp_buf segv_jb;
static __thread int segv_armed;
static __thread size_t sweep_i;

static void put_hex(char *buf, unsigned long v)
{
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 15];
}

/*
 * Faults on arena pages while a touching thread is armed are expected
 * (the mapper unmapped or protected them): resume the sweep.  Any other
 * SIGSEGV kills the process, which the parent reports.
 */
static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	char *addr = si->si_addr, msg[] = "# unexpected SIGSEGV at 0x0000000000000000\n";

	if (__atomic_load_n(&segv_armed, __ATOMIC_RELAXED) &&
	    addr >= arena && addr < arena + ARENA_LEN) {
		__atomic_store_n(&segv_armed, 0, __ATOMIC_RELAXED);
		siglongjmp(segv_jb, 1);
	}
	(void)uc;
	put_hex(msg + sizeof(msg) - 18, (unsigned long)addr);
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_SETUP);
	/* Fault again with the default action. */
	signal(sig, SIG_DFL);
}

static size_t sweep_get(void)
{
	return __atomic_load_n(&sweep_i, __ATOMIC_RELAXED);
}

static void sweep_set(size_t i)
{
	__atomic_store_n(&sweep_i, i, __ATOMIC_RELAXED);
}

static void get_slot(int s, size_t *off, size_t *len)
{
	unsigned long d = __atomic_load_n(&slot_desc[s], __ATOMIC_ACQUIRE);

	*off = (d >> 32) * page_size;
	*len = (d & 0xffffffffUL) * page_size;
}

static void set_slot(int s, size_t off, size_t len)
{
	unsigned long d = (off / page_size) << 32 | len / page_size;

	__atomic_store_n(&slot_desc[s], d, __ATOMIC_RELEASE);
}

static char *slot_base(int s)
{
	return arena + s * SLOT_SPAN;
}

/*
 * Touch the pages of slot @s.  The mapping may change under our feet:
 * only pages inside the slot's span are touched, and a fault there skips
 * a few pages.  sweep_i lives in TLS and is updated with atomic stores so
 * that it is exact after siglongjmp().
 */
static void slot_sweep(struct stoucher *t, int s)
{
	size_t off, len, n;
	char *base;

	get_slot(s, &off, &len);
	if (off >= SLOT_SPAN)
		return;
	if (len > SLOT_SPAN - off)
		len = SLOT_SPAN - off;
	base = slot_base(s) + off;
	n = len / page_size;
	sweep_set(0);
	if (sigsetjmp(segv_jb, 1)) {
		t->segv++;
		sweep_set(sweep_get() + SEGV_SKIP);
	}
	if (sweep_get() >= n)
		return;
	__atomic_store_n(&segv_armed, 1, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	while (sweep_get() < n) {
		touch_pages(base + sweep_get() * page_size, 1);
		sweep_set(sweep_get() + 1);
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&segv_armed, 0, __ATOMIC_RELAXED);
}

static unsigned long stable_word(const struct stoucher *t, unsigned long pass,
				 size_t i)
{
	return ((unsigned long)t->idx + 1) << 56 ^ pass << 24 ^ i;
}

/* Check the last pass's word of every page of our region, write anew. */
static void stable_pass(struct stoucher *t)
{
	size_t i, n = STABLE_LEN / page_size;
	unsigned long *w, want;

	for (i = 0; i < n; i++) {
		w = (unsigned long *)(t->stable + i * page_size);
		if (t->passes) {
			want = stable_word(t, t->passes - 1, i);
			if (*w != want) {
				if (!t->bad++) {
					t->bad_page = i;
					t->bad_want = want;
					t->bad_got = *w;
				}
			}
		}
		*w = stable_word(t, t->passes, i);
	}
}

static void *stoucher_fn(void *arg)
{
	struct stoucher *t = arg;
	unsigned long long seed = rnd_seed() ^ t->idx;
	int ret, other_node = t->node == 0 ? 1 : 0;

	ret = an_pin_to_node(t->node);
	if (!ret) {
		/* Half small pages, half THP, first placed on the other node. */
		t->stable = an_alloc(STABLE_LEN, SZ_2M, 0);
		if (!t->stable ||
		    an_madvise(t->stable, STABLE_LEN / 2, MADV_NOHUGEPAGE) ||
		    an_madvise(t->stable + STABLE_LEN / 2, STABLE_LEN / 2,
			       MADV_HUGEPAGE))
			ret = -errno;
	}
	if (!ret)
		ret = an_place_on_node(t->stable, STABLE_LEN, other_node);
	t->err = ret;
	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
	if (ret)
		return NULL;
	/* Wait for the other thread's region. */
	while (!__atomic_load_n(&t->other, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&mapper_quit, __ATOMIC_ACQUIRE))
		an_sleep_ms(1);

	while (!__atomic_load_n(&mapper_quit, __ATOMIC_ACQUIRE)) {
		stable_pass(t);
		/* Shared with the other node: only the small-page half. */
		read_pages(t->other, STABLE_LEN / 2 / page_size);
		slot_sweep(t, rnd(&seed, NR_SLOTS));
		slot_sweep(t, rnd(&seed, NR_SLOTS));
		t->passes++;
		an_sleep_ms(1);
	}
	return NULL;
}

/* A random page-aligned sub-range of slot @s's mapping. */
static bool sub_range(int s, unsigned long long *seed, char **p, size_t *len)
{
	size_t off, slen, first, n;

	get_slot(s, &off, &slen);
	n = slen / page_size;
	if (!n)
		return false;
	first = rnd(seed, n);
	*p = slot_base(s) + off + first * page_size;
	*len = (1 + rnd(seed, n - first)) * page_size;
	return true;
}

enum {
	OP_MAP, OP_UNMAP, OP_PUNCH, OP_RESIZE, OP_MOVE, OP_PROTECT,
	OP_ADVISE, OP_MBIND, OP_MLOCK, NR_OPS,
};

static const char * const op_names[NR_OPS] = {
	"map", "unmap", "punch", "resize", "move", "protect", "advise",
	"mbind", "mlock",
};

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

static const int advices[] = {
	MADV_DONTNEED, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_POPULATE_WRITE,
};

static const int prots[] = {
	PROT_READ, PROT_NONE, PROT_READ | PROT_WRITE,
};

/* Map a new region in slot @s: 4 KiB pages or THP-sized and aligned. */
static int op_map(int s, unsigned long long *seed)
{
	size_t off, len;
	char *p;

	if (!rnd(seed, 3)) {
		len = (1 + rnd(seed, 2)) * SZ_2M;
		off = rnd(seed, (SLOT_SPAN - len) / SZ_2M + 1) * SZ_2M;
	} else {
		len = (1 + rnd(seed, 512)) * page_size;
		off = rnd(seed, (SLOT_SPAN - len) / page_size + 1) * page_size;
	}
	set_slot(s, 0, 0);
	munmap(slot_base(s), SLOT_SPAN);
	p = mmap(slot_base(s) + off, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	an_madvise(p, len, len >= SZ_2M ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (rnd(seed, 2))
		an_place_on_node(p, len, rnd(seed, 2));
	else
		touch_pages(p, len / page_size);
	set_slot(s, off, len);
	return 0;
}

/* Move slot @s's mapping elsewhere in its span, maybe THP-aligned. */
static int op_move(int s, unsigned long long *seed)
{
	size_t off, len, noff, unit;
	int tries;
	void *p;

	get_slot(s, &off, &len);
	if (!len)
		return 0;
	unit = rnd(seed, 2) ? SZ_2M : page_size;
	for (tries = 0; tries < 4; tries++) {
		if (len > SLOT_SPAN - unit)
			return 0;
		noff = rnd(seed, (SLOT_SPAN - len) / unit + 1) * unit;
		if (noff + len <= off || noff >= off + len)
			break;
	}
	if (tries == 4)
		return 0;
	p = mremap(slot_base(s) + off, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   slot_base(s) + noff);
	if (p == MAP_FAILED)
		return -1;
	set_slot(s, noff, len);
	return 0;
}

/* Grow or shrink slot @s's mapping in place (it stays in the span). */
static int op_resize(int s, unsigned long long *seed)
{
	size_t off, len, nlen;
	void *p;

	get_slot(s, &off, &len);
	if (!len)
		return 0;
	nlen = (1 + rnd(seed, (SLOT_SPAN - off) / page_size)) * page_size;
	p = mremap(slot_base(s) + off, len, nlen, 0);
	if (p == MAP_FAILED)
		return -1;
	set_slot(s, off, nlen);
	return 0;
}

static int mapper_op(int op, int s, unsigned long long *seed)
{
	unsigned long mask;
	size_t off, len;
	char *p;

	switch (op) {
	case OP_MAP:
		return op_map(s, seed);
	case OP_UNMAP:
		set_slot(s, 0, 0);
		return munmap(slot_base(s), SLOT_SPAN);
	case OP_PUNCH:
		get_slot(s, &off, &len);
		if (!len)
			return 0;
		return munmap(slot_base(s) + off +
			      rnd(seed, len / page_size) * page_size,
			      page_size);
	case OP_RESIZE:
		return op_resize(s, seed);
	case OP_MOVE:
		return op_move(s, seed);
	case OP_PROTECT:
		if (!sub_range(s, seed, &p, &len))
			return 0;
		return mprotect(p, len, prots[rnd(seed, ARRAY_SIZE(prots))]);
	case OP_ADVISE:
		if (!sub_range(s, seed, &p, &len))
			return 0;
		return an_madvise(p, len,
				  advices[rnd(seed, ARRAY_SIZE(advices))]);
	case OP_MBIND:
		if (!sub_range(s, seed, &p, &len))
			return 0;
		if (!rnd(seed, 3))
			return an_mbind(p, len, MPOL_DEFAULT, NULL, 0, 0);
		mask = 1UL << rnd(seed, 2);
		return an_mbind(p, len, MPOL_BIND, &mask, AN_MAXNODE,
				MPOL_MF_MOVE);
	case OP_MLOCK:
		if (!sub_range(s, seed, &p, &len))
			return 0;
		return rnd(seed, 2) ? mlock(p, len) : munlock(p, len);
	}
	return 0;
}

static void mapper_main(unsigned long long deadline)
{
	unsigned long ops[NR_OPS] = { 0 }, fails[NR_OPS] = { 0 }, segv = 0;
	unsigned long long seed = rnd_seed();
	unsigned long passes = 0, bad = 0;
	struct sigaction sa;
	char line[512];
	int i, op, s, ret, len = 0, code = 0;
	char *raw;

	/* The arena: reserved, 2 MiB aligned, no holes until we start. */
	raw = mmap(NULL, ARENA_LEN + SZ_2M, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		ksft_print_msg("mapper: mmap: %s\n", strerror(errno));
		_exit(EXIT_SETUP);
	}
	arena = (char *)(((unsigned long)raw + SZ_2M - 1) & ~(SZ_2M - 1));

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	for (i = 0; i < 2; i++) {
		stouchers[i].idx = i;
		stouchers[i].node = i;
		ret = pthread_create(&stouchers[i].thread, NULL, stoucher_fn,
				     &stouchers[i]);
		if (ret) {
			ksft_print_msg("mapper: pthread_create: %s\n",
				       strerror(ret));
			_exit(EXIT_SETUP);
		}
		while (!__atomic_load_n(&stouchers[i].started,
					__ATOMIC_ACQUIRE))
			an_sleep_ms(1);
		if (stouchers[i].err) {
			ksft_print_msg("mapper: thread on node %d: %s\n", i,
				       strerror(-stouchers[i].err));
			_exit(EXIT_SETUP);
		}
	}
	__atomic_store_n(&stouchers[0].other, stouchers[1].stable,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&stouchers[1].other, stouchers[0].stable,
			 __ATOMIC_RELEASE);

	while (an_now_ms() < deadline) {
		op = rnd(&seed, NR_OPS);
		s = rnd(&seed, NR_SLOTS);
		ret = mapper_op(op, s, &seed);
		ops[op]++;
		if (ret)
			fails[op]++;
	}
	__atomic_store_n(&mapper_quit, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		pthread_join(stouchers[i].thread, NULL);
		passes += stouchers[i].passes;
		segv += stouchers[i].segv;
		bad += stouchers[i].bad;
		if (stouchers[i].bad) {
			ksft_print_msg("mapper: thread %d: %lu stable page(s) wrong\n",
				       i, stouchers[i].bad);
			ksft_print_msg("mapper: first wrong page %lu: want %#lx, got %#lx\n",
				       stouchers[i].bad_page,
				       stouchers[i].bad_want,
				       stouchers[i].bad_got);
			code = EXIT_INTEGRITY;
		}
	}
	for (i = 0; i < NR_OPS && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, " %s %lu/%lu",
				op_names[i], ops[i], fails[i]);
	ksft_print_msg("mapper: ops (done/failed):%s\n", line);
	ksft_print_msg("mapper: %lu touch passes, %lu expected SIGSEGVs, %lu bad stable pages\n",
		       passes, segv, bad);
	_exit(code);
}

/* ---- the forkers ---- */

static void *grandchild_thread(void *arg)
{
	for (;;)
		touch_pages(arg, FORKER_LEN / page_size);
	return NULL;
}

/* What a forked child does before it exits; never returns. */
static void grandchild(char *buf, unsigned long long seed)
{
	char arg0[] = "autonuma_storm", arg1[] = EXEC_CHILD_ARG;
	char *argv[3];
	pthread_t th;
	size_t n = FORKER_LEN / page_size;
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	switch (rnd(&seed, 8)) {
	case 0:
		argv[0] = arg0;
		argv[1] = arg1;
		argv[2] = NULL;
		execv("/proc/self/exe", argv);
		_exit(EXIT_EXEC_FAILED);
	case 1:
		break;
	case 2:
		/* Break COW from node 1. */
		an_pin_to_node(1);
		touch_pages(buf, n);
		break;
	case 3:
		p = mmap(NULL, SZ_1M, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		touch_pages(p, SZ_1M / page_size);
		p = mremap(p, SZ_1M, SZ_2M, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			break;
		touch_pages(p, SZ_2M / page_size);
		munmap(p + SZ_1M, SZ_1M);
		break;
	case 4:
		/* Keep the shared pages mapped a while for the scanner. */
		read_pages(buf, n);
		an_sleep_ms(1 + rnd(&seed, 20));
		read_pages(buf, n);
		break;
	case 5:
		if (!fork())
			_exit(0);
		wait(NULL);
		break;
	case 6:
		/* Exit with a thread still touching memory. */
		if (!pthread_create(&th, NULL, grandchild_thread, buf))
			an_sleep_ms(rnd(&seed, 5));
		break;
	case 7:
		mprotect(buf, FORKER_LEN / 2, PROT_READ);
		read_pages(buf, n);
		break;
	}
	_exit(0);
}

static void forker_main(int idx, unsigned long long deadline)
{
	unsigned long forks = 0, exec_failed = 0, bad = 0;
	unsigned long long seed = rnd_seed() ^ idx;
	int status, last_bad = 0;
	pid_t pid;
	char *buf;

	buf = an_alloc(FORKER_LEN, SZ_2M,
		       idx & 1 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("forker %d: mmap: %s\n", idx, strerror(errno));
		_exit(EXIT_SETUP);
	}
	touch_pages(buf, FORKER_LEN / page_size);

	while (an_now_ms() < deadline) {
		pid = fork();
		if (pid < 0) {
			an_sleep_ms(10);
			continue;
		}
		if (!pid)
			grandchild(buf, seed ^ (forks << 32));
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		forks++;
		if (WIFEXITED(status) &&
		    WEXITSTATUS(status) == EXIT_EXEC_FAILED) {
			exec_failed++;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			if (!bad++)
				last_bad = status;
		}
		/* Break COW on our side too. */
		touch_pages(buf + rnd(&seed, FORKER_LEN / page_size) *
			    page_size, 1);
	}
	ksft_print_msg("forker %d: %lu children, %lu failed exec, %lu failed or crashed\n",
		       idx, forks, exec_failed, bad);
	if (bad) {
		if (WIFSIGNALED(last_bad))
			ksft_print_msg("forker %d: a child was killed by signal %d (%s)\n",
				       idx, WTERMSIG(last_bad),
				       strsignal(WTERMSIG(last_bad)));
		else
			ksft_print_msg("forker %d: a child exited with %d\n",
				       idx, WEXITSTATUS(last_bad));
	}
	_exit(bad ? EXIT_GRANDCHILD : 0);
}

/* Run by the children that a forker's child exec()s. */
static int exec_child(void)
{
	char *p;

	page_size = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, EXEC_CHILD_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	touch_pages(p, EXEC_CHILD_LEN / page_size);
	an_sleep_ms(2);
	touch_pages(p, EXEC_CHILD_LEN / page_size);
	return 0;
}

/* ---- the parent ---- */

struct worker {
	const char *name;
	pid_t pid;
	int status;
	int done;
};

static struct worker workers[NR_FORKERS + 1];
static char worker_names[NR_FORKERS + 1][32];

static int start_worker(struct worker *w, const char *name, int idx,
			unsigned long long deadline)
{
	pid_t parent = getpid();

	w->name = name;
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid)
		return 0;
	child_setup(parent);
	if (idx < 0)
		mapper_main(deadline);
	forker_main(idx, deadline);
	_exit(EXIT_SETUP);
}

/* Reap the workers that are done.  Returns how many are still running. */
static int reap(int nr)
{
	int i, running = 0;

	for (i = 0; i < nr; i++) {
		if (workers[i].done)
			continue;
		if (waitpid(workers[i].pid, &workers[i].status, WNOHANG) ==
		    workers[i].pid)
			workers[i].done = 1;
		else
			running++;
	}
	return running;
}

static void cycle_knobs(unsigned long n)
{
	static const unsigned long long pages[] = { 512, 8192, 65536 };

	an_set_knob("knuma_scand/pmd", n & 1);
	an_set_knob("knuma_scand/working_set", (n >> 1) & 1);
	an_set_knob("knuma_scand/pages_to_scan", pages[n % ARRAY_SIZE(pages)]);
}

/* Flip enabled, cycle knobs, until the end of the storm. */
static unsigned long toggle_until(unsigned long long start, int nr)
{
	unsigned long long now, next_toggle, next_cycle;
	unsigned long toggles = 0, cycles = 0;
	int enabled = 1, debug = 0;

	next_toggle = start + TOGGLE_MS;
	next_cycle = start + CYCLE_MS;
	while ((now = an_now_ms()) < start + STORM_SECS * 1000ULL) {
		reap(nr);
		if (now >= next_toggle) {
			enabled = !enabled;
			an_write_str(AN_ENABLED_PATH, enabled ? "1" : "0");
			toggles++;
			next_toggle += TOGGLE_MS;
		}
		if (now >= next_cycle) {
			cycle_knobs(++cycles);
			next_cycle += CYCLE_MS;
		}
		if (!debug && now >= start + DEBUG_FROM_MS &&
		    now < start + DEBUG_TO_MS) {
			debug = 1;
			an_set_knob("debug", 1);
		} else if (debug && now >= start + DEBUG_TO_MS) {
			debug = 0;
			an_set_knob("debug", 0);
		}
		an_sleep_ms(5);
	}
	an_set_knob("debug", 0);
	an_set_knob("enabled", 1);
	return toggles;
}

static bool check_workers(int nr)
{
	bool ok = true;
	int i, st;

	for (i = 0; i < nr; i++) {
		st = workers[i].status;
		if (!workers[i].done) {
			ksft_print_msg("%s: still running after %d s, killed\n",
				       workers[i].name,
				       STORM_SECS + FINISH_CAP_SECS);
			ok = false;
		} else if (WIFSIGNALED(st)) {
			ksft_print_msg("%s: killed by signal %d (%s)\n",
				       workers[i].name, WTERMSIG(st),
				       strsignal(WTERMSIG(st)));
			ok = false;
		} else if (WEXITSTATUS(st) == EXIT_SETUP) {
			ksft_print_msg("%s: could not set up\n",
				       workers[i].name);
			ok = false;
		} else if (WEXITSTATUS(st) == EXIT_GRANDCHILD) {
			ksft_print_msg("%s: a child failed or crashed\n",
				       workers[i].name);
			ok = false;
		} else if (WEXITSTATUS(st) && WEXITSTATUS(st) != EXIT_INTEGRITY) {
			ksft_print_msg("%s: exit status %d\n", workers[i].name,
				       WEXITSTATUS(st));
			ok = false;
		}
	}
	return ok;
}

/* ---- counters ---- */

enum {
	C_SCANNED, C_FULL_SCANS, C_PTE, C_FAULTS_LOCAL, C_FAULTS_REMOTE,
	C_QUEUED, C_MIGRATED, C_FAILED, C_THP_MIGRATED, C_THP_SPLIT, NR_C,
};

static const char * const c_names[NR_C] = {
	[C_SCANNED] = AN_PAGES_SCANNED,
	[C_FULL_SCANS] = AN_FULL_SCANS,
	[C_PTE] = "autonuma_pte_updates",
	[C_FAULTS_LOCAL] = "autonuma_faults_local",
	[C_FAULTS_REMOTE] = "autonuma_faults_remote",
	[C_QUEUED] = "autonuma_pages_queued",
	[C_MIGRATED] = "autonuma_pages_migrated",
	[C_FAILED] = "autonuma_migrate_failed",
	[C_THP_MIGRATED] = "autonuma_thp_migrated",
	[C_THP_SPLIT] = "autonuma_thp_split",
};

static void c_snap(struct an_snap *s)
{
	an_snap_take(s, c_names, NR_C);
}

static bool check_counters(const struct an_snap *a, const struct an_snap *b)
{
	/*
	 * Migrations are only reported: with enabled flipping every
	 * TOGGLE_MS, whether a page sees two faults from one node within an
	 * "on" phase depends on the scan rate the machine achieves.
	 */
	static const int must_move[] = {
		C_SCANNED, C_FULL_SCANS, C_PTE, C_QUEUED,
	};
	unsigned long long d[NR_C] = { 0 };
	unsigned int i;
	bool ok = true;

	for (i = 0; i < NR_C; i++) {
		if (a->have[i] && b->have[i] && b->val[i] >= a->val[i])
			d[i] = b->val[i] - a->val[i];
		ksft_print_msg("counter %s: %s%llu\n", c_names[i],
			       a->have[i] && b->have[i] ? "+" : "missing, ",
			       d[i]);
	}
	for (i = 0; i < ARRAY_SIZE(must_move); i++) {
		if (!d[must_move[i]]) {
			ksft_print_msg("%s did not move\n",
				       c_names[must_move[i]]);
			ok = false;
		}
	}
	if (!d[C_FAULTS_LOCAL] && !d[C_FAULTS_REMOTE]) {
		ksft_print_msg("no hinting fault was counted\n");
		ok = false;
	}
	if (!d[C_MIGRATED])
		ksft_print_msg("note: no page was migrated during the storm\n");
	return ok;
}

int main(int argc, char **argv)
{
	const int nr = NR_FORKERS + 1;
	unsigned long long start, t0;
	struct an_snap before, after;
	const char *failed = "";
	unsigned long toggles;
	bool workers_ok, data_ok;
	char why[256];
	int i, ret;

	if (argc > 1 && !strcmp(argv[1], EXEC_CHILD_ARG))
		return exec_child();

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();

	if (an_why_unusable(why, sizeof(why)))
		ksft_exit_skip("%s\n", why);
	page_size = sysconf(_SC_PAGESIZE);
	if (!an_thp_built())
		ksft_print_msg("kernel without THP: the THP-sized regions get base pages\n");

	ret = an_save_all_knobs();
	if (ret)
		ksft_exit_fail_msg("cannot save the knobs: %s\n",
				   strerror(-ret));
	ret = an_enable();
	if (ret)
		ksft_exit_skip("cannot set enabled to 1: %s\n", strerror(-ret));
	ret = an_set_fastest_knobs(&failed);
	if (ret)
		ksft_exit_fail_msg("cannot set %s: %s\n", failed,
				   strerror(-ret));
	ksft_set_plan(NR_TESTS);

	c_snap(&before);
	start = an_now_ms();
	for (i = 0; i < nr; i++) {
		if (i < NR_FORKERS)
			snprintf(worker_names[i], sizeof(worker_names[i]),
				 "forker %d", i);
		else
			snprintf(worker_names[i], sizeof(worker_names[i]),
				 "mapper");
		ret = start_worker(&workers[i], worker_names[i],
				   i < NR_FORKERS ? i : -1,
				   start + STORM_SECS * 1000ULL);
		if (ret)
			ksft_exit_fail_msg("fork: %s\n", strerror(-ret));
	}
	ksft_print_msg("storm: %d forkers and the mapper running for %d s\n",
		       NR_FORKERS, STORM_SECS);

	toggles = toggle_until(start, nr);
	t0 = an_now_ms();
	while (reap(nr) && an_now_ms() - t0 < FINISH_CAP_SECS * 1000ULL)
		an_sleep_ms(50);
	for (i = 0; i < nr; i++) {
		if (workers[i].done)
			continue;
		kill(workers[i].pid, SIGKILL);
		waitpid(workers[i].pid, &workers[i].status, 0);
	}
	c_snap(&after);
	ksft_print_msg("storm: enabled flipped %lu times, all done after %llu s\n",
		       toggles, (an_now_ms() - start) / 1000);

	workers_ok = check_workers(nr);
	ksft_test_result(workers_ok,
			 "storm: forkers and mapper finished within %d s and none crashed\n",
			 STORM_SECS + FINISH_CAP_SECS);

	data_ok = workers[nr - 1].done && WIFEXITED(workers[nr - 1].status) &&
		  !WEXITSTATUS(workers[nr - 1].status);
	if (!data_ok)
		ksft_print_msg("%s\n",
			       "the mapper did not finish cleanly: stable regions unchecked or wrong");
	ksft_test_result(data_ok,
			 "storm: the stable regions read back what was written\n");

	ksft_test_result(check_counters(&before, &after),
			 "storm: pages_scanned, full_scans, pte updates, hinting faults and queued pages moved\n");

	ksft_finished();
	return 0;
}

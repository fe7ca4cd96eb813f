// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA and the error paths of exec and fork, with fault injection
 * (CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC,
 * CONFIG_FAULT_INJECTION_DEBUG_FS: the debug flavour); skips without it.
 *
 * An mm that exec or fork set up and then freed on an allocation failure
 * must never reach knuma_scand: it used to be put on the scanner's list by
 * mm_init() and freed by bprm_mm_init() while still listed (a
 * use-after-free and a double __mmdrop() when the scanner picked it up);
 * now a task registers its mm from its own task_work, once it runs.  So,
 * with knuma_scand and knuma_migratedN sleeping 1 ms or less and this
 * process's memory being scanned:
 *
 *  - exec: for N = 1, 2, ... a child writes N to /proc/thread-self/fail-nth
 *    and exec()s this program, so that the Nth slab or page allocation of
 *    that exec fails, each allocation of exec in turn, until an exec
 *    needs fewer than N (the new image finds fail-nth still armed);
 *  - fork: the same around fork();
 *  - exec, racing the scanner: the old bug needed knuma_scand to reach the
 *    mm in the few microseconds between the final mmdrop() of a failed exec
 *    and the mm leaving the list, which one exec per allocation hardly ever
 *    gives it.  So for RACE_SECS, half as many processes as there are CPUs
 *    (the other half is left to knuma_scand, at nice 19) exec() in a loop
 *    with each allocation at which exec failed with ENOMEM above failing in
 *    turn, from small mms of their own, so that the scanner's passes over
 *    the list are short and frequent; the kernel must not be tainted
 *    (a KASAN or slab report, a WARN, an oops) meanwhile;
 *  - no page stays isolated afterwards (nr_isolated_anon/file are 0).
 *
 * The first two pass when at least one exec (fork) failed with ENOMEM and
 * every child either failed cleanly, ran, or was killed by the kernel after
 * exec's point of no return; the kernel log is checked for reports by the
 * harness.  Each of the four is a test of its own (kselftest_harness.h).
 * Knobs and fault injection settings are restored at exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "autonuma_util.h"

#define FAILSLAB_DIR		"/sys/kernel/debug/failslab"
#define FAIL_PAGE_DIR		"/sys/kernel/debug/fail_page_alloc"
#define FAIL_NTH		"/proc/thread-self/fail-nth"

#define MAX_NTH			2000	/* no exec or fork makes that many */
#define CAP_SECS		240	/* for each of the two loops */
#define BUSY_LEN		(8UL << 20)	/* scanned meanwhile */
#define CHILD_ARG		"--exec-child"
#define RACE_SECS		30	/* failing execs racing the scanner */
#define RACE_MIN_ENOMEM		1000	/* fewer prove nothing */
#define TAINTED			"/proc/sys/kernel/tainted"
/* a test may take its CAP_SECS, or RACE_SECS more, and then some */
#define LOOP_TIMEOUT		(CAP_SECS + 60)
#define RACE_TIMEOUT		(CAP_SECS + RACE_SECS + 60)

/* Exit codes of the children */
#define EXIT_CONSUMED		0	/* new image: the fault was injected */
#define EXIT_UNUSED		1	/* new image: fail-nth still armed */
#define EXIT_ERRNO		100	/* exec/fork failed: 100 + errno */
#define EXIT_SETUP		99
#define EXIT_RACE_DONE		2	/* racing process: its time is up */

/* /proc/sys/kernel/tainted when the program started */
static unsigned long long taint0;

/*
 * fail-nth is read and written through a descriptor opened before it is
 * armed: an open() would be one of the allocations it counts.
 */
static int fail_nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len;

	len = snprintf(buf, sizeof(buf), "%u", n);
	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* What is left of the count: 0 once the failure was injected. */
static unsigned long fail_nth_left(int fd)
{
	char buf[16];
	ssize_t len;

	len = pread(fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	return strtoul(buf, NULL, 10);
}

/* The new image: was the fault armed before exec() used up? */
static int exec_child(const char *fdstr)
{
	int fd = atoi(fdstr);
	unsigned long left = fail_nth_left(fd);

	fail_nth_set(fd, 0);
	return left ? EXIT_UNUSED : EXIT_CONSUMED;
}

struct outcome {
	unsigned long runs, enomem, other_errno, ran, killed;
	int last_errno, last_sig;
	unsigned int needed;		/* N at which the fault went unused */
	bool enomem_at[MAX_NTH + 1];	/* exec/fork failed with ENOMEM at N */
};

/* The child's side of one step: arm fail-nth at @n, then exec or fork. */
static void child(int exec, unsigned int n)
{
	char arg0[] = "autonuma_faults", arg1[] = CHILD_ARG, arg2[16];
	char *argv[4];
	unsigned long left;
	int fd, status, err;
	pid_t pid;

	fd = open(FAIL_NTH, O_RDWR);
	if (fd < 0)
		_exit(EXIT_SETUP);
	snprintf(arg2, sizeof(arg2), "%d", fd);
	argv[0] = arg0;
	argv[1] = arg1;
	argv[2] = arg2;
	argv[3] = NULL;
	if (fail_nth_set(fd, n))
		_exit(EXIT_SETUP);
	if (exec) {
		execv("/proc/self/exe", argv);
		err = errno;
		fail_nth_set(fd, 0);
		_exit(EXIT_ERRNO + (err < 100 ? err : 99));
	}
	pid = fork();
	err = errno;
	left = fail_nth_left(fd);
	fail_nth_set(fd, 0);
	if (pid < 0)
		_exit(EXIT_ERRNO + (err < 100 ? err : 99));
	if (!pid)
		_exit(0);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		_exit(EXIT_SETUP);
	_exit(left ? EXIT_UNUSED : EXIT_CONSUMED);
}

/* Fail each allocation of exec (or fork) in turn; false on a bad child. */
static bool fail_each(int exec, struct outcome *o)
{
	unsigned long long t0 = an_now_ms();
	unsigned int n;
	int status;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	for (n = 1; n <= MAX_NTH; n++) {
		if (an_now_ms() - t0 > CAP_SECS * 1000ULL) {
			ksft_print_msg("%s: stopped at N=%u after %d s\n",
				       exec ? "exec" : "fork", n, CAP_SECS);
			return false;
		}
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			ksft_print_msg("fork: %s\n", strerror(errno));
			return false;
		}
		if (!pid)
			child(exec, n);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		o->runs++;
		if (WIFSIGNALED(status)) {
			/* past exec's point of no return: the kernel kills */
			o->killed++;
			o->last_sig = WTERMSIG(status);
			continue;
		}
		switch (WEXITSTATUS(status)) {
		case EXIT_CONSUMED:
			o->ran++;
			continue;
		case EXIT_UNUSED:
			o->ran++;
			o->needed = n;
			return true;
		case EXIT_SETUP:
			ksft_print_msg("%s: child could not set up at N=%u\n",
				       exec ? "exec" : "fork", n);
			return false;
		}
		if (WEXITSTATUS(status) == EXIT_ERRNO + ENOMEM) {
			o->enomem++;
			o->enomem_at[n] = true;
		} else if (WEXITSTATUS(status) > EXIT_ERRNO) {
			o->other_errno++;
			o->last_errno = WEXITSTATUS(status) - EXIT_ERRNO;
		} else {
			ksft_print_msg("%s: child exited with %d at N=%u\n",
				       exec ? "exec" : "fork",
				       WEXITSTATUS(status), n);
			return false;
		}
	}
	ksft_print_msg("%s: still failing at N=%u\n", exec ? "exec" : "fork",
		       MAX_NTH);
	return false;
}

/* Log what fail_each() found; whether it passes. */
static bool report(const char *what, bool done, const struct outcome *o,
		   unsigned long long scans)
{
	bool ok = done && o->enomem && scans;

	ksft_print_msg("%s: %lu runs: %lu ENOMEM, %lu other errno (last %s)\n",
		       what, o->runs, o->enomem, o->other_errno,
		       o->other_errno ? strerror(o->last_errno) : "none");
	ksft_print_msg("%s: %lu ran, %lu killed (signal %d); %u allocations; full_scans +%llu\n",
		       what, o->ran, o->killed, o->last_sig,
		       o->needed ? o->needed - 1 : 0, scans);
	an_log_result(ok,
		      "%s with each of its allocations failing in turn: ENOMEM at least once, every child accounted for, scanner running\n",
		      what);
	return ok;
}

static unsigned long long full_scans(void)
{
	unsigned long long v = 0;

	an_get_knob(AN_FULL_SCANS, &v);
	return v;
}

/* What the racing processes count, in memory they share. */
struct race_stats {
	unsigned long execs, enomem, other_errno, ran, killed, spawned;
	int last_errno;
};

/*
 * One racing process: exec() with fail-nth armed at each N of @at in turn
 * until @deadline.  An exec that fails comes back here; one that goes
 * through (an allocation count changed) ends this process, and the parent
 * starts another.
 */
static void race_child(const bool *at, unsigned int max,
		       unsigned long long deadline, struct race_stats *st)
{
	static const char exe[] = "/proc/self/exe";
	char arg0[] = "autonuma_faults", arg1[] = CHILD_ARG, arg2[16];
	char *argv[4];
	unsigned int n;
	const char *p;
	int fd, err;

	/*
	 * What exec() reads of ours is faulted in first: fork() copies no
	 * page table of a file mapping, and a page table is an allocation.
	 */
	for (p = exe; __atomic_load_n(p, __ATOMIC_RELAXED); p++)
		;
	fd = open(FAIL_NTH, O_RDWR);
	if (fd < 0)
		_exit(EXIT_SETUP);
	snprintf(arg2, sizeof(arg2), "%d", fd);
	argv[0] = arg0;
	argv[1] = arg1;
	argv[2] = arg2;
	argv[3] = NULL;
	while (an_now_ms() < deadline) {
		for (n = 1; n <= max; n++) {
			if (!at[n])
				continue;
			/*
			 * Counted before fail-nth is armed: the first write
			 * to @st faults in a page table, an allocation.
			 */
			__atomic_add_fetch(&st->execs, 1, __ATOMIC_RELAXED);
			if (fail_nth_set(fd, n))
				_exit(EXIT_SETUP);
			execv(exe, argv);
			err = errno;
			fail_nth_set(fd, 0);
			if (err == ENOMEM) {
				__atomic_add_fetch(&st->enomem, 1,
						   __ATOMIC_RELAXED);
			} else {
				__atomic_add_fetch(&st->other_errno, 1,
						   __ATOMIC_RELAXED);
				st->last_errno = err;
			}
		}
	}
	_exit(EXIT_RACE_DONE);
}

static pid_t race_spawn(const bool *at, unsigned int max,
			unsigned long long deadline, struct race_stats *st)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid)
		race_child(at, max, deadline, st);
	if (pid > 0)
		st->spawned++;
	return pid;
}

/*
 * Failing execs from several processes at once while knuma_scand walks
 * its list at its fastest: see the top of this file.  @ex is what
 * fail_each() found for exec.  Whether it passes.
 */
static bool race_exec(const struct outcome *ex)
{
	unsigned long long s0, deadline, taint = 0;
	unsigned int max = ex->needed ? ex->needed : MAX_NTH;
	long nr = sysconf(_SC_NPROCESSORS_ONLN) / 2;
	struct race_stats *st;
	char list[256];
	bool ok = true;
	size_t len = 0;
	int status;
	pid_t pid;
	long i;

	if (nr < 1)
		nr = 1;
	list[0] = '\0';
	for (i = 1; i <= max && len < sizeof(list) - 8; i++)
		if (ex->enomem_at[i])
			len += snprintf(list + len, sizeof(list) - len, " %ld", i);
	ksft_print_msg("race: exec failed with ENOMEM at N =%s\n", list);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		ksft_print_msg("race: mmap: %s\n", strerror(errno));
		return false;
	}
	memset(st, 0, sizeof(*st));
	s0 = full_scans();
	deadline = an_now_ms() + RACE_SECS * 1000ULL;
	for (i = 0; i < nr; i++) {
		if (race_spawn(ex->enomem_at, max, deadline, st) < 0) {
			ksft_print_msg("race: fork: %s\n", strerror(errno));
			ok = false;
			break;
		}
	}
	/* Wait for each; start another for one that exec() took away. */
	while ((pid = wait(&status)) > 0 || errno == EINTR) {
		if (pid < 0)
			continue;
		if (WIFSIGNALED(status)) {
			/* past exec's point of no return: the kernel kills */
			st->killed++;
		} else if (WEXITSTATUS(status) == EXIT_SETUP) {
			ksft_print_msg("race: a process could not set up\n");
			ok = false;
			continue;
		} else if (WEXITSTATUS(status) == EXIT_CONSUMED ||
			   WEXITSTATUS(status) == EXIT_UNUSED) {
			st->ran++;
		} else if (WEXITSTATUS(status) == EXIT_RACE_DONE) {
			continue;
		} else {
			ksft_print_msg("race: a process exited with %d\n",
				       WEXITSTATUS(status));
			ok = false;
			continue;
		}
		if (ok && an_now_ms() < deadline &&
		    race_spawn(ex->enomem_at, max, deadline, st) < 0) {
			ksft_print_msg("race: fork: %s\n", strerror(errno));
			ok = false;
		}
	}
	s0 = full_scans() - s0;
	if (an_get_knob(TAINTED, &taint)) {
		ksft_print_msg("cannot read %s\n", TAINTED);
		ok = false;
	}
	ksft_print_msg("race: %ld processes, %lu started, %lu execs\n", nr,
		       st->spawned, st->execs);
	ksft_print_msg("race: %lu ENOMEM, %lu other errno (last %s)\n",
		       st->enomem, st->other_errno,
		       st->other_errno ? strerror(st->last_errno) : "none");
	ksft_print_msg("race: %lu ran, %lu killed; full_scans +%llu; tainted %llu -> %llu\n",
		       st->ran, st->killed, s0, taint0, taint);
	ok = ok && st->enomem >= RACE_MIN_ENOMEM && s0 && taint == taint0;
	an_log_result(ok,
		      "exec failing at its allocations from %ld processes for %d s while knuma_scand runs: at least %d ENOMEM, kernel not tainted\n",
		      nr, RACE_SECS, RACE_MIN_ENOMEM);
	munmap(st, sizeof(*st));
	return ok;
}

/* Poll up to 5 s for nr_isolated_anon and nr_isolated_file to be 0. */
static bool isolated_drained(unsigned long long *anon, unsigned long long *file)
{
	unsigned long long t0 = an_now_ms();

	do {
		an_vmstat_refresh();
		if (an_vmstat("nr_isolated_anon", anon) ||
		    an_vmstat("nr_isolated_file", file))
			return false;
		if (!*anon && !*file)
			return true;
		an_sleep_ms(100);
	} while (an_now_ms() - t0 < 5000);
	return false;
}

/*
 * The knobs and fault injection settings are set once, in main(): no test
 * changes them, so none has anything to restore.
 */
FIXTURE(faults) {
};

FIXTURE_SETUP(faults)
{
}

FIXTURE_TEARDOWN(faults)
{
}

/* Fail each allocation of exec (@exec) or fork in turn, scanned meanwhile. */
static bool fail_each_busy(int exec)
{
	unsigned long long s0;
	struct outcome o;
	char *busy;
	bool done;

	busy = an_alloc(BUSY_LEN, 2UL << 20, 0);
	if (!busy) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		return false;
	}
	memset(busy, 1, BUSY_LEN);
	s0 = full_scans();
	done = fail_each(exec, &o);
	s0 = full_scans() - s0;
	an_free(busy, BUSY_LEN);
	return report(exec ? "exec" : "fork", done, &o, s0);
}

TEST_F_TIMEOUT(faults, exec, LOOP_TIMEOUT)
{
	EXPECT_TRUE(fail_each_busy(1));
}

TEST_F_TIMEOUT(faults, fork, LOOP_TIMEOUT)
{
	EXPECT_TRUE(fail_each_busy(0));
}

/*
 * From small mms (no busy memory): short passes over the list.  Where exec
 * fails with ENOMEM comes from a run of fail_each() of its own, untimed
 * and unreported: the exec test reports on it.
 */
TEST_F_TIMEOUT(faults, race, RACE_TIMEOUT)
{
	struct outcome ex;

	fail_each(1, &ex);
	EXPECT_TRUE(race_exec(&ex));
}

TEST_F(faults, no_isolated)
{
	unsigned long long anon = 0, file = 0;
	bool done;

	done = isolated_drained(&anon, &file);
	an_log_result(done, "no page isolated afterwards (anon %llu, file %llu)\n",
		      anon, file);
	EXPECT_TRUE(done);
}

int main(int argc, char **argv)
{
	static const char * const knobs[] = {
		"knuma_scand/scan_sleep_millisecs",
		"knuma_scand/scan_sleep_pass_millisecs",
		"knuma_scand/pages_to_scan",
		"knuma_migrated/sleep_millisecs",
		FAILSLAB_DIR "/ignore-gfp-wait",
		FAILSLAB_DIR "/verbose",
		FAIL_PAGE_DIR "/ignore-gfp-wait",
		FAIL_PAGE_DIR "/min-order",
		FAIL_PAGE_DIR "/verbose",
	};
	const char *failed = "";
	char why[256];
	int ret;

	if (argc > 2 && !strcmp(argv[1], CHILD_ARG))
		return exec_child(argv[2]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (an_why_unusable(why, sizeof(why)))
		an_exit_skip("%s\n", why);
	if (access(FAIL_NTH, W_OK))
		an_exit_skip("no %s: kernel without CONFIG_FAULT_INJECTION\n",
			     FAIL_NTH);
	if (access(FAILSLAB_DIR, F_OK) || access(FAIL_PAGE_DIR, F_OK))
		an_exit_skip("no %s or %s: no FAILSLAB or FAIL_PAGE_ALLOC\n",
			     FAILSLAB_DIR, FAIL_PAGE_DIR);
	ret = an_save_knobs(knobs, ARRAY_SIZE(knobs));
	if (ret)
		an_exit_fail("cannot save the knobs: %s\n", strerror(-ret));
	ret = an_enable();
	if (ret)
		an_exit_skip("cannot set enabled to 1: %s\n", strerror(-ret));
	ret = an_set_fastest_knobs(&failed);
	if (ret)
		an_exit_fail("cannot set %s: %s\n", failed, strerror(-ret));
	/*
	 * fail-nth counts only the allocations that pass the filters: by
	 * default GFP_KERNEL ones (which may sleep) and order-0 pages never
	 * fail, which leaves hardly any allocation of exec.  No stack dump
	 * per injected failure either: the console is scanned.
	 */
	if (an_write_str(FAILSLAB_DIR "/ignore-gfp-wait", "N") ||
	    an_write_str(FAILSLAB_DIR "/verbose", "0") ||
	    an_write_str(FAIL_PAGE_DIR "/ignore-gfp-wait", "N") ||
	    an_write_str(FAIL_PAGE_DIR "/min-order", "0") ||
	    an_write_str(FAIL_PAGE_DIR "/verbose", "0"))
		an_exit_fail("cannot set up %s and %s\n", FAILSLAB_DIR,
			     FAIL_PAGE_DIR);
	if (an_get_knob(TAINTED, &taint0))
		an_exit_fail("cannot read %s\n", TAINTED);
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA sysfs ABI test.
 *
 * Checks the knobs in /sys/kernel/mm/autonuma/: every valid value written
 * takes effect, every class of bad write fails with EINVAL and leaves the
 * old value alone, non-root users cannot write, and "enabled" excludes
 * upstream NUMA balancing (/proc/sys/kernel/numa_balancing) both ways.
 * The read-only counters of knuma_scand, knuma_migrated and the scheduler
 * have mode 0444, read as a decimal number and cannot be written, not even
 * by root.
 *
 * The test is driven by the knobs[] and counters[] tables below: a new
 * knob or counter is covered by adding a row.  All values found at start
 * are restored at exit, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "autonuma_util.h"

#define NOBODY_ID	65534
#define VAL_LEN		64

struct knob {
	const char *name;		/* file name below AUTONUMA_DIR */
	unsigned int mode;		/* expected permission bits */
	unsigned long long min;		/* smallest accepted value */
	unsigned long long max;		/* largest accepted value */
	const unsigned long long *valid; /* values to write, all in range */
	int nr_valid;
	/* Filled in at run time. */
	char path[PATH_MAX];
	char saved[VAL_LEN];		/* contents found at start */
	int saved_len;
};

static const unsigned long long bool_values[] = { 0, 1 };
/* Sleeps in milliseconds: at least 1 ms, at most an hour. */
static const unsigned long long msecs_values[] = { 1, 100, 3600000 };
/* The pause after a full pass may be 0. */
static const unsigned long long pass_msecs_values[] = { 0, 10000, 3600000 };
/* Pages per batch: 1 to 16 Mi (64 GiB of 4 KiB pages). */
static const unsigned long long pages_values[] = { 1, 32768, 16777216 };

#define MSECS_MAX	3600000ULL
#define PAGES_MAX	16777216ULL

/*
 * The knobs under test.  "enabled" must stay the first row: it is restored
 * last so that AutoNUMA is switched back on only after everything else.
 */
static struct knob knobs[] = {
	{
		.name = "enabled",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "debug",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "knuma_scand/scan_sleep_millisecs",
		.mode = 0644,
		.min = 1,
		.max = MSECS_MAX,
		.valid = msecs_values,
		.nr_valid = ARRAY_SIZE(msecs_values),
	},
	{
		.name = "knuma_scand/scan_sleep_pass_millisecs",
		.mode = 0644,
		.min = 0,
		.max = MSECS_MAX,
		.valid = pass_msecs_values,
		.nr_valid = ARRAY_SIZE(pass_msecs_values),
	},
	{
		.name = "knuma_scand/pages_to_scan",
		.mode = 0644,
		.min = 1,
		.max = PAGES_MAX,
		.valid = pages_values,
		.nr_valid = ARRAY_SIZE(pages_values),
	},
	{
		.name = "knuma_scand/pmd",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "knuma_scand/working_set",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "knuma_scand/task_scan",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "knuma_migrated/sleep_millisecs",
		.mode = 0644,
		.min = 1,
		.max = MSECS_MAX,
		.valid = msecs_values,
		.nr_valid = ARRAY_SIZE(msecs_values),
	},
	{
		.name = "knuma_migrated/pages_to_migrate",
		.mode = 0644,
		.min = 1,
		.max = PAGES_MAX,
		.valid = pages_values,
		.nr_valid = ARRAY_SIZE(pages_values),
	},
	/* The scheduler side; defaults 0, 1 and 1. */
	{
		.name = "scheduler/load_balance_strict",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "scheduler/clone_reset",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
	{
		.name = "scheduler/fork_reset",
		.mode = 0644,
		.min = 0,
		.max = 1,
		.valid = bool_values,
		.nr_valid = ARRAY_SIZE(bool_values),
	},
};

/*
 * Read-only counters: mode 0444, one decimal number, and a write fails
 * even for root.  They may move at any time, so only the error is
 * checked, not the value after the write.
 */
struct counter {
	const char *name;		/* file name below AUTONUMA_DIR */
	char path[PATH_MAX];
};

static struct counter counters[] = {
	{ .name = "knuma_scand/pages_scanned" },
	{ .name = "knuma_scand/full_scans" },
	{ .name = "knuma_scand/task_pages_scanned" },
	{ .name = "knuma_migrated/pages_migrated" },
	{ .name = "knuma_migrated/pages_failed" },
	{ .name = "scheduler/balance_calls" },
	{ .name = "scheduler/balance_ns" },
};

#define TESTS_PER_COUNTER	3	/* mode, read, root write */

#define ENABLED_KNOB	(&knobs[0])

/* Upstream NUMA balancing, when the kernel has it. */
static bool have_nb;
static char nb_saved[VAL_LEN];
static int nb_saved_len;

/*
 * Set once the original values have been saved, before the signal
 * handlers are installed, and never cleared.
 */
static bool saved_valid;

struct bad_write {
	const char *class;
	char buf[VAL_LEN];
};

#define MAX_BAD_WRITES	8

/*
 * Bad writes for @k, one or more per class: all must fail with EINVAL.
 * Returns the number of entries filled in @bw.
 */
static int gen_bad_writes(const struct knob *k, struct bad_write *bw)
{
	unsigned long long last = k->valid[k->nr_valid - 1];
	int n = 0;

	/* A lone newline: see the note on an_write_file(). */
	bw[n].class = "empty";
	snprintf(bw[n++].buf, VAL_LEN, "\n");
	bw[n].class = "non-number";
	snprintf(bw[n++].buf, VAL_LEN, "abc");
	bw[n].class = "negative";
	snprintf(bw[n++].buf, VAL_LEN, "-1");
	if (k->min > 0) {
		bw[n].class = "out-of-range";
		snprintf(bw[n++].buf, VAL_LEN, "%llu", k->min - 1);
	}
	if (k->max < ULLONG_MAX) {
		bw[n].class = "out-of-range";
		snprintf(bw[n++].buf, VAL_LEN, "%llu", k->max + 1);
	}
	/* Does not fit in 32 bits. */
	if (k->max < 4294967296ULL && k->max + 1 != 4294967296ULL) {
		bw[n].class = "out-of-range";
		snprintf(bw[n++].buf, VAL_LEN, "4294967296");
	}
	bw[n].class = "trailing garbage";
	snprintf(bw[n++].buf, VAL_LEN, "%llux", last);
	bw[n].class = "trailing garbage";
	snprintf(bw[n++].buf, VAL_LEN, "%llu %llu", last, last + 1);

	return n;
}

/*
 * Values a knob is preset to before each bad write: the first and the
 * last of its valid values, so that a store() which clobbers the value
 * on error is caught whichever value it falls back to.
 */
static int nr_start_values(const struct knob *k)
{
	return k->valid[0] == k->valid[k->nr_valid - 1] ? 1 : 2;
}

static unsigned long long start_value(const struct knob *k, int i)
{
	return i ? k->valid[k->nr_valid - 1] : k->valid[0];
}

/* Parse "<decimal>\n" and nothing else. */
static int parse_value(const char *buf, unsigned long long *val)
{
	char *end;

	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || strcmp(end, "\n"))
		return -EINVAL;
	return 0;
}

/* Read a knob and parse its value.  Returns 0 or -errno. */
static int read_value(const char *path, unsigned long long *val)
{
	char buf[VAL_LEN];
	int ret;

	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return parse_value(buf, val);
}

/* For diagnostics: what the knob reads now, escaped. */
static const char *cur_str(const char *path, char *out, size_t size)
{
	char buf[VAL_LEN];
	int ret;

	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0) {
		snprintf(out, size, "<read error: %s>", strerror(-ret));
		return out;
	}
	return an_escape(buf, ret, out, size);
}

/*
 * Set up the state a check starts from: write @val (without newline) and
 * make sure that it reads back.  Logs why and returns false if not.
 */
static bool preset(const char *path, unsigned long long val)
{
	char buf[VAL_LEN], now[4 * VAL_LEN];
	unsigned long long cur;
	int ret;

	snprintf(buf, sizeof(buf), "%llu", val);
	ret = an_write_str(path, buf);
	if (ret) {
		ksft_print_msg("%s: cannot set up value %llu: %s\n", path, val,
			       strerror(-ret));
		return false;
	}
	if (read_value(path, &cur) || cur != val) {
		ksft_print_msg("%s: set up value %llu, but it reads '%s'\n",
			       path, val, cur_str(path, now, sizeof(now)));
		return false;
	}
	return true;
}

/*
 * Put everything back as found.  Only async-signal-safe calls: this runs
 * from atexit() and from the SIGINT/SIGTERM handler.
 */
static void restore_all(void)
{
	int i;

	if (!saved_valid)
		return;
	/* numa_balancing cannot be changed while AutoNUMA is on. */
	an_write_file(ENABLED_KNOB->path, "0\n", 2);
	if (have_nb)
		an_write_file(NUMA_BALANCING_PATH, nb_saved, nb_saved_len);
	for (i = ARRAY_SIZE(knobs) - 1; i >= 0; i--)
		an_write_file(knobs[i].path, knobs[i].saved,
			      knobs[i].saved_len);
}

static void restore_on_signal(int sig)
{
	restore_all();
	/* SA_RESETHAND restored the default action. */
	raise(sig);
}

static void save_all(void)
{
	struct sigaction sa;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		struct knob *k = &knobs[i];

		snprintf(k->path, sizeof(k->path), "%s/%s", AUTONUMA_DIR,
			 k->name);
		ret = an_read_file(k->path, k->saved, sizeof(k->saved));
		if (ret < 0)
			ksft_exit_fail_msg("cannot read %s: %s\n", k->path,
					   strerror(-ret));
		k->saved_len = ret;
	}

	have_nb = !access(NUMA_BALANCING_PATH, F_OK);
	if (have_nb) {
		ret = an_read_file(NUMA_BALANCING_PATH, nb_saved,
				   sizeof(nb_saved));
		if (ret < 0)
			ksft_exit_fail_msg("cannot read %s: %s\n",
					   NUMA_BALANCING_PATH,
					   strerror(-ret));
		nb_saved_len = ret;
	}

	saved_valid = 1;
	atexit(restore_all);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void test_mode(const struct knob *k)
{
	struct stat st;

	if (stat(k->path, &st)) {
		ksft_print_msg("stat %s: %s\n", k->path, strerror(errno));
		ksft_test_result_fail("%s: is a regular file with mode %04o\n",
				      k->name, k->mode);
		return;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != k->mode)
		ksft_print_msg("%s: st_mode is %06o\n", k->name,
			       (unsigned int)st.st_mode);
	ksft_test_result(S_ISREG(st.st_mode) &&
			 (st.st_mode & 07777) == k->mode,
			 "%s: is a regular file with mode %04o\n",
			 k->name, k->mode);
}

static void test_initial_read(const struct knob *k)
{
	unsigned long long val;
	bool ok;
	char esc[4 * VAL_LEN];

	ok = !parse_value(k->saved, &val) && val >= k->min && val <= k->max;
	if (!ok)
		ksft_print_msg("%s: read '%s'\n", k->name,
			       an_escape(k->saved, k->saved_len, esc,
					 sizeof(esc)));
	ksft_test_result(ok,
			 "%s: reads a value in [%llu, %llu] and a newline\n",
			 k->name, k->min, k->max);
}

/* Write valid value number @i, with or without a trailing newline. */
static void test_valid_write(const struct knob *k, int i, bool newline)
{
	unsigned long long val = k->valid[i], other, cur;
	char buf[VAL_LEN], esc[4 * VAL_LEN], now[4 * VAL_LEN];
	int ret;

	snprintf(buf, sizeof(buf), newline ? "%llu\n" : "%llu", val);
	an_escape(buf, strlen(buf), esc, sizeof(esc));

	/* Start from another value so that the write has to take effect. */
	if (k->nr_valid > 1) {
		other = k->valid[(i + 1) % k->nr_valid];
		if (!preset(k->path, other))
			goto fail;
	}

	ret = an_write_str(k->path, buf);
	if (ret) {
		ksft_print_msg("%s: write '%s' failed: %s\n", k->name, esc,
			       strerror(-ret));
		goto fail;
	}
	ret = read_value(k->path, &cur);
	if (ret || cur != val) {
		ksft_print_msg("%s: reads '%s' after writing '%s'\n", k->name,
			       cur_str(k->path, now, sizeof(now)), esc);
		goto fail;
	}
	ksft_test_result_pass("%s: accepts '%s', reads back %llu\n",
			      k->name, esc, val);
	return;
fail:
	ksft_test_result_fail("%s: accepts '%s', reads back %llu\n",
			      k->name, esc, val);
}

static void test_bad_write(const struct knob *k, const struct bad_write *bw,
			   unsigned long long start)
{
	char esc[4 * VAL_LEN], now[4 * VAL_LEN];
	unsigned long long cur;
	bool ok = false;
	int ret;

	an_escape(bw->buf, strlen(bw->buf), esc, sizeof(esc));

	if (!preset(k->path, start))
		goto out;

	ret = an_write_str(k->path, bw->buf);
	ok = ret == -EINVAL;
	if (!ok)
		ksft_print_msg("%s: write '%s' returned %d (%s), not EINVAL\n",
			       k->name, esc, ret, ret ? strerror(-ret) : "ok");
	if (read_value(k->path, &cur) || cur != start) {
		ksft_print_msg("%s: reads '%s' after bad write '%s'\n",
			       k->name, cur_str(k->path, now, sizeof(now)),
			       esc);
		ok = false;
	}
out:
	ksft_test_result(ok, "%s: rejects %s '%s' with EINVAL, value %llu kept\n",
			 k->name, bw->class, esc, start);
}

#define CHILD_NO_PRIV_DROP	251
#define CHILD_OPENED_WROTE	252
#define CHILD_OPENED		253

/*
 * Child side of test_nonroot(): become nobody and try to open the knob
 * for writing.  Exit status 0 means EACCES as expected, CHILD_OPENED or
 * CHILD_OPENED_WROTE that open() succeeded (and writing @other then
 * failed or succeeded), CHILD_NO_PRIV_DROP that dropping privileges
 * failed; anything else is the errno of the failed open().
 */
static void nonroot_child(const struct knob *k, unsigned long long other)
{
	char buf[VAL_LEN];
	ssize_t len;
	int fd;

	if (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID))
		_exit(CHILD_NO_PRIV_DROP);
	fd = open(k->path, O_WRONLY);
	if (fd < 0)
		_exit(errno == EACCES ? 0 : errno);
	len = snprintf(buf, sizeof(buf), "%llu", other);
	if (write(fd, buf, len) == len)
		_exit(CHILD_OPENED_WROTE);
	_exit(CHILD_OPENED);
}

static void test_nonroot(const struct knob *k)
{
	unsigned long long before, after, other;
	char now[4 * VAL_LEN];
	int status, ret;
	bool ok = false;
	pid_t pid;

	ret = read_value(k->path, &before);
	if (ret) {
		ksft_print_msg("%s: cannot read: %s\n", k->name,
			       strerror(-ret));
		goto out;
	}
	other = before == k->valid[0] ? k->valid[k->nr_valid - 1] :
					 k->valid[0];

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		goto out;
	}
	if (!pid)
		nonroot_child(k, other);

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ksft_print_msg("%s: child did not exit normally\n", k->name);
		goto out;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		ok = true;
		break;
	case CHILD_OPENED:
	case CHILD_OPENED_WROTE:
		ksft_print_msg("%s: uid %d could open it for writing%s\n",
			       k->name, NOBODY_ID,
			       WEXITSTATUS(status) == CHILD_OPENED_WROTE ?
			       " and write to it" : "");
		break;
	case CHILD_NO_PRIV_DROP:
		ksft_print_msg("cannot switch to uid/gid %d\n", NOBODY_ID);
		break;
	default:
		ksft_print_msg("%s: open as uid %d failed with errno %d, not EACCES\n",
			       k->name, NOBODY_ID, WEXITSTATUS(status));
		break;
	}
	if (read_value(k->path, &after) || after != before) {
		ksft_print_msg("%s: was %llu, reads '%s' after non-root write\n",
			       k->name, before,
			       cur_str(k->path, now, sizeof(now)));
		ok = false;
	}
out:
	ksft_test_result(ok,
			 "%s: non-root open(O_WRONLY) fails with EACCES, value kept\n",
			 k->name);
}

/* "enabled" cannot be set while upstream NUMA balancing is on. */
static void test_enable_vs_numa_balancing(void)
{
	const struct knob *k = ENABLED_KNOB;
	char now[4 * VAL_LEN];
	unsigned long long cur;
	bool ok = false;
	int ret;

	if (!preset(k->path, 0) || !preset(NUMA_BALANCING_PATH, 1))
		goto out;
	ret = an_write_str(k->path, "1");
	ok = ret == -EBUSY;
	if (!ok)
		ksft_print_msg("%s: write '1' returned %d (%s), not EBUSY\n",
			       k->name, ret, ret ? strerror(-ret) : "ok");
	if (read_value(k->path, &cur) || cur) {
		ksft_print_msg("%s: reads '%s'\n", k->name,
			       cur_str(k->path, now, sizeof(now)));
		ok = false;
	}
out:
	/* Back to the state the rest of the test runs in. */
	an_write_str(k->path, "0");
	an_write_str(NUMA_BALANCING_PATH, "0");
	ksft_test_result(ok,
			 "%s: rejects '1' with EBUSY while numa_balancing is 1, value 0 kept\n",
			 k->name);
}

/* numa_balancing cannot be switched on while "enabled" is 1. */
static void test_numa_balancing_vs_enable(const char *val)
{
	const struct knob *k = ENABLED_KNOB;
	char now[4 * VAL_LEN];
	unsigned long long cur;
	bool ok = false;
	int ret;

	if (!preset(NUMA_BALANCING_PATH, 0) || !preset(k->path, 1))
		goto out;
	ret = an_write_str(NUMA_BALANCING_PATH, val);
	ok = ret == -EBUSY;
	if (!ok)
		ksft_print_msg("numa_balancing: write '%s' returned %d (%s), not EBUSY\n",
			       val, ret, ret ? strerror(-ret) : "ok");
	if (read_value(NUMA_BALANCING_PATH, &cur) || cur) {
		ksft_print_msg("numa_balancing: reads '%s'\n",
			       cur_str(NUMA_BALANCING_PATH, now, sizeof(now)));
		ok = false;
	}
out:
	an_write_str(k->path, "0");
	an_write_str(NUMA_BALANCING_PATH, "0");
	ksft_test_result(ok,
			 "numa_balancing: rejects '%s' with EBUSY while %s is 1, value 0 kept\n",
			 val, k->name);
}

static const char * const nb_on_values[] = { "1", "2" };

#define NR_EXCL_TESTS	(1 + ARRAY_SIZE(nb_on_values))

static void test_exclusion(void)
{
	unsigned int i;

	if (!have_nb) {
		for (i = 0; i < NR_EXCL_TESTS; i++)
			ksft_test_result_skip("%s: exclusion with numa_balancing: no %s\n",
					      ENABLED_KNOB->name,
					      NUMA_BALANCING_PATH);
		return;
	}
	test_enable_vs_numa_balancing();
	for (i = 0; i < ARRAY_SIZE(nb_on_values); i++)
		test_numa_balancing_vs_enable(nb_on_values[i]);
}

static bool check_restored(const char *path, const char *saved, int len)
{
	char buf[VAL_LEN], e1[4 * VAL_LEN], e2[4 * VAL_LEN];
	int ret;

	ret = an_read_file(path, buf, sizeof(buf));
	if (ret == len && !memcmp(buf, saved, len))
		return true;
	ksft_print_msg("%s: reads '%s', was '%s'\n", path,
		       ret < 0 ? strerror(-ret) : an_escape(buf, ret, e1,
							    sizeof(e1)),
		       an_escape(saved, len, e2, sizeof(e2)));
	return false;
}

static void test_restore(void)
{
	bool ok = true;
	unsigned int i;

	restore_all();
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		ok &= check_restored(knobs[i].path, knobs[i].saved,
				     knobs[i].saved_len);
	if (have_nb)
		ok &= check_restored(NUMA_BALANCING_PATH, nb_saved,
				     nb_saved_len);
	ksft_test_result(ok, "restore: all original values read back\n");
}

static void test_counter_mode(const struct counter *c)
{
	struct stat st;
	bool ok;

	if (stat(c->path, &st)) {
		ksft_print_msg("stat %s: %s\n", c->path, strerror(errno));
		ok = false;
	} else {
		ok = S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0444;
		if (!ok)
			ksft_print_msg("%s: st_mode is %06o\n", c->name,
				       (unsigned int)st.st_mode);
	}
	ksft_test_result(ok, "%s: is a regular file with mode 0444\n",
			 c->name);
}

static void test_counter_read(const struct counter *c)
{
	char buf[VAL_LEN], esc[4 * VAL_LEN];
	unsigned long long val;
	int ret;
	bool ok;

	ret = an_read_file(c->path, buf, sizeof(buf));
	if (ret < 0) {
		ksft_print_msg("%s: cannot read: %s\n", c->name,
			       strerror(-ret));
		ok = false;
	} else {
		ok = !parse_value(buf, &val);
		if (!ok)
			ksft_print_msg("%s: read '%s'\n", c->name,
				       an_escape(buf, ret, esc, sizeof(esc)));
	}
	ksft_test_result(ok, "%s: reads a decimal number and a newline\n",
			 c->name);
}

/*
 * Even root cannot write a counter: either open(O_WRONLY) fails (kernfs
 * refuses to open a file without a store method for writing) or the
 * write does.  The value is not checked afterwards: counters move.
 */
static void test_counter_write(const struct counter *c)
{
	const char *step = "open";
	int fd, err = 0;
	bool ok;

	fd = open(c->path, O_WRONLY);
	if (fd < 0) {
		err = errno;
	} else {
		step = "write";
		if (write(fd, "0\n", 2) < 0)
			err = errno;
		close(fd);
	}
	ok = err == EACCES || err == EPERM || err == EIO;
	if (!err)
		ksft_print_msg("%s: root could open it for writing and write '0\\n'\n",
			       c->name);
	else if (!ok)
		ksft_print_msg("%s: %s as root failed with %s, not EACCES, EPERM or EIO\n",
			       c->name, step, strerror(err));
	ksft_test_result(ok,
			 "%s: root cannot write it (EACCES, EPERM or EIO)\n",
			 c->name);
}

static unsigned int count_tests(void)
{
	struct bad_write bw[MAX_BAD_WRITES];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		const struct knob *k = &knobs[i];

		n += 2;				/* mode, initial read */
		n += 2 * k->nr_valid;		/* with and without '\n' */
		n += gen_bad_writes(k, bw) * nr_start_values(k);
		n += 1;				/* non-root */
	}
	n += ARRAY_SIZE(counters) * TESTS_PER_COUNTER;
	return n + NR_EXCL_TESTS + 1;		/* + restore */
}

int main(void)
{
	struct bad_write bw[MAX_BAD_WRITES];
	unsigned int i;
	int nodes, ret;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();

	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	if (access(AUTONUMA_DIR, F_OK))
		ksft_exit_skip("no %s: kernel built without CONFIG_AUTONUMA\n",
			       AUTONUMA_DIR);
	nodes = an_online_nodes();
	if (nodes < 0)
		ksft_exit_fail_msg("cannot read %s: %s\n", NODE_ONLINE_PATH,
				   strerror(-nodes));
	if (nodes < 2)
		ksft_exit_skip("%d online NUMA node(s), AutoNUMA needs 2 or more\n",
			       nodes);
	if (an_cmdline_has("noautonuma"))
		ksft_exit_skip("noautonuma on the kernel command line\n");

	save_all();
	ksft_set_plan(count_tests());

	/* AutoNUMA can only be switched on with upstream balancing off. */
	if (have_nb && strcmp(nb_saved, "0\n")) {
		ret = an_write_str(NUMA_BALANCING_PATH, "0");
		if (ret)
			ksft_exit_fail_msg("cannot set numa_balancing to 0: %s\n",
					   strerror(-ret));
	}

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		const struct knob *k = &knobs[i];
		int b, nr_bad, v, s;

		test_mode(k);
		test_initial_read(k);
		for (v = 0; v < k->nr_valid; v++) {
			test_valid_write(k, v, false);
			test_valid_write(k, v, true);
		}
		nr_bad = gen_bad_writes(k, bw);
		for (b = 0; b < nr_bad; b++)
			for (s = 0; s < nr_start_values(k); s++)
				test_bad_write(k, &bw[b], start_value(k, s));
		test_nonroot(k);
	}
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		struct counter *c = &counters[i];

		snprintf(c->path, sizeof(c->path), "%s/%s", AUTONUMA_DIR,
			 c->name);
		test_counter_mode(c);
		test_counter_read(c);
		test_counter_write(c);
	}
	test_exclusion();
	test_restore();

	ksft_finished();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA sysfs ABI test.
 *
 * Checks the knobs in /sys/kernel/mm/autonuma/: every valid value written
 * takes effect, every class of bad write fails with EINVAL and leaves the
 * old value alone, non-root users cannot write, and "enabled" excludes
 * upstream NUMA balancing (/proc/sys/kernel/numa_balancing) both ways,
 * and a task that ran under one of them is served by the other after a
 * switch (the two share the task's numa_work).
 * The read-only counters of knuma_scand, knuma_migrated and the scheduler
 * have mode 0444, read as a decimal number and cannot be written, not even
 * by root.
 *
 * The knobs and counters are fixture variants: a new knob or counter is
 * covered by adding a variant (and a row of knob_table[]).  Each check
 * is a test of its own (kselftest_harness.h runs each in a child
 * process): it starts from the values found when the program started,
 * upstream NUMA balancing off, and puts them back when it ends; the
 * program puts them back at exit too, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "autonuma_util.h"

#define NOBODY_ID	65534
#define VAL_LEN		64

/* The values a kind of knob accepts, and some of them to write. */
struct knob_class {
	unsigned long long min;		/* smallest accepted value */
	unsigned long long max;		/* largest accepted value */
	unsigned long long valid[3];	/* values to write, all in range */
	int nr_valid;
};

#define MSECS_MAX	3600000ULL
#define PAGES_MAX	16777216ULL

/* On or off. */
static const struct knob_class flag_class = {
	.min = 0, .max = 1, .valid = { 0, 1 }, .nr_valid = 2,
};

/* Sleeps in milliseconds: at least 1 ms, at most an hour. */
static const struct knob_class msecs_class = {
	.min = 1, .max = MSECS_MAX, .valid = { 1, 100, MSECS_MAX }, .nr_valid = 3,
};

/* The pause after a full pass may be 0. */
static const struct knob_class pass_msecs_class = {
	.min = 0, .max = MSECS_MAX, .valid = { 0, 10000, MSECS_MAX }, .nr_valid = 3,
};

/* Pages per batch: 1 to 16 Mi (64 GiB of 4 KiB pages). */
static const struct knob_class pages_class = {
	.min = 1, .max = PAGES_MAX, .valid = { 1, 32768, PAGES_MAX }, .nr_valid = 3,
};

/* Every knob has this mode; the counters have 0444. */
#define KNOB_MODE	0644

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

static bool have_nb(void)
{
	return !access(NUMA_BALANCING_PATH, F_OK);
}

/*
 * Every test starts from the values saved by main() with upstream NUMA
 * balancing off (AutoNUMA can only be switched on then), whatever an
 * earlier test killed at its timeout left behind.
 */
static void start_clean(struct __test_metadata *_metadata)
{
	char nb[VAL_LEN];

	an_restore_knobs();
	if (an_saved_value(NUMA_BALANCING_PATH, nb, sizeof(nb)) > 0 &&
	    strcmp(nb, "0\n")) {
		ASSERT_EQ(0, an_write_str(NUMA_BALANCING_PATH, "0"))
			TH_LOG("cannot set numa_balancing to 0");
	}
}

static void knob_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", AUTONUMA_DIR, name);
}

/* One knob: its mode, the value found at start, non-root writes. */
FIXTURE(knob) {
	char path[PATH_MAX];
};

FIXTURE_VARIANT(knob) {
	const char *name;
	const struct knob_class *cls;
};

/* The knobs under test: a new knob is covered by adding a variant. */
FIXTURE_VARIANT_ADD(knob, enabled) { "enabled", &flag_class };
FIXTURE_VARIANT_ADD(knob, debug) { "debug", &flag_class };
FIXTURE_VARIANT_ADD(knob, scan_sleep) { "knuma_scand/scan_sleep_millisecs", &msecs_class };

FIXTURE_VARIANT_ADD(knob, scan_sleep_pass) {
	"knuma_scand/scan_sleep_pass_millisecs", &pass_msecs_class
};

FIXTURE_VARIANT_ADD(knob, pages_to_scan) { "knuma_scand/pages_to_scan", &pages_class };
FIXTURE_VARIANT_ADD(knob, pmd) { "knuma_scand/pmd", &flag_class };
FIXTURE_VARIANT_ADD(knob, working_set) { "knuma_scand/working_set", &flag_class };
FIXTURE_VARIANT_ADD(knob, task_scan) { "knuma_scand/task_scan", &flag_class };
FIXTURE_VARIANT_ADD(knob, migrate_sleep) { "knuma_migrated/sleep_millisecs", &msecs_class };
FIXTURE_VARIANT_ADD(knob, pages_to_migrate) { "knuma_migrated/pages_to_migrate", &pages_class };
FIXTURE_VARIANT_ADD(knob, load_balance_strict) { "scheduler/load_balance_strict", &flag_class };
FIXTURE_VARIANT_ADD(knob, clone_reset) { "scheduler/clone_reset", &flag_class };
FIXTURE_VARIANT_ADD(knob, fork_reset) { "scheduler/fork_reset", &flag_class };

FIXTURE_SETUP(knob)
{
	start_clean(_metadata);
	knob_path(variant->name, self->path, sizeof(self->path));
}

FIXTURE_TEARDOWN(knob)
{
	an_restore_knobs();
}

TEST_F(knob, mode)
{
	struct stat st;

	ksft_print_msg("%s: is a regular file with mode %04o\n",
		       variant->name, KNOB_MODE);
	ASSERT_EQ(0, stat(self->path, &st))
		TH_LOG("stat %s: %s", self->path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != KNOB_MODE)
		ksft_print_msg("%s: st_mode is %06o\n", variant->name,
			       (unsigned int)st.st_mode);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(KNOB_MODE, st.st_mode & 07777);
}

TEST_F(knob, initial_read)
{
	const struct knob_class *c = variant->cls;
	char saved[VAL_LEN], esc[4 * VAL_LEN];
	unsigned long long val;
	bool ok;
	int len;

	ksft_print_msg("%s: reads a value in [%llu, %llu] and a newline\n",
		       variant->name, c->min, c->max);
	len = an_saved_value(self->path, saved, sizeof(saved));
	ASSERT_LE(0, len) TH_LOG("%s was not saved", self->path);
	ok = !parse_value(saved, &val) && val >= c->min && val <= c->max;
	if (!ok)
		ksft_print_msg("%s: read '%s'\n", variant->name,
			       an_escape(saved, len, esc, sizeof(esc)));
	EXPECT_TRUE(ok);
}

#define CHILD_NO_PRIV_DROP	251
#define CHILD_OPENED_WROTE	252
#define CHILD_OPENED		253

/*
 * Child side of the nonroot test: become nobody and try to open the knob
 * for writing.  Exit status 0 means EACCES as expected, CHILD_OPENED or
 * CHILD_OPENED_WROTE that open() succeeded (and writing @other then
 * failed or succeeded), CHILD_NO_PRIV_DROP that dropping privileges
 * failed; anything else is the errno of the failed open().
 */
static void nonroot_child(const char *path, unsigned long long other)
{
	char buf[VAL_LEN];
	ssize_t len;
	int fd;

	if (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID))
		_exit(CHILD_NO_PRIV_DROP);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		_exit(errno == EACCES ? 0 : errno);
	len = snprintf(buf, sizeof(buf), "%llu", other);
	if (write(fd, buf, len) == len)
		_exit(CHILD_OPENED_WROTE);
	_exit(CHILD_OPENED);
}

TEST_F(knob, nonroot)
{
	const struct knob_class *c = variant->cls;
	unsigned long long before, after, other;
	char now[4 * VAL_LEN];
	int status, ret;
	bool ok = false;
	pid_t pid;

	ksft_print_msg("%s: non-root open(O_WRONLY) fails with EACCES, value kept\n",
		       variant->name);
	ret = read_value(self->path, &before);
	ASSERT_EQ(0, ret) TH_LOG("%s: cannot read: %s", variant->name,
				 strerror(-ret));
	other = before == c->valid[0] ? c->valid[c->nr_valid - 1] :
					 c->valid[0];

	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid)
		nonroot_child(self->path, other);

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("%s: child did not exit normally", variant->name);
	switch (WEXITSTATUS(status)) {
	case 0:
		ok = true;
		break;
	case CHILD_OPENED:
	case CHILD_OPENED_WROTE:
		ksft_print_msg("%s: uid %d could open it for writing%s\n",
			       variant->name, NOBODY_ID,
			       WEXITSTATUS(status) == CHILD_OPENED_WROTE ?
			       " and write to it" : "");
		break;
	case CHILD_NO_PRIV_DROP:
		ksft_print_msg("cannot switch to uid/gid %d\n", NOBODY_ID);
		break;
	default:
		ksft_print_msg("%s: open as uid %d failed with errno %d, not EACCES\n",
			       variant->name, NOBODY_ID, WEXITSTATUS(status));
		break;
	}
	if (read_value(self->path, &after) || after != before) {
		ksft_print_msg("%s: was %llu, reads '%s' after non-root write\n",
			       variant->name, before,
			       cur_str(self->path, now, sizeof(now)));
		ok = false;
	}
	EXPECT_TRUE(ok);
}

/*
 * Write valid value number @i of the knob's class, with or without a
 * trailing newline, starting from another value so that the write has
 * to take effect.
 */
static void valid_write(struct __test_metadata *_metadata, const char *name,
			const struct knob_class *c, int i, bool newline)
{
	char path[PATH_MAX], buf[VAL_LEN], esc[4 * VAL_LEN], now[4 * VAL_LEN];
	unsigned long long val = c->valid[i], cur;
	int ret;

	knob_path(name, path, sizeof(path));
	snprintf(buf, sizeof(buf), newline ? "%llu\n" : "%llu", val);
	an_escape(buf, strlen(buf), esc, sizeof(esc));
	ksft_print_msg("%s: accepts '%s', reads back %llu\n", name, esc, val);

	ASSERT_LT(1, c->nr_valid);
	ASSERT_TRUE(preset(path, c->valid[(i + 1) % c->nr_valid]));

	ret = an_write_str(path, buf);
	ASSERT_EQ(0, ret) TH_LOG("%s: write '%s' failed: %s", name, esc,
				 strerror(-ret));
	ret = read_value(path, &cur);
	if (ret || cur != val)
		ksft_print_msg("%s: reads '%s' after writing '%s'\n", name,
			       cur_str(path, now, sizeof(now)), esc);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(val, cur);
}

/* The classes of bad write: all must fail with EINVAL. */
enum bad_kind {
	BAD_EMPTY,		/* a lone newline: see an_write_file() */
	BAD_NON_NUMBER,
	BAD_NEGATIVE,
	BAD_BELOW_MIN,		/* only for a class whose min is not 0 */
	BAD_ABOVE_MAX,
	BAD_ABOVE_U32,		/* does not fit in 32 bits */
	BAD_TRAILING_GARBAGE,	/* the last valid value and an 'x' */
	BAD_TWO_NUMBERS,
};

/*
 * Write a bad value of class @kind, starting from the first or (@from_last)
 * the last valid value, so that a store() which clobbers the value on
 * error is caught whichever value it falls back to.
 */
static void bad_write(struct __test_metadata *_metadata, const char *name,
		      const struct knob_class *c, enum bad_kind kind,
		      bool from_last)
{
	unsigned long long last = c->valid[c->nr_valid - 1], cur, start;
	char path[PATH_MAX], buf[VAL_LEN], esc[4 * VAL_LEN], now[4 * VAL_LEN];
	const char *what = "out-of-range";
	int ret;

	knob_path(name, path, sizeof(path));
	start = from_last ? last : c->valid[0];
	switch (kind) {
	case BAD_EMPTY:
		what = "empty";
		snprintf(buf, VAL_LEN, "\n");
		break;
	case BAD_NON_NUMBER:
		what = "non-number";
		snprintf(buf, VAL_LEN, "abc");
		break;
	case BAD_NEGATIVE:
		what = "negative";
		snprintf(buf, VAL_LEN, "-1");
		break;
	case BAD_BELOW_MIN:
		/* With a min of 0 this would write a valid value. */
		ASSERT_LT(0, c->min);
		snprintf(buf, VAL_LEN, "%llu", c->min - 1);
		break;
	case BAD_ABOVE_MAX:
		ASSERT_GT(ULLONG_MAX, c->max);
		snprintf(buf, VAL_LEN, "%llu", c->max + 1);
		break;
	case BAD_ABOVE_U32:
		ASSERT_GT(4294967296ULL, c->max + 1);
		snprintf(buf, VAL_LEN, "4294967296");
		break;
	case BAD_TRAILING_GARBAGE:
		what = "trailing garbage";
		snprintf(buf, VAL_LEN, "%llux", last);
		break;
	case BAD_TWO_NUMBERS:
		what = "trailing garbage";
		snprintf(buf, VAL_LEN, "%llu %llu", last, last + 1);
		break;
	}
	an_escape(buf, strlen(buf), esc, sizeof(esc));
	ksft_print_msg("%s: rejects %s '%s' with EINVAL, value %llu kept\n",
		       name, what, esc, start);
	ASSERT_TRUE(preset(path, start));

	ret = an_write_str(path, buf);
	if (ret != -EINVAL)
		ksft_print_msg("%s: write '%s' returned %d (%s), not EINVAL\n",
			       name, esc, ret, ret ? strerror(-ret) : "ok");
	EXPECT_EQ(-EINVAL, ret);
	ret = read_value(path, &cur);
	if (ret || cur != start)
		ksft_print_msg("%s: reads '%s' after bad write '%s'\n", name,
			       cur_str(path, now, sizeof(now)), esc);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(start, cur);
}

TEST_F(knob, write_first)
{
	valid_write(_metadata, variant->name, variant->cls,
		    0, false);
}

TEST_F(knob, write_first_newline)
{
	valid_write(_metadata, variant->name, variant->cls,
		    0, true);
}

TEST_F(knob, write_last)
{
	valid_write(_metadata, variant->name, variant->cls,
		    variant->cls->nr_valid - 1, false);
}

TEST_F(knob, write_last_newline)
{
	valid_write(_metadata, variant->name, variant->cls,
		    variant->cls->nr_valid - 1, true);
}

TEST_F(knob, rejects_empty_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_EMPTY, false);
}

TEST_F(knob, rejects_empty_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_EMPTY, true);
}

TEST_F(knob, rejects_non_number_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_NON_NUMBER, false);
}

TEST_F(knob, rejects_non_number_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_NON_NUMBER, true);
}

TEST_F(knob, rejects_negative_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_NEGATIVE, false);
}

TEST_F(knob, rejects_negative_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_NEGATIVE, true);
}

TEST_F(knob, rejects_above_max_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_ABOVE_MAX, false);
}

TEST_F(knob, rejects_above_max_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_ABOVE_MAX, true);
}

TEST_F(knob, rejects_above_u32_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_ABOVE_U32, false);
}

TEST_F(knob, rejects_above_u32_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_ABOVE_U32, true);
}

TEST_F(knob, rejects_trailing_garbage_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_TRAILING_GARBAGE, false);
}

TEST_F(knob, rejects_trailing_garbage_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_TRAILING_GARBAGE, true);
}

TEST_F(knob, rejects_two_numbers_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_TWO_NUMBERS, false);
}

TEST_F(knob, rejects_two_numbers_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_TWO_NUMBERS, true);
}

/* The knobs whose class has a middle valid value. */
FIXTURE(range_knob) {
};

FIXTURE_VARIANT(range_knob) {
	const char *name;
	const struct knob_class *cls;
};

FIXTURE_VARIANT_ADD(range_knob, scan_sleep) { "knuma_scand/scan_sleep_millisecs", &msecs_class };

FIXTURE_VARIANT_ADD(range_knob, scan_sleep_pass) {
	"knuma_scand/scan_sleep_pass_millisecs", &pass_msecs_class
};

FIXTURE_VARIANT_ADD(range_knob, pages_to_scan) { "knuma_scand/pages_to_scan", &pages_class };
FIXTURE_VARIANT_ADD(range_knob, migrate_sleep) { "knuma_migrated/sleep_millisecs", &msecs_class };
FIXTURE_VARIANT_ADD(range_knob, pages_to_migrate) {
	"knuma_migrated/pages_to_migrate", &pages_class
};

FIXTURE_SETUP(range_knob)
{
	start_clean(_metadata);
	ASSERT_EQ(3, variant->cls->nr_valid);
}

FIXTURE_TEARDOWN(range_knob)
{
	an_restore_knobs();
}

TEST_F(range_knob, write_middle)
{
	valid_write(_metadata, variant->name, variant->cls, 1, false);
}

TEST_F(range_knob, write_middle_newline)
{
	valid_write(_metadata, variant->name, variant->cls, 1, true);
}

/* The knobs whose class does not accept 0. */
FIXTURE(min1_knob) {
};

FIXTURE_VARIANT(min1_knob) {
	const char *name;
	const struct knob_class *cls;
};

FIXTURE_VARIANT_ADD(min1_knob, scan_sleep) { "knuma_scand/scan_sleep_millisecs", &msecs_class };
FIXTURE_VARIANT_ADD(min1_knob, pages_to_scan) { "knuma_scand/pages_to_scan", &pages_class };
FIXTURE_VARIANT_ADD(min1_knob, migrate_sleep) { "knuma_migrated/sleep_millisecs", &msecs_class };
FIXTURE_VARIANT_ADD(min1_knob, pages_to_migrate) {
	"knuma_migrated/pages_to_migrate", &pages_class
};

FIXTURE_SETUP(min1_knob)
{
	start_clean(_metadata);
}

FIXTURE_TEARDOWN(min1_knob)
{
	an_restore_knobs();
}

TEST_F(min1_knob, rejects_below_min_from_first)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_BELOW_MIN, false);
}

TEST_F(min1_knob, rejects_below_min_from_last)
{
	bad_write(_metadata, variant->name, variant->cls, BAD_BELOW_MIN, true);
}

/* One read-only counter. */
FIXTURE(counter) {
	char path[PATH_MAX];
};

FIXTURE_VARIANT(counter) {
	const char *name;
};

/* The counters under test: a new one is covered by adding a variant. */
FIXTURE_VARIANT_ADD(counter, pages_scanned) { "knuma_scand/pages_scanned" };
FIXTURE_VARIANT_ADD(counter, full_scans) { "knuma_scand/full_scans" };
FIXTURE_VARIANT_ADD(counter, task_pages_scanned) { "knuma_scand/task_pages_scanned" };
FIXTURE_VARIANT_ADD(counter, pages_migrated) { "knuma_migrated/pages_migrated" };
FIXTURE_VARIANT_ADD(counter, pages_failed) { "knuma_migrated/pages_failed" };
FIXTURE_VARIANT_ADD(counter, balance_calls) { "scheduler/balance_calls" };
FIXTURE_VARIANT_ADD(counter, balance_ns) { "scheduler/balance_ns" };

FIXTURE_SETUP(counter)
{
	start_clean(_metadata);
	knob_path(variant->name, self->path, sizeof(self->path));
}

FIXTURE_TEARDOWN(counter)
{
	an_restore_knobs();
}

TEST_F(counter, mode)
{
	struct stat st;

	ksft_print_msg("%s: is a regular file with mode 0444\n",
		       variant->name);
	ASSERT_EQ(0, stat(self->path, &st))
		TH_LOG("stat %s: %s", self->path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0444)
		ksft_print_msg("%s: st_mode is %06o\n", variant->name,
			       (unsigned int)st.st_mode);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
}

TEST_F(counter, read)
{
	char buf[VAL_LEN], esc[4 * VAL_LEN];
	unsigned long long val;
	int ret;

	ksft_print_msg("%s: reads a decimal number and a newline\n",
		       variant->name);
	ret = an_read_file(self->path, buf, sizeof(buf));
	ASSERT_LE(0, ret) TH_LOG("%s: cannot read: %s", variant->name,
				 strerror(-ret));
	if (parse_value(buf, &val))
		ksft_print_msg("%s: read '%s'\n", variant->name,
			       an_escape(buf, ret, esc, sizeof(esc)));
	EXPECT_EQ(0, parse_value(buf, &val));
}

/*
 * Even root cannot write a counter: either open(O_WRONLY) fails (kernfs
 * refuses to open a file without a store method for writing) or the
 * write does.  The value is not checked afterwards: counters move.
 */
TEST_F(counter, root_write)
{
	const char *step = "open";
	int fd, err = 0;
	bool ok;

	ksft_print_msg("%s: root cannot write it (EACCES, EPERM or EIO)\n",
		       variant->name);
	fd = open(self->path, O_WRONLY);
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
			       variant->name);
	else if (!ok)
		ksft_print_msg("%s: %s as root failed with %s, not EACCES, EPERM or EIO\n",
			       variant->name, step, strerror(err));
	EXPECT_TRUE(ok);
}

/* "enabled" against upstream NUMA balancing, and the restore itself. */
FIXTURE(sysfs) {
	char enabled[PATH_MAX];
};

FIXTURE_SETUP(sysfs)
{
	start_clean(_metadata);
	knob_path("enabled", self->enabled, sizeof(self->enabled));
}

FIXTURE_TEARDOWN(sysfs)
{
	an_restore_knobs();
}

/* "enabled" cannot be set while upstream NUMA balancing is on. */
TEST_F(sysfs, enabled_vs_numa_balancing)
{
	char now[4 * VAL_LEN];
	unsigned long long cur;
	int ret;

	if (!have_nb())
		SKIP(return, "enabled: exclusion with numa_balancing: no %s",
		     NUMA_BALANCING_PATH);
	ksft_print_msg("enabled: rejects '1' with EBUSY while numa_balancing is 1, value 0 kept\n");
	ASSERT_TRUE(preset(self->enabled, 0));
	ASSERT_TRUE(preset(NUMA_BALANCING_PATH, 1));
	ret = an_write_str(self->enabled, "1");
	if (ret != -EBUSY)
		ksft_print_msg("enabled: write '1' returned %d (%s), not EBUSY\n",
			       ret, ret ? strerror(-ret) : "ok");
	EXPECT_EQ(-EBUSY, ret);
	if (read_value(self->enabled, &cur) || cur) {
		ksft_print_msg("enabled: reads '%s'\n",
			       cur_str(self->enabled, now, sizeof(now)));
		EXPECT_TRUE(false);
	}
}

/* numa_balancing cannot be switched on while "enabled" is 1. */
static void numa_balancing_vs_enabled(struct __test_metadata *_metadata,
				      const char *enabled, const char *val)
{
	char now[4 * VAL_LEN];
	unsigned long long cur;
	int ret;

	if (!have_nb())
		SKIP(return, "enabled: exclusion with numa_balancing: no %s",
		     NUMA_BALANCING_PATH);
	ksft_print_msg("numa_balancing: rejects '%s' with EBUSY while enabled is 1, value 0 kept\n",
		       val);
	ASSERT_TRUE(preset(NUMA_BALANCING_PATH, 0));
	ASSERT_TRUE(preset(enabled, 1));
	ret = an_write_str(NUMA_BALANCING_PATH, val);
	if (ret != -EBUSY)
		ksft_print_msg("numa_balancing: write '%s' returned %d (%s), not EBUSY\n",
			       val, ret, ret ? strerror(-ret) : "ok");
	EXPECT_EQ(-EBUSY, ret);
	if (read_value(NUMA_BALANCING_PATH, &cur) || cur) {
		ksft_print_msg("numa_balancing: reads '%s'\n",
			       cur_str(NUMA_BALANCING_PATH, now, sizeof(now)));
		EXPECT_TRUE(false);
	}
}

TEST_F(sysfs, numa_balancing_1_vs_enabled)
{
	numa_balancing_vs_enabled(_metadata, self->enabled, "1");
}

TEST_F(sysfs, numa_balancing_2_vs_enabled)
{
	numa_balancing_vs_enabled(_metadata, self->enabled, "2");
}

/*
 * How long each side gets to reach a running task after a switch (times
 * the test scale, up to SWITCH_PHASE_MAX_MS).
 */
#define SWITCH_PHASE_MS		20000
#define SWITCH_PHASE_MAX_MS	80000
#define SWITCH_SPIN_BYTES	(4UL << 20)

/* A task that only spins over its memory, until its parent dies. */
static pid_t start_spinner(void)
{
	pid_t pid = fork();
	char *buf;
	unsigned long i;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	buf = mmap(NULL, SWITCH_SPIN_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(1);
	for (;;) {
		for (i = 0; i < SWITCH_SPIN_BYTES; i += 4096)
			buf[i]++;
		/* the stores are the point: keep them */
		asm volatile("" : : "r" (buf) : "memory");
	}
}

/* NUMA balancing's completed scans of @pid's mm, -1 when unknown. */
static long long nb_scan_seq(pid_t pid)
{
	char path[AN_PATH_LEN];
	long long seq;

	snprintf(path, sizeof(path), "/proc/%d/sched", pid);
	if (an_proc_value(path, "mm->numa_scan_seq", &seq))
		return -1;
	return seq;
}

/* Has @pid allocated its AutoNUMA statistics (from its task_work)? */
static bool an_has_stats(pid_t pid, long long unused)
{
	char path[AN_PATH_LEN];
	long long val;

	snprintf(path, sizeof(path), "/proc/%d/autonuma", pid);
	return !an_proc_value(path, "fault_pass", &val);
}

/* Has NUMA balancing finished a scan of @pid's mm after @seq? */
static bool nb_scanned_after(pid_t pid, long long seq)
{
	return nb_scan_seq(pid) > seq;
}

/* Poll @done(@pid, @arg) for up to @cap ms. */
static bool wait_until(bool (*done)(pid_t, long long), pid_t pid,
		       long long arg, unsigned long long cap)
{
	unsigned long long end = an_now_ms() + cap;

	do {
		if (done(pid, arg))
			return true;
		an_sleep_ms(AN_POLL_MS);
	} while (an_now_ms() < end);
	return false;
}

/*
 * One NUMA balancing phase of switch_shares_task_work: after @settle_ms
 * (for a scan already under way to end), switch NUMA balancing on and
 * wait up to @cap ms for it to finish a new scan of @pid's mm; @what
 * names the phase when it does not.
 */
static void nb_phase(struct __test_metadata *_metadata, pid_t pid,
		     unsigned long long settle_ms, unsigned long long cap,
		     const char *what)
{
	long long seq;
	bool ok;

	an_sleep_ms(settle_ms);
	seq = nb_scan_seq(pid);
	ASSERT_LE(0, seq);
	ASSERT_TRUE(preset(NUMA_BALANCING_PATH, 1));
	ok = wait_until(nb_scanned_after, pid, seq, cap);
	if (!ok)
		ksft_print_msg("switch: no %s by NUMA balancing in %llu ms (seq %lld, then %lld)\n",
			       what, cap, seq, nb_scan_seq(pid));
	EXPECT_TRUE(ok);
	ASSERT_TRUE(preset(NUMA_BALANCING_PATH, 0));
}

/*
 * AutoNUMA and NUMA balancing queue their task_work on the same head,
 * task_struct.numa_work, each setting its own callback: one task, kept
 * running, is scanned by NUMA balancing, then gets its AutoNUMA statistics
 * (only AutoNUMA's work allocates them), then is scanned by NUMA balancing
 * again.  A side that queued the head with the other's callback left in
 * it would never reach the task.
 */
TEST_F_TIMEOUT(sysfs, switch_shares_task_work, 3 * SWITCH_PHASE_MAX_MS / 1000 + 30)
{
	unsigned long long cap = SWITCH_PHASE_MS * an_test_scale();
	pid_t pid;
	int status;
	bool ok;

	if (!have_nb())
		SKIP(return, "switch: no %s", NUMA_BALANCING_PATH);
	if (cap > SWITCH_PHASE_MAX_MS)
		cap = SWITCH_PHASE_MAX_MS;
	ksft_print_msg("switch: NUMA balancing, AutoNUMA, NUMA balancing reach a task\n");
	ASSERT_TRUE(preset(self->enabled, 0));
	pid = start_spinner();
	ASSERT_LT(0, pid);
	/* a fork copies the count of its parent's mm: wait for the child's */
	nb_phase(_metadata, pid, 100, cap, "scan");

	ASSERT_TRUE(preset(self->enabled, 1));
	ok = wait_until(an_has_stats, pid, 0, cap);
	if (!ok)
		ksft_print_msg("switch: no AutoNUMA statistics in the task after %llu ms\n",
			       cap);
	EXPECT_TRUE(ok);

	ASSERT_TRUE(preset(self->enabled, 0));
	/* a scan queued before the switch may still complete: count after */
	nb_phase(_metadata, pid, 200, cap, "new scan");

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static bool check_restored(const char *path)
{
	char buf[VAL_LEN], saved[VAL_LEN], e1[4 * VAL_LEN], e2[4 * VAL_LEN];
	int ret, len;

	len = an_saved_value(path, saved, sizeof(saved));
	if (len < 0) {
		ksft_print_msg("%s: was not saved\n", path);
		return false;
	}
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret == len && !memcmp(buf, saved, len))
		return true;
	ksft_print_msg("%s: reads '%s', was '%s'\n", path,
		       ret < 0 ? strerror(-ret) : an_escape(buf, ret, e1,
							    sizeof(e1)),
		       an_escape(saved, len, e2, sizeof(e2)));
	return false;
}

/* Move a knob off the value it was saved with. */
static bool change_knob(const char *name, const struct knob_class *c)
{
	char path[PATH_MAX];
	unsigned long long val;

	knob_path(name, path, sizeof(path));
	if (read_value(path, &val)) {
		ksft_print_msg("%s: cannot read\n", path);
		return false;
	}
	return preset(path, val == c->valid[0] ? c->valid[c->nr_valid - 1] :
						 c->valid[0]);
}

/* Every knob, for the restore test. */
static const struct {
	const char *name;
	const struct knob_class *cls;
} knob_table[] = {
	{ "enabled", &flag_class },
	{ "debug", &flag_class },
	{ "knuma_scand/scan_sleep_millisecs", &msecs_class },
	{ "knuma_scand/scan_sleep_pass_millisecs", &pass_msecs_class },
	{ "knuma_scand/pages_to_scan", &pages_class },
	{ "knuma_scand/pmd", &flag_class },
	{ "knuma_scand/working_set", &flag_class },
	{ "knuma_scand/task_scan", &flag_class },
	{ "knuma_migrated/sleep_millisecs", &msecs_class },
	{ "knuma_migrated/pages_to_migrate", &pages_class },
	{ "scheduler/load_balance_strict", &flag_class },
	{ "scheduler/clone_reset", &flag_class },
	{ "scheduler/fork_reset", &flag_class },
};

/*
 * Every knob moved off its value (numa_balancing is off since the
 * setup), an_restore_knobs() puts every one back.
 */
TEST_F(sysfs, restore)
{
	char path[PATH_MAX];
	unsigned int i;
	bool ok = true;

	ksft_print_msg("restore: all original values read back\n");
	for (i = 0; i < ARRAY_SIZE(knob_table); i++)
		ASSERT_TRUE(change_knob(knob_table[i].name, knob_table[i].cls));
	an_restore_knobs();
	for (i = 0; i < ARRAY_SIZE(knob_table); i++) {
		knob_path(knob_table[i].name, path, sizeof(path));
		ok &= check_restored(path);
	}
	if (have_nb())
		ok &= check_restored(NUMA_BALANCING_PATH);
	EXPECT_TRUE(ok);
}

int main(int argc, char **argv)
{
	int nodes, ret;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (geteuid())
		an_exit_skip("must be run as root\n");
	if (access(AUTONUMA_DIR, F_OK))
		an_exit_skip("no %s: kernel built without CONFIG_AUTONUMA\n",
			     AUTONUMA_DIR);
	nodes = an_online_nodes();
	if (nodes < 0)
		an_exit_fail("cannot read %s: %s\n", NODE_ONLINE_PATH,
			     strerror(-nodes));
	if (nodes < 2)
		an_exit_skip("%d online NUMA node(s), AutoNUMA needs 2 or more\n",
			     nodes);
	if (an_cmdline_has("noautonuma"))
		an_exit_skip("noautonuma on the kernel command line\n");
	ret = an_save_all_knobs();
	if (ret)
		an_exit_fail("cannot save the knobs: %s\n", strerror(-ret));
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the AutoNUMA selftests, linked into each of them.
 *
 * No libnuma: everything is read from procfs and sysfs with plain
 * open(2)/read(2)/write(2), and the NUMA system calls are made with
 * syscall(2), so that the tests also build statically.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "autonuma_util.h"

/* include/linux/sched.h */
#define AN_PF_KTHREAD		0x00200000

#define AN_MAX_SAVED		16
#define AN_MAX_RANGES		256

/* /proc/PID/pagemap: bit 63 present, bits 0-54 the PFN (root only). */
#define AN_PM_PRESENT		0x8000000000000000ULL
#define AN_PM_PFN_MASK		((1ULL << 55) - 1)

struct an_saved_file {
	char path[AN_PATH_LEN];
	char val[AN_VAL_LEN];
	int len;
};

/* A range of page frames [start, end) on one node. */
struct an_pfn_range {
	unsigned long long start;
	unsigned long long end;
	int node;
};

/* Process-wide state of the helpers. */
struct an_state {
	/* Knobs to put back at exit: files[0] is "enabled" if has_enabled. */
	struct an_saved_file files[AN_MAX_SAVED];
	int nr_files;
	int has_enabled;		/* the kernel has AutoNUMA */
	int saved;			/* files[] complete, restore armed */
	pid_t saver;			/* only this process restores */
	/* Wall-clock budget of the whole program, CLOCK_MONOTONIC ms. */
	unsigned long long deadline_ms;	/* 0: none */
	/* PFN to node map, see an_pfn_map_init(). */
	struct an_pfn_range ranges[AN_MAX_RANGES];
	int nr_ranges;
	const char *ranges_from;	/* where the map came from */
};

/*
 * Read at most @size - 1 bytes of @path into @buf and NUL-terminate them.
 * Returns the number of bytes read or -errno.
 */
int an_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t ret;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ret = read(fd, buf + len, size - 1 - len);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!ret)
			break;
		len += ret;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/*
 * Write exactly the @len bytes at @buf to @path: open(O_WRONLY) followed
 * by a single write(2) of those bytes, as "echo -n" would do.  Nothing
 * is added or stripped, so a trailing newline must be part of @buf.
 *
 * Returns 0 when write(2) accepted all @len bytes, -errno when open(2)
 * or write(2) failed and -EIO on a short write.
 *
 * Only open(2), write(2) and close(2) are used, so this may be called
 * from a signal handler.
 *
 * Note: a write of 0 bytes to a sysfs file never reaches the attribute's
 * store() callback (sysfs_kf_write() returns 0 straight away), so it
 * always "succeeds" without testing anything.  Tests of the "empty
 * value" case must write a lone "\n" (1 byte) instead, which is also
 * what "echo > knob" does.
 */
int an_write_file(const char *path, const char *buf, size_t len)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	else if ((size_t)ret != len)
		ret = -EIO;
	else
		ret = 0;
	close(fd);
	return ret;
}

/* an_write_file() of a NUL-terminated string, without the NUL. */
int an_write_str(const char *path, const char *str)
{
	return an_write_file(path, str, strlen(str));
}

/*
 * Parse a list such as "0-3,8\n" into the bitmap @bits of @nbits bits.
 * Returns the number of bits set or -EINVAL.
 */
int an_parse_list_bits(const char *list, unsigned long *bits,
		       unsigned int nbits)
{
	const unsigned int bpl = 8 * sizeof(long);
	unsigned long first, last, i;
	const char *p = list;
	char *end;
	int nr = 0;

	memset(bits, 0, (nbits + bpl - 1) / bpl * sizeof(long));
	while (*p && *p != '\n') {
		errno = 0;
		first = strtoul(p, &end, 10);
		if (errno || end == p)
			return -EINVAL;
		last = first;
		p = end;
		if (*p == '-') {
			p++;
			last = strtoul(p, &end, 10);
			if (errno || end == p || last < first)
				return -EINVAL;
			p = end;
		}
		if (last >= nbits)
			return -EINVAL;
		for (i = first; i <= last; i++) {
			bits[i / bpl] |= 1UL << (i % bpl);
			nr++;
		}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return nr;
}

/*
 * Count the nodes in a node list such as "0", "0-1" or "0,2-3\n".
 * Returns the number of nodes or -EINVAL if @list is malformed.
 */
static int an_parse_node_list(const char *list)
{
	unsigned long bits[1024 / (8 * sizeof(long))];	/* MAX_NUMNODES */

	return an_parse_list_bits(list, bits, 1024);
}

/*
 * Number of online NUMA nodes.  A kernel built without CONFIG_NUMA has no
 * node directory in sysfs and counts as a single node.
 * Returns the node count or -errno.
 */
int an_online_nodes(void)
{
	char buf[4096];
	int ret;

	ret = an_read_file(NODE_ONLINE_PATH, buf, sizeof(buf));
	if (ret == -ENOENT)
		return 1;
	if (ret < 0)
		return ret;
	return an_parse_node_list(buf);
}

/*
 * True if the kernel command line holds the parameter @word, either alone
 * or as "@word=...".  Double quotes are handled like the kernel's
 * next_arg() does, and everything after "--" is for init, not the kernel.
 */
bool an_cmdline_has(const char *word)
{
	size_t wlen = strlen(word);
	char buf[4096], tok[4096];
	bool in_quote = false;
	size_t tlen = 0;
	char *p;

	if (an_read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return false;

	for (p = buf; ; p++) {
		if (*p == '"') {
			in_quote = !in_quote;
			continue;
		}
		if (*p && (in_quote || (*p != ' ' && *p != '\t' &&
					*p != '\n'))) {
			if (tlen < sizeof(tok) - 1)
				tok[tlen++] = *p;
			continue;
		}
		/* End of a token (or of the command line). */
		tok[tlen] = '\0';
		if (!strcmp(tok, "--"))
			return false;
		if (!strncmp(tok, word, wlen) &&
		    (tok[wlen] == '\0' || tok[wlen] == '='))
			return true;
		tlen = 0;
		if (!*p)
			return false;
	}
}

/*
 * True if the task @pid is a kernel thread: PF_KTHREAD is set in the
 * flags field of /proc/@pid/stat (field 9, the 7th after "(comm)").
 */
bool an_pid_is_kthread(const char *pid)
{
	char path[300], buf[1024];
	unsigned int flags;
	char *p;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (an_read_file(path, buf, sizeof(buf)) < 0)
		return false;
	p = strrchr(buf, ')');
	if (!p)
		return false;
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return false;
	return flags & AN_PF_KTHREAD;
}

/*
 * Count the kernel threads whose comm starts with "knuma_" by scanning
 * /proc/[pid]/comm.  The comm of the first one found is copied to @name
 * (if not NULL) for diagnostics.  Returns the count or -errno.
 */
int an_count_knuma_threads(char *name, size_t size)
{
	char path[300], comm[64];
	struct dirent *de;
	int nr = 0;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		/* The task may have exited in the meantime. */
		if (an_read_file(path, comm, sizeof(comm)) < 0)
			continue;
		if (strncmp(comm, KNUMA_COMM_PREFIX,
			    strlen(KNUMA_COMM_PREFIX)))
			continue;
		if (!an_pid_is_kthread(de->d_name))
			continue;
		comm[strcspn(comm, "\n")] = '\0';
		if (!nr && name && size)
			snprintf(name, size, "%s (pid %s)", comm, de->d_name);
		nr++;
	}
	closedir(dir);
	return nr;
}

/*
 * Render @len bytes of @buf into @out as a C-like string ("1\n" becomes
 * the 3 characters 1, backslash, n) so that it fits on one TAP line.
 */
const char *an_escape(const char *buf, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = buf[i];

		if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\\' || c == '\'') {
			out[o++] = '\\';
			out[o++] = c;
		} else if (c < ' ' || c > '~') {
			o += snprintf(out + o, size - o, "\\x%02x", c);
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return out;
}

static struct an_state *an_state(void)
{
	static struct an_state state;

	return &state;
}

unsigned long long an_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Sleep @ms milliseconds, resuming after signals. */
void an_sleep_ms(unsigned long long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Build the path of knob @name: absolute, or relative to AUTONUMA_DIR. */
static void an_knob_path(const char *name, char *path, size_t size)
{
	if (name[0] == '/')
		snprintf(path, size, "%s", name);
	else
		snprintf(path, size, "%s/%s", AUTONUMA_DIR, name);
}

/*
 * Read an unsigned decimal knob or counter: AUTONUMA_DIR/@name, or @name
 * itself when it is an absolute path.  Returns 0 or -errno.
 */
int an_get_knob(const char *name, unsigned long long *val)
{
	char path[AN_PATH_LEN], buf[AN_VAL_LEN], *end;
	int ret;

	an_knob_path(name, path, sizeof(path));
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || (*end && strcmp(end, "\n")))
		return -EINVAL;
	return 0;
}

/*
 * Write @val to a knob (see an_get_knob() for @name) and check that it
 * reads back.  Returns 0, -errno of the write, or -EIO when the knob does
 * not read back @val.
 */
int an_set_knob(const char *name, unsigned long long val)
{
	char path[AN_PATH_LEN], buf[AN_VAL_LEN];
	unsigned long long cur;
	int ret;

	an_knob_path(name, path, sizeof(path));
	snprintf(buf, sizeof(buf), "%llu\n", val);
	ret = an_write_str(path, buf);
	if (ret)
		return ret;
	if (an_get_knob(name, &cur) || cur != val)
		return -EIO;
	return 0;
}

/*
 * Put the saved knobs back, from any process that inherited the saved
 * values: a test child of kselftest_harness.h puts them back in its
 * teardown, its parent at exit.  Only async-signal-safe calls.
 */
void an_restore_knobs(void)
{
	struct an_state *s = an_state();
	int i;

	if (!s->saved)
		return;
	/* numa_balancing cannot be changed while AutoNUMA is on. */
	if (s->has_enabled)
		an_write_file(s->files[0].path, "0\n", 2);
	for (i = s->nr_files - 1; i >= 0; i--)
		an_write_file(s->files[i].path, s->files[i].val,
			      s->files[i].len);
}

/*
 * The atexit() and SIGINT/SIGTERM side of an_restore_knobs(): only in
 * the process that saved the knobs, not in the children that inherit the
 * handlers and exit while it runs.
 */
static void an_restore_at_exit(void)
{
	if (getpid() == an_state()->saver)
		an_restore_knobs();
}

static void an_restore_on_signal(int sig)
{
	an_restore_at_exit();
	/* SA_RESETHAND restored the default action. */
	raise(sig);
}

static int an_save_one(const char *name)
{
	struct an_state *s = an_state();
	struct an_saved_file *f;
	int ret;

	if (s->nr_files >= AN_MAX_SAVED)
		return -E2BIG;
	f = &s->files[s->nr_files];
	an_knob_path(name, f->path, sizeof(f->path));
	ret = an_read_file(f->path, f->val, sizeof(f->val));
	if (ret < 0)
		return ret;
	f->len = ret;
	s->nr_files++;
	return 0;
}

/*
 * Save "enabled" (when the kernel has AutoNUMA), kernel.numa_balancing
 * (when it exists) and the knobs @names (see an_get_knob()), and arrange
 * for all of them to be written back at exit and on SIGINT/SIGTERM: the
 * knobs in reverse order, then numa_balancing, "enabled" last.  Without
 * AutoNUMA, @names may be upstream NUMA balancing's knobs (absolute
 * paths).  Call it once, before changing any of them.  Returns 0 or the
 * -errno of the first file that cannot be read, in which case nothing is
 * armed.
 */
int an_save_knobs(const char * const *names, int nr)
{
	struct an_state *s = an_state();
	struct sigaction sa;
	int i, ret = 0;

	s->nr_files = 0;
	s->has_enabled = !access(AN_ENABLED_PATH, F_OK);
	if (s->has_enabled)
		ret = an_save_one(AN_ENABLED_PATH);
	if (!ret && !access(NUMA_BALANCING_PATH, F_OK))
		ret = an_save_one(NUMA_BALANCING_PATH);
	for (i = 0; !ret && i < nr; i++)
		ret = an_save_one(names[i]);
	if (ret)
		return ret;

	s->saver = getpid();
	s->saved = 1;
	atexit(an_restore_at_exit);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = an_restore_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}

/*
 * What an_save_knobs() read from @name (see an_get_knob()), NUL-terminated
 * in @buf.  Returns its length, or -ENOENT when @name was not saved.
 */
int an_saved_value(const char *name, char *buf, size_t size)
{
	struct an_state *s = an_state();
	char path[AN_PATH_LEN];
	int i;

	an_knob_path(name, path, sizeof(path));
	for (i = 0; i < s->nr_files; i++) {
		if (strcmp(s->files[i].path, path))
			continue;
		snprintf(buf, size, "%.*s", s->files[i].len, s->files[i].val);
		return s->files[i].len;
	}
	return -ENOENT;
}

/* an_save_knobs() of every writable knob but "enabled" (always saved). */
int an_save_all_knobs(void)
{
	static const char * const names[] = {
		"debug",
		"knuma_scand/scan_sleep_millisecs",
		"knuma_scand/scan_sleep_pass_millisecs",
		"knuma_scand/pages_to_scan",
		"knuma_scand/pmd",
		"knuma_scand/working_set",
		"knuma_scand/task_scan",
		"knuma_migrated/sleep_millisecs",
		"knuma_migrated/pages_to_migrate",
		"scheduler/load_balance_strict",
		"scheduler/clone_reset",
		"scheduler/fork_reset",
	};

	return an_save_knobs(names, ARRAY_SIZE(names));
}

/*
 * Scan and migrate fast.  Returns 0, or -errno with the name of the knob
 * that could not be set in *@failed.
 */
int an_set_fast_knobs(const char **failed)
{
	static const struct {
		const char *name;
		unsigned long long val;
	} fast[] = {
		{ "knuma_scand/scan_sleep_millisecs", AN_FAST_SCAN_SLEEP_MS },
		{ "knuma_scand/scan_sleep_pass_millisecs",
		  AN_FAST_PASS_SLEEP_MS },
		{ "knuma_scand/pages_to_scan", AN_FAST_PAGES_TO_SCAN },
		{ "knuma_migrated/sleep_millisecs", AN_FAST_MIGRATE_SLEEP_MS },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fast); i++) {
		ret = an_set_knob(fast[i].name, fast[i].val);
		if (ret) {
			*failed = fast[i].name;
			return ret;
		}
	}
	return 0;
}

/*
 * an_set_fast_knobs(), then the shortest sleeps: knuma_scand 1 ms between
 * batches and none between passes, knuma_migratedN 1 ms.  For the stress
 * tests.  Returns 0, or -errno with the knob that failed in *@failed.
 */
int an_set_fastest_knobs(const char **failed)
{
	int ret = an_set_fast_knobs(failed);

	if (ret)
		return ret;
	*failed = "tiny sleeps";
	ret = an_set_knob("knuma_scand/scan_sleep_millisecs", 1);
	if (!ret)
		ret = an_set_knob("knuma_scand/scan_sleep_pass_millisecs", 0);
	if (!ret)
		ret = an_set_knob("knuma_migrated/sleep_millisecs", 1);
	return ret;
}

/*
 * Switch AutoNUMA on, switching upstream NUMA balancing off first when
 * it is on.  Returns 0 or the -errno of the failing write.
 */
int an_enable(void)
{
	unsigned long long nb;
	int ret;

	if (!an_get_knob(NUMA_BALANCING_PATH, &nb) && nb) {
		ret = an_write_str(NUMA_BALANCING_PATH, "0");
		if (ret)
			return ret;
	}
	return an_set_knob("enabled", 1);
}

/*
 * Why the memory-side tests cannot run here, or NULL when they can:
 * they need root, the knuma_scand directory and two online nodes.
 */
const char *an_why_unusable(char *why, size_t size)
{
	int nodes;

	if (geteuid()) {
		snprintf(why, size, "must be run as root");
		return why;
	}
	if (access(AN_SCAND_DIR, F_OK)) {
		snprintf(why, size, "no %s (CONFIG_AUTONUMA=n, noautonuma or one node)",
			 AN_SCAND_DIR);
		return why;
	}
	nodes = an_online_nodes();
	if (nodes < 2) {
		snprintf(why, size, "%d online NUMA node(s), 2 needed", nodes);
		return why;
	}
	return NULL;
}

/*
 * How many times slower than the kernels the bounds were set on is the one
 * under test: AUTONUMA_TEST_SCALE from the environment, 1 to 10 (KASAN
 * under TCG is run with 3), 1 when unset or out of range.
 */
unsigned int an_test_scale(void)
{
	const char *env = getenv("AUTONUMA_TEST_SCALE");
	int scale = env ? atoi(env) : 1;

	return scale < 1 || scale > 10 ? 1 : scale;
}

/*
 * Give the whole program @secs seconds; waits end at that point.  A slow
 * kernel gets an_test_scale() times as long.
 */
void an_set_budget(unsigned int secs)
{
	an_state()->deadline_ms = an_now_ms() + secs * 1000ULL * an_test_scale();
}

/* Milliseconds left of the budget, at most @cap_ms. */
unsigned long long an_budget_ms(unsigned long long cap_ms)
{
	unsigned long long now = an_now_ms(), end = an_state()->deadline_ms;

	if (!end)
		return cap_ms;
	if (now >= end)
		return 0;
	return end - now < cap_ms ? end - now : cap_ms;
}

const char *an_wait_str(const struct an_wait *w)
{
	switch (w->end) {
	case AN_WAIT_DONE:
		return "condition met";
	case AN_WAIT_SCANS:
		return "all full scans done";
	case AN_WAIT_CAP:
		return "wall-clock cap hit";
	case AN_WAIT_STALL:
		return "full_scans stalled";
	default:
		return "cannot read full_scans";
	}
}

/*
 * The number after the blanks and the optional ':' following @str, the
 * rest of a line that started with a key; -EINVAL when no decimal number
 * (maybe negative) is there, on this line.
 */
static int an_parse_value(const char *str, long long *val)
{
	const char *p = str + strspn(str, " \t");

	if (*p == ':')
		p += 1 + strspn(p + 1, " \t");
	if (!isdigit((unsigned char)p[*p == '-']))
		return -EINVAL;
	errno = 0;
	*val = strtoll(p, NULL, 10);
	return errno ? -EINVAL : 0;
}

/*
 * The (decimal, maybe negative) number after @key on the line of @path
 * that starts with @key and then a blank or a ':', as in /proc/PID/status
 * ("Key:\tN"), /proc/PID/sched ("key   :   N") or /proc/PID/autonuma
 * ("key N").  Returns 0, -ENOENT when there is no such line, -EINVAL when
 * no number follows, or the -errno of the read.
 */
int an_proc_value(const char *path, const char *key, long long *val)
{
	size_t len = strlen(key);
	char buf[16384], *line;
	int ret;

	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	line = buf;
	while (line) {
		if (!strncmp(line, key, len) && line[len] &&
		    strchr(" \t:", line[len]))
			return an_parse_value(line + len, val);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}

/*
 * Log the verdict of a check with its description, as its TAP line did
 * before kselftest_harness.h, whose result names only the test.
 */
void an_log_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", ok ? "pass" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/*
 * Log the lines of @path that start with @prefix ("" for all), each after
 * @tag: the state behind a failed check, for the one who reads the log.
 */
void an_log_file(const char *tag, const char *path, const char *prefix)
{
	size_t plen = strlen(prefix);
	char line[256];
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		printf("# %s: %s: %s\n", tag, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, plen))
			printf("# %s: %s", tag, line);
	fclose(f);
}

/* Log every knob of AutoNUMA, as "name value", each after @tag. */
void an_log_knobs(const char *tag)
{
	static const char * const dirs[] = { "", "knuma_scand/", "knuma_migrated/" };
	char path[PATH_MAX], val[AN_VAL_LEN];
	struct dirent *de;
	unsigned int i;
	DIR *d;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", AUTONUMA_DIR, dirs[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_type != DT_REG)
				continue;
			snprintf(path, sizeof(path), "%s/%s%s", AUTONUMA_DIR,
				 dirs[i], de->d_name);
			if (an_read_file(path, val, sizeof(val)) < 0)
				continue;
			val[strcspn(val, "\n")] = '\0';
			printf("# %s: %s%s %s\n", tag, dirs[i], de->d_name, val);
		}
		closedir(d);
	}
}

/*
 * Completed scan passes over this process's memory, by knuma_scand or by
 * its own threads: "mm_pass" of /proc/self/autonuma.  knuma_scand skips a
 * process whose pause after its last pass is not over, so its own
 * full_scans may advance without this process being scanned.
 */
int an_mm_pass(unsigned long long *val)
{
	long long pass, node;
	int ret;

	ret = an_proc_value("/proc/self/autonuma", "mm_pass", &pass);
	if (ret == -ENOENT) {
		/* no AutoNUMA state yet: allocated when a thread first runs */
		if (an_proc_value("/proc/self/autonuma", "autonuma_node", &node))
			return -EINVAL;
		pass = 0;
	} else if (ret) {
		return ret;
	}
	if (pass < 0)
		return -EINVAL;
	*val = pass;
	return 0;
}

/*
 * Wait until this process's memory has been scanned @k more times
 * (an_mm_pass()), polling every AN_POLL_MS, for at most @cap_ms (and the
 * program budget).  When @done is not NULL it is called each time a pass
 * completed (so sampling stays light), and the wait ends as soon as it
 * returns true.  Gives up early when no pass completes for AN_STALL_MS: a
 * scanner that does nothing makes tests fail, not hang.
 *
 * A slow kernel waits an_test_scale() times @k passes: knuma_scand's passes
 * are paced by its sleep knobs, which do not slow down with the kernel,
 * while the hinting faults and migrations a pass leads to do, so @k passes of
 * a slow kernel see a fraction of the work @k passes of a fast one see (the
 * memory of autonuma_prctl's control followed its thread in 4 passes and
 * 1.1 s on the autonuma kernel, in 29 passes and 6.5 s under KASAN).  Waits
 * for nothing to happen over @k passes only get longer.  A test whose
 * bound is a number of passes, not an amount of work, waits with
 * an_wait_passes().
 */
enum an_wait_end
an_wait_full_scans(unsigned long long k, unsigned long long cap_ms,
		   bool (*done)(void *arg), void *arg, struct an_wait *w)
{
	return an_wait_passes(k * an_test_scale(), cap_ms, done, arg, w);
}

/*
 * an_wait_full_scans() for exactly @k passes on any kernel: for a bound
 * that the number of passes sets (a page takes at most one hinting fault
 * per pass), which more passes would loosen.
 */
enum an_wait_end
an_wait_passes(unsigned long long k, unsigned long long cap_ms,
	       bool (*done)(void *arg), void *arg, struct an_wait *w)
{
	unsigned long long start, last, cur, t0, moved, now;

	w->scans = 0;
	w->ms = 0;
	cap_ms = an_budget_ms(cap_ms);
	t0 = an_now_ms();
	moved = t0;
	if (an_mm_pass(&start)) {
		w->end = AN_WAIT_ERROR;
		return w->end;
	}
	last = start;
	for (;;) {
		now = an_now_ms();
		w->ms = now - t0;
		if (w->ms >= cap_ms) {
			w->end = AN_WAIT_CAP;
			return w->end;
		}
		if (now - moved >= AN_STALL_MS) {
			w->end = AN_WAIT_STALL;
			return w->end;
		}
		an_sleep_ms(AN_POLL_MS);
		if (an_mm_pass(&cur)) {
			w->end = AN_WAIT_ERROR;
			return w->end;
		}
		if (cur == last)
			continue;
		last = cur;
		moved = an_now_ms();
		w->scans = cur - start;
		w->ms = moved - t0;
		if (done && done(arg)) {
			w->end = AN_WAIT_DONE;
			return w->end;
		}
		if (w->scans >= k) {
			w->end = AN_WAIT_SCANS;
			return w->end;
		}
	}
}

/*
 * Fold every CPU's pending vmstat deltas into the totals /proc/vmstat
 * shows (root only).  Without it a node counter such as nr_isolated_anon
 * can read up to stat_threshold pages per CPU off its true value for
 * about a second, until vmstat_update runs.  Returns 0 or -errno.
 */
int an_vmstat_refresh(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Read the /proc/vmstat counter @name.  Returns 0, -ENOENT when the
 * kernel does not have it or -errno.
 */
int an_vmstat(const char *name, unsigned long long *val)
{
	size_t len = strlen(name);
	char line[256];
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != ' ')
			continue;
		if (sscanf(line + len, "%llu", val) == 1)
			ret = 0;
		else
			ret = -EINVAL;
		break;
	}
	fclose(f);
	return ret;
}

void an_snap_take(struct an_snap *s, const char * const *names, int n)
{
	int i;

	for (i = 0; i < n && i < AN_SNAP_MAX; i++) {
		if (strchr(names[i], '/'))
			s->have[i] = !an_get_knob(names[i], &s->val[i]);
		else
			s->have[i] = !an_vmstat(names[i], &s->val[i]);
	}
}

/* Growth of counter @i from @a to @b, 0 when it cannot be read. */
unsigned long long an_snap_delta(const struct an_snap *a,
				 const struct an_snap *b, int i)
{
	if (!a->have[i] || !b->have[i] || b->val[i] < a->val[i])
		return 0;
	return b->val[i] - a->val[i];
}

bool an_test_bit(const unsigned long *bits, unsigned int i)
{
	const unsigned int bpl = 8 * sizeof(long);

	return bits[i / bpl] & (1UL << (i % bpl));
}

/*
 * The nodes listed in @file of /sys/devices/system/node ("online",
 * "possible", "has_memory"...) as a bitmap.  Returns the count or -errno.
 */
int an_node_mask(const char *file, unsigned long *mask)
{
	char path[AN_PATH_LEN], buf[1024];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", AN_NODE_DIR, file);
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return an_parse_list_bits(buf, mask, AN_MAX_NODES);
}

/* The CPUs of node @node.  Returns their number or -errno. */
int an_node_cpus(int node, cpu_set_t *set)
{
	unsigned long bits[CPU_SETSIZE / (8 * sizeof(long))];
	char path[AN_PATH_LEN], buf[4096];
	int ret, cpu;

	snprintf(path, sizeof(path), "%s/node%d/cpulist", AN_NODE_DIR, node);
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	ret = an_parse_list_bits(buf, bits, CPU_SETSIZE);
	if (ret < 0)
		return ret;
	CPU_ZERO(set);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (an_test_bit(bits, cpu))
			CPU_SET(cpu, set);
	return ret;
}

/*
 * Pin the calling thread to the CPUs of node @node.  Returns 0, -ENODEV
 * when the node has no CPU, or -errno.
 */
int an_pin_to_node(int node)
{
	cpu_set_t set;
	int ret;

	ret = an_node_cpus(node, &set);
	if (ret < 0)
		return ret;
	if (!ret)
		return -ENODEV;
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return 0;
}

long an_mbind(void *addr, unsigned long len, int mode,
	      const unsigned long *nodemask,
	      unsigned long maxnode, unsigned int flags)
{
	return syscall(__NR_mbind, addr, len, mode, nodemask, maxnode, flags);
}

static long an_set_mempolicy(int mode, const unsigned long *nodemask,
			     unsigned long maxnode)
{
	return syscall(__NR_set_mempolicy, mode, nodemask, maxnode);
}

/* Task policy of the calling thread: MPOL_BIND to @node. Returns 0/-errno. */
int an_bind_task(int node)
{
	unsigned long mask = 1UL << node;

	return an_set_mempolicy(MPOL_BIND, &mask, AN_MAXNODE) ? -errno : 0;
}

/* Task policy of the calling thread back to MPOL_DEFAULT. */
static int an_default_task(void)
{
	return an_set_mempolicy(MPOL_DEFAULT, NULL, 0) ? -errno : 0;
}

/* VMA policy of [@addr, @addr + @len): MPOL_BIND to @node. */
int an_mbind_node(void *addr, size_t len, int node, unsigned int flags)
{
	unsigned long mask = 1UL << node;

	return an_mbind(addr, len, MPOL_BIND, &mask, AN_MAXNODE, flags) ?
	       -errno : 0;
}

/*
 * First-touch every page of [@buf, @buf + @len) (a write) from the
 * calling thread with its task policy bound to @node, then drop the
 * policy back to MPOL_DEFAULT.  Returns 0 or -errno.
 */
int an_place_on_node(char *buf, size_t len, int node)
{
	size_t ps = sysconf(_SC_PAGESIZE), off;
	int ret;

	ret = an_bind_task(node);
	if (ret)
		return ret;
	for (off = 0; off < len; off += ps)
		buf[off] = 1;
	return an_default_task();
}

/*
 * Is the kernel built with transparent huge pages?  Without
 * CONFIG_TRANSPARENT_HUGEPAGE it has no AN_THP_DIR, and madvise() rejects
 * MADV_HUGEPAGE and MADV_NOHUGEPAGE with EINVAL.
 */
bool an_thp_built(void)
{
	return access(AN_THP_DIR, F_OK) == 0;
}

/*
 * madvise(), except that the THP advices are not an error on a kernel
 * without THP: every page is a base page there, which is what
 * MADV_NOHUGEPAGE asks for, and MADV_HUGEPAGE is a hint it has no way to
 * follow.  A test point that needs huge pages checks for them itself
 * (an_thp_built(), transparent_hugepage/enabled, AnonHugePages) and skips.
 */
int an_madvise(void *addr, size_t len, int advice)
{
	int saved;

	if (!madvise(addr, len, advice))
		return 0;
	saved = errno;
	if (saved == EINVAL && !an_thp_built() &&
	    (advice == MADV_HUGEPAGE || advice == MADV_NOHUGEPAGE))
		return 0;
	errno = saved;
	return -1;
}

/*
 * Map @len bytes of private anonymous memory aligned to @align (a power
 * of two, at least the page size), with a PROT_NONE guard page on both
 * sides so that the mapping is a VMA of its own.  @advice is passed to
 * an_madvise() when not 0 (MADV_HUGEPAGE, MADV_NOHUGEPAGE).
 * Returns the address or NULL with errno set.
 */
char *an_alloc(size_t len, size_t align, int advice)
{
	size_t ps = sysconf(_SC_PAGESIZE), total, head;
	char *raw, *buf;

	total = len + align + 2 * ps;
	raw = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	buf = (char *)(((unsigned long)raw + ps + align - 1) & ~(align - 1));
	head = buf - raw;
	/* Keep one guard page on each side, give the rest back. */
	if (head > ps)
		munmap(raw, head - ps);
	if (total - head - len > ps)
		munmap(buf + len + ps, total - head - len - ps);
	if (mprotect(buf, len, PROT_READ | PROT_WRITE)) {
		munmap(buf - ps, len + 2 * ps);
		return NULL;
	}
	if (advice && an_madvise(buf, len, advice)) {
		munmap(buf - ps, len + 2 * ps);
		return NULL;
	}
	return buf;
}

/* Undo an_alloc(). */
void an_free(char *buf, size_t len)
{
	size_t ps = sysconf(_SC_PAGESIZE);

	if (buf)
		munmap(buf - ps, len + 2 * ps);
}

static int an_add_pfn_range(unsigned long long start,
			    unsigned long long end, int node)
{
	struct an_state *s = an_state();
	struct an_pfn_range *r;

	r = s->nr_ranges ? &s->ranges[s->nr_ranges - 1] : NULL;
	if (r && r->node == node && r->end == start) {
		r->end = end;
		return 0;
	}
	if (s->nr_ranges >= AN_MAX_RANGES)
		return -E2BIG;
	r = &s->ranges[s->nr_ranges++];
	r->start = start;
	r->end = end;
	r->node = node;
	return 0;
}

static int an_cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The numbers of the memory blocks of @node (the memoryM entries of its
 * sysfs directory), sorted, in a malloc()ed array.  Returns the count or
 * -errno.
 */
static int an_node_blocks(int node, unsigned long long **blocks)
{
	unsigned long long *b = NULL, *nb, nr = 0, size = 0;
	char path[AN_PATH_LEN], *end;
	struct dirent *de;
	DIR *dir;

	*blocks = NULL;
	snprintf(path, sizeof(path), "%s/node%d", AN_NODE_DIR, node);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "memory", 6) ||
		    de->d_name[6] < '0' || de->d_name[6] > '9')
			continue;
		if (nr == size) {
			size = size ? 2 * size : 64;
			nb = realloc(b, size * sizeof(*b));
			if (!nb) {
				free(b);
				closedir(dir);
				return -ENOMEM;
			}
			b = nb;
		}
		b[nr] = strtoull(de->d_name + 6, &end, 10);
		if (!*end)
			nr++;
	}
	closedir(dir);
	if (nr)
		qsort(b, nr, sizeof(*b), an_cmp_ull);
	*blocks = b;
	return nr;
}

/*
 * PFN ranges from the memory blocks of each node:
 * /sys/devices/system/node/nodeN/memoryM covers the block_size_bytes
 * bytes of block M.  Needs CONFIG_MEMORY_HOTPLUG.
 */
static int an_pfn_map_from_blocks(void)
{
	unsigned long long bs, ps = sysconf(_SC_PAGESIZE), *blocks;
	char buf[64], *end;
	int node, nr, i, ret;

	ret = an_read_file("/sys/devices/system/memory/block_size_bytes",
			   buf, sizeof(buf));
	if (ret < 0)
		return ret;
	bs = strtoull(buf, &end, 16);
	if (!bs || bs % ps)
		return -EINVAL;
	for (node = 0; node < AN_MAX_NODES; node++) {
		nr = an_node_blocks(node, &blocks);
		for (i = 0, ret = 0; i < nr && !ret; i++)
			ret = an_add_pfn_range(blocks[i] * (bs / ps),
					       (blocks[i] + 1) * (bs / ps),
					       node);
		free(blocks);
		if (ret)
			return ret;
	}
	return an_state()->nr_ranges ? 0 : -ENOENT;
}

/*
 * PFN ranges from the zone spans in /proc/zoneinfo ("Node N, zone Z",
 * "spanned S", "start_pfn: P"): works without memory hotplug.
 */
static int an_pfn_map_from_zoneinfo(void)
{
	unsigned long long spanned = 0, start;
	char line[256];
	int node = -1, ret = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone", &node) == 1)
			spanned = 0;
		else if (sscanf(line, " spanned %llu", &spanned) == 1)
			continue;
		else if (sscanf(line, " start_pfn: %llu", &start) == 1 &&
			 node >= 0 && spanned)
			ret = an_add_pfn_range(start, start + spanned, node);
	}
	fclose(f);
	if (ret)
		return ret;
	return an_state()->nr_ranges ? 0 : -ENOENT;
}

/*
 * Build the PFN to node map used by an_pfn_node(): from the memory
 * blocks when sysfs has them, else from /proc/zoneinfo.  Returns 0 or
 * -errno (then an_get_placement() falls back to numa_maps).
 */
int an_pfn_map_init(void)
{
	struct an_state *s = an_state();

	s->nr_ranges = 0;
	if (!an_pfn_map_from_blocks()) {
		s->ranges_from = "memory blocks";
		return 0;
	}
	s->nr_ranges = 0;
	if (!an_pfn_map_from_zoneinfo()) {
		s->ranges_from = "/proc/zoneinfo zone spans";
		return 0;
	}
	s->nr_ranges = 0;
	s->ranges_from = "nothing";
	return -ENOENT;
}

/* Where an_pfn_map_init() took the map from, for diagnostics. */
const char *an_pfn_map_source(void)
{
	return an_state()->ranges_from ?: "nothing";
}

/* Node of page frame @pfn, or -1 when unknown. */
static int an_pfn_node(unsigned long long pfn)
{
	struct an_state *s = an_state();
	int i;

	for (i = 0; i < s->nr_ranges; i++)
		if (pfn >= s->ranges[i].start && pfn < s->ranges[i].end)
			return s->ranges[i].node;
	return -1;
}

/* Percentage of the pages of @pl on node @node. */
double an_share(const struct an_placement *pl, int node)
{
	return pl->pages ? 100.0 * pl->on[node] / pl->pages : 0.0;
}

/*
 * Placement from the N<node>=<pages> fields of the /proc/self/numa_maps
 * line of the VMA that starts at @addr (see an_alloc()).
 */
static int an_placement_numa_maps(const void *addr, size_t len,
				  struct an_placement *pl)
{
	size_t ps = sysconf(_SC_PAGESIZE);
	unsigned long start, pages, sum = 0;
	char line[4096], *p, *end;
	int node, ret = -ENOENT;
	FILE *f;

	memset(pl, 0, sizeof(*pl));
	pl->pages = len / ps;
	pl->how = "numa_maps";
	f = fopen("/proc/self/numa_maps", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		start = strtoul(line, &end, 16);
		if (end == line || *end != ' ' || start != (unsigned long)addr)
			continue;
		for (p = strstr(line, " N"); p; p = strstr(p + 1, " N")) {
			if (sscanf(p, " N%d=%lu", &node, &pages) != 2 ||
			    node < 0 || node >= AN_MAX_NODES)
				continue;
			pl->on[node] += pages;
			sum += pages;
		}
		ret = 0;
		break;
	}
	fclose(f);
	pl->unknown = sum < pl->pages ? pl->pages - sum : 0;
	return ret;
}

/*
 * Where the pages of [@addr, @addr + @len) are, from /proc/self/pagemap:
 * counted in @pl, and, with @nodes, the node of each page there (-1 when
 * unknown).  Returns 0 or -errno.
 */
static int an_pagemap_nodes(const void *addr, size_t len,
			    struct an_placement *pl, signed char *nodes)
{
	unsigned long long ent[512];
	size_t ps = sysconf(_SC_PAGESIZE), i, n, done = 0;
	unsigned long first = (unsigned long)addr / ps;
	ssize_t ret;
	int fd, node;

	memset(pl, 0, sizeof(*pl));
	pl->pages = len / ps;
	pl->how = "pagemap";
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -errno;
	while (done < pl->pages) {
		n = pl->pages - done;
		if (n > ARRAY_SIZE(ent))
			n = ARRAY_SIZE(ent);
		ret = pread(fd, ent, n * sizeof(ent[0]),
			    (first + done) * sizeof(ent[0]));
		if (ret <= 0) {
			ret = ret < 0 ? -errno : -EIO;
			close(fd);
			return ret;
		}
		n = ret / sizeof(ent[0]);
		for (i = 0; i < n; i++) {
			node = -1;
			if ((ent[i] & AN_PM_PRESENT) && (ent[i] & AN_PM_PFN_MASK))
				node = an_pfn_node(ent[i] & AN_PM_PFN_MASK);
			if (node < 0 || node >= AN_MAX_NODES)
				node = -1;
			if (node >= 0)
				pl->on[node]++;
			else
				pl->unknown++;
			if (nodes)
				nodes[done + i] = node;
		}
		done += n;
	}
	close(fd);
	return 0;
}

/*
 * Where the pages of [@addr, @addr + @len) are: PFNs from
 * /proc/self/pagemap mapped to nodes (see an_pfn_map_init()).  Does not
 * use move_pages(), which reports -ENOENT for NUMA hinting entries in
 * 6.1.  Pages that are not present (or under migration) count as
 * unknown.  Returns 0 or -errno.
 */
int an_get_placement(const void *addr, size_t len, struct an_placement *pl)
{
	if (!an_state()->nr_ranges)
		return an_placement_numa_maps(addr, len, pl);
	return an_pagemap_nodes(addr, len, pl, NULL);
}

/*
 * As an_get_placement(), and the node of each page in @nodes (one entry a
 * page, -1 when unknown), for a test to tell which pages moved.  Needs the
 * PFN to node map: -ENOENT without it.
 */
int an_get_page_nodes(const void *addr, size_t len, struct an_placement *pl,
		      signed char *nodes)
{
	if (!an_state()->nr_ranges)
		return -ENOENT;
	return an_pagemap_nodes(addr, len, pl, nodes);
}

/*
 * The "@field" (e.g. "AnonHugePages:") of the /proc/self/smaps entry of
 * the VMA containing @addr, in kB.  Returns 0 or -errno.
 */
int an_smaps_kb(const void *addr, const char *field, unsigned long *kb)
{
	unsigned long a = (unsigned long)addr, start, end;
	size_t flen = strlen(field);
	bool in_vma = false;
	int ret = -ENOENT;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (in_vma)
				break;
			in_vma = a >= start && a < end;
			continue;
		}
		if (in_vma && !strncmp(line, field, flen) &&
		    sscanf(line + flen, "%lu", kb) == 1) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the AutoNUMA selftests.
 *
 * No libnuma: everything is read from procfs and sysfs with plain
 * open(2)/read(2)/write(2) so that the tests also build statically.
 */
#ifndef __AUTONUMA_UTIL_H
#define __AUTONUMA_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUTONUMA_DIR		"/sys/kernel/mm/autonuma"
#define NODE_ONLINE_PATH	"/sys/devices/system/node/online"
#define NUMA_BALANCING_PATH	"/proc/sys/kernel/numa_balancing"
#define KNUMA_COMM_PREFIX	"knuma_"

/* include/linux/sched.h */
#define AN_PF_KTHREAD		0x00200000

/*
 * Read at most @size - 1 bytes of @path into @buf and NUL-terminate them.
 * Returns the number of bytes read or -errno.
 */
static inline int an_read_file(const char *path, char *buf, size_t size)
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
static inline int an_write_file(const char *path, const char *buf,
				size_t len)
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
static inline int an_write_str(const char *path, const char *str)
{
	return an_write_file(path, str, strlen(str));
}

/*
 * Count the nodes in a node list such as "0", "0-1" or "0,2-3\n".
 * Returns the number of nodes or -EINVAL if @list is malformed.
 */
static inline int an_parse_node_list(const char *list)
{
	unsigned long first, last;
	const char *p = list;
	char *end;
	int nr = 0;

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
		nr += last - first + 1;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return nr;
}

/*
 * Number of online NUMA nodes.  A kernel built without CONFIG_NUMA has no
 * node directory in sysfs and counts as a single node.
 * Returns the node count or -errno.
 */
static inline int an_online_nodes(void)
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
static inline bool an_cmdline_has(const char *word)
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
static inline bool an_pid_is_kthread(const char *pid)
{
	char path[64], buf[1024];
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
static inline int an_count_knuma_threads(char *name, size_t size)
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
static inline const char *an_escape(const char *buf, size_t len,
				    char *out, size_t size)
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

#endif /* __AUTONUMA_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA must stay off on a machine with a single online NUMA node and
 * when "noautonuma" is on the kernel command line.  Then only the
 * "enabled" knob exists, it reads 0 and cannot be set, no knuma_* kernel
 * thread runs and no autonuma_* event is counted in /proc/vmstat (whose
 * autonuma_* counters must exist: a kernel without them fails).
 *
 * Elsewhere the test is skipped: autonuma_sysfs covers that case.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest.h"
#include "autonuma_util.h"

#define ENABLED_PATH	AUTONUMA_DIR "/enabled"
#define NR_TESTS	7

static char enabled_saved[64];
static int enabled_saved_len;
/* Set before the signal handlers are installed, never cleared. */
static bool saved_valid;

/* Async-signal-safe: runs from atexit() and from a signal handler. */
static void restore_enabled(void)
{
	if (saved_valid)
		an_write_file(ENABLED_PATH, enabled_saved, enabled_saved_len);
}

static void restore_on_signal(int sig)
{
	restore_enabled();
	/* SA_RESETHAND restored the default action. */
	raise(sig);
}

static void save_enabled(void)
{
	struct sigaction sa;
	int ret;

	ret = an_read_file(ENABLED_PATH, enabled_saved,
			   sizeof(enabled_saved));
	if (ret < 0)
		return;
	enabled_saved_len = ret;
	saved_valid = 1;
	atexit(restore_enabled);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* True if "enabled" reads exactly "0\n"; logs what it reads otherwise. */
static bool enabled_is_zero(void)
{
	char buf[64], esc[256];
	int ret;

	ret = an_read_file(ENABLED_PATH, buf, sizeof(buf));
	if (ret < 0) {
		ksft_print_msg("read %s: %s\n", ENABLED_PATH, strerror(-ret));
		return false;
	}
	if (!strcmp(buf, "0\n"))
		return true;
	an_escape(buf, ret, esc, sizeof(esc));
	ksft_print_msg("enabled reads '%s'\n", esc);
	return false;
}

static void test_enabled_reads_zero(void)
{
	ksft_test_result(enabled_is_zero(), "enabled: reads 0\n");
}

static void test_enable_fails(void)
{
	int ret;

	ret = an_write_str(ENABLED_PATH, "1");
	if (ret != -ENODEV)
		ksft_print_msg("write '1' returned %d (%s), not ENODEV\n",
			       ret, ret ? strerror(-ret) : "ok");
	ksft_test_result(ret == -ENODEV,
			 "enabled: rejects '1' with ENODEV\n");
}

static void test_still_zero(void)
{
	ksft_test_result(enabled_is_zero(),
			 "enabled: still reads 0 after writing '1'\n");
}

static void test_disable_ok(void)
{
	int ret;

	ret = an_write_str(ENABLED_PATH, "0");
	if (ret)
		ksft_print_msg("write '0' failed: %s\n", strerror(-ret));
	ksft_test_result(!ret && enabled_is_zero(),
			 "enabled: accepts '0', reads back 0\n");
}

static void test_only_enabled_entry(void)
{
	struct dirent *de;
	bool ok = true;
	DIR *dir;

	dir = opendir(AUTONUMA_DIR);
	if (!dir) {
		ksft_print_msg("opendir %s: %s\n", AUTONUMA_DIR,
			       strerror(errno));
		ok = false;
		goto out;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "enabled"))
			continue;
		ksft_print_msg("unexpected entry %s/%s\n", AUTONUMA_DIR,
			       de->d_name);
		ok = false;
	}
	closedir(dir);
out:
	ksft_test_result(ok, "sysfs: %s holds no entry but 'enabled'\n",
			 AUTONUMA_DIR);
}

static void test_no_kthreads(void)
{
	char name[128] = "";
	int nr;

	nr = an_count_knuma_threads(name, sizeof(name));
	if (nr < 0)
		ksft_print_msg("scanning /proc: %s\n", strerror(-nr));
	else if (nr > 0)
		ksft_print_msg("%d knuma_* kernel thread(s), e.g. %s\n", nr,
			       name);
	ksft_test_result(!nr, "kthreads: no knuma_* kernel thread runs\n");
}

/*
 * The counters a kernel with AutoNUMA has in /proc/vmstat whether or not
 * it runs: without them "every counter is 0" would hold by vacuity on a
 * kernel that never had any.
 */
static const char * const vmstat_names[] = {
	"autonuma_pte_updates",
	"autonuma_faults_local",
	"autonuma_faults_remote",
	"autonuma_pages_queued",
	"autonuma_pages_migrated",
	"autonuma_migrate_failed",
	"autonuma_thp_migrated",
	"autonuma_thp_split",
	"autonuma_task_moves",
	"autonuma_task_exchanges",
	"autonuma_task_moves_refused",
};

static void test_vmstat_zero(void)
{
	bool seen[ARRAY_SIZE(vmstat_names)] = { false };
	char line[256], name[128];
	unsigned long long val;
	bool ok = true;
	unsigned int i;
	int found = 0;
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	if (!f) {
		ksft_print_msg("open /proc/vmstat: %s\n", strerror(errno));
		ok = false;
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "autonuma_", strlen("autonuma_")))
			continue;
		found++;
		if (sscanf(line, "%127s %llu", name, &val) != 2) {
			ksft_print_msg("cannot parse vmstat line: %s", line);
			ok = false;
			continue;
		}
		if (val) {
			ksft_print_msg("vmstat %s is %llu\n", name, val);
			ok = false;
		}
		for (i = 0; i < ARRAY_SIZE(vmstat_names); i++)
			if (!strcmp(name, vmstat_names[i]))
				seen[i] = true;
	}
	fclose(f);
	if (!found) {
		ksft_print_msg("no autonuma_* counter in /proc/vmstat\n");
		ok = false;
	}
	for (i = 0; i < ARRAY_SIZE(vmstat_names); i++) {
		if (seen[i])
			continue;
		ksft_print_msg("no %s in /proc/vmstat\n", vmstat_names[i]);
		ok = false;
	}
	ksft_print_msg("vmstat: %d autonuma_* counter(s), %zu expected\n",
		       found, ARRAY_SIZE(vmstat_names));
out:
	ksft_test_result(ok,
			 "vmstat: the %zu autonuma_* counters exist and are all 0\n",
			 ARRAY_SIZE(vmstat_names));
}

int main(void)
{
	int nodes;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();

	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	nodes = an_online_nodes();
	if (nodes < 0)
		ksft_exit_fail_msg("cannot read %s: %s\n", NODE_ONLINE_PATH,
				   strerror(-nodes));
	if (nodes != 1 && !an_cmdline_has("noautonuma"))
		ksft_exit_skip("AutoNUMA is expected on here (%d online nodes, no noautonuma)\n",
			       nodes);
	if (access(AUTONUMA_DIR, F_OK))
		ksft_exit_skip("no %s: kernel built without CONFIG_AUTONUMA\n",
			       AUTONUMA_DIR);

	ksft_print_msg("%d online node(s), noautonuma %s\n", nodes,
		       an_cmdline_has("noautonuma") ? "set" : "not set");
	save_enabled();
	ksft_set_plan(NR_TESTS);

	test_enabled_reads_zero();
	test_enable_fails();
	test_still_zero();
	test_disable_ok();
	test_only_enabled_entry();
	test_no_kthreads();
	test_vmstat_zero();

	ksft_finished();
	return 0;
}

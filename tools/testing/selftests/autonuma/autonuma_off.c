// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA must stay off on a machine with a single online NUMA node and
 * when "noautonuma" is on the kernel command line.  Then only the
 * "enabled" knob exists, it reads 0 and cannot be set, no knuma_* kernel
 * thread runs and no autonuma_* event is counted in /proc/vmstat (whose
 * autonuma_* counters must exist: a kernel without them fails).
 *
 * Elsewhere the test is skipped: autonuma_sysfs covers that case.  Each
 * check is a test of its own (kselftest_harness.h): it starts from the
 * "enabled" value found when the program started and puts it back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "autonuma_util.h"

#define ENABLED_PATH	AUTONUMA_DIR "/enabled"

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

FIXTURE(off) {
};

FIXTURE_SETUP(off)
{
	an_restore_knobs();
	ksft_print_msg("%d online node(s), noautonuma %s\n", an_online_nodes(),
		       an_cmdline_has("noautonuma") ? "set" : "not set");
}

FIXTURE_TEARDOWN(off)
{
	an_restore_knobs();
}

TEST_F(off, enabled_reads_zero)
{
	ksft_print_msg("enabled: reads 0\n");
	EXPECT_TRUE(enabled_is_zero());
}

TEST_F(off, enable_fails)
{
	int ret;

	ksft_print_msg("enabled: rejects '1' with ENODEV\n");
	ret = an_write_str(ENABLED_PATH, "1");
	if (ret != -ENODEV)
		ksft_print_msg("write '1' returned %d (%s), not ENODEV\n",
			       ret, ret ? strerror(-ret) : "ok");
	EXPECT_EQ(-ENODEV, ret);
}

TEST_F(off, still_zero_after_enable)
{
	ksft_print_msg("enabled: still reads 0 after writing '1'\n");
	/* Whatever the write returns: enable_fails checks that. */
	an_write_str(ENABLED_PATH, "1");
	EXPECT_TRUE(enabled_is_zero());
}

TEST_F(off, disable_ok)
{
	int ret;

	ksft_print_msg("enabled: accepts '0', reads back 0\n");
	ret = an_write_str(ENABLED_PATH, "0");
	if (ret)
		ksft_print_msg("write '0' failed: %s\n", strerror(-ret));
	EXPECT_EQ(0, ret);
	EXPECT_TRUE(enabled_is_zero());
}

TEST_F(off, only_enabled_entry)
{
	struct dirent *de;
	bool ok = true;
	DIR *dir;

	ksft_print_msg("sysfs: %s holds no entry but 'enabled'\n",
		       AUTONUMA_DIR);
	dir = opendir(AUTONUMA_DIR);
	ASSERT_NE(NULL, dir) TH_LOG("opendir %s: %s", AUTONUMA_DIR,
				    strerror(errno));
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "enabled"))
			continue;
		ksft_print_msg("unexpected entry %s/%s\n", AUTONUMA_DIR,
			       de->d_name);
		ok = false;
	}
	closedir(dir);
	EXPECT_TRUE(ok);
}

TEST_F(off, no_kthreads)
{
	char name[128] = "";
	int nr;

	ksft_print_msg("kthreads: no knuma_* kernel thread runs\n");
	nr = an_count_knuma_threads(name, sizeof(name));
	if (nr < 0)
		ksft_print_msg("scanning /proc: %s\n", strerror(-nr));
	else if (nr > 0)
		ksft_print_msg("%d knuma_* kernel thread(s), e.g. %s\n", nr,
			       name);
	EXPECT_EQ(0, nr);
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

TEST_F(off, vmstat_zero)
{
	bool seen[ARRAY_SIZE(vmstat_names)] = { false };
	char line[256], name[128];
	unsigned long long val;
	bool ok = true;
	unsigned int i;
	int found = 0;
	FILE *f;

	ksft_print_msg("vmstat: the %zu autonuma_* counters exist and are all 0\n",
		       ARRAY_SIZE(vmstat_names));
	f = fopen("/proc/vmstat", "r");
	ASSERT_NE(NULL, f) TH_LOG("open /proc/vmstat: %s", strerror(errno));
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
	EXPECT_TRUE(ok);
}

int main(int argc, char **argv)
{
	int nodes, ret;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (geteuid())
		an_exit_skip("must be run as root\n");
	nodes = an_online_nodes();
	if (nodes < 0)
		an_exit_fail("cannot read %s: %s\n", NODE_ONLINE_PATH,
			     strerror(-nodes));
	if (nodes != 1 && !an_cmdline_has("noautonuma"))
		an_exit_skip("AutoNUMA is expected on here (%d online nodes, no noautonuma)\n",
			     nodes);
	if (access(AUTONUMA_DIR, F_OK))
		an_exit_skip("no %s: kernel built without CONFIG_AUTONUMA\n",
			     AUTONUMA_DIR);
	/* "enabled" (and numa_balancing, which no test changes). */
	ret = an_save_knobs(NULL, 0);
	if (ret)
		an_exit_fail("cannot save %s: %s\n", ENABLED_PATH,
			     strerror(-ret));
	return test_harness_run(argc, argv);
}

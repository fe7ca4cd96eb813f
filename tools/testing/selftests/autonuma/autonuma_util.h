/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the AutoNUMA selftests: autonuma_util.c, linked into
 * each of them.  The functions are documented there.
 *
 * The system headers below are the ones the tests use throughout; a file
 * that includes this one must define _GNU_SOURCE before anything else
 * (cpu_set_t).
 */
#ifndef __AUTONUMA_UTIL_H
#define __AUTONUMA_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#define AUTONUMA_DIR		"/sys/kernel/mm/autonuma"
#define NODE_ONLINE_PATH	"/sys/devices/system/node/online"
#define NUMA_BALANCING_PATH	"/proc/sys/kernel/numa_balancing"
#define KNUMA_COMM_PREFIX	"knuma_"

#define AN_ENABLED_PATH		AUTONUMA_DIR "/enabled"
#define AN_SCAND_DIR		AUTONUMA_DIR "/knuma_scand"
#define AN_FULL_SCANS		"knuma_scand/full_scans"
#define AN_PAGES_SCANNED	"knuma_scand/pages_scanned"
#define AN_NODE_DIR		"/sys/devices/system/node"
#define AN_THP_DIR		"/sys/kernel/mm/transparent_hugepage"
#define AN_THP_ENABLED_PATH	AN_THP_DIR "/enabled"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#endif

#define AN_MAX_NODES		64	/* nodes handled by these helpers */
#define AN_VAL_LEN		64
#define AN_PATH_LEN		128

/* Fast knobs: a full pass every ~50 ms, migration batches every 10 ms. */
#define AN_FAST_SCAN_SLEEP_MS	10
#define AN_FAST_PASS_SLEEP_MS	50
#define AN_FAST_PAGES_TO_SCAN	65536
#define AN_FAST_MIGRATE_SLEEP_MS	10

/* an_wait_full_scans() polls this often ... */
#define AN_POLL_MS		20
/* ... and gives up when full_scans has not moved for this long. */
#define AN_STALL_MS		20000

/* Files, the kernel command line, /proc. */
int an_read_file(const char *path, char *buf, size_t size);
int an_write_file(const char *path, const char *buf, size_t len);
int an_write_str(const char *path, const char *str);
int an_parse_list_bits(const char *list, unsigned long *bits,
		       unsigned int nbits);
bool an_test_bit(const unsigned long *bits, unsigned int i);
bool an_cmdline_has(const char *word);
bool an_pid_is_kthread(const char *pid);
int an_count_knuma_threads(char *name, size_t size);
const char *an_escape(const char *buf, size_t len, char *out, size_t size);
int an_proc_value(const char *path, const char *key, long long *val);

/*
 * Skip or fail a whole program from main(), before the harness (which
 * prints the TAP header) starts: the header, then the reason.
 */
#define an_exit_skip(...)	do {			\
		ksft_print_header();			\
		ksft_exit_skip(__VA_ARGS__);		\
	} while (0)
#define an_exit_fail(...)	do {			\
		ksft_print_header();			\
		ksft_exit_fail_msg(__VA_ARGS__);	\
	} while (0)

void an_log_result(bool ok, const char *fmt, ...);
void an_log_file(const char *tag, const char *path, const char *prefix);
void an_log_knobs(const char *tag);

/* Time and the program's wall-clock budget. */
unsigned long long an_now_ms(void);
void an_sleep_ms(unsigned long long ms);
unsigned int an_test_scale(void);
void an_set_budget(unsigned int secs);
unsigned long long an_budget_ms(unsigned long long cap_ms);

/* Knobs: read, write, save once and restore at exit. */
int an_get_knob(const char *name, unsigned long long *val);
int an_set_knob(const char *name, unsigned long long val);
int an_save_knobs(const char * const *names, int nr);
int an_save_all_knobs(void);
void an_restore_knobs(void);
int an_saved_value(const char *name, char *buf, size_t size);
int an_set_fast_knobs(const char **failed);
int an_set_fastest_knobs(const char **failed);
int an_enable(void);
const char *an_why_unusable(char *why, size_t size);

/* Waiting for knuma_scand. */
enum an_wait_end {
	AN_WAIT_DONE,		/* the condition became true */
	AN_WAIT_SCANS,		/* the full scans asked for went by */
	AN_WAIT_CAP,		/* wall-clock cap (or program budget) hit */
	AN_WAIT_STALL,		/* full_scans did not move for AN_STALL_MS */
	AN_WAIT_ERROR,		/* full_scans cannot be read */
};

struct an_wait {
	enum an_wait_end end;
	unsigned long long scans;	/* full_scans advanced by this much */
	unsigned long long ms;		/* time waited */
};

const char *an_wait_str(const struct an_wait *w);
int an_mm_pass(unsigned long long *val);
enum an_wait_end an_wait_full_scans(unsigned long long k,
				    unsigned long long cap_ms,
				    bool (*done)(void *arg), void *arg,
				    struct an_wait *w);
enum an_wait_end an_wait_passes(unsigned long long k,
				unsigned long long cap_ms,
				bool (*done)(void *arg), void *arg,
				struct an_wait *w);

/*
 * Counters: /proc/vmstat, and snapshots by name (a name with a '/' is a
 * file under AUTONUMA_DIR, any other a line of /proc/vmstat).
 */
#define AN_SNAP_MAX	16

struct an_snap {
	unsigned long long val[AN_SNAP_MAX];
	int have[AN_SNAP_MAX];
};

int an_vmstat_refresh(void);
int an_vmstat(const char *name, unsigned long long *val);
void an_snap_take(struct an_snap *s, const char * const *names, int n);
unsigned long long an_snap_delta(const struct an_snap *a,
				 const struct an_snap *b, int i);

/* Nodes, CPUs and memory policies. */
#define AN_MAXNODE	(8 * sizeof(unsigned long))

int an_online_nodes(void);
int an_node_mask(const char *file, unsigned long *mask);
int an_node_cpus(int node, cpu_set_t *set);
int an_pin_to_node(int node);
long an_mbind(void *addr, unsigned long len, int mode,
	      const unsigned long *nodemask, unsigned long maxnode,
	      unsigned int flags);
int an_bind_task(int node);
int an_mbind_node(void *addr, size_t len, int node, unsigned int flags);

/* Memory: mappings, THP, and where their pages are. */
struct an_placement {
	unsigned long pages;		/* pages in the range */
	unsigned long unknown;		/* absent, migrating or unresolved */
	unsigned long on[AN_MAX_NODES];	/* pages on each node */
	const char *how;		/* pagemap or numa_maps */
};

bool an_thp_built(void);
int an_madvise(void *addr, size_t len, int advice);
char *an_alloc(size_t len, size_t align, int advice);
void an_free(char *buf, size_t len);
int an_place_on_node(char *buf, size_t len, int node);
int an_pfn_map_init(void);
const char *an_pfn_map_source(void);
int an_get_placement(const void *addr, size_t len, struct an_placement *pl);
int an_get_page_nodes(const void *addr, size_t len, struct an_placement *pl,
		      signed char *nodes);
double an_share(const struct an_placement *pl, int node);
int an_smaps_kb(const void *addr, const char *field, unsigned long *kb);

#endif /* __AUTONUMA_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * traffic.so: a QEMU TCG plugin (API version 1, QEMU 7.2) that counts
 * every guest memory access by the NUMA node of the vCPU that made it and
 * the node of the memory it touched.  harness/qemu.sh --traffic FILE loads
 * it with the layout it gives the guest; bench/README.md describes the
 * output.
 *
 * Arguments (key=value, as -plugin passes them):
 *   nodes=N, cpus-per-node=C, mem-per-node=MIB  the -numa layout: vCPU v
 *       is on node v / C; node n's memory is the n-th MIB-sized range
 *   addr=ram|gpa  what qemu_plugin_hwaddr_phys_addr() reports for RAM.
 *       ram (default, what 7.2 does): the offset of the access in QEMU's
 *       RAM block space (ram_addr_t), not the guest-physical address;
 *       node n's memdev is the block of mem-per-node MiB at bases=' n-th
 *       entry; gpa: the guest-physical address, node n's memory the n-th
 *       range from 0, with RAM above lowmem moved up to 4 GiB (the x86
 *       PCI hole)
 *   bases=HEX:HEX:...  addr=ram (addr=gpa ignores it): where each node's block starts, in node
 *       order (harness/qemu.sh reads them from QEMU's "info ramblock";
 *       default: one after the other from 0)
 *   lowmem=MIB    RAM below 4 GiB for addr=gpa (default: all of it)
 *   mem-order=A:B:...  node of the 1st, 2nd, ... memory range (default
 *       0:1:...; a wrong order is how the tests prove they can fail; ':'
 *       because -plugin splits its arguments at commas)
 *   out=FILE      the counts (default: stderr through qemu_plugin_outs)
 *   interval=MS   time series period in host milliseconds (1000; 0: none)
 *   hist=1        also a histogram of the reported addresses in 16 MiB
 *       buckets, per vCPU node, inside marked regions (calibration)
 *
 * User or kernel: the API has no privilege level, so an access counts as
 * kernel when its virtual address has bit 63 set (the x86-64 kernel half).
 * A kernel copy to or from user memory counts as user.
 *
 * Guest marker: "nopl 0x41554e01(%rax)" (0f 1f 80 01 4e 55 41) opens a
 * region, "nopl 0x41554e02(%rax)" closes it; counting never stops, a
 * region is the difference of the counters at its two markers.
 */
#define _GNU_SOURCE
#include "plugin-api.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PLUGIN_EXPORT int qemu_plugin_version = PLUGIN_API_VERSION;

#define MAX_NODES	64
#define MARK_START	0x41554e01u
#define MARK_STOP	0x41554e02u
#define HIST_SHIFT	24		/* 16 MiB buckets */
#define HIST_BUCKETS	4096		/* up to 64 GiB */

enum { LOCAL, REMOTE, OTHER, IO, NCLASS };	/* OTHER: RAM of no node */
enum { USER, KERNEL, NPRIV };

struct vcounts {
	uint64_t n[NPRIV][NCLASS];
} __attribute__((aligned(64)));

static struct vcounts *counts;
static uint64_t (*hist)[NPRIV][HIST_BUCKETS];
static int *vcpu_node;
static unsigned int nr_vcpus;
static int nodes, cpn, mem_order[MAX_NODES], gpa_mode, want_hist;
static uint64_t mem_bytes, low_bytes, base[MAX_NODES];
static long interval_ms = 1000;
static volatile int active;		/* a region is open */

static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t sampler;
static int sampler_on, sampler_stop;
static pthread_cond_t sampler_cond;
static struct timespec t_start;
static unsigned long series_seq;

static struct {
	unsigned int id;
	long t_ms;
	struct vcounts *snap;
} region;

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t_start.tv_sec) * 1000 +
	       (t.tv_nsec - t_start.tv_nsec) / 1000000;
}

/* Node of a reported RAM address, or -1. */
static int addr_node(uint64_t a)
{
	uint64_t i;
	int n;

	if (!gpa_mode) {
		for (n = 0; n < nodes; n++)
			if (a - base[n] < mem_bytes)
				return mem_order[n];
		return -1;
	}
	if (a >= low_bytes) {
		if (a < (4ULL << 30))
			return -1;
		a = a - (4ULL << 30) + low_bytes;
	}
	i = a / mem_bytes;
	return i < (uint64_t)nodes ? mem_order[i] : -1;
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info,
		   uint64_t vaddr, void *udata)
{
	struct qemu_plugin_hwaddr *hw;
	unsigned int priv = vaddr >> 63, cls;
	uint64_t a = 0;
	int node;

	(void)udata;
	if (vcpu >= nr_vcpus)
		return;
	hw = qemu_plugin_get_hwaddr(info, vaddr);
	if (!hw || qemu_plugin_hwaddr_is_io(hw)) {
		cls = IO;
	} else {
		a = qemu_plugin_hwaddr_phys_addr(hw);
		node = addr_node(a);
		cls = node < 0 ? OTHER : node == vcpu_node[vcpu] ? LOCAL : REMOTE;
	}
	counts[vcpu].n[priv][cls]++;
	if (want_hist && active && cls != IO) {
		a >>= HIST_SHIFT;
		hist[vcpu][priv][a < HIST_BUCKETS ? a : HIST_BUCKETS - 1]++;
	}
}

/* Racy copy of every vCPU's counters: each word is read whole. */
static void snapshot(struct vcounts *s)
{
	unsigned int v;
	int p, c;

	for (v = 0; v < nr_vcpus; v++)
		for (p = 0; p < NPRIV; p++)
			for (c = 0; c < NCLASS; c++)
				s[v].n[p][c] = __atomic_load_n(&counts[v].n[p][c],
							       __ATOMIC_RELAXED);
}

/* One line per vCPU and one for all, of @now minus @base (NULL: zero). */
static void put_counts(const char *kind, unsigned long id, long t0, long t1,
		       const struct vcounts *now, const struct vcounts *base)
{
	uint64_t all[NPRIV][NCLASS] = { { 0 } }, d;
	unsigned int v;
	int p, c;

	for (v = 0; v < nr_vcpus; v++) {
		fprintf(out, "%s\t%lu\t%ld\t%ld\t%u\t%d", kind, id, t0, t1, v,
			vcpu_node[v]);
		for (p = 0; p < NPRIV; p++)
			for (c = 0; c < NCLASS; c++) {
				d = now[v].n[p][c] - (base ? base[v].n[p][c] : 0);
				all[p][c] += d;
				fprintf(out, "\t%lu", (unsigned long)d);
			}
		fputc('\n', out);
	}
	fprintf(out, "%s\t%lu\t%ld\t%ld\tall\t-", kind, id, t0, t1);
	for (p = 0; p < NPRIV; p++)
		for (c = 0; c < NCLASS; c++)
			fprintf(out, "\t%lu", (unsigned long)all[p][c]);
	fputc('\n', out);
}

static void put_series(void)
{
	struct vcounts *s = calloc(nr_vcpus, sizeof(*s));
	long t = now_ms();

	if (!s)
		return;
	snapshot(s);
	pthread_mutex_lock(&out_lock);
	put_counts("series", ++series_seq, t, t, s, NULL);
	fflush(out);
	pthread_mutex_unlock(&out_lock);
	free(s);
}

static void *sampler_main(void *arg)
{
	struct timespec until;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &until);
	pthread_mutex_lock(&out_lock);
	while (!sampler_stop) {
		until.tv_sec += interval_ms / 1000;
		until.tv_nsec += interval_ms % 1000 * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!sampler_stop &&
		       pthread_cond_timedwait(&sampler_cond, &out_lock, &until) != ETIMEDOUT)
			;
		if (sampler_stop)
			break;
		pthread_mutex_unlock(&out_lock);
		put_series();
		pthread_mutex_lock(&out_lock);
	}
	pthread_mutex_unlock(&out_lock);
	return NULL;
}

/* Close the open region, if any: its counts, written at once. */
static void region_close(const char *how, unsigned int vcpu, long t)
{
	struct vcounts *s;

	if (!region.snap)
		return;
	s = calloc(nr_vcpus, sizeof(*s));
	if (s) {
		snapshot(s);
		fprintf(out, "mark\t%s\t%u\t%ld\t%u\n", how, region.id, t, vcpu);
		put_counts("region", region.id, region.t_ms, t, s, region.snap);
		fflush(out);
		free(s);
	}
	free(region.snap);
	region.snap = NULL;
	active = 0;
}

static void on_marker(unsigned int vcpu, void *udata)
{
	long t = now_ms();

	pthread_mutex_lock(&out_lock);
	if ((uintptr_t)udata == MARK_START) {
		/* a start inside a region closes it first */
		region_close("restart", vcpu, t);
		region.snap = calloc(nr_vcpus, sizeof(*region.snap));
		if (region.snap) {
			snapshot(region.snap);
			region.id++;
			region.t_ms = t;
			active = 1;
			fprintf(out, "mark\tstart\t%u\t%ld\t%u\n", region.id, t, vcpu);
			fflush(out);
		}
	} else {
		region_close("stop", vcpu, t);
	}
	pthread_mutex_unlock(&out_lock);
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const unsigned char *b;
		uint32_t disp;

		qemu_plugin_register_vcpu_mem_cb(insn, on_mem,
						 QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, NULL);
		if (qemu_plugin_insn_size(insn) != 7)
			continue;
		b = qemu_plugin_insn_data(insn);
		if (b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x80)
			continue;
		disp = b[3] | b[4] << 8 | b[5] << 16 | (uint32_t)b[6] << 24;
		if (disp == MARK_START || disp == MARK_STOP)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
							       QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)disp);
	}
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
	struct vcounts *s = calloc(nr_vcpus, sizeof(*s));
	unsigned int v, b;
	int node, p;

	(void)id;
	(void)udata;
	if (sampler_on) {
		pthread_mutex_lock(&out_lock);
		sampler_stop = 1;
		pthread_cond_signal(&sampler_cond);
		pthread_mutex_unlock(&out_lock);
		pthread_join(sampler, NULL);
	}
	pthread_mutex_lock(&out_lock);
	region_close("exit", 0, now_ms());
	if (s) {
		snapshot(s);
		put_counts("total", 0, 0, now_ms(), s, NULL);
	}
	if (want_hist) {
		fprintf(out, "# hist\tvcpu_node\taddr_mib\tuser\tkernel\n");
		for (node = 0; node < nodes; node++)
			for (b = 0; b < HIST_BUCKETS; b++) {
				uint64_t sum[NPRIV] = { 0 };

				for (v = 0; v < nr_vcpus; v++)
					for (p = 0; p < NPRIV; p++)
						if (vcpu_node[v] == node)
							sum[p] += hist[v][p][b];
				if (sum[USER] || sum[KERNEL])
					fprintf(out, "hist\t%d\t%u\t%lu\t%lu\n", node,
						b << (HIST_SHIFT - 20),
						(unsigned long)sum[USER],
						(unsigned long)sum[KERNEL]);
			}
	}
	fprintf(out, "end\n");
	fflush(out);
	if (out != stderr)
		fclose(out);
	out = NULL;
	pthread_mutex_unlock(&out_lock);
	free(s);
}

static int bad(const char *fmt, const char *arg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, arg);
	qemu_plugin_outs("traffic plugin: ");
	qemu_plugin_outs(buf);
	qemu_plugin_outs("\n");
	return -1;
}

/* A decimal number in [min, max], or -1. */
static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	return v;
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
				      const qemu_info_t *info, int argc,
				      char **argv)
{
	const char *file = NULL, *order = NULL, *bases = NULL;
	long mem_mib = 0, low_mib = -1;
	unsigned int v;
	int i, seen[MAX_NODES] = { 0 };
	pthread_condattr_t ca;

	if (!info->system_emulation)
		return bad("%s", "needs system emulation");
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = strchr(a, '=');
		size_t k;

		if (!val)
			return bad("argument '%s' is not key=value", a);
		k = val++ - a;
#define KEY(s) (k == strlen(s) && !strncmp(a, s, k))
		if (KEY("nodes")) {
			if ((nodes = number(val, 1, MAX_NODES)) < 0)
				return bad("nodes=%s: not a number of nodes (1-64)", val);
		} else if (KEY("cpus-per-node")) {
			if ((cpn = number(val, 1, 1024)) < 0)
				return bad("cpus-per-node=%s: not a positive number", val);
		} else if (KEY("mem-per-node")) {
			if ((mem_mib = number(val, 1, 1L << 30)) < 0)
				return bad("mem-per-node=%s: not a positive number of MiB", val);
		} else if (KEY("lowmem")) {
			if ((low_mib = number(val, 0, 1L << 30)) < 0)
				return bad("lowmem=%s: not a number of MiB", val);
		} else if (KEY("addr")) {
			if (!strcmp(val, "gpa"))
				gpa_mode = 1;
			else if (strcmp(val, "ram"))
				return bad("addr=%s: ram or gpa", val);
		} else if (KEY("bases")) {
			bases = val;
		} else if (KEY("mem-order")) {
			order = val;
		} else if (KEY("out")) {
			file = val;
		} else if (KEY("interval")) {
			if ((interval_ms = number(val, 0, 3600000)) < 0)
				return bad("interval=%s: not a number of milliseconds", val);
		} else if (KEY("hist")) {
			if ((want_hist = number(val, 0, 1)) < 0)
				return bad("hist=%s: 0 or 1", val);
		} else {
			return bad("unknown argument '%s'", a);
		}
#undef KEY
	}
	if (!nodes || !cpn || !mem_mib)
		return bad("%s", "nodes=, cpus-per-node= and mem-per-node= are required");
	mem_bytes = (uint64_t)mem_mib << 20;
	low_bytes = low_mib < 0 ? mem_bytes * nodes : (uint64_t)low_mib << 20;
	for (i = 0; i < nodes; i++) {
		mem_order[i] = i;
		base[i] = mem_bytes * i;
	}
	if (bases && !gpa_mode) {	/* addr=gpa ignores them */
		const char *p = bases;

		for (i = 0; i < nodes; i++) {
			char *end;

			errno = 0;
			base[i] = strtoull(p, &end, 16);
			if (errno || end == p || (base[i] & 0xfff) ||
			    *end != (i == nodes - 1 ? '\0' : ':'))
				return bad("bases=%s: not one page-aligned hex address per node, ':' between", bases);
			p = end + 1;
		}
	}
	if (order) {
		const char *p = order;

		for (i = 0; i < nodes; i++) {
			char *end;
			long n = strtol(p, &end, 10);

			if (end == p || n < 0 || n >= nodes || seen[n]++ ||
			    *end != (i == nodes - 1 ? '\0' : ':'))
				return bad("mem-order=%s: not a permutation of the nodes", order);
			mem_order[i] = n;
			p = end + 1;
		}
	}

	nr_vcpus = info->system.max_vcpus;
	if (nr_vcpus < 1 || nr_vcpus > (unsigned int)(nodes * cpn))
		nr_vcpus = nodes * cpn;
	counts = aligned_alloc(64, nr_vcpus * sizeof(*counts));
	vcpu_node = calloc(nr_vcpus, sizeof(*vcpu_node));
	if (want_hist)
		hist = calloc(nr_vcpus, sizeof(*hist));
	if (!counts || !vcpu_node || (want_hist && !hist))
		return bad("%s", "out of memory");
	memset(counts, 0, nr_vcpus * sizeof(*counts));
	for (v = 0; v < nr_vcpus; v++)
		vcpu_node[v] = v / cpn < (unsigned int)nodes ? (int)(v / cpn) : -1;

	out = stderr;
	if (file && !(out = fopen(file, "w")))
		return bad("cannot write out=%s", file);
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	fprintf(out, "# autonuma traffic v1: counts of guest memory accesses, see bench/README.md\n");
	fprintf(out, "layout\tnodes=%d\tcpus-per-node=%d\tmem-per-node=%ld\taddr=%s\tlowmem=%lu\tvcpus=%u\tmem-order=",
		nodes, cpn, mem_mib, gpa_mode ? "gpa" : "ram",
		(unsigned long)(low_bytes >> 20), nr_vcpus);
	for (i = 0; i < nodes; i++)
		fprintf(out, "%s%d", i ? ":" : "", mem_order[i]);
	fprintf(out, "\tinterval=%ld\tbases=", interval_ms);
	for (i = 0; i < nodes; i++)
		fprintf(out, "%s0x%lx", i ? ":" : "", (unsigned long)base[i]);
	fprintf(out, "\n# kind\tid\tt0_ms\tt1_ms\tvcpu\tnode\tuser_local\tuser_remote\tuser_other\tuser_io\tkernel_local\tkernel_remote\tkernel_other\tkernel_io\n");
	fflush(out);

	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	/*
	 * The sampler's deadlines are CLOCK_MONOTONIC: a condition variable
	 * waits on CLOCK_REALTIME unless told otherwise, and would then time
	 * out at once, writing the series as fast as it can.
	 */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sampler_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (interval_ms > 0 && !pthread_create(&sampler, NULL, sampler_main, NULL))
		sampler_on = 1;
	return 0;
}

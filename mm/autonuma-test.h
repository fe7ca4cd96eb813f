/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for AutoNUMA's pure logic, included at the end of
 * mm/autonuma.c so that they can reach its static functions.
 */
#ifdef CONFIG_AUTONUMA_KUNIT_TEST

#include <kunit/test.h>

struct knob_case {
	const char *buf;
	unsigned int min;
	unsigned int max;
	int ret;
	unsigned int val;
};

static const struct knob_case knob_cases[] = {
	/* valid, with and without the newline echo adds */
	{ "0",		0, 1,		0, 0 },
	{ "1",		0, 1,		0, 1 },
	{ "1\n",	0, 1,		0, 1 },
	{ "100",	1, UINT_MAX,	0, 100 },
	{ "4294967295",	0, UINT_MAX,	0, UINT_MAX },
	/* the range is inclusive at both ends */
	{ "10",		10, 20,		0, 10 },
	{ "20",		10, 20,		0, 20 },
	/* empty */
	{ "",		0, 1,		-EINVAL },
	{ "\n",		0, 1,		-EINVAL },
	/* not a number */
	{ "abc",	0, 1,		-EINVAL },
	{ "0x1",	0, 16,		-EINVAL },
	/* signs */
	{ "-1",		0, 1,		-EINVAL },
	{ "+1",		0, 1,		-EINVAL },
	{ " 1",		0, 1,		-EINVAL },
	/* out of range */
	{ "2",		0, 1,		-EINVAL },
	{ "9",		10, 20,		-EINVAL },
	{ "21",		10, 20,		-EINVAL },
	{ "4294967296",	0, UINT_MAX,	-EINVAL },
	/* trailing garbage */
	{ "1x",		0, 1,		-EINVAL },
	{ "1 2",	0, 1,		-EINVAL },
	{ "1\n\n",	0, 1,		-EINVAL },
};

static void autonuma_test_parse_knob(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(knob_cases); i++) {
		const struct knob_case *c = &knob_cases[i];
		unsigned int val = 12345;
		int ret;

		ret = autonuma_parse_knob(c->buf, c->min, c->max, &val);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->ret, "input \"%s\" [%u, %u]",
				    c->buf, c->min, c->max);
		/* a rejected write leaves the old value alone */
		KUNIT_EXPECT_EQ_MSG(test, val, c->ret ? 12345 : c->val,
				    "input \"%s\"", c->buf);
	}
}

/* The two-stage false-sharing filter's decisions. */
static void autonuma_test_filter(struct kunit *test)
{
	/* first fault from a node only records it, wherever the page is */
	KUNIT_EXPECT_EQ(test, autonuma_filter(NUMA_NO_NODE, 1, 0, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_RECORD);
	KUNIT_EXPECT_EQ(test, autonuma_filter(0, 1, 0, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_RECORD);
	KUNIT_EXPECT_EQ(test, autonuma_filter(2, 1, 1, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_RECORD);
	/* ... also when the page is queued elsewhere (the caller cancels) */
	KUNIT_EXPECT_EQ(test, autonuma_filter(0, 1, 0, 0, 0),
			AUTONUMA_FILTER_RECORD);
	/* second consecutive fault from a remote node queues the page */
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 0, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_QUEUE);
	KUNIT_EXPECT_EQ(test, autonuma_filter(3, 3, 2, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_QUEUE);
	/* a local page stays, however often its node faults */
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 1, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_NONE);
	/* a page already queued for this node is not queued twice */
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 0, 1, 0),
			AUTONUMA_FILTER_NONE);
}

/* A bounced page counts down its hold before it may be queued again. */
static void autonuma_test_filter_hold(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 0, NUMA_NO_NODE, 3),
			AUTONUMA_FILTER_HOLD);
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 0, NUMA_NO_NODE, 1),
			AUTONUMA_FILTER_HOLD);
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 0, NUMA_NO_NODE, 0),
			AUTONUMA_FILTER_QUEUE);
	/* a local page holds nothing */
	KUNIT_EXPECT_EQ(test, autonuma_filter(1, 1, 1, NUMA_NO_NODE, 3),
			AUTONUMA_FILTER_NONE);
	KUNIT_EXPECT_EQ(test, autonuma_holdoff(0), 0U);
	KUNIT_EXPECT_EQ(test, autonuma_holdoff(1), 3U);
	KUNIT_EXPECT_EQ(test, autonuma_holdoff(AUTONUMA_MAX_BOUNCES), 63U);
}

/*
 * Turns longer than a scan pass: each turn brings @per_turn consecutive
 * faults from one node.  Run the page state through the fault path's own
 * steps (autonuma_filter_fault(), autonuma_state_migrated(), packed and
 * unpacked as in page->flags between faults) and count the migrations.
 */
static int autonuma_simulate_turns(int turns, int per_turn)
{
	struct autonuma_page_state st;
	unsigned int raw = AUTONUMA_STATE_MASK;	/* a freshly freed page */
	int t, f, page_nid = 0, migrations = 0;

	for (t = 0; t < turns; t++) {
		int this = t & 1;

		for (f = 0; f < per_turn; f++) {
			autonuma_state_unpack(raw, 2, &st);
			if (autonuma_filter_fault(&st, this, page_nid) ==
			    AUTONUMA_FILTER_QUEUE) {
				page_nid = this;
				autonuma_state_migrated(&st, this);
				migrations++;
			}
			raw = autonuma_state_pack(&st);
		}
	}
	return migrations;
}

/* The reset value of the last_cpupid field is the empty state. */
static void autonuma_test_state_reset(struct kunit *test)
{
	struct autonuma_page_state st;

	autonuma_state_unpack(AUTONUMA_STATE_MASK, 4, &st);
	KUNIT_EXPECT_EQ(test, st.last_nid, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, st.bounces, 0U);
	KUNIT_EXPECT_EQ(test, st.hold, 0U);
	KUNIT_EXPECT_FALSE(test, st.queued);
	KUNIT_EXPECT_EQ(test, autonuma_state_pack(&st), AUTONUMA_STATE_MASK);
}

/* Every field survives a round trip, at its limits too. */
static void autonuma_test_state_round_trip(struct kunit *test)
{
	const struct autonuma_page_state cases[] = {
		{ .last_nid = 0 },
		{ .last_nid = 1, .bounces = 1, .hold = 3 },
		{ .last_nid = MAX_NUMNODES - 1, .bounces = AUTONUMA_MAX_BOUNCES,
		  .hold = autonuma_holdoff(AUTONUMA_MAX_BOUNCES), .queued = true },
		{ .last_nid = NUMA_NO_NODE, .queued = true },
	};
	struct autonuma_page_state st;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int raw = autonuma_state_pack(&cases[i]);

		KUNIT_EXPECT_EQ(test, raw & ~AUTONUMA_STATE_MASK, 0U);
		autonuma_state_unpack(raw, MAX_NUMNODES, &st);
		KUNIT_EXPECT_EQ(test, st.last_nid, cases[i].last_nid);
		KUNIT_EXPECT_EQ(test, st.bounces, cases[i].bounces);
		KUNIT_EXPECT_EQ(test, st.hold, cases[i].hold);
		KUNIT_EXPECT_EQ(test, st.queued, cases[i].queued);
	}
}

/* Whatever upstream NUMA balancing left in the field unpacks in bounds. */
static void autonuma_test_state_foreign(struct kunit *test)
{
	struct autonuma_page_state st;
	unsigned int raw;

	for (raw = 0; raw <= AUTONUMA_STATE_MASK; raw += 97) {
		autonuma_state_unpack(raw, 2, &st);
		KUNIT_EXPECT_TRUE(test, st.last_nid == NUMA_NO_NODE ||
				  (st.last_nid >= 0 && st.last_nid < 2));
		KUNIT_EXPECT_LE(test, st.bounces, (unsigned int)AUTONUMA_MAX_BOUNCES);
		KUNIT_EXPECT_LT(test, st.hold, 1U << AUTONUMA_HOLD_BITS);
	}
}

/* A fault from another node cancels a queued migration and records. */
static void autonuma_test_state_cancel(struct kunit *test)
{
	struct autonuma_page_state st = { .last_nid = 1, .queued = true };

	KUNIT_EXPECT_EQ(test, autonuma_filter_fault(&st, 1, 0),
			AUTONUMA_FILTER_NONE);
	KUNIT_EXPECT_EQ(test, autonuma_filter_fault(&st, 0, 0),
			AUTONUMA_FILTER_RECORD);
	KUNIT_EXPECT_EQ(test, st.last_nid, 0);
	KUNIT_EXPECT_FALSE(test, st.queued);
	autonuma_state_migrated(&st, 1);
	KUNIT_EXPECT_EQ(test, st.bounces, 1U);
	KUNIT_EXPECT_EQ(test, st.last_nid, 1);
}

/* Pages used in turns settle: migrations stay bounded, not one per turn. */
static void autonuma_test_filter_turns(struct kunit *test)
{
	/* two faults a turn: after one bounce the page stays */
	KUNIT_EXPECT_LE(test, autonuma_simulate_turns(100, 2), 1);
	/* three a turn: one bounce */
	KUNIT_EXPECT_LE(test, autonuma_simulate_turns(100, 3), 1);
	/* eight a turn: two bounces, then it stays */
	KUNIT_EXPECT_LE(test, autonuma_simulate_turns(100, 8), 2);
	/* a real phase change (one long turn) still migrates */
	KUNIT_EXPECT_EQ(test, autonuma_simulate_turns(2, 20), 1);
}

/* Alternating faults from two nodes never queue the page. */
static void autonuma_test_filter_ping_pong(struct kunit *test)
{
	int last = NUMA_NO_NODE, i, queued = 0;

	for (i = 0; i < 100; i++) {
		int this = i & 1;

		switch (autonuma_filter(last, this, 0, NUMA_NO_NODE, 0)) {
		case AUTONUMA_FILTER_RECORD:
			last = this;
			break;
		case AUTONUMA_FILTER_QUEUE:
			queued++;
			break;
		case AUTONUMA_FILTER_HOLD:
		case AUTONUMA_FILTER_NONE:
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, queued, 0);
}

static void autonuma_test_decay(struct kunit *test)
{
	unsigned long f[3] = { 1000, 10, 1 };

	/* up to date: nothing changes */
	KUNIT_EXPECT_EQ(test, autonuma_decay(f, 3, 0), 1011UL);
	KUNIT_EXPECT_EQ(test, f[0], 1000UL);
	/* one pass behind: halved */
	KUNIT_EXPECT_EQ(test, autonuma_decay(f, 3, 1), 500UL + 5 + 0);
	KUNIT_EXPECT_EQ(test, f[1], 5UL);
	KUNIT_EXPECT_EQ(test, f[2], 0UL);
	/* three passes behind: divided by eight */
	KUNIT_EXPECT_EQ(test, autonuma_decay(f, 3, 3), 62UL + 0);
	/* far behind, even beyond the width of a long: cleared */
	f[0] = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, autonuma_decay(f, 3, 1000), 0UL);
	KUNIT_EXPECT_EQ(test, f[0], 0UL);
}

/* A phase change: after a few passes the new node dominates. */
static void autonuma_test_decay_phase_change(struct kunit *test)
{
	unsigned long f[2] = { 100000, 0 };
	int pass;

	for (pass = 0; pass < 4; pass++) {
		autonuma_decay(f, 2, 1);
		f[1] += 10000;
	}
	KUNIT_EXPECT_GT(test, f[1], f[0]);
}

static void autonuma_test_next_pause(struct kunit *test)
{
	/* a pass that queued pages: the short pause, remote faults or not */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(6400, true, false, 100, 10000),
			100U);
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(6400, true, true, 100, 10000),
			100U);
	/* a first pass (pause 0) that queued nothing: still the short one */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(0, false, false, 100, 10000),
			100U);
	/* quiet passes make it four times longer ... */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(100, false, false, 100, 10000),
			400U);
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(1600, false, false, 100, 10000),
			6400U);
	/* ... up to the pass pause */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(6400, false, false, 100, 10000),
			10000U);
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(10000, false, false, 100,
						  10000), 10000U);
	/* remote faults but nothing queued: the pause stays */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(100, false, true, 100, 10000),
			100U);
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(800, false, true, 100, 10000),
			800U);
	/* a lowered knob takes effect at the next pass */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(10000, false, false, 100,
						  1000), 1000U);
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(10000, false, true, 100, 1000),
			1000U);
	/* a pass pause below the batch pause: the batch pause wins */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(100, false, false, 100, 0),
			100U);
	/* the largest knob values do not overflow */
	KUNIT_EXPECT_EQ(test, autonuma_next_pause(3600000, false, false, 1,
						  3600000), 3600000U);
}

/* The opt-out prctls take arg2 0/1 (set) or 0 (get), every other arg 0. */
static void autonuma_test_prctl_args(struct kunit *test)
{
	static const struct {
		bool set;
		unsigned long arg2, arg3, arg4, arg5;
		bool valid;
	} cases[] = {
		{ true, 0, 0, 0, 0, true },
		{ true, 1, 0, 0, 0, true },
		{ true, 2, 0, 0, 0, false },
		{ true, ULONG_MAX, 0, 0, 0, false },
		{ true, 1, 1, 0, 0, false },
		{ true, 0, 0, 1, 0, false },
		{ true, 1, 0, 0, ULONG_MAX, false },
		{ false, 0, 0, 0, 0, true },
		{ false, 1, 0, 0, 0, false },
		{ false, 0, 1, 0, 0, false },
		{ false, 0, 0, 1, 0, false },
		{ false, 0, 0, 0, 1, false },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    autonuma_prctl_args_valid(cases[i].set,
							      cases[i].arg2,
							      cases[i].arg3,
							      cases[i].arg4,
							      cases[i].arg5),
				    cases[i].valid, "case %d", i);
}

static void autonuma_test_rr_next(struct kunit *test)
{
	unsigned long nr[4] = { 5, 0, 7, 0 };
	unsigned long empty[4] = { 0 };
	int src, order[6], i, rr = 0;

	KUNIT_EXPECT_EQ(test, autonuma_rr_next(nr, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, autonuma_rr_next(nr, 4, 1), 2);
	KUNIT_EXPECT_EQ(test, autonuma_rr_next(nr, 4, 3), 0);
	KUNIT_EXPECT_EQ(test, autonuma_rr_next(empty, 4, 2), NUMA_NO_NODE);

	/* dequeueing alternates over the non-empty sources */
	nr[0] = 3;
	nr[2] = 2;
	for (i = 0; i < 6; i++) {
		src = autonuma_rr_next(nr, 4, rr);
		order[i] = src;
		if (src == NUMA_NO_NODE)
			break;
		nr[src]--;
		rr = (src + 1) % 4;
	}
	KUNIT_EXPECT_EQ(test, order[0], 0);
	KUNIT_EXPECT_EQ(test, order[1], 2);
	KUNIT_EXPECT_EQ(test, order[2], 0);
	KUNIT_EXPECT_EQ(test, order[3], 2);
	KUNIT_EXPECT_EQ(test, order[4], 0);
	KUNIT_EXPECT_EQ(test, order[5], NUMA_NO_NODE);
}

/*
 * The list of registered mms, on a list of the test's own (knuma_scand
 * keeps walking the real one) with real mms from mm_alloc().
 */
static struct mm_struct *autonuma_test_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();
	struct mm_autonuma *mma;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	mma = kzalloc(mm_autonuma_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mma);
	INIT_LIST_HEAD(&mma->mm_node);
	mma->mm = mm;
	mm->mm_autonuma = mma;
	return mm;
}

static bool autonuma_test_listed(struct autonuma_mm_list *l,
				 struct mm_struct *mm)
{
	struct mm_autonuma *mma;

	list_for_each_entry(mma, &l->head, mm_node)
		if (mma->mm == mm)
			return true;
	return false;
}

/* The pins the list holds: mm_count beyond the mm's own reference. */
static int autonuma_test_pins(struct mm_struct *mm)
{
	return atomic_read(&mm->mm_count) - 1;
}

static void autonuma_test_mm_list_init(struct autonuma_mm_list *l)
{
	init_llist_head(&l->new);
	init_llist_head(&l->dead);
	INIT_LIST_HEAD(&l->head);
	l->cursor = &l->head;
}

static void autonuma_test_mm_register_exit(struct kunit *test)
{
	struct mm_struct *mm = autonuma_test_mm(test);
	struct mm_autonuma *mma = mm->mm_autonuma;
	struct autonuma_mm_list l;

	autonuma_test_mm_list_init(&l);
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, mma));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(mm), 1);
	/* once per mm: the next task of the mm finds it registered */
	KUNIT_EXPECT_FALSE(test, autonuma_register(&l, mma));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(mm), 1);
	KUNIT_EXPECT_FALSE(test, autonuma_test_listed(&l, mm));
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 0U);
	KUNIT_EXPECT_TRUE(test, autonuma_test_listed(&l, mm));

	/* the exit only hands it over: still listed and pinned */
	KUNIT_EXPECT_TRUE(test, autonuma_mm_exit(&l, mma));
	KUNIT_EXPECT_FALSE(test, test_bit(0, &mma->registered));
	KUNIT_EXPECT_TRUE(test, autonuma_test_listed(&l, mm));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(mm), 1);
	/* knuma_scand drops it, once */
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 1U);
	KUNIT_EXPECT_FALSE(test, autonuma_test_listed(&l, mm));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(mm), 0);
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&mma->mm_node));
	/* an unregistered mm's exit does nothing */
	KUNIT_EXPECT_FALSE(test, autonuma_mm_exit(&l, mma));
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 0U);
	mmput(mm);
}

/* Registered and exited before knuma_scand looked: unlinked once. */
static void autonuma_test_mm_exit_unseen(struct kunit *test)
{
	struct mm_struct *mm = autonuma_test_mm(test);
	struct mm_autonuma *mma = mm->mm_autonuma;
	struct autonuma_mm_list l;

	autonuma_test_mm_list_init(&l);
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, mma));
	KUNIT_EXPECT_TRUE(test, autonuma_mm_exit(&l, mma));
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 1U);
	KUNIT_EXPECT_FALSE(test, autonuma_test_listed(&l, mm));
	KUNIT_EXPECT_TRUE(test, llist_empty(&l.new));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(mm), 0);
	mmput(mm);
}

/*
 * Switching AutoNUMA off drops every mm, and an mm that exited first is
 * dropped once, by its exit's hand-over; registering again pins again.
 */
static void autonuma_test_mm_unregister_all(struct kunit *test)
{
	struct mm_struct *a = autonuma_test_mm(test);
	struct mm_struct *b = autonuma_test_mm(test);
	struct mm_struct *c = autonuma_test_mm(test);
	struct autonuma_mm_list l;

	autonuma_test_mm_list_init(&l);
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, a->mm_autonuma));
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, b->mm_autonuma));
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 0U);
	/* c registers after the last look, b exits before the switch-off */
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, c->mm_autonuma));
	KUNIT_EXPECT_TRUE(test, autonuma_mm_exit(&l, b->mm_autonuma));
	KUNIT_EXPECT_EQ(test, autonuma_unregister_all(&l), 3U);
	KUNIT_EXPECT_TRUE(test, list_empty(&l.head));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(a), 0);
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(b), 0);
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(c), 0);
	/* an exit after the switch-off has nothing to hand over */
	KUNIT_EXPECT_FALSE(test, autonuma_mm_exit(&l, c->mm_autonuma));

	/* back on: a's tasks register it again */
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, a->mm_autonuma));
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(a), 1);
	KUNIT_EXPECT_EQ(test, autonuma_reap(&l), 0U);
	KUNIT_EXPECT_TRUE(test, autonuma_test_listed(&l, a));
	KUNIT_EXPECT_EQ(test, autonuma_unregister_all(&l), 1U);
	KUNIT_EXPECT_EQ(test, autonuma_test_pins(a), 0);
	mmput(a);
	mmput(b);
	mmput(c);
}

/* Dropping the mm the cursor points at moves the cursor on. */
static void autonuma_test_mm_cursor(struct kunit *test)
{
	struct mm_struct *a = autonuma_test_mm(test);
	struct mm_struct *b = autonuma_test_mm(test);
	struct autonuma_mm_list l;

	autonuma_test_mm_list_init(&l);
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, a->mm_autonuma));
	KUNIT_EXPECT_TRUE(test, autonuma_register(&l, b->mm_autonuma));
	autonuma_reap(&l);
	/* registration order is scan order */
	KUNIT_EXPECT_PTR_EQ(test, l.head.next, &a->mm_autonuma->mm_node);
	l.cursor = &a->mm_autonuma->mm_node;
	autonuma_mm_exit(&l, a->mm_autonuma);
	autonuma_reap(&l);
	KUNIT_EXPECT_PTR_EQ(test, l.cursor, &b->mm_autonuma->mm_node);
	autonuma_mm_exit(&l, b->mm_autonuma);
	autonuma_reap(&l);
	KUNIT_EXPECT_PTR_EQ(test, l.cursor, &l.head);
	mmput(a);
	mmput(b);
}

static struct kunit_case autonuma_test_cases[] = {
	KUNIT_CASE(autonuma_test_parse_knob),
	KUNIT_CASE(autonuma_test_filter),
	KUNIT_CASE(autonuma_test_filter_ping_pong),
	KUNIT_CASE(autonuma_test_filter_hold),
	KUNIT_CASE(autonuma_test_filter_turns),
	KUNIT_CASE(autonuma_test_state_reset),
	KUNIT_CASE(autonuma_test_state_round_trip),
	KUNIT_CASE(autonuma_test_state_foreign),
	KUNIT_CASE(autonuma_test_state_cancel),
	KUNIT_CASE(autonuma_test_decay),
	KUNIT_CASE(autonuma_test_decay_phase_change),
	KUNIT_CASE(autonuma_test_rr_next),
	KUNIT_CASE(autonuma_test_next_pause),
	KUNIT_CASE(autonuma_test_mm_register_exit),
	KUNIT_CASE(autonuma_test_mm_exit_unseen),
	KUNIT_CASE(autonuma_test_mm_unregister_all),
	KUNIT_CASE(autonuma_test_mm_cursor),
	KUNIT_CASE(autonuma_test_prctl_args),
	{}
};

static struct kunit_suite autonuma_test_suite = {
	.name = "autonuma",
	.test_cases = autonuma_test_cases,
};

kunit_test_suite(autonuma_test_suite);

#endif /* CONFIG_AUTONUMA_KUNIT_TEST */

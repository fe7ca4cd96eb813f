/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for the AutoNUMA scheduler's pure logic, included at the end
 * of kernel/sched/numa.c so that they can reach its static functions.
 */
#ifdef CONFIG_AUTONUMA_KUNIT_TEST

#include <kunit/test.h>

static void autonuma_sched_test_select_empty(struct kunit *test)
{
	unsigned long f[2] = { 0, 0 };

	/* nothing to go on: no node, or keep the one selected */
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 0, 2, NUMA_NO_NODE),
			NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 0, 2, 1), 1);
}

static void autonuma_sched_test_select_dominant(struct kunit *test)
{
	unsigned long f[4] = { 10, 900, 50, 40 };

	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 4, NUMA_NO_NODE), 1);
	/* a dominant node replaces the selected one */
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 4, 2), 1);
}

static void autonuma_sched_test_select_ties(struct kunit *test)
{
	unsigned long f[3] = { 400, 400, 200 };

	/* a tie picks the lowest node, or keeps the selected one */
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 3, NUMA_NO_NODE), 0);
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 3, 1), 1);
}

static void autonuma_sched_test_select_margin(struct kunit *test)
{
	unsigned long f[2] = { 460, 540 };

	/* a lead under the margin does not move the selection: no flapping */
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 2, 0), 0);
	/* a lead of the margin does */
	f[0] = 450;
	f[1] = 550;
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 2, 0), 1);
	/* without a selection, the best node wins at once */
	f[0] = 490;
	f[1] = 510;
	KUNIT_EXPECT_EQ(test, autonuma_select_node(f, 1000, 2, NUMA_NO_NODE), 1);
}

/* A phase change: the decay lets the new node take over within passes. */
static void autonuma_sched_test_select_phase_change(struct kunit *test)
{
	unsigned long f[2] = { 100000, 0 }, tot;
	int nid = 0, pass;

	for (pass = 0; pass < 8 && nid == 0; pass++) {
		f[0] /= 2;
		f[1] = f[1] / 2 + 10000;
		tot = f[0] + f[1];
		nid = autonuma_select_node(f, tot, 2, nid);
	}
	KUNIT_EXPECT_EQ(test, nid, 1);
	KUNIT_EXPECT_LE(test, pass, 5);
}

static void autonuma_sched_test_veto(struct kunit *test)
{
	/* strict: never away from the node, whoever asks, however loaded */
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, true, false, true, true));
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, true, true, true, true));
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, true, true, true, false));
	/* overloaded node: a waiting task may go (CFS's cache-hot rule) */
	KUNIT_EXPECT_FALSE(test, autonuma_veto(1, false, false, false, true));
	KUNIT_EXPECT_FALSE(test, autonuma_veto(1, false, false, true, true));
	/* a running task is not pushed to a busy CPU of another node ... */
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, false, true, false, true));
	/* ... but an idle CPU may take it: fairness first */
	KUNIT_EXPECT_FALSE(test, autonuma_veto(1, false, true, true, true));
	/* a node with CPUs for its tasks keeps them, even from idle CPUs */
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, false, false, true, false));
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, false, false, false, false));
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, false, true, true, false));
	KUNIT_EXPECT_TRUE(test, autonuma_veto(1, false, true, false, false));
	/* moves towards the node, or with no opinion, are never vetoed */
	KUNIT_EXPECT_FALSE(test, autonuma_veto(0, true, true, false, false));
	KUNIT_EXPECT_FALSE(test, autonuma_veto(-1, true, true, false, false));
	KUNIT_EXPECT_FALSE(test, autonuma_veto(-1, false, true, false, false));
	KUNIT_EXPECT_FALSE(test, autonuma_veto(0, false, false, true, false));
}

static void autonuma_sched_test_overloaded(struct kunit *test)
{
	/* more CFS tasks than CPUs: one waits, load balancing may take it */
	KUNIT_EXPECT_TRUE(test, autonuma_overloaded(1));
	KUNIT_EXPECT_TRUE(test, autonuma_overloaded(3));
	/* one task per CPU, or CPUs to spare: no task waits */
	KUNIT_EXPECT_FALSE(test, autonuma_overloaded(0));
	KUNIT_EXPECT_FALSE(test, autonuma_overloaded(-1));
	KUNIT_EXPECT_FALSE(test, autonuma_overloaded(-4));
}

static void autonuma_sched_test_move_overloads(struct kunit *test)
{
	int excess;

	/* the balancer moves a task into a node with a CPU to spare ... */
	KUNIT_EXPECT_FALSE(test, autonuma_move_overloads(-1));
	KUNIT_EXPECT_FALSE(test, autonuma_move_overloads(-4));
	/* ... not into one with a task per CPU, even if a CPU looks idle */
	KUNIT_EXPECT_TRUE(test, autonuma_move_overloads(0));
	KUNIT_EXPECT_TRUE(test, autonuma_move_overloads(2));
	/*
	 * One notion on both sides: a node the balancer may move a task
	 * into is one load balancing keeps its tasks on once it got it,
	 * and a node it must not move one into is one that the move would
	 * let load balancing take tasks from.
	 */
	for (excess = -4; excess <= 4; excess++)
		KUNIT_EXPECT_EQ(test, autonuma_move_overloads(excess),
				autonuma_overloaded(excess + 1));
}

/* A load balancing pass counts its source node once, then its own moves. */
static void autonuma_sched_test_lb_count(struct kunit *test)
{
	struct autonuma_lb lb = { .counted = true, .nid = 0, .excess = 2 };
	int cpu, nid;

	/* counted: the pass does not walk the node again */
	KUNIT_EXPECT_EQ(test, autonuma_lb_excess(&lb, 0), 2);
	/* two tasks more than CPUs: the pass may take one off the node ... */
	KUNIT_EXPECT_TRUE(test, autonuma_overloaded(autonuma_lb_excess(&lb, 0)));
	__autonuma_lb_moved(&lb, 0, 1);
	/* ... and a second one ... */
	KUNIT_EXPECT_TRUE(test, autonuma_overloaded(autonuma_lb_excess(&lb, 0)));
	__autonuma_lb_moved(&lb, 0, 1);
	/* ... but no third: the node now has one task per CPU */
	KUNIT_EXPECT_FALSE(test, autonuma_overloaded(autonuma_lb_excess(&lb, 0)));
	/* a move within the node, or off a node not counted, changes nothing */
	__autonuma_lb_moved(&lb, 0, 0);
	__autonuma_lb_moved(&lb, 1, 0);
	KUNIT_EXPECT_EQ(test, lb.excess, 0);

	/* a pass that counted nothing has nothing to keep in step */
	for_each_online_cpu(cpu) {
		if (cpu_to_node(cpu) == cpu_to_node(0))
			continue;
		lb = (struct autonuma_lb){};
		autonuma_lb_moved(&lb, 0, cpu);
		KUNIT_EXPECT_FALSE(test, lb.counted);
		KUNIT_EXPECT_EQ(test, lb.excess, 0);
		/* one that counted the source node does */
		lb = (struct autonuma_lb){ .counted = true,
					   .nid = cpu_to_node(0), .excess = 1 };
		autonuma_lb_moved(&lb, 0, cpu);
		KUNIT_EXPECT_EQ(test, lb.excess, 0);
		break;
	}

	/* a count of another node is no count of this one: count afresh */
	for_each_online_node(nid) {
		if (nid == 0)
			continue;
		lb = (struct autonuma_lb){ .counted = true, .nid = 0,
					   .excess = INT_MAX };
		KUNIT_EXPECT_LT(test, autonuma_lb_excess(&lb, nid), INT_MAX);
		KUNIT_EXPECT_EQ(test, lb.nid, nid);
		break;
	}
}

static void autonuma_sched_test_exchange(struct kunit *test)
{
	/* both gain */
	KUNIT_EXPECT_TRUE(test, autonuma_exchange_gain(800, 200, 700, 300));
	/* only the mover gains */
	KUNIT_EXPECT_FALSE(test, autonuma_exchange_gain(800, 200, 300, 700));
	/* only the other gains */
	KUNIT_EXPECT_FALSE(test, autonuma_exchange_gain(200, 800, 700, 300));
	/* indifferent partner: no gain for it, no exchange */
	KUNIT_EXPECT_FALSE(test, autonuma_exchange_gain(800, 200, 500, 500));
	/* a partner without statistics is never exchanged */
	KUNIT_EXPECT_FALSE(test, autonuma_exchange_gain(800, 200, 0, 0));
}

/* An opted-out task has no node, whatever its statistics chose. */
static void autonuma_sched_test_opt_out(struct kunit *test)
{
	struct task_struct *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct sched_autonuma *sa = sched_autonuma_new(NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	t->sched_autonuma = sa;
	sa->autonuma_node = 1;
	sa->move_refused = AUTONUMA_REFUSED_BEFORE_FOLLOW;
	KUNIT_EXPECT_EQ(test, task_autonuma_node(t), 1);

	autonuma_task_set_disabled(sa, true);
	KUNIT_EXPECT_TRUE(test, sa->disabled);
	KUNIT_EXPECT_EQ(test, task_autonuma_node(t), NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, sa->move_refused, 0);
	/* while opted out, a node chosen by a racing balancer is hidden */
	sa->autonuma_node = 0;
	KUNIT_EXPECT_EQ(test, task_autonuma_node(t), NUMA_NO_NODE);

	/* opted back in: the node is the balancer's to choose again */
	autonuma_task_set_disabled(sa, false);
	KUNIT_EXPECT_FALSE(test, sa->disabled);
	KUNIT_EXPECT_EQ(test, task_autonuma_node(t), 0);

	t->sched_autonuma = NULL;
	kfree(sa);
}

static struct kunit_case autonuma_sched_test_cases[] = {
	KUNIT_CASE(autonuma_sched_test_select_empty),
	KUNIT_CASE(autonuma_sched_test_select_dominant),
	KUNIT_CASE(autonuma_sched_test_select_ties),
	KUNIT_CASE(autonuma_sched_test_select_margin),
	KUNIT_CASE(autonuma_sched_test_select_phase_change),
	KUNIT_CASE(autonuma_sched_test_exchange),
	KUNIT_CASE(autonuma_sched_test_veto),
	KUNIT_CASE(autonuma_sched_test_overloaded),
	KUNIT_CASE(autonuma_sched_test_move_overloads),
	KUNIT_CASE(autonuma_sched_test_lb_count),
	KUNIT_CASE(autonuma_sched_test_opt_out),
	{}
};

static struct kunit_suite autonuma_sched_test_suite = {
	.name = "autonuma_sched",
	.test_cases = autonuma_sched_test_cases,
};

kunit_test_suite(autonuma_sched_test_suite);

#endif /* CONFIG_AUTONUMA_KUNIT_TEST */

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

static struct kunit_case autonuma_test_cases[] = {
	KUNIT_CASE(autonuma_test_parse_knob),
	{}
};

static struct kunit_suite autonuma_test_suite = {
	.name = "autonuma",
	.test_cases = autonuma_test_cases,
};

kunit_test_suite(autonuma_test_suite);

#endif /* CONFIG_AUTONUMA_KUNIT_TEST */

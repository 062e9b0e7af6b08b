/* Unit tests for Docker's --restart syntax and its messages (container/restart.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "container/restart.h"
#include "base/banned.h"

static const struct {
	const char *in;
	enum restart_kind kind;
	int max;
	const char *err;	/* Docker's message, or NULL when valid */
} cases[] = {
	{ NULL, RESTART_NO, 0, NULL },
	{ "", RESTART_NO, 0, NULL },
	{ "no", RESTART_NO, 0, NULL },
	{ "always", RESTART_ALWAYS, 0, NULL },
	{ "unless-stopped", RESTART_UNLESS_STOPPED, 0, NULL },
	{ "on-failure", RESTART_ON_FAILURE, 0, NULL },
	{ "on-failure:3", RESTART_ON_FAILURE, 3, NULL },
	{ "on-failure:0", RESTART_ON_FAILURE, 0, NULL },
	{ "on-failure:-1", 0, 0, "maximum retry count cannot be negative" },
	{ "on-failure:x", 0, 0, "maximum retry count must be an integer" },
	{ "on-failure:", 0, 0, "maximum retry count must be an integer" },
	{ "on-failure:1:2", 0, 0, "invalid restart policy format" },
	{ "always:3", 0, 0, "maximum retry count cannot be used with restart policy 'always'" },
	{ "no:1", 0, 0, "maximum retry count cannot be used with restart policy 'no'" },
	{ "unless-stopped:0", RESTART_UNLESS_STOPPED, 0, NULL },
	{ "sometimes", 0, 0, "invalid restart policy 'sometimes'" },
	{ "Always", 0, 0, "invalid restart policy 'Always'" },
};

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct restart_policy p = { RESTART_ALWAYS, 99 };
		int r = restart_policy_parse(cases[i].in, &p, &err);

		if (!cases[i].err) {
			assert_int_equal(r, 0);
			assert_int_equal(p.kind, cases[i].kind);
			assert_int_equal(p.max_retries, cases[i].max);
		} else {
			assert_int_equal(r, -1);
			assert_non_null(err);
			assert_int_equal(err->kind, ERR_INVALID);
			assert_string_equal(err->msg, cases[i].err);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
